"""Impact reports cached per campaign, keyed by a fingerprint of the data they were computed from.

A report is reused while the statistics, the activities, the campaign (with its rules and targets)
and the threshold settings are unchanged. When they change, the old report is still shown, marked
as out of date, while a background task computes the new one; a campaign without any report gets
one computed on the spot.
"""

import hashlib
import json
import time

from django.db import connection
from django.db.models import BooleanField, Count, Max, Q, Sum
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import override

from campaigns.impact.analysis.effect import METHOD
from campaigns.impact.models import ImpactResult, RolloutPlan
from campaigns.impact.report import METHOD_VERSION, ImpactError, impact_report, unavailable_report
from campaigns.plans.models import Campaign
from campaigns.statistics.indicator_targets import IndicatorTargets
from campaigns.statistics.models import DossierStatistic
from campaigns.statistics.rate_definitions import DENOMINATOR_FIELDS
from campaigns.units import areas
from campaigns.units.areas import campaign_unit_ids
from campaigns.units.models import UnitSuccession
from outreach_media.selectors import exposure


def _source_ids(campaign: Campaign) -> list[int]:
    """``areas.linked_ids`` of the campaign's units: the units below them, the old units that went into those, and
    the units these went into. Three queries filtered by a subquery of the campaign's few units (the thousands of ids
    below a national campaign are read once, never sent back as an ``IN`` list)."""
    below = areas.descendants(campaign_unit_ids(campaign)).values("pk")
    older = UnitSuccession.objects.filter(new_unit_id__in=below).values("old_unit_id")
    ids = set(below.values_list("pk", flat=True)) | set(older.values_list("old_unit_id", flat=True))
    ids |= set(
        UnitSuccession.objects.filter(Q(old_unit_id__in=below) | Q(old_unit_id__in=older)).values_list(
            "new_unit_id", flat=True
        )
    )
    return sorted(ids)


def _ids_subquery(ids: list[int]):
    """``ids`` for a ``field__in=``: on PostgreSQL one array parameter unnested in a subquery, not one placeholder
    per id (composing and planning 14.000 placeholders took most of a national report's page)."""
    if connection.vendor != "postgresql":
        return ids
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


def _statistics_of(ids: list[int]):
    """The statistics of the units ``ids``; on PostgreSQL ``unit_id = ANY(array)``, the cheapest filter for a scan."""
    if connection.vendor != "postgresql":
        return DossierStatistic.objects.filter(unit_id__in=ids)
    table = connection.ops.quote_name(DossierStatistic._meta.db_table)
    column = connection.ops.quote_name(DossierStatistic._meta.get_field("unit").column)
    # Names from the model, quoted; the ids are one parameter.
    condition = RawSQL(f"{table}.{column} = ANY(%s)", [ids], output_field=BooleanField())  # noqa: S611
    return DossierStatistic.objects.filter(condition)


def data_fingerprint(campaign: Campaign) -> str:
    """A hash of everything the report reads (a fixed number of queries whatever the number of units)."""
    source_ids = _source_ids(campaign)
    statistics = _statistics_of(source_ids).aggregate(
        rows=Count("pk"),
        updated=Max("updated_at"),
        online=Sum("received_online"),
        direct=Sum("received_direct"),
        counted=Count("pk", filter=Q(is_counted=True)),
    )
    activities = [
        (row.unit_id, row.month.isoformat(), row.channel, row.quantity, row.people)
        for row in exposure(unit_ids=_ids_subquery(source_ids))
    ]
    thresholds = IndicatorTargets.load()
    settings = (float(thresholds.online_rate_target), float(thresholds.online_rate_advanced))
    rules = list(campaign.reach_rules.values_list("channel", "minimum", "per_thousand_dossiers"))
    targets = list(campaign.targets.values_list("pk", "indicator", "preset", "value", "deadline"))
    plan = list(RolloutPlan.objects.filter(campaign=campaign).values_list("created_at", flat=True))
    text = json.dumps(
        # The methods' versions: a change of estimator or of a definition makes every stored report stale.
        [
            METHOD,
            METHOD_VERSION,
            DENOMINATOR_FIELDS,
            campaign.updated_at,
            statistics,
            activities,
            settings,
            rules,
            targets,
            plan,
            source_ids,
        ],
        default=str,
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()


def impact_result_refresh(*, campaign: Campaign, fingerprint: str | None = None) -> ImpactResult:
    """Compute the campaign's report now and store it (reports are stored in Vietnamese).

    Runs in the task worker (campaigns.impact.tasks), never in an admin request. A campaign whose data cannot give an
    effect stores what can be said instead (``unavailable_report``, with an ``unavailable`` key): the page, the PDF
    and the XLSX show it, and an import that brings its statistics makes it stale like any other report.
    """

    fingerprint = fingerprint or data_fingerprint(campaign)
    started = time.perf_counter()
    with override("vi"):
        try:
            payload = impact_report(campaign=campaign)
        except ImpactError as error:
            payload = unavailable_report(campaign, error)
    duration = int((time.perf_counter() - started) * 1000)
    result, _created = ImpactResult.objects.update_or_create(
        campaign=campaign,
        defaults={
            "fingerprint": fingerprint,
            "payload": payload,
            "computed_at": timezone.now(),
            "duration_ms": duration,
            "method_version": METHOD_VERSION,
        },
    )
    return result


def is_current(result: ImpactResult, fingerprint: str) -> bool:
    """The stored report was computed from these data with this method."""
    return result.fingerprint == fingerprint and result.method_version == METHOD_VERSION
