"""The one calendar of report months that every read of dossier statistics uses.

Official periodic reports run from the 15th of a month to the 14th of the next (Nghị định
09/2019/NĐ-CP): 15/10–14/11 is the November report. A calendar month is its own report month.
Quarterly, 6-month and annual reports (calendar or 15th-to-14th) are kept as such and never split
into months; any other period (25/07–25/08) is kept and shown as the period it is.
"""

import datetime
import re

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class PeriodKind(models.TextChoices):
    MONTH = "month", gettext_lazy("month")
    QUARTER = "quarter", gettext_lazy("quarter")
    HALF_YEAR = "half_year", gettext_lazy("6 months")
    YEAR = "year", gettext_lazy("year")
    OTHER = "other", gettext_lazy("other period")


OFFICIAL_START_DAY = 15
OFFICIAL_END_DAY = 14


_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def month_index(day: datetime.date) -> int:
    """Months counted from year 0, so that consecutive months differ by 1 (always > 0 for real dates)."""
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def index_label(index: int) -> str:
    """A month index written as "YYYY-MM"."""
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def label_index(label: str) -> int:
    """ "YYYY-MM" (anything after the month is ignored) as a month index."""
    year, month = str(label).split("-")[:2]
    return int(year) * 12 + int(month) - 1


def parse_month(value: str) -> datetime.date | None:
    """ "YYYY-MM" as the first day of that month; None when it is not a month written so."""
    match = _YEAR_MONTH.match(value or "")
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    return datetime.date(int(match[1]), int(match[2]), 1)


def first_day(day: datetime.date | datetime.datetime) -> datetime.date:
    """The first day of the month of ``day`` (a moment counts by its date)."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    return day.replace(day=1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    """The first day of the month ``count`` months after (or before) ``month``'s."""
    return month_from_index(month_index(month) + count)


def last_day(month: datetime.date) -> datetime.date:
    return add_months(month, 1) - datetime.timedelta(days=1)


def month_count(first: datetime.date, last: datetime.date) -> int:
    """How many months from ``first``'s to ``last``'s, both counted (the same month: 1)."""
    return month_index(last) - month_index(first) + 1


def classify_period(start: datetime.date, end: datetime.date) -> tuple[str, datetime.date | None]:
    """(period kind, report month or None). The report month is the first day of the month a
    monthly report counts for; longer and irregular periods have none."""
    calendar = start.day == 1 and end == last_day(end)
    official = start.day == OFFICIAL_START_DAY and end.day == OFFICIAL_END_DAY
    if calendar:
        months = month_count(start, end)
    elif official:
        months = month_count(start, end) - 1
    else:
        return PeriodKind.OTHER, None
    if months == 1:
        return PeriodKind.MONTH, first_day(end)
    if months == 3 and end.month % 3 == 0:
        return PeriodKind.QUARTER, None
    if months == 6 and end.month % 6 == 0:
        return PeriodKind.HALF_YEAR, None
    if months == 12 and end.month == 12:
        return PeriodKind.YEAR, None
    return PeriodKind.OTHER, None


def official_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The 15th-to-14th period of a report month: November 2024 is 15/10/2024–14/11/2024."""
    previous = add_months(month, -1)
    return previous.replace(day=OFFICIAL_START_DAY), month.replace(day=OFFICIAL_END_DAY)


def period_label(kind: str, start: datetime.date, end: datetime.date, report_month: datetime.date | None) -> str:
    """How a period is shown: 11/2024, Q2/2023, 6 tháng đầu năm 2024, năm 2022, 25/07/2021–25/08/2021."""
    if kind == PeriodKind.MONTH and report_month:
        return report_month.strftime("%m/%Y")
    if kind == PeriodKind.QUARTER:
        return _("Q%(quarter)s/%(year)s") % {"quarter": (end.month - 1) // 3 + 1, "year": end.year}
    if kind == PeriodKind.HALF_YEAR:
        if end.month == 6:
            return _("first half of %(year)s") % {"year": end.year}
        return _("second half of %(year)s") % {"year": end.year}
    if kind == PeriodKind.YEAR:
        return _("year %(year)s") % {"year": end.year}
    return f"{start:%d/%m/%Y}–{end:%d/%m/%Y}"


def months_between(first: datetime.date, last: datetime.date) -> list[datetime.date]:
    """The first days of every month from ``first``'s to ``last``'s, both included."""
    return [month_from_index(index) for index in range(month_index(first), month_index(last) + 1)]


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a calendar month."""
    start = datetime.date(year, month, 1)
    return start, last_day(start)
