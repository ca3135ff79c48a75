"""Which source counts when a unit has figures for the same report month from several sources.

Exactly one counts, by the administrator's source precedence (``StatisticSource``): never a sum.
The choice is stored on each statistic (``is_counted``) so that every read filters on it.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from campaigns.statistics.aggregates import aggregates_refresh
from campaigns.statistics.models import DossierStatistic, StatisticSource

UNLISTED_RANK = 10_000


def source_ranks() -> dict[str, int]:
    return dict(StatisticSource.objects.values_list("name", "rank"))


def precedence_key(source: str, ranks: dict[str, int] | None = None) -> tuple[int, str]:
    """Sorts the source that counts first: listed sources by rank, then the others by name."""
    ranks = source_ranks() if ranks is None else ranks
    return ranks.get(source, UNLISTED_RANK), source


def slot_of(unit_id: int, report_month, period_start, period_end) -> tuple:
    """A monthly report fills its unit's report month; longer or irregular periods are their own slot."""
    return (unit_id, "m", report_month) if report_month else (unit_id, "p", period_start, period_end)


def statistics_recount(*, unit_ids: Iterable[int] | None = None) -> int:
    """Mark, for the given units (all when None), the one statistic that counts per slot, and bring their monthly
    aggregates up to date (campaigns.statistics.aggregates). Returns the statistics whose mark changed."""
    unit_ids = None if unit_ids is None else list(unit_ids)
    with transaction.atomic():
        changed = _recount(unit_ids)
        aggregates_refresh(unit_ids=unit_ids)
    return changed


def _recount(unit_ids: list[int] | None) -> int:
    queryset = DossierStatistic.objects.all()
    if unit_ids is not None:
        if not unit_ids:
            return 0
        queryset = queryset.filter(unit_id__in=unit_ids)
        # The usual bulk import: one source for these units, every row counts; no row-by-row pass needed.
        if queryset.order_by().values("source").distinct().count() <= 1:
            return queryset.filter(is_counted=False).update(is_counted=True)
    ranks = source_ranks()
    slots = defaultdict(list)
    for pk, unit_id, month, start, end, source, counted in queryset.values_list(
        "pk", "unit_id", "report_month", "period_start", "period_end", "source", "is_counted"
    ).iterator(chunk_size=5000):
        slots[slot_of(unit_id, month, start, end)].append((precedence_key(source, ranks), pk, counted))
    turn_on, turn_off = [], []
    for entries in slots.values():
        entries.sort()
        for index, (_key, pk, counted) in enumerate(entries):
            wanted = index == 0
            if wanted != counted:
                (turn_on if wanted else turn_off).append(pk)
    with transaction.atomic():
        for start in range(0, len(turn_on), 900):
            DossierStatistic.objects.filter(pk__in=turn_on[start : start + 900]).update(is_counted=True)
        for start in range(0, len(turn_off), 900):
            DossierStatistic.objects.filter(pk__in=turn_off[start : start + 900]).update(is_counted=False)
    return len(turn_on) + len(turn_off)


def counting_source(*, unit_id: int, report_month, period_start, period_end, exclude_pk=None) -> tuple[str, list[str]]:
    """(the source that counts, every source) for one unit's slot, as stored."""
    queryset = DossierStatistic.objects.filter(unit_id=unit_id)
    if report_month:
        queryset = queryset.filter(report_month=report_month)
    else:
        queryset = queryset.filter(period_start=period_start, period_end=period_end, report_month__isnull=True)
    if exclude_pk:
        queryset = queryset.exclude(pk=exclude_pk)
    sources = sorted(set(queryset.values_list("source", flat=True)))
    ranks = source_ranks()
    return (min(sources, key=lambda name: precedence_key(name, ranks)) if sources else ""), sources
