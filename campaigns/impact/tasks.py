"""Background work of the campaigns app (Django's Tasks API).

A report is recomputed by one worker at a time (a lock per campaign, campaigns.core.tasks) and only when its data or
method changed, so two workers draining the same queue, or twenty imports in a row, never compute it twice.
"""

from django_tasks import task

STALE_KEY = "refresh_stale_impacts"


def impact_key(campaign_id: int) -> str:
    return f"impact:{campaign_id}"


def _holder(context) -> str:
    return f"task:{context.task_result.id}"


def _refresh_if_stale(campaign, holder: str, fingerprint: str | None = None) -> bool:
    """Recompute under the campaign's lock unless another worker has it or the stored report is current."""
    from campaigns.core.tasks import locked
    from campaigns.impact.cache import data_fingerprint, impact_result_refresh, is_current
    from campaigns.impact.models import ImpactResult

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
    from campaigns.core.tasks import started
    from campaigns.plans.models import Campaign

    started(impact_key(campaign_id))
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return False
    return _refresh_if_stale(campaign, _holder(context))


@task(takes_context=True)
def refresh_stale_impacts(context) -> int:
    """Recompute the stored impact reports whose data changed (after an import). Returns how many."""
    from campaigns.core.tasks import started
    from campaigns.impact.cache import data_fingerprint, is_current
    from campaigns.plans.models import Campaign

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
    from campaigns.core.tasks import enqueue_once

    return enqueue_once(refresh_impact, campaign_id, key=impact_key(campaign_id))


def data_changed() -> None:
    """Call after data the impact reports read has been written: the stale ones are recomputed in the background."""
    from django.db import transaction

    from campaigns.core.tasks import enqueue_once

    transaction.on_commit(lambda: enqueue_once(refresh_stale_impacts, key=STALE_KEY))


def figures_changed_receiver(sender, **kwargs) -> None:
    """campaigns.core.events.figures_changed: an import wrote figures the reports read."""
    data_changed()
