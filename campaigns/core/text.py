"""Text normalisation shared by every import and search: NFC on input, accent folding for matching."""

import re
import unicodedata

from django.utils.deconstruct import deconstructible

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d"})


def normalize_text(value: str) -> str:
    """NFC-normalise and trim, collapsing runs of white space (including NBSP) into one space."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def fold(value: str) -> str:
    """Case- and accent-folded form: ``fold("Xã Hòa Bình") == fold("xa hoa binh") == "xa hoa binh"``."""
    decomposed = unicodedata.normalize("NFD", normalize_text(value).translate(_FOLD_EXTRA))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


# C0 control characters and DEL, except tab, line feed and carriage return: no form field, name or table cell holds
# them (a spreadsheet cannot store them, PostgreSQL refuses NUL, a terminal runs ESC sequences).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def first_control_character(value: str) -> str | None:
    """The first control character in ``value`` as ``U+001B`` (None when there is none)."""
    match = CONTROL_CHARACTERS.search(value)
    return f"U+{ord(match.group()):04X}" if match else None


def strip_control_characters(value: str) -> str:
    return CONTROL_CHARACTERS.sub("", value)


@deconstructible
class ProhibitControlCharactersValidator:
    """Refuses text with control characters (set on every form text field in ``CmsConfig.ready``)."""

    code = "control_characters"

    def __call__(self, value):
        from django.core.exceptions import ValidationError
        from django.utils.translation import gettext as _

        character = first_control_character(str(value)) if value is not None else None
        if character:
            raise ValidationError(
                _("Remove the invisible control character (%(character)s) from this text."),
                code=self.code,
                params={"character": character},
            )

    def __eq__(self, other):
        return isinstance(other, ProhibitControlCharactersValidator)


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
