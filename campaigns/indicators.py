"""Indicators over an area and a range of months: counts are summed, then divided (never averaged).

An area is a unit in force, every unit below it, and the old units that went into it. An old
unit counts towards the area only if *all* of it went there, and towards one of the area's
direct children only if all of it went into that child; otherwise it is listed as a partial
source (flagged), so no dossier is counted twice. Every function runs a fixed number of queries
whatever the number of units.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from .analysis.rates import Interval, ratio_interval_from_sums, target_verdict, wilson_interval
from .choices import SuccessionKind
from .models import AdministrativeUnit, DossierStatistic, UnitSuccession

BIG = BigIntegerField()
# Dossiers received in the period: online + in person + by post (a missing postal count is 0).
DENOMINATOR = ExpressionWrapper(
    F("received_online") + F("received_direct") + Coalesce(F("received_postal"), Value(0)), output_field=BIG
)


def _product(left, right):
    return ExpressionWrapper(left * right, output_field=BIG)


@dataclass(frozen=True)
class Area:
    root: AdministrativeUnit
    included: frozenset[int]
    child_of: dict[int, int]  # unit id -> id of the root's direct child it rolls up to
    partial_children: dict[int, frozenset[int]]  # child id -> old units only partly merged into it
    partial_root: frozenset[int]  # old units only partly merged into the root


def area_for(root: AdministrativeUnit) -> Area:
    current_rows = list(
        AdministrativeUnit.objects.descendants_of([root.pk]).values_list("pk", "parent_id", "parent__parent_id")
    )
    current = {pk for pk, _parent, _grand in current_rows}
    child_of = {}
    for pk, parent, _grand in current_rows:
        if pk != root.pk:
            child_of[pk] = pk if parent == root.pk else parent

    candidates = set(UnitSuccession.objects.filter(new_unit_id__in=current).values_list("old_unit_id", flat=True))
    successors = defaultdict(set)
    kinds = defaultdict(set)
    for old, new, kind in UnitSuccession.objects.filter(old_unit_id__in=candidates).values_list(
        "old_unit_id", "new_unit_id", "kind"
    ):
        successors[old].add(new)
        kinds[old].add(kind)
    included = set(current)
    partial_root = set()
    partial_children = defaultdict(set)
    whole_old = set()
    for old in candidates - current:
        if not successors[old] <= current:
            partial_root.add(old)
            continue
        included.add(old)
        whole_old.add(old)
        children = {child_of.get(new) for new in successors[old]}
        if len(children) == 1 and None not in children and kinds[old] == {SuccessionKind.FULL}:
            child_of[old] = children.pop()
        else:
            for child in children - {None}:
                partial_children[child].add(old)
    # Old units below a unit that went wholly into the area (e.g. old districts) count for the area.
    if whole_old:
        for pk, parent, grand in AdministrativeUnit.objects.descendants_of(whole_old).values_list(
            "pk", "parent_id", "parent__parent_id"
        ):
            if pk not in included:
                included.add(pk)
                for ancestor in (parent, grand):
                    if ancestor in child_of:
                        child_of[pk] = child_of[ancestor]
                        break
    return Area(
        root=root,
        included=frozenset(included),
        child_of=child_of,
        partial_children={child: frozenset(units) for child, units in partial_children.items()},
        partial_root=frozenset(partial_root),
    )


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int
    interval: Interval

    @property
    def value(self) -> float | None:
        return self.interval.estimate


@dataclass
class MonthPoint:
    month: datetime.date
    online: int
    denominator: int
    rate: Rate


def _statistics(area: Area, start: datetime.date, end: datetime.date):
    return DossierStatistic.objects.filter(
        unit_id__in=area.included, period_start__gte=start, period_start__lte=end
    ).annotate(denominator=DENOMINATOR)


def monthly_online_rates(area: Area, start: datetime.date, end: datetime.date) -> list[MonthPoint]:
    """Online rate per month with a cluster-robust interval (units as clusters), one query."""
    rows = (
        _statistics(area, start, end)
        # A period that does not follow calendar months (25/07–25/08) counts in the month it starts.
        .annotate(month=TruncMonth("period_start"))
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
                _as_date(row["month"]), row["y"] or 0, row["x"] or 0, Rate(row["y"] or 0, row["x"] or 0, interval)
            )
        )
    return points


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


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

    @property
    def change_points(self) -> float | None:
        if self.rate is None or self.previous_rate is None or None in (self.rate.value, self.previous_rate.value):
            return None
        return (self.rate.value - self.previous_rate.value) * 100


def _rate(numerator: int, denominator: int) -> Rate:
    return Rate(numerator, denominator, wilson_interval(numerator, denominator))


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
    current = Q(period_start__gte=start, period_start__lte=end)
    previous = Q(period_start__gte=previous_start, period_start__lte=previous_end)
    rows = (
        DossierStatistic.objects.filter(unit_id__in=area.included)
        .filter(current | previous)
        .annotate(denominator=DENOMINATOR)
        .values("unit_id")
        .annotate(
            y=Sum("received_online", filter=current),
            x=Sum("denominator", filter=current),
            p=Sum("received_postal", filter=current),
            py=Sum("received_online", filter=previous),
            px=Sum("denominator", filter=previous),
        )
    )
    for row in rows:
        child = children.get(area.child_of.get(row["unit_id"]))
        if child is None:
            continue
        child.online += row["y"] or 0
        child.denominator += row["x"] or 0
        child.postal += row["p"] or 0
        child.previous_online += row["py"] or 0
        child.previous_denominator += row["px"] or 0
    for child_id, child in children.items():
        child.partial_sources = len(area.partial_children.get(child_id, ()))
        child.rate = _rate(child.online, child.denominator)
        child.previous_rate = _rate(child.previous_online, child.previous_denominator)
        child.bcci_rate = _rate(child.postal, child.denominator)
        child.verdict = target_verdict(child.rate.interval, target) if target is not None else ""
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
            postal_total=Sum("received_postal"),
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
        "bcci_rate": _rate(values["postal_total"], values["received"]),
        "results_postal_rate": _rate(values["results_postal_total"], values["results_denominator"]),
        "on_time_rate": _rate(values["on_time"], values["resolved_total"]),
    }
