"""Show figures of units that no longer exist under the units in force today.

An old unit with one *full* link went wholly into its successor: its figures add up there.
An old unit split over several successors (*partial* links) cannot be divided without a key
nobody has, so its figures are not added anywhere: each successor lists it as a partial
source and is flagged, and the caller shows the flag instead of a silently wrong sum.
Links are followed through several reforms; a partial link anywhere on the way flags the result.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Number

from campaigns.units.choices import SuccessionKind
from campaigns.units.models import AdministrativeUnit, UnitSuccession


@dataclass
class MappedFigures:
    unit_id: int
    total: Number | dict = 0
    sources: list[int] = field(default_factory=list)
    partial_sources: list[int] = field(default_factory=list)

    @property
    def is_partial(self) -> bool:
        return bool(self.partial_sources)


@dataclass
class SuccessionMapping:
    by_unit: dict[int, MappedFigures]
    # Old units with no path to a unit in force (e.g. an old district: districts were abolished).
    unmapped: list[int]


def _add(total, value):
    if isinstance(value, Mapping):
        merged = dict(total) if isinstance(total, Mapping) else {}
        for key, item in value.items():
            merged[key] = merged.get(key, 0) + item
        return merged
    return total + value


def map_figures(
    values: Mapping[int, Number | Mapping[str, Number]],
    *,
    links: Iterable[tuple[int, int, str]],
    current_ids: Iterable[int],
) -> SuccessionMapping:
    """Pure mapping: ``links`` are (old id, new id, kind); ``current_ids`` the units in force."""
    current = set(current_ids)
    successors = defaultdict(list)
    for old_id, new_id, kind in links:
        successors[old_id].append((new_id, kind))

    def destinations(unit_id, partial, seen):
        if unit_id in current:
            yield unit_id, partial
            return
        if unit_id in seen:
            return
        seen = seen | {unit_id}
        for new_id, kind in successors.get(unit_id, ()):
            yield from destinations(new_id, partial or kind == SuccessionKind.PARTIAL, seen)

    by_unit: dict[int, MappedFigures] = {}
    unmapped = []
    for unit_id, value in values.items():
        reached = list(destinations(unit_id, False, frozenset()))
        if not reached:
            unmapped.append(unit_id)
            continue
        for new_id, partial in reached:
            figures = by_unit.setdefault(
                new_id, MappedFigures(unit_id=new_id, total={} if isinstance(value, Mapping) else 0)
            )
            if partial:
                figures.partial_sources.append(unit_id)
            else:
                figures.total = _add(figures.total, value)
                figures.sources.append(unit_id)
    return SuccessionMapping(by_unit=by_unit, unmapped=sorted(unmapped))


def map_to_current_units(
    values: Mapping[int, Number | Mapping[str, Number]], *, on_date: datetime.date | None = None
) -> SuccessionMapping:
    """Map figures keyed by unit id to the units in force on ``on_date`` (default: today)."""
    from django.utils import timezone

    day = on_date or timezone.localdate()
    links = list(UnitSuccession.objects.values_list("old_unit_id", "new_unit_id", "kind"))
    current = AdministrativeUnit.objects.valid_on(day).values_list("pk", flat=True)
    return map_figures(values, links=links, current_ids=current)
