"""Background work of the impact reports (Django's Tasks API), and what a request asks of it.

A report is recomputed by one worker at a time (a lock per campaign, campaigns.core.tasks) and only when its data or
method changed, so two workers draining the same queue, or twenty imports in a row, never compute it twice.
"""

from django.core.cache import cache
from django.db import transaction
from django_tasks import task

from campaigns.core.task_models import TaskLock
from campaigns.core.tasks import enqueue_once, locked, started
from campaigns.impact.cache import data_fingerprint, impact_result_refresh, is_current
from campaigns.impact.models import ImpactResult
from campaigns.plans.models import Campaign

STALE_KEY = "refresh_stale_impacts"


def impact_key(campaign_id: int) -> str:
    return f"impact:{campaign_id}"


def _holder(context) -> str:
    return f"task:{context.task_result.id}"


def _refresh_if_stale(campaign, holder: str, fingerprint: str | None = None) -> bool:
    """Recompute under the campaign's lock unless another worker has it or the stored report is current."""
    with locked(impact_key(campaign.pk), holder) as mine:
        if not mine:
            return False
        # Read again under the lock: another worker may have just stored the current report.
        fingerprint = fingerprint or data_fingerprint(campaign)
        stored = ImpactResult.objects.filter(campaign=campaign).first()
        if stored is not None and is_current(stored, fingerprint):
            return False
        # Data that no longer allow an effect (e.g. the statistics were removed) store what can still be said.
        impact_result_refresh(campaign=campaign, fingerprint=fingerprint)
    return True


@task(takes_context=True)
def refresh_impact(context, campaign_id: int) -> bool:
    """Recompute a campaign's impact report if its data changed. False when nothing was computed."""

    started(impact_key(campaign_id))
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return False
    return _refresh_if_stale(campaign, _holder(context))


@task(takes_context=True)
def refresh_stale_impacts(context) -> int:
    """Recompute the stored impact reports whose data changed (after an import). Returns how many."""
    started(STALE_KEY)
    count = 0
    for campaign in Campaign.objects.filter(impact_result__isnull=False).select_related("impact_result"):
        fingerprint = data_fingerprint(campaign)
        if is_current(campaign.impact_result, fingerprint):
            continue
        count += _refresh_if_stale(campaign, _holder(context), fingerprint)
    return count


def queue_refresh(campaign_id: int):
    """Queue one recomputation of a campaign's report (none when one is already waiting)."""

    return enqueue_once(refresh_impact, campaign_id, key=impact_key(campaign_id))


def data_changed() -> None:
    """Call after data the impact reports read has been written: the stale ones are recomputed in the background."""
    transaction.on_commit(lambda: enqueue_once(refresh_stale_impacts, key=STALE_KEY))


def figures_changed_receiver(sender, **kwargs) -> None:
    """campaigns.core.events.figures_changed: an import wrote figures the reports read."""
    next_generation()
    data_changed()


# A page view trusts a fingerprint checked this recently for the same campaign, stored report and imports: the check
# reads every statistic of the campaign's units (658.557 rows for a national campaign: 0,2–0,7 s), and a leader paging
# through the unit table would pay it on every page. An import, a new stored report or a change of the campaign makes
# the next view check again at once; only a change outside imports (one statistic edited by hand) can go unseen by the
# page for this long, and the worker's own checks (refresh_stale_impacts) never use this.
FINGERPRINT_SECONDS = 60
GENERATION_KEY = "impact-figures-generation"


def _generation() -> int:
    return cache.get(GENERATION_KEY, 0)


def next_generation() -> None:
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not there yet (or evicted)
        cache.set(GENERATION_KEY, 1, None)


def _page_fingerprint(campaign: Campaign, result: ImpactResult | None) -> str:
    """data_fingerprint, reused for FINGERPRINT_SECONDS by page views of the same campaign state and stored report."""
    if result is None:
        return data_fingerprint(campaign)
    key = (
        f"impact-fingerprint:{campaign.pk}:{campaign.updated_at.timestamp()}:{result.computed_at.timestamp()}:"
        f"{_generation()}"
    )
    fingerprint = cache.get(key)
    if fingerprint is None:
        fingerprint = data_fingerprint(campaign)
        cache.set(key, fingerprint, FINGERPRINT_SECONDS)
    return fingerprint


def cached_impact(campaign: Campaign) -> tuple[ImpactResult | None, bool]:
    """(the stored report or None, whether it is current). Queues a computation when there is none or the data
    changed; the request never computes one itself."""

    result = ImpactResult.objects.filter(campaign=campaign).first()
    fingerprint = _page_fingerprint(campaign, result)
    if result is not None and is_current(result, fingerprint):
        return result, True
    queue_refresh(campaign.pk)
    # With a worker busy elsewhere the report is not there yet; the immediate backend (tests) has just computed it.
    result = ImpactResult.objects.filter(campaign=campaign).first()
    return result, result is not None and is_current(result, fingerprint)


def computation_state(campaign: Campaign) -> dict:
    """Where the campaign's computation stands, for the page that waits for it: queued, or running since when."""

    running = TaskLock.objects.filter(key=impact_key(campaign.pk)).first()
    if running is not None:
        return {"state": "running", "since": running.taken_at}
    return {"state": "queued", "since": None}
