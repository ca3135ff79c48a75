"""What a leader should know before trusting the figures of an area (reads only, a fixed number of queries)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from campaigns.core.months import PeriodKind, last_day, months_between
from campaigns.statistics.models import DossierStatistic
from campaigns.statistics.precedence import precedence_key, source_ranks
from campaigns.statistics.rate_definitions import COUNTED
from campaigns.units.areas import Area
from campaigns.units.models import AdministrativeUnit

MAX_LISTED = 300


@dataclass
class MissingMonths:
    unit: AdministrativeUnit
    months: list[datetime.date]
    expected: int

    @property
    def reported(self) -> int:
        return self.expected - len(self.months)


@dataclass
class SourceConflict:
    unit: AdministrativeUnit
    month: datetime.date
    sources: list[tuple[str, int]]  # (source, received online), the one that counts first
    counting: str


@dataclass
class TotalMismatch:
    unit: AdministrativeUnit
    month: datetime.date
    given: int
    parts: int
    children: int


@dataclass
class DataQuality:
    missing: list[MissingMonths] = field(default_factory=list)
    conflicts: list[SourceConflict] = field(default_factory=list)
    partial_units: list[AdministrativeUnit] = field(default_factory=list)
    mismatches: list[TotalMismatch] = field(default_factory=list)
    units_expected: int = 0


def data_quality(area: Area, first: datetime.date, last: datetime.date) -> DataQuality:
    months = months_between(first, last)
    units = {
        unit.pk: unit
        for unit in AdministrativeUnit.objects.filter(
            pk__in=area.included | area.partial_root | frozenset().union(*area.partial_children.values())
        )
    }
    quality = DataQuality()
    statistics = list(
        DossierStatistic.objects.filter(
            unit_id__in=area.included,
            period_kind=PeriodKind.MONTH,
            report_month__gte=months[0],
            report_month__lte=months[-1],
        ).values_list("unit_id", "report_month", "source", "received_online", "is_counted")
    )
    reported = defaultdict(set)
    by_slot = defaultdict(list)
    for unit_id, month, source, online, counted in statistics:
        if counted:
            reported[unit_id].add(month)
        by_slot[(unit_id, month)].append((source, online))

    # Communes (and wards) that were in force but did not report.
    for pk in sorted(area.included, key=lambda pk: units[pk].code if pk in units else ""):
        unit = units.get(pk)
        if unit is None or unit.level != "commune":
            continue
        expected = [
            month
            for month in months
            if (unit.valid_from is None or unit.valid_from <= month)
            and (unit.valid_to is None or unit.valid_to > last_day(month))
        ]
        if not expected:
            continue
        quality.units_expected += 1
        missing = [month for month in expected if month not in reported[pk]]
        if missing and len(quality.missing) < MAX_LISTED:
            quality.missing.append(MissingMonths(unit, missing, len(expected)))

    ranks = source_ranks()
    for (unit_id, month), entries in sorted(by_slot.items(), key=lambda item: (item[0][1], item[0][0])):
        if len(entries) < 2 or len(quality.conflicts) >= MAX_LISTED:
            continue
        entries.sort(key=lambda entry: precedence_key(entry[0], ranks))
        quality.conflicts.append(SourceConflict(units[unit_id], month, entries, entries[0][0]))

    quality.partial_units = sorted(
        (units[pk] for pk in area.partial_root | frozenset().union(*area.partial_children.values()) if pk in units),
        key=lambda unit: unit.code,
    )

    # A unit's own figure against the sum of the units directly below it, month by month.
    counted = (
        DossierStatistic.objects.filter(
            COUNTED,
            unit_id__in=area.included,
            period_kind=PeriodKind.MONTH,
            report_month__gte=months[0],
            report_month__lte=months[-1],
        )
        .values("unit_id", "unit__parent_id", "report_month")
        .annotate(online=Sum("received_online"))
    )
    own = {}
    children = defaultdict(lambda: [0, 0])
    for row in counted:
        own[(row["unit_id"], row["report_month"])] = row["online"]
        if row["unit__parent_id"]:
            child = children[(row["unit__parent_id"], row["report_month"])]
            child[0] += row["online"]
            child[1] += 1
    for (unit_id, month), (parts, count) in sorted(children.items(), key=lambda item: (item[0][1], item[0][0])):
        given = own.get((unit_id, month))
        if given is not None and given != parts and unit_id in units and len(quality.mismatches) < MAX_LISTED:
            quality.mismatches.append(TotalMismatch(units[unit_id], month, given, parts, count))
    return quality
