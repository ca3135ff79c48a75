"""Which units make up an area: the one place that answers it.

A unit's area is the unit and every unit below it (at most three levels: province, district,
commune). Units abolished by a reform still carry figures, so most readers also take the old
units that went into the area (the succession links), and sometimes the units in force on a day
that old units went into. ``valid_to`` is exclusive: the first day a unit no longer exists.

Every function runs a fixed number of queries whatever the number of units.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q

from campaigns.units.choices import SuccessionKind, UnitLevel
from campaigns.units.models import AdministrativeUnit, UnitSuccession
from campaigns.units.succession import map_figures, map_to_current_units


def in_force(valid_from: datetime.date | None, valid_to: datetime.date | None, day: datetime.date) -> bool:
    """A unit valid from ``valid_from`` (None: since before records) until ``valid_to`` (exclusive, None: still)
    exists on ``day``."""
    return (valid_from is None or valid_from <= day) and (valid_to is None or valid_to > day)


def descendants(unit_ids: Iterable[int]):
    """A queryset of the given units and every unit below them (usable as a subquery)."""
    return AdministrativeUnit.objects.descendants_of(unit_ids)


def descendant_ids(unit_ids: Iterable[int]) -> set[int]:
    """The ids of the given units and of every unit below them."""
    return set(descendants(unit_ids).values_list("pk", flat=True))


def predecessor_ids(unit_ids) -> set[int]:
    """The old units that went (wholly or in part) into the given units (ids, or a queryset of ids)."""
    return set(UnitSuccession.objects.filter(new_unit_id__in=unit_ids).values_list("old_unit_id", flat=True))


def successor_ids(unit_ids) -> set[int]:
    """The units that the given units went into (ids, or a queryset of ids)."""
    return set(UnitSuccession.objects.filter(old_unit_id__in=unit_ids).values_list("new_unit_id", flat=True))


def campaign_unit_ids(campaign) -> list[int]:
    """The units a campaign analyses: its own unit and its further scope units (each with everything below)."""
    ids = [campaign.unit_id] if campaign.unit_id else []
    if campaign.pk:
        ids += [unit.pk for unit in campaign.scope_units.all()]
    return ids


def with_predecessors(unit_ids: Iterable[int]) -> set[int]:
    """The units below the given ones and the old units that went into any of them (not the units below those)."""
    ids = descendant_ids(unit_ids)
    return ids | predecessor_ids(ids)


def scope_ids(unit_ids: Iterable[int]) -> frozenset[int]:
    """The scope of a user's units: the units, all units below them, their predecessors and all units below those."""
    roots = set(unit_ids)
    if not roots:
        return frozenset()
    ids = descendant_ids(roots)
    predecessors = predecessor_ids(ids)
    if predecessors - ids:
        ids |= descendant_ids(predecessors)
    return frozenset(ids)


def linked_ids(unit_ids: Iterable[int]) -> set[int]:
    """The units below the given ones, the old units that went into them, and the units those went into: every unit
    whose figures a campaign on the given units may read."""
    ids = with_predecessors(unit_ids)
    return ids | successor_ids(ids)


def successors_in_force(unit_ids: Iterable[int], day: datetime.date) -> list[int]:
    """The units in force on ``day`` that the given units, or a unit below them, went into directly."""
    below = descendants(unit_ids).values("pk")
    return list(
        AdministrativeUnit.objects.valid_on(day)
        .filter(pk__in=UnitSuccession.objects.filter(old_unit_id__in=below).values("new_unit_id"))
        .values_list("pk", flat=True)
    )


def with_current_successors(unit_id: int, *, on_date: datetime.date | None = None) -> set[int]:
    """The unit, the units below it, and the units in force on ``on_date`` (default: today) that they went into,
    wholly or in part, through any number of reforms."""
    own = descendant_ids([unit_id])
    return own | set(map_to_current_units(dict.fromkeys(own, 1), on_date=on_date).by_unit)


