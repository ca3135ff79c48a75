"""Numbers of administrative documents as Nghị định 30/2020/NĐ-CP writes them: ``3510/KH-UBND``.

The number (Arabic digits, from 01 each year), then for legal documents the year, then the
abbreviation of the document type, a hyphen and the abbreviation of the issuing body (which may
carry a unit suffix: ``KH-UBND-VX``). Normalised on input: NFC, upper case, no spaces, a leading
"Số:" dropped.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Document type abbreviations of Phụ lục III, Nghị định 30/2020/NĐ-CP.
DOCUMENT_TYPES = frozenset(
    {
        "NQ",
        "QĐ",
        "CT",
        "QC",
        "QYĐ",
        "TC",
        "HD",
        "KH",
        "PA",
        "ĐA",
        "DA",
        "BC",
        "BB",
        "TTR",
        "CTR",
        "HĐ",
        "CĐ",
        "GUQ",
        "GM",
        "GGT",
        "GNP",
        "PG",
        "PC",
        "PB",
        "TB",
        "TT",
        "LĐ",
        "PL",
        "CV",
    }  # fmt: skip
)
PATTERN = re.compile(
    r"^(?P<number>\d{1,6})(?:/(?P<year>\d{4}))?/(?P<type>[A-ZĐ]{2,4})-(?P<body>[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+){0,3})$"
)


def normalise_plan_number(value: str) -> str:
    text = unicodedata.normalize("NFC", value or "").strip()
    text = re.sub(r"^s[ốô]\s*:?\s*", "", text, flags=re.IGNORECASE)
    return re.sub(r"\s+", "", text).upper()


def validate_plan_number(value: str) -> None:
    text = normalise_plan_number(value)
    match = PATTERN.match(text)
    if not match:
        raise ValidationError(
            _("“%(value)s” is not a document number such as 3510/KH-UBND (number/type-issuing body)."),
            code="plan_number_format",
            params={"value": value},
        )
    if int(match["number"]) == 0:
        raise ValidationError(
            _("The document number in “%(value)s” must be 1 or more."),
            code="plan_number_zero",
            params={"value": value},
        )
    if match["type"] not in DOCUMENT_TYPES:
        raise ValidationError(
            _("“%(type)s” in “%(value)s” is not a document type of Nghị định 30/2020 (KH for a plan)."),
            code="plan_number_type",
            params={"type": match["type"], "value": value},
        )
