"""Exposure: how much outreach reached each unit in each month, per channel.

``exposure`` is the shape the impact analysis reads together with the training counts: per
unit, month and channel the quantity (copies, airings, posts, classes, events, QR scans), the
people reached and the cost. One aggregated query per source table, whatever the number of
units (seven in all, pinned in a test).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F, Sum
from django.db.models.functions import TruncMonth

from campaigns.core.months import first_day
from campaigns.plans.channels import REGISTRY, Record, only_channel, stored_as
from outreach_media.models import Airing, Distribution, LinkScan, OutreachEvent, Post
from trainings.selectors import training_counts

# The channel a distribution or airing counts as, by its item's kind; the channel of a post, by its platform.
KIND_CHANNEL = {kind: spec.value for spec in REGISTRY for kind in (*spec.media_kinds, *spec.counted_kinds)}
PLATFORM_CHANNEL = {
    platform: spec.value
    for spec in stored_as(Record.POST)
    for platform in (spec.platform, *spec.counted_platforms)
    if platform
}


@dataclass
class ExposureRow:
    unit_id: int
    month: datetime.date
    channel: str
    quantity: int = 0
    people: int = 0
    cost: int = 0


def _filtered(queryset, *, unit_path: str, date_path: str, unit_ids, start, end, campaign=None, campaign_path=None):
    if unit_ids is not None:
        queryset = queryset.filter(**{f"{unit_path}__in": unit_ids})
    if start:
        queryset = queryset.filter(**{f"{date_path}__gte": start})
    if end:
        queryset = queryset.filter(**{f"{date_path}__lte": end})
    if campaign is not None and campaign_path:
        queryset = queryset.filter(**{campaign_path: campaign})
    return queryset


def exposure(*, unit_ids=None, start=None, end=None, campaign=None) -> list[ExposureRow]:
    """Rows per (unit, month, channel); ``end`` inclusive. ``campaign`` narrows to one campaign's outreach."""
    rows: dict[tuple, ExposureRow] = {}

    def add(unit_id, month, channel, quantity, people, cost):
        key = (unit_id, first_day(month), str(channel))
        row = rows.setdefault(key, ExposureRow(*key))
        row.quantity += quantity or 0
        row.people += people or 0
        row.cost += cost or 0

    def narrowed(queryset, *, campaign_path, unit_path="unit_id", date_path="date"):
        return _filtered(
            queryset,
            unit_path=unit_path,
            date_path=date_path,
            unit_ids=unit_ids,
            start=start,
            end=end,
            campaign=campaign,
            campaign_path=campaign_path,
        )

    sources = (
        (Distribution, "copies", "people_reached", "media_item__kind", "media_item__campaign"),
        (Airing, "count", "people_reached", "media_item__kind", "media_item__campaign"),
        (Post, "count", "reach", "platform", "media_item__campaign"),
    )
    for model, quantity, people, kind_path, campaign_path in sources:
        queryset = narrowed(model.objects.all(), campaign_path=campaign_path)
        grouped = (
            queryset.annotate(month=TruncMonth("date"))
            .values_list("unit_id", "month", kind_path)
            .annotate(quantity=Sum(quantity), people=Sum(people), cost=Sum("cost"))
        )
        mapping = PLATFORM_CHANNEL if kind_path == "platform" else KIND_CHANNEL
        for unit_id, month, kind, total, reached, cost in grouped:
            add(unit_id, month, mapping[kind], total, reached, cost)

    events = narrowed(OutreachEvent.objects.all(), campaign_path="campaign")
    for unit_id, month, channel, total, reached, cost in (
        events.annotate(month=TruncMonth("date"))
        .values_list("unit_id", "month", "channel")
        .annotate(quantity=Sum("quantity"), people=Sum("people"), cost=Sum("cost"))
    ):
        add(unit_id, month, channel, total, reached, cost)

    scans = narrowed(
        LinkScan.objects.all(),
        unit_path="link__media_item__unit_id",
        date_path="day",
        campaign_path="link__media_item__campaign",
    )
    qr = only_channel(Record.LINK_SCAN)
    for unit_id, month, total in (
        scans.annotate(month=TruncMonth("day"), unit=F("link__media_item__unit_id"))
        .values_list("unit", "month")
        .annotate(quantity=Sum("count"))
    ):
        add(unit_id, month, qr, total, 0, 0)

    training = only_channel(Record.TRAINING_SESSION)
    for item in training_counts(unit_ids=unit_ids, start=start, end=end, campaign=campaign):
        add(item.unit_id, item.month, training, item.sessions, item.attendances, 0)
    return sorted(rows.values(), key=lambda row: (row.month, row.unit_id, row.channel))


def totals_by_channel_and_month(rows: list[ExposureRow]) -> dict[str, dict[datetime.date, dict]]:
    """{channel: {month: {quantity, people, cost}}} summed over units (for the summary screen)."""
    result: dict = defaultdict(lambda: defaultdict(lambda: {"quantity": 0, "people": 0, "cost": 0}))
    for row in rows:
        cell = result[row.channel][row.month]
        cell["quantity"] += row.quantity
        cell["people"] += row.people
        cell["cost"] += row.cost
    return result


def media_item_counts(media_item_ids) -> dict[int, dict]:
    """Copies handed out, airings and posts per item (for the item listing)."""
    result = defaultdict(lambda: {"copies": 0, "airings": 0, "posts": 0})
    for model, field, key in (
        (Distribution, "copies", "copies"),
        (Airing, "count", "airings"),
        (Post, "count", "posts"),
    ):
        for item_id, total in (
            model.objects.filter(media_item_id__in=media_item_ids)
            .values_list("media_item_id")
            .annotate(total=Sum(field))
        ):
            result[item_id][key] = total or 0
    return result
