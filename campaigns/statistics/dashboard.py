"""What the leaders' dashboard shows for one area and range of months (reads only)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, Q

from campaigns.access import permissions
from campaigns.core.months import PeriodKind, add_months, first_day, last_day, month_count, period_label
from campaigns.statistics.indicator_targets import IndicatorTargets
from campaigns.statistics.indicators import (
    MonthPoint,
    Rate,
    UnitRow,
    _rate,
    area_totals,
    children_ranking,
    month_source_sums,
    monthly_online_rates,
)
from campaigns.statistics.models import DossierStatistic, NationalMonthFigure, UnitMonthFigure
from campaigns.statistics.rate_definitions import COUNTED, DENOMINATOR
from campaigns.units.areas import Area, area_for, area_leaves, is_nation, nation_unit
from campaigns.units.choices import UnitLevel
from campaigns.units.models import AdministrativeUnit


@dataclass
class PeriodicReport:
    """A quarterly, 6-month, annual or irregular report, shown as the period it is (never split into months)."""

    unit: AdministrativeUnit
    label: str
    start: datetime.date
    end: datetime.date
    source: str
    online: int
    denominator: int
    rate: Rate

    @property
    def period_text(self) -> str:
        """ "Quý 2/2023 (01/04/2023–30/06/2023)", or just the dates of an irregular period."""
        dates = f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"
        return dates if self.label == dates else f"{self.label} ({dates})"


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
    periodic: list[PeriodicReport]
    sources: list[tuple[str, int]]  # the sources whose figures count in the window, with their number of statistics
    former: list[AdministrativeUnit]  # provinces and districts before 01/07/2025 within the area, to open


def has_national_scope(user) -> bool:
    """May the user open the whole country? Only users whose scope is not restricted to units (administrators):
    a leader scoped to a province sees that province, never the country."""
    return permissions.scope_unit_ids(user) is None


def dashboard_roots(user) -> list[AdministrativeUnit]:
    """Units a user may open the dashboard for at the top: their scope, or the whole country and every province."""
    units = AdministrativeUnit.objects.current()
    if has_national_scope(user):
        return [nation_unit(), *units.filter(level="province").order_by("name")]
    return list(units.filter(user_scopes__user=user).order_by("level", "name"))


def dashboard_area(unit: AdministrativeUnit) -> Area:
    """The area the dashboard reads. For the whole country, only what the national roll-up needs: the provinces
    in force as its children and, as units not counted, those whose figures count for no province (one or two
    queries, where ``nation_area`` reads every unit and link)."""
    if not is_nation(unit):
        return area_for(unit)
    provinces = AdministrativeUnit.objects.current().filter(level=UnitLevel.PROVINCE, parent__isnull=True)
    outside = UnitMonthFigure.objects.filter(in_nation=False).values_list("unit_id", flat=True).distinct()
    return Area(
        root=unit,
        included=frozenset(),
        child_of={pk: pk for pk in provinces.values_list("pk", flat=True)},
        partial_children={},
        partial_root=frozenset(outside),
    )


def latest_month(area: Area) -> datetime.date | None:
    """The latest report month with a figure that counts in the area."""
    figures = (
        NationalMonthFigure.objects.all()
        if is_nation(area.root)
        else UnitMonthFigure.objects.filter(unit_id__in=area.included)
    )
    return figures.aggregate(latest=Max("month"))["latest"]


def latest_period_month(area: Area) -> datetime.date | None:
    """The month in which the area's latest longer or irregular report ends (when it has no monthly report)."""
    units = Q(unit_id__in=area_leaves(area) - {None}) if is_nation(area.root) else Q(unit_id__in=area.included)
    latest = (
        DossierStatistic.objects.filter(COUNTED, units)
        .exclude(period_kind=PeriodKind.MONTH)
        .aggregate(latest=Max("period_end"))["latest"]
    )
    return first_day(latest) if latest else None


