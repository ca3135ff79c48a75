"""Indicators over an area and a range of months: counts are summed, then divided (never averaged).

An area is a unit in force, every unit below it, and the old units that went into it. An old
unit counts towards the area only if *all* of it went there, and towards one of the area's
direct children only if all of it went into that child; otherwise it is listed as a partial
source (flagged), so no dossier is counted twice. Every function runs a fixed number of queries
whatever the number of units.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, ExpressionWrapper, F, Q, Sum

from campaigns.core.intervals import (
    NO_INTERVAL,
    Interval,
    ratio_interval_from_sums,
    target_status,
    wilson_interval,
)
from campaigns.core.months import PeriodKind, first_day, month_count
from campaigns.statistics.models import DossierStatistic
from campaigns.statistics.rate_definitions import BIG, COUNTED, DENOMINATOR, POSTAL_KNOWN, unknown_reason
from campaigns.units.areas import Area
from campaigns.units.models import AdministrativeUnit


def _product(left, right):
    return ExpressionWrapper(left * right, output_field=BIG)


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


def counted_monthly(unit_ids, start: datetime.date, end: datetime.date):
    """The statistics that count, of monthly reports whose report month lies in [start, end]."""
    return DossierStatistic.objects.filter(
        COUNTED,
        unit_id__in=unit_ids,
        period_kind=PeriodKind.MONTH,
        report_month__gte=first_day(start),
        report_month__lte=end,
    )


def _statistics(area: Area, start: datetime.date, end: datetime.date):
    return counted_monthly(area.included, start, end).annotate(denominator=DENOMINATOR)


def monthly_online_rates(area: Area, start: datetime.date, end: datetime.date) -> list[MonthPoint]:
    """Online rate per month with a cluster-robust interval (units as clusters), one query."""
    rows = (
        _statistics(area, start, end)
        # Report months: 15/10–14/11 is November's report; other periods are never placed in a month.
        .annotate(month=F("report_month"))
        .values("month")
        .annotate(
            y=Sum("received_online"),
            x=Sum("denominator"),
            yy=Sum(_product(F("received_online"), F("received_online"))),
            xy=Sum(_product(F("received_online"), F("denominator"))),
            xx=Sum(_product(F("denominator"), F("denominator"))),
            units=Count("unit_id", distinct=True, filter=Q(denominator__gt=0)),
        )
        .order_by("month")
    )
    points = []
    for row in rows:
        interval = ratio_interval_from_sums(
            sum_y=row["y"] or 0,
            sum_x=row["x"] or 0,
            sum_yy=row["yy"] or 0,
            sum_xy=row["xy"] or 0,
            sum_xx=row["xx"] or 0,
            units=row["units"],
        )
        points.append(
            MonthPoint(
                first_day(row["month"]), row["y"] or 0, row["x"] or 0, Rate(row["y"] or 0, row["x"] or 0, interval)
            )
        )
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
    previous window and a three-state verdict against ``target``. Two queries."""
    children = {
        unit.pk: UnitRow(unit=unit)
        for unit in AdministrativeUnit.objects.filter(pk__in=set(area.child_of.values())).order_by("code")
    }
    current = Q(report_month__gte=start, report_month__lte=end)
    previous = Q(report_month__gte=previous_start, report_month__lte=previous_end)
    rows = (
        DossierStatistic.objects.filter(COUNTED, unit_id__in=area.included, period_kind=PeriodKind.MONTH)
        .filter(current | previous)
        .annotate(denominator=DENOMINATOR)
        .values("unit_id")
        .annotate(
            y=Sum("received_online", filter=current),
            x=Sum("denominator", filter=current),
            p=Sum("received_postal", filter=current & POSTAL_KNOWN),
            px_postal=Sum("denominator", filter=current & POSTAL_KNOWN),
            combined=Count("pk", filter=current & Q(received_direct_or_postal__isnull=False)),
            py=Sum("received_online", filter=previous),
            px=Sum("denominator", filter=previous),
            months=Count("report_month", distinct=True, filter=current),
            # The cells (unit × report month) of the current window, for the one target interval.
            yy=Sum(_product(F("received_online"), F("received_online")), filter=current),
            xy=Sum(_product(F("received_online"), F("denominator")), filter=current),
            xx=Sum(_product(F("denominator"), F("denominator")), filter=current),
            cells=Count("pk", filter=current & Q(denominator__gt=0)),
        )
    )
    for row in rows:
        child = children.get(area.child_of.get(row["unit_id"]))
        if child is None:
            continue
        child.online += row["y"] or 0
        child.denominator += row["x"] or 0
        child.postal += row["p"] or 0
        child.postal_denominator += row["px_postal"] or 0
        child.combined_rows += row["combined"] or 0
        child.previous_online += row["py"] or 0
        child.previous_denominator += row["px"] or 0
        child.unit_months.add((row["unit_id"], row["months"]))
        for key in ("yy", "xy", "xx", "cells"):
            child.cell_sums[key] += row[key] or 0
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


def area_totals(area: Area, start: datetime.date, end: datetime.date) -> dict[str, Rate]:
    """Every indicator of PRODUCT.md for the area and period, from one aggregate query.

    Optional counts (full-process, by post…) are divided by the denominator of the rows that
    report them, so units that leave a column empty do not pull a rate down.
    """
    reported = {name: Q(**{f"{name}__isnull": False}) for name in ("received_online_full", "received_postal")}
    resolved = ExpressionWrapper(F("resolved_early") + F("resolved_on_time") + F("resolved_late"), output_field=BIG)
    row = (
        _statistics(area, start, end)
        .annotate(resolved=resolved)
        .aggregate(
            online=Sum("received_online"),
            received=Sum("denominator"),
            full=Sum("received_online_full"),
            full_denominator=Sum("denominator", filter=reported["received_online_full"]),
            postal_total=Sum("received_postal", filter=POSTAL_KNOWN),
            postal_denominator=Sum("denominator", filter=POSTAL_KNOWN),
            combined_rows=Count("pk", filter=Q(received_direct_or_postal__isnull=False)),
            resolved_total=Sum("resolved"),
            on_time=Sum(
                ExpressionWrapper(F("resolved_early") + F("resolved_on_time"), output_field=BIG),
                filter=Q(resolved__isnull=False),
            ),
            results_postal_total=Sum("results_postal", filter=Q(resolved__isnull=False)),
            results_denominator=Sum("resolved", filter=Q(results_postal__isnull=False)),
        )
    )
    values = {key: value or 0 for key, value in row.items()}
    return {
        "online_rate": _rate(values["online"], values["received"]),
        "full_online_share": _rate(values["full"], values["full_denominator"]),
        "bcci_rate": _rate(
            values["postal_total"],
            values["postal_denominator"],
            combined_only=values["combined_rows"] > 0 and not values["postal_denominator"],
        ),
        "results_postal_rate": _rate(values["results_postal_total"], values["results_denominator"]),
        "on_time_rate": _rate(values["on_time"], values["resolved_total"]),
    }
