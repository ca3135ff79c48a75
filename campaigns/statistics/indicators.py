"""Indicators over an area and a range of months: counts are summed, then divided (never averaged).

Every read sums the monthly aggregates of campaigns.statistics.aggregates (the statistics that count, summed per
unit, report month and source; for the whole country, per province), never the statistics themselves.

An area is a unit in force, every unit below it, and the old units that went into it. An old
unit counts towards the area only if *all* of it went there, and towards one of the area's
direct children only if all of it went into that child; otherwise it is listed as a partial
source (flagged), so no dossier is counted twice. Every function runs a fixed number of queries
whatever the number of units.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum

from campaigns.core.intervals import (
    NO_INTERVAL,
    Interval,
    ratio_interval_from_sums,
    target_status,
    wilson_interval,
)
from campaigns.core.months import first_day, month_count
from campaigns.statistics.models import AGGREGATE_SUM_NAMES, NationalMonthFigure, UnitMonthFigure
from campaigns.statistics.rate_definitions import unknown_reason
from campaigns.units.areas import Area, is_nation
from campaigns.units.models import AdministrativeUnit


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int
    interval: Interval
    reason: str = ""  # why the rate is unknown ("—"), when it is

    @property
    def value(self) -> float | None:
        return self.interval.estimate

    @property
    def is_known(self) -> bool:
        return self.interval.estimate is not None


@dataclass
class MonthPoint:
    month: datetime.date
    online: int
    denominator: int
    rate: Rate


def area_figures(area: Area, start: datetime.date, end: datetime.date):
    """The monthly aggregates of the area's units (campaigns.statistics.aggregates) whose report month lies in
    [start, end]; for the whole country, the national roll-up per province."""
    if is_nation(area.root):
        figures = NationalMonthFigure.objects.all()
    else:
        figures = UnitMonthFigure.objects.filter(unit_id__in=area.included)
    return figures.filter(month__gte=first_day(start), month__lte=end)


def _units_reporting(figures):
    """Units with dossiers in a month: counted in the unit aggregates, summed in the national roll-up."""
    if figures.model is NationalMonthFigure:
        return Sum("units")
    return Count("unit_id", distinct=True, filter=Q(denominator__gt=0))


def month_source_sums(area: Area, start: datetime.date, end: datetime.date) -> list[dict]:
    """Every sum of the area's aggregates per report month and source in [start, end], one query: what the chart,
    the totals and the list of sources are folded from (``reporting``: units with dossiers)."""
    figures = area_figures(area, start, end)
    return list(
        figures.values("month", "source")
        .annotate(**{f"total_{name}": Sum(name) for name in AGGREGATE_SUM_NAMES}, reporting=_units_reporting(figures))
        .order_by("month", "source")
    )


def monthly_online_rates(
    area: Area, start: datetime.date, end: datetime.date, *, sums: list[dict] | None = None
) -> list[MonthPoint]:
    """Online rate per month with a cluster-robust interval (units as clusters), one query (none with the
    ``sums`` of ``month_source_sums``)."""
    # Report months: 15/10–14/11 is November's report; other periods are never placed in a month. One source
    # counts per unit and report month, so the units reporting add up over the sources of a month.
    months = {}
    for row in month_source_sums(area, start, end) if sums is None else sums:
        month = months.setdefault(row["month"], dict.fromkeys(("online", "denominator", "yy", "xy", "xx", "units"), 0))
        for name in ("online", "denominator", "yy", "xy", "xx"):
            month[name] += row[f"total_{name}"] or 0
        month["units"] += row["reporting"] or 0
    points = []
    for day, month in sorted(months.items()):
        interval = ratio_interval_from_sums(
            sum_y=month["online"],
            sum_x=month["denominator"],
            sum_yy=month["yy"],
            sum_xy=month["xy"],
            sum_xx=month["xx"],
            units=month["units"],
        )
        online, denominator = month["online"], month["denominator"]
        points.append(MonthPoint(first_day(day), online, denominator, Rate(online, denominator, interval)))
    return points


@dataclass
class UnitRow:
    unit: AdministrativeUnit
    online: int = 0
    denominator: int = 0
    postal: int = 0
    previous_online: int = 0
    previous_denominator: int = 0
    partial_sources: int = 0
    rate: Rate | None = None
    previous_rate: Rate | None = None
    bcci_rate: Rate | None = None
    verdict: str = ""
    extra: dict = field(default_factory=dict)
    postal_denominator: int = 0
    combined_rows: int = 0
    unit_months: set = field(default_factory=set)
    cell_sums: dict = field(default_factory=lambda: {"yy": 0, "xy": 0, "xx": 0, "cells": 0})
    months_reported: int = 0  # report months with a figure (the best of the units rolled into this row)
    months_expected: int = 0

    @property
    def completeness_text(self) -> str:
        return f"{self.months_reported}/{self.months_expected}"

    @property
    def change_points(self) -> float | None:
        if self.rate is None or self.previous_rate is None or None in (self.rate.value, self.previous_rate.value):
            return None
        return (self.rate.value - self.previous_rate.value) * 100


def _rate(numerator: int, denominator: int, *, combined_only: bool = False) -> Rate:
    if not denominator:
        return Rate(0, 0, NO_INTERVAL, unknown_reason(denominator_total=0, combined_only=combined_only))
    return Rate(numerator, denominator, wilson_interval(numerator, denominator))


def _cell_rate(child: "UnitRow") -> Rate:
    """The child's online rate with the one target interval of campaigns.core.intervals.cell_interval: clustered
    over its unit × report-month cells (the report and the public page use the same rule)."""
    if not child.denominator:
        return _rate(child.online, child.denominator)
    sums = child.cell_sums
    interval = ratio_interval_from_sums(
        sum_y=child.online, sum_x=child.denominator, sum_yy=sums["yy"], sum_xy=sums["xy"], sum_xx=sums["xx"],
        units=sums["cells"],
    )  # fmt: skip
    return Rate(child.online, child.denominator, interval)


def children_ranking(
    area: Area,
    *,
    start: datetime.date,
    end: datetime.date,
    previous_start: datetime.date,
    previous_end: datetime.date,
    target: float | None,
) -> list[UnitRow]:
    """The root's direct children ranked by online rate in [start, end], with the change since the
    previous window and a three-state verdict against ``target``. Two queries.

    A child's months reported are the best of the units rolled into it; for the whole country, whose children are
    provinces, the report months in which the province has figures."""
    children = {
        unit.pk: UnitRow(unit=unit)
        for unit in AdministrativeUnit.objects.filter(pk__in=set(area.child_of.values())).order_by("code")
    }
    current = Q(month__gte=start, month__lte=end)
    previous = Q(month__gte=previous_start, month__lte=previous_end)
    if is_nation(area.root):
        figures, key = NationalMonthFigure.objects.filter(province__isnull=False), "province_id"
    else:
        figures, key = UnitMonthFigure.objects.filter(unit_id__in=area.included), "unit_id"
    rows = (
        figures.filter(current | previous)
        .values(key)
        .annotate(
            y=Sum("online", filter=current),
            x=Sum("denominator", filter=current),
            p=Sum("postal", filter=current),
            px_postal=Sum("postal_denominator", filter=current),
            combined=Sum("combined_rows", filter=current),
            py=Sum("online", filter=previous),
            px=Sum("denominator", filter=previous),
            months=Count("month", distinct=True, filter=current),
            # The cells (unit × report month) of the current window, for the one target interval.
            sum_yy=Sum("yy", filter=current),
            sum_xy=Sum("xy", filter=current),
            sum_xx=Sum("xx", filter=current),
            sum_cells=Sum("cells", filter=current),
        )
    )
    for row in rows:
        child = children.get(area.child_of.get(row[key]))
        if child is None:
            continue
        child.online += row["y"] or 0
        child.denominator += row["x"] or 0
        child.postal += row["p"] or 0
        child.postal_denominator += row["px_postal"] or 0
        child.combined_rows += row["combined"] or 0
        child.previous_online += row["py"] or 0
        child.previous_denominator += row["px"] or 0
        child.unit_months.add((row[key], row["months"]))
        for name in ("yy", "xy", "xx", "cells"):
            child.cell_sums[name] += row[f"sum_{name}"] or 0
    expected = month_count(start, end)
    for child_id, child in children.items():
        child.partial_sources = len(area.partial_children.get(child_id, ()))
        child.rate = _cell_rate(child)
        child.previous_rate = _rate(child.previous_online, child.previous_denominator)
        child.bcci_rate = _rate(
            child.postal,
            child.postal_denominator,
            combined_only=child.combined_rows > 0 and not child.postal_denominator,
        )
        child.months_reported = max((months for _unit, months in child.unit_months), default=0)
        child.months_expected = expected
        child.verdict = target_status(child.rate.interval, target, due=True) if target is not None else ""
    return sorted(
        children.values(),
        key=lambda row: (row.rate.value is None, -(row.rate.value or 0), row.unit.code),
    )


def area_totals(
    area: Area, start: datetime.date, end: datetime.date, *, sums: list[dict] | None = None
) -> dict[str, Rate]:
    """Every indicator of PRODUCT.md for the area and period, from one aggregate query (none with the ``sums`` of
    ``month_source_sums``).

    Optional counts (full-process, by post…) are divided by the denominator of the rows that
    report them, so units that leave a column empty do not pull a rate down.
    """
    values = dict.fromkeys(AGGREGATE_SUM_NAMES, 0)
    for row in month_source_sums(area, start, end) if sums is None else sums:
        for name in AGGREGATE_SUM_NAMES:
            values[name] += row[f"total_{name}"] or 0
    return {
        "online_rate": _rate(values["online"], values["denominator"]),
        "full_online_share": _rate(values["full"], values["full_denominator"]),
        "bcci_rate": _rate(
            values["postal"],
            values["postal_denominator"],
            combined_only=values["combined_rows"] > 0 and not values["postal_denominator"],
        ),
        "results_postal_rate": _rate(values["results_postal"], values["results_denominator"]),
        "on_time_rate": _rate(values["on_time"], values["resolved"]),
    }
