"""The one calendar of report months that every read of dossier statistics uses.

Official periodic reports run from the 15th of a month to the 14th of the next (Nghị định
09/2019/NĐ-CP): 15/10–14/11 is the November report. A calendar month is its own report month.
Quarterly, 6-month and annual reports (calendar or 15th-to-14th) are kept as such and never split
into months; any other period (25/07–25/08) is kept and shown as the period it is.
"""

import datetime

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


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def month_from_index(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


def add_months(month: datetime.date, count: int) -> datetime.date:
    return month_from_index(month_index(month) + count)


def last_day(month: datetime.date) -> datetime.date:
    return add_months(month.replace(day=1), 1) - datetime.timedelta(days=1)


def classify_period(start: datetime.date, end: datetime.date) -> tuple[str, datetime.date | None]:
    """(period kind, report month or None). The report month is the first day of the month a
    monthly report counts for; longer and irregular periods have none."""
    calendar = start.day == 1 and end == last_day(end)
    official = start.day == OFFICIAL_START_DAY and end.day == OFFICIAL_END_DAY
    if calendar:
        months = month_index(end) - month_index(start) + 1
    elif official:
        months = month_index(end) - month_index(start)
    else:
        return PeriodKind.OTHER, None
    if months == 1:
        return PeriodKind.MONTH, end.replace(day=1)
    if months == 3 and end.month % 3 == 0:
        return PeriodKind.QUARTER, None
    if months == 6 and end.month % 6 == 0:
        return PeriodKind.HALF_YEAR, None
    if months == 12 and end.month == 12:
        return PeriodKind.YEAR, None
    return PeriodKind.OTHER, None


def official_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The 15th-to-14th period of a report month: November 2024 is 15/10/2024–14/11/2024."""
    previous = add_months(month.replace(day=1), -1)
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
    return [month_from_index(index) for index in range(month_index(first), month_index(last) + 1)]


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(year, month, 1)
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return start, following - datetime.timedelta(days=1)
