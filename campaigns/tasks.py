"""Background work of the campaigns app (Django's Tasks API)."""

from django_tasks import task


@task()
def refresh_impact(campaign_id: int) -> bool:
    """Recompute a campaign's impact report (after its data changed). False when the campaign is gone."""
    from .impact.cache import impact_result_refresh
    from .impact.report import ImpactError
    from .models import Campaign, ImpactResult

    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return False
    try:
        impact_result_refresh(campaign=campaign)
    except ImpactError:
        # The data no longer allow a report (e.g. the statistics were removed): drop the outdated one.
        ImpactResult.objects.filter(campaign=campaign).delete()
        return False
    return True


@task()
def refresh_stale_impacts() -> int:
    """Recompute the stored impact reports whose data changed (after an import). Returns how many."""
    from .impact.cache import data_fingerprint, impact_result_refresh
    from .impact.report import ImpactError
    from .models import Campaign, ImpactResult

    count = 0
    for campaign in Campaign.objects.filter(impact_result__isnull=False).select_related("impact_result"):
        fingerprint = data_fingerprint(campaign)
        if fingerprint != campaign.impact_result.fingerprint:
            try:
                impact_result_refresh(campaign=campaign, fingerprint=fingerprint)
            except ImpactError:
                ImpactResult.objects.filter(campaign=campaign).delete()
            count += 1
    return count


def data_changed() -> None:
    """Call after data the impact reports read has been written: the stale ones are recomputed in the background."""
    from django.db import transaction

    transaction.on_commit(refresh_stale_impacts.enqueue)
