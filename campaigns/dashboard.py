"""What the leaders' dashboard shows for one area and range of months (reads only)."""

import datetime
from dataclasses import dataclass

from . import permissions
from .imports.statistics import month_bounds
from .indicators import Area, MonthPoint, Rate, UnitRow, area_for, area_totals, children_ranking, monthly_online_rates
from .models import AdministrativeUnit, DossierStatistic, IndicatorTargets


def add_months(month: datetime.date, count: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass
class Dashboard:
    unit: AdministrativeUnit
    start: datetime.date  # first day of the first month
    end: datetime.date  # last day of the last month
    previous_start: datetime.date
    previous_end: datetime.date
    area: Area
    points: list[MonthPoint]
    totals: dict[str, Rate]
    children: list[UnitRow]
    target: float


def dashboard_roots(user) -> list[AdministrativeUnit]:
    """Units a user may open the dashboard for at the top: their scope, or every province."""
    units = AdministrativeUnit.objects.current()
    if permissions.scope_unit_ids(user) is None:
        return list(units.filter(level="province").order_by("name"))
    return list(units.filter(user_scopes__user=user).order_by("level", "name"))


def latest_month(area: Area) -> datetime.date | None:
    latest = (
        DossierStatistic.objects.filter(unit_id__in=area.included)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .first()
    )
    return latest.replace(day=1) if latest else None


def build_dashboard(
    *, unit: AdministrativeUnit, first_month: datetime.date | None, last_month: datetime.date | None
) -> Dashboard:
    area = area_for(unit)
    last_month = last_month or latest_month(area) or datetime.date.today().replace(day=1)
    first_month = first_month or add_months(last_month, -11)
    months = (last_month.year - first_month.year) * 12 + last_month.month - first_month.month + 1
    start = first_month
    end = month_bounds(last_month.year, last_month.month)[1]
    previous_start = add_months(first_month, -months)
    previous_end = first_month - datetime.timedelta(days=1)
    target = IndicatorTargets.load().online_target_fraction
    return Dashboard(
        unit=unit,
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        area=area,
        points=monthly_online_rates(area, start, end),
        totals=area_totals(area, start, end),
        children=children_ranking(
            area, start=start, end=end, previous_start=previous_start, previous_end=previous_end, target=target
        ),
        target=target,
    )