def communes_on(scope: list[int], day: datetime.date) -> tuple[dict[int, int], list[int]]:
    """The communes of a scope in force on ``day``, and the older communes whose figures move into them.

    Returns ({source commune id -> commune in force id}, [ids of old communes split between several communes, left
    out]). A commune in force is its own source; an old commune (of the scope, or that went into one of its
    communes) is the source of the one commune in force it went wholly into."""
    communes = AdministrativeUnit.objects.filter(level=UnitLevel.COMMUNE)
    below = communes.filter(pk__in=descendants(scope).values("pk"))
    rows = list(below.values_list("pk", "valid_from", "valid_to"))
    # Older communes that went into the scope's communes count too (their figures move forward).
    # Subqueries, not the ids: a national scope has 10.000 communes.
    predecessors = communes.filter(
        pk__in=UnitSuccession.objects.filter(new_unit_id__in=below.values("pk")).values("old_unit_id")
    ).exclude(pk__in=below.values("pk"))
    rows += list(predecessors.values_list("pk", "valid_from", "valid_to"))
    current_rows = {pk for pk, start, end in rows if in_force(start, end, day)}
    old = [pk for pk, _start, _end in rows if pk not in current_rows]
    source_of = {pk: pk for pk in current_rows}
    partial = []
    if old:
        links = list(
            UnitSuccession.objects.filter(old_unit_id__in=old).values_list("old_unit_id", "new_unit_id", "kind")
        )
        targets = {new for _old, new, _kind in links}
        current = set(AdministrativeUnit.objects.valid_on(day).filter(pk__in=targets).values_list("pk", flat=True))
        mapping = map_figures({pk: 1 for pk in old}, links=links, current_ids=current)
        whole = {}
        for new_id, figures in mapping.by_unit.items():
            for source in figures.sources:
                whole.setdefault(source, set()).add(new_id)
            partial.extend(figures.partial_sources)
        for source, destinations in whole.items():
            if len(destinations) == 1:
                source_of[source] = destinations.pop()
            else:
                partial.append(source)
        # A successor that also takes part of a split commune still counts: only the split commune is left out.
        partial = sorted(set(partial) - set(source_of))
    return source_of, partial


@dataclass(frozen=True)
class Area:
    """What the dashboard and the indicators count for a unit in force.

    An old unit counts towards the area only if *all* of it went there, and towards one of the area's direct
    children only if all of it went into that child; otherwise it is listed as a partial source (flagged), so no
    dossier is counted twice."""

    root: AdministrativeUnit
    included: frozenset[int]
    child_of: dict[int, int]  # unit id -> id of the root's direct child it rolls up to
    partial_children: dict[int, frozenset[int]]  # child id -> old units only partly merged into it
    partial_root: frozenset[int]  # old units only partly merged into the root


def area_for(root: AdministrativeUnit) -> Area:
    current_rows = list(descendants([root.pk]).values_list("pk", "parent_id", "parent__parent_id"))
    child_of = {}
    for pk, parent, _grand in current_rows:
        if pk != root.pk:
            child_of[pk] = pk if parent == root.pk else parent
    return _area(
        root,
        {pk for pk, _parent, _grand in current_rows},
        child_of,
        predecessors=predecessor_ids,
        links=lambda old: UnitSuccession.objects.filter(old_unit_id__in=old).values_list(
            "old_unit_id", "new_unit_id", "kind"
        ),
        below=lambda ids: descendants(ids).values_list("pk", "parent_id", "parent__parent_id"),
    )


# The nation is no unit of the catalogue: the dashboard and the indicators export show it as this unsaved unit,
# whose direct children are the provinces in force.
NATION_CODE = "toan-quoc"


def nation_unit() -> AdministrativeUnit:
    """The whole country as the dashboard shows it ("Toàn quốc"): an unsaved unit without a primary key."""
    from django.utils.translation import gettext

    return AdministrativeUnit(code=NATION_CODE, name=gettext("Whole country"), level=UnitLevel.PROVINCE)


def is_nation(unit: AdministrativeUnit | None) -> bool:
    return unit is not None and unit.pk is None and unit.code == NATION_CODE


