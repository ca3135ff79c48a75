"""Phone numbers, citizen IDs and names: normalised on the way in, masked on the way out."""

import datetime

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from campaigns.core.text import first_control_character, normalize_text

MAX_NAME = 200
# Characters of markup and templates that no person's name holds (a name is letters, spaces, - . ' and digits
# at most): refused, never stripped, so what is stored is what the person typed.
MARKUP_CHARACTERS = frozenset("<>{}[]`\\|^=$")

# The first three digits of a 12-digit citizen ID: the province where the birth was registered
# (Thông tư 59/2021/TT-BCA, the 63 provinces before 07/2025).
CITIZEN_ID_PROVINCES = frozenset(
    [
        "001",
        "002",
        "004",
        "006",
        "008",
        "010",
        "011",
        "012",
        "014",
        "015",
        "017",
        "019",
        "020",
        "022",
        "024",
        "025",
        "026",
        "027",
        "030",
        "031",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "040",
        "042",
        "044",
        "045",
        "046",
        "048",
        "049",
        "051",
        "052",
        "054",
        "056",
        "058",
        "060",
        "062",
        "064",
        "066",
        "067",
        "068",
        "070",
        "072",
        "074",
        "075",
        "077",
        "079",
        "080",
        "082",
        "083",
        "084",
        "086",
        "087",
        "089",
        "091",
        "092",
        "093",
        "094",
        "095",
        "096",
    ]
)


def normalise_phone(text: str) -> str:
    """A Vietnamese phone number in E.164 form (+84…), or ValidationError with a Vietnamese message."""
    raw = normalize_text(str(text or ""))
    if not raw:
        raise ValidationError(_("Enter a phone number."), code="required")
    if any(ch.isalpha() for ch in raw) or len(raw) > 20:
        raise ValidationError(_("A phone number has only digits (and + at the start)."), code="invalid")
    try:
        number = phonenumbers.parse(raw, "VN")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("This is not a phone number."), code="invalid") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("This phone number is not valid (for example 0912 345 678 or +84 912 345 678)."), code="invalid"
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str | None) -> str:
    if not e164:
        return ""
    number = phonenumbers.parse(e164, "VN")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def mask_phone(e164: str | None) -> str:
    """0912 345 678 -> 0912 ••• 678: enough to tell people apart on a roster, not to call them."""
    national = format_phone(e164).replace(" ", "")
    if len(national) < 7:
        return "•••" if national else ""
    return f"{national[:4]} ••• {national[-3:]}"


def validate_citizen_id(text: str, *, today: datetime.date | None = None) -> str:
    """Twelve digits: province code, century-and-sex digit, year of birth, six digits."""
    value = normalize_text(str(text or "")).replace(" ", "")
    if not value:
        return ""
    if len(value) != 12 or not (value.isdigit() and value.isascii()):
        raise ValidationError(_("A citizen ID has exactly 12 digits."), code="invalid")
    if value[:3] not in CITIZEN_ID_PROVINCES:
        raise ValidationError(
            _("The first three digits (%(code)s) are not a province code."), code="invalid", params={"code": value[:3]}
        )
    century_digit = int(value[3])
    if century_digit > 3:
        raise ValidationError(_("The fourth digit must be 0–3 (born 1900–2099)."), code="invalid")
    year = 1900 + 100 * (century_digit // 2) + int(value[4:6])
    if year > (today or datetime.date.today()).year:
        raise ValidationError(_("The year of birth in this ID (%(year)s) is in the future."), params={"year": year})
    return value


def mask_citizen_id(value: str) -> str:
    return f"•••••••••{value[-3:]}" if value else ""


def clean_name(text: str, *, field_label=None) -> str:
    character = first_control_character(str(text or ""))
    if character:
        raise ValidationError(
            _("Remove the invisible control character (%(character)s) from the name."),
            code="control_characters",
            params={"character": character},
        )
    value = normalize_text(str(text or ""))
    if not value:
        raise ValidationError(_("Enter the full name."), code="required")
    markup = next((ch for ch in value if ch in MARKUP_CHARACTERS), None)
    if markup:
        raise ValidationError(
            _("A name cannot contain the character “%(character)s” (no markup or code). Type the name only."),
            code="markup",
            params={"character": markup},
        )
    if len(value) > MAX_NAME:
        raise ValidationError(
            _("At most %(limit)s characters (this one has %(length)s)."),
            code="max_length",
            params={"limit": MAX_NAME, "length": len(value)},
        )
    return value


def mask_name(full_name: str) -> str:
    """ "Nguyễn Văn Học" -> "N. V. Học": enough for a person to recognise their ticket, little for anyone else."""
    words = normalize_text(full_name or "").split()
    if len(words) < 2:
        return words[0][:1] + "." if words else ""
    return " ".join([*(word[:1] + "." for word in words[:-1]), words[-1]])
