"""Text normalisation shared by every import and search: NFC on input, accent folding for matching."""

import unicodedata

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def normalize_text(value: str) -> str:
    """NFC-normalise and trim, collapsing runs of white space (including NBSP) into one space."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def fold(value: str) -> str:
    """Case- and accent-folded form: ``fold("Xã Hòa Bình") == fold("xa hoa binh") == "xa hoa binh"``."""
    decomposed = unicodedata.normalize("NFD", normalize_text(value).translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def ascii_slug(value: str, max_length: int = 255) -> str:
    """A readable ASCII slug from Vietnamese text: ``ascii_slug("Đăng ký khai tử trực tuyến") ==
    "dang-ky-khai-tu-truc-tuyen"`` (accents dropped, đ → d, anything else but letters and digits → one hyphen)."""
    folded = fold(value)
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in folded).split()
    return "-".join(words)[:max_length].strip("-")


def slug_formatters() -> list[tuple[str, str]]:
    """Replacements for Wagtail's slug widget, applied in the browser before its own ASCII slugify: that one turns
    "đ" into "dj" and drops Vietnamese letters with two marks ("tử" → "t"). One character class per base letter."""
    groups: dict[str, list[str]] = {"d": ["đ"], "D": ["Đ"]}
    for code in range(0x00C0, 0x1F00):
        char = chr(code)
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        marks = decomposed[1:]
        if marks and base.isascii() and base.isalpha() and all(unicodedata.combining(mark) for mark in marks):
            groups.setdefault(base, []).append(char)
    return [(f"[{''.join(chars)}]", base) for base, chars in sorted(groups.items())]
