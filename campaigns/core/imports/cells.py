"""Cell parsers shared by every import (statistics, activities, rosters): each returns (value, message).

They never guess: "1,5" or "1.5" is an error for a count, a date is dd/mm/yyyy or ISO, a period a month.
"""

import datetime
import math
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.core.months import month_bounds
from campaigns.core.text import normalize_text

_MONTH_SLASH = re.compile(r"^(\d{1,2})/(\d{4})$")
_MONTH_ISO = re.compile(r"^(\d{4})-(\d{1,2})$")
_DATE_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
COLUMN_NUMBER = re.compile(r"^\(\s*\d+\s*\)$")  # the unit-of-measure row of a form: (1), (2), …
_GROUPED_DOTS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_GROUPED_SPACES = re.compile(r"^\d{1,3}(?:[ \u00a0\u202f\u2009]\d{3})+$")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_COUNT = 2_147_483_647  # the database column's limit


@dataclass(frozen=True)
class CountWording:
    """How a count parser words a negative number and a number over its maximum."""

    negative: str
    too_large: str


# Dossier counts (statistics) and the quantities, people and costs of an activity log word these differently.
COUNT_WORDING = CountWording(gettext_lazy("a count cannot be negative"), gettext_lazy("too large for a count"))
AMOUNT_WORDING = CountWording(gettext_lazy("cannot be negative"), gettext_lazy("too large"))
MAX_COUNT_DIGITS = 30  # int() refuses very long digit strings; no count has 30 digits


def parse_count(value, maximum: int = MAX_COUNT, *, wording: CountWording = COUNT_WORDING):
    """(whole number from 0 to ``maximum`` or None, error message or None).

    Vietnamese grouping (1.234, 1 234) is read; it never guesses: '1,5' or '1.5' is an error.
    """
    if value is None:
        return None, None
    if isinstance(value, bool):
        return None, _("not a whole number")
    if isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            return None, _("not a whole number (fractions are not counts)")
        value = int(value)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not text:
            return None, None
        if len(text) > MAX_COUNT_DIGITS:
            return None, str(wording.too_large)
        if text.isdigit() and text.isascii():
            number = int(text)
        elif _GROUPED_DOTS.match(text):
            number = int(text.replace(".", ""))
        elif _GROUPED_SPACES.match(text):
            number = int(re.sub(r"\D", "", text))
        elif text.startswith("-") and text[1:].replace(".", "").isdigit():
            number = -1
        else:
            return None, _("not a whole number (use 1.234 or 1234; a comma or a lone dot is ambiguous)")
    if number < 0:
        return None, str(wording.negative)
    if number > maximum:
        return None, str(wording.too_large)
    return number, None


def parse_day(value):
    if isinstance(value, datetime.datetime):
        return value.date(), None
    if isinstance(value, datetime.date):
        return value, None
    text = "" if value is None else str(value).strip()
    if not text:
        return None, None
    match = _DATE_DMY.match(text)
    try:
        if match:
            return datetime.date(int(match[3]), int(match[2]), int(match[1])), None
        match = _DATE_ISO.match(text)
        if match:
            return datetime.date(int(match[1]), int(match[2]), int(match[3])), None
    except ValueError:
        return None, _("this date does not exist")
    return None, _("not a date (use dd/mm/yyyy)")


def parse_period(value):
    if isinstance(value, (datetime.date, datetime.datetime)):
        day = value.date() if isinstance(value, datetime.datetime) else value
        if day.day != 1:
            return None, _("a period is a month: use MM/YYYY")
        return month_bounds(day.year, day.month), None
    text = "" if value is None else str(value).strip()
    if not text:
        return None, None
    match = _MONTH_SLASH.match(text)
    if match:
        month, year = int(match[1]), int(match[2])
    else:
        match = _MONTH_ISO.match(text)
        if not match:
            return None, _("not a period (use MM/YYYY or YYYY-MM)")
        year, month = int(match[1]), int(match[2])
    if not 1 <= month <= 12 or year < 1990:
        return None, _("this month does not exist")
    return month_bounds(year, month), None


def period_of(raw_period, raw_start, raw_end):
    """(start, end, problems) of one row's period cells; ``problems`` lists (field, value, message).

    A row gives either Kỳ (with optional Từ ngày / Đến ngày that must agree) or both dates.
    """
    problems = []
    if raw_period is not None and raw_period != "":
        bounds, message = parse_period(raw_period)
        if message:
            problems.append(("period", raw_period, message))
        start, end = bounds if bounds else (None, None)
        for field, raw, expected in (("period_start", raw_start, start), ("period_end", raw_end, end)):
            given, _message = parse_day(raw)
            if given is not None and expected is not None and given != expected:
                problems.append((field, raw, _("does not match the period")))
        return start, end, problems
    start, message = parse_day(raw_start)
    if message:
        problems.append(("period_start", raw_start, message))
    end, end_message = parse_day(raw_end)
    if end_message:
        problems.append(("period_end", raw_end, end_message))
    if start is None and end is None and not end_message and not message:
        problems.append(("period", "", _("the period is missing")))
    elif start and end and end < start:
        problems.append(("period_end", raw_end, _("the period ends before it starts")))
    elif (start is None) != (end is None) and not problems:
        problems.append(("period_end" if end is None else "period_start", "", _("both dates are required")))
    return start, end, problems


def parse_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = normalize_text(str(value))
    # Undo the apostrophe our exports put before a formula-like value.
    if len(text) > 1 and text[0] == "'" and text[1] in "=+-@":
        text = text[1:]
    return text


def parse_code(value) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        # Spreadsheets drop leading zeros of numeric cells: 1 -> 01 (province), 1234 -> 01234 (commune).
        return digits.zfill(2) if len(digits) < 2 else digits.zfill(5) if len(digits) == 4 else digits
    if isinstance(value, float) and value.is_integer():
        return parse_code(int(value))
    return parse_text(value)