def nation_area(unit_ids: Iterable[int] | None = None, *, by_commune: bool = False) -> Area:
    """The area of the whole country: every province in force (each a direct child) with the units below it, and
    the old units that went wholly into them, by the rules of ``area_for``; an old commune split between communes of
    one province went wholly into that province and counts for it.

    Without ``unit_ids``, two queries (every unit, every link): lists of ten thousand ids in a query cost more
    than reading the whole tables. With them, the same answer for those units only (whether and where they
    count), from their own links and those of the units above them: five queries. With ``by_commune``, the
    children are the communes in force instead of the provinces (old communes roll up to the commune of today they
    went wholly into, as in a province's area)."""
    from django.utils import timezone

    today = timezone.localdate()
    if unit_ids is None:
        units = list(
            AdministrativeUnit.objects.values_list(
                "pk", "parent_id", "parent__parent_id", "level", "valid_from", "valid_to"
            )
        )
        links = list(UnitSuccession.objects.values_list("old_unit_id", "new_unit_id", "kind"))
    else:
        asked = set(unit_ids)
        above = AdministrativeUnit.objects.filter(pk__in=asked).values_list("parent_id", "parent__parent_id")
        asked |= {pk for pair in above for pk in pair if pk}
        provinces = AdministrativeUnit.objects.valid_on(today).filter(level=UnitLevel.PROVINCE, parent__isnull=True)
        units = list(
            AdministrativeUnit.objects.filter(
                Q(pk__in=provinces.values("pk"))
                | Q(parent_id__in=provinces.values("pk"))
                | Q(parent__parent_id__in=provinces.values("pk"))
            ).values_list("pk", "parent_id", "parent__parent_id", "level", "valid_from", "valid_to")
        )
        links = list(
            UnitSuccession.objects.filter(old_unit_id__in=asked).values_list("old_unit_id", "new_unit_id", "kind")
        )
    provinces = {
        pk for pk, parent, _g, level, start, end in units
        if level == UnitLevel.PROVINCE and parent is None and in_force(start, end, today)
    }  # fmt: skip
    tree = [(pk, parent, grand) for pk, parent, grand, *_rest in units]
    child_of = {}
    for pk, parent, grand in tree:
        for candidate in (pk, parent, grand):
            if candidate in provinces:
                child_of[pk] = candidate
                break
    current = set(child_of)
    if by_commune:
        communes = {pk for pk, _p, _g, level, *_dates in units if level == UnitLevel.COMMUNE}
        child_of = {pk: pk for pk in current & communes}

    def below(ids):
        if unit_ids is None:
            return [row for row in tree if ids & set(row)]
        return descendants(ids).values_list("pk", "parent_id", "parent__parent_id")

    return _area(
        nation_unit(),
        current,
        child_of,
        predecessors=lambda current: {old for old, new, _kind in links if new in current},
        links=lambda old: [link for link in links if link[0] in old],
        below=below,
        whole_links_only=by_commune,
    )


def _area(root, current: set[int], child_of: dict[int, int], *, predecessors, links, below, whole_links_only=True):
    """The area of ``root`` from its units in force (``current``) and the direct child each rolls up to: old units
    (``predecessors`` of units, their succession ``links``) roll up to a child when all their successors do (and,
    with ``whole_links_only``, by whole links); units ``below`` old units that went wholly in count too."""
    candidates = predecessors(current)
    successors = defaultdict(set)
    kinds = defaultdict(set)
    for old, new, kind in links(candidates):
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
        if (
            len(children) == 1
            and None not in children
            and (kinds[old] == {SuccessionKind.FULL} or not whole_links_only)
        ):
            child_of[old] = children.pop()
        else:
            for child in children - {None}:
                partial_children[child].add(old)
    # Old units below a unit that went wholly into the area (e.g. old districts) count for the area.
    if whole_old:
        for pk, parent, grand in below(whole_old):
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


def area_leaves(area: Area) -> set[int]:
    """The units the dashboard shows next to the area's own unit: its direct children, and the units included that
    roll up to no child (the root and old units that went wholly into it)."""
    return {area.root.pk} | set(area.child_of.values()) | {pk for pk in area.included if pk not in area.child_of}