def periodic_reports(area: Area, start: datetime.date, end: datetime.date) -> list[PeriodicReport]:
    """Reports of longer or irregular periods that end in the window, for the area's own unit and its children."""
    # The area's own unit (and old units that went wholly into it) and the units directly below it.
    shown = area_leaves(area) - {None}
    rows = (
        DossierStatistic.objects.filter(COUNTED, unit_id__in=shown, period_end__gte=start, period_end__lte=end)
        .exclude(period_kind=PeriodKind.MONTH)
        .select_related("unit")
        .annotate(denominator=DENOMINATOR)
        .order_by("period_end", "unit__code")
    )
    return [
        PeriodicReport(
            unit=row.unit,
            label=period_label(row.period_kind, row.period_start, row.period_end, None),
            start=row.period_start,
            end=row.period_end,
            source=row.source,
            online=row.received_online,
            denominator=row.denominator,
            rate=_rate(row.received_online, row.denominator),
        )
        for row in rows[:200]
    ]


def campaign_periodic_reports(campaign) -> list[PeriodicReport]:
    """The campaign area's reports of longer or irregular periods ending from a year before the campaign to a year
    after it: the one window of the public campaign page, the admin report page and its PDF and XLSX."""
    start = add_months(campaign.starts_on, -12)
    end = last_day(add_months(campaign.ends_on, 12))
    return periodic_reports(area_for(campaign.unit), start, end)


def counting_sources(
    area: Area, start: datetime.date, end: datetime.date, *, sums: list[dict] | None = None
) -> list[tuple[str, int]]:
    """The sources whose figures count in the window, with their number of statistics (most first)."""
    counts = defaultdict(int)
    for row in month_source_sums(area, start, end) if sums is None else sums:
        counts[row["source"]] += row["total_rows"] or 0
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


PARTS = frozenset({"points", "totals", "children", "periodic", "sources"})


def build_dashboard(
    *,
    unit: AdministrativeUnit,
    first_month: datetime.date | None,
    last_month: datetime.date | None,
    parts: frozenset[str] = PARTS,
) -> Dashboard:
    """The dashboard of a unit (or of the whole country, ``nation_unit()``) over a range of report months. Only
    the ``parts`` asked are read: the chart needs the points, the ranking download the children."""
    area = dashboard_area(unit)
    last_month = last_month or latest_month(area) or latest_period_month(area) or first_day(datetime.date.today())
    first_month = first_month or add_months(last_month, -11)
    months = month_count(first_month, last_month)
    start = first_month
    end = last_day(last_month)
    previous_start = add_months(first_month, -months)
    previous_end = first_month - datetime.timedelta(days=1)
    target = IndicatorTargets.load().online_target_fraction
    # The chart, the totals and the sources fold one query's sums per report month and source.
    sums = month_source_sums(area, start, end) if parts & {"points", "totals", "sources"} else []
    return Dashboard(
        unit=unit,
        start=start,
        end=end,
        previous_start=previous_start,
        previous_end=previous_end,
        area=area,
        points=monthly_online_rates(area, start, end, sums=sums) if "points" in parts else [],
        totals=area_totals(area, start, end, sums=sums) if "totals" in parts else {},
        children=children_ranking(
            area, start=start, end=end, previous_start=previous_start, previous_end=previous_end, target=target
        )
        if "children" in parts
        else [],
        target=target,
        periodic=periodic_reports(area, start, end) if "periodic" in parts else [],
        sources=counting_sources(area, start, end, sums=sums) if "sources" in parts else [],
        former=former_units(area) if "children" in parts and not is_nation(unit) else [],
    )


def former_units(area: Area) -> list[AdministrativeUnit]:
    """The provinces and districts before 01/07/2025 whose figures count in the area, for the dashboard to open
    (their own dashboards rank their districts or communes as they were). One query."""
    return list(
        AdministrativeUnit.objects.filter(
            pk__in=area.included, valid_to__isnull=False, level__in=(UnitLevel.PROVINCE, UnitLevel.DISTRICT)
        )
        .exclude(pk=area.root.pk)
        .order_by("level", "code")[:200]
    )
