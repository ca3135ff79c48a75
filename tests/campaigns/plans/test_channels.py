"""The channel registry: every channel has every entry, and every consumer covers every channel.

A new channel is one entry in ``campaigns.plans.channels.REGISTRY``; these tests fail when that entry
is incomplete or when a consumer (the activity log import, the admin import, exposure, the summary,
the impact report, the media kinds) cannot handle it.
"""

import csv
import datetime

import numpy as np
import pytest
from django.db import models

from campaigns.impact.panel import Panel
from campaigns.impact.report import _channels
from campaigns.plans.channels import BY_VALUE, REGISTRY, Channel, ChannelSpec, Record, channel_spec, stored_as
from campaigns.plans.models import ReachRule
from outreach_media.admin_import import allowed_channels
from outreach_media.choices import BROADCAST, PRINTED, MediaKind, Platform
from outreach_media.imports import CHANNELS, IMPORTED_CHANNELS, parse_channel
from outreach_media.models import LinkScan, MediaItem, OutreachEvent, TrackedLink
from outreach_media.selectors import KIND_CHANNEL, PLATFORM_CHANNEL, exposure
from outreach_media.services import RECORD_MODELS, activity_import, stored_texts
from outreach_media.summary import chart_png, headline, xlsx_bytes

from ...factories.users import UserFactory, unit

pytestmark = pytest.mark.usefixtures("catalogue")

EVERY_CHANNEL = pytest.mark.parametrize("spec", REGISTRY, ids=[spec.value for spec in REGISTRY])


# -- the registry itself ---------------------------------------------------------------------------
def test_channel_choices_are_the_registry():
    assert [(member.name, member.value, member.label) for member in Channel] == [
        (spec.value.upper(), spec.value, spec.label) for spec in REGISTRY
    ]
    assert len(BY_VALUE) == len(REGISTRY)  # values are unique
    assert Channel.LEAFLET == "leaflet" and channel_spec(Channel.LEAFLET) is BY_VALUE["leaflet"]
    with pytest.raises(KeyError):
        channel_spec("tiktok-not-a-channel")


@EVERY_CHANNEL
def test_every_channel_has_every_entry(spec: ChannelSpec):
    assert spec.value == spec.value.lower() and spec.value.isidentifier()
    assert len(spec.value) <= ReachRule._meta.get_field("channel").max_length
    assert str(spec.label).strip() and str(spec.unit_word).strip()
    assert spec.record in Record.ALL
    assert isinstance(spec.scale, int) and spec.scale > 0
    assert spec.measure in ("quantity", "people")
    assert set(spec.media_kinds + spec.counted_kinds) <= set(MediaKind.values)
    assert {spec.platform, *spec.counted_platforms} - {""} <= set(Platform.values)
    if spec.record in (Record.DISTRIBUTION, Record.AIRING, Record.POST):
        assert spec.media_kinds, "the import needs a media kind to find or create the item"
    else:
        assert not (spec.media_kinds or spec.counted_kinds)
    assert bool(spec.platform) == (spec.record == Record.POST)
    if spec.record != Record.POST:
        assert not spec.counted_platforms
    # What the import creates needs a title when the row has none (events keep the row's own).
    assert (spec.default_title is not None) == (spec.imported and spec.record != Record.OUTREACH_EVENT)
    if not spec.imported:
        assert not spec.aliases
    assert len(set(spec.names)) == len(spec.names)


def test_single_channel_records_have_one_channel():
    # exposure() counts every training session and every QR scan under one channel.
    assert len(stored_as(Record.TRAINING_SESSION)) == 1
    assert len(stored_as(Record.LINK_SCAN)) == 1


def test_every_media_kind_and_platform_counts_as_exactly_one_channel():
    kinds = [kind for spec in REGISTRY for kind in (*spec.media_kinds, *spec.counted_kinds)]
    assert sorted(kinds) == sorted(MediaKind.values)  # each once: no KeyError in exposure(), no double claim
    platforms = [platform for spec in stored_as(Record.POST) for platform in (spec.platform, *spec.counted_platforms)]
    assert sorted(platforms) == sorted(Platform.values)
    assert set(KIND_CHANNEL) == set(MediaKind.values) and set(PLATFORM_CHANNEL) == set(Platform.values)
    assert set(PRINTED) == {kind for spec in stored_as(Record.DISTRIBUTION) for kind in spec.media_kinds}
    assert set(BROADCAST) == {kind for spec in stored_as(Record.AIRING) for kind in spec.media_kinds}


def test_model_choices_follow_the_registry():
    assert ReachRule._meta.get_field("channel").choices == Channel.choices
    assert OutreachEvent._meta.get_field("channel").choices == [
        (spec.value, spec.label) for spec in stored_as(Record.OUTREACH_EVENT)
    ]


# -- the consumers ---------------------------------------------------------------------------------
@EVERY_CHANNEL
def test_the_importer_recognises_every_name_of_every_channel(spec: ChannelSpec):
    for name in spec.names:
        for written in (name, name.upper(), f" {name.capitalize()} "):
            channel, error = parse_channel(written)
            if spec.imported:
                assert (channel, error) == (spec.value, None)
            else:
                assert channel is None and error  # counted, never imported


def test_no_two_channels_share_a_name():
    names = [name for spec in IMPORTED_CHANNELS for name in spec.names]
    assert len(CHANNELS) == len(names)  # folded, every name is still its own
    assert [spec.value for spec in IMPORTED_CHANNELS] == [spec.value for spec in REGISTRY if spec.imported]


@pytest.mark.django_db
def test_the_admin_import_maps_every_record_kind_to_a_model():
    assert set(RECORD_MODELS) == set(Record.ALL)
    assert all(issubclass(model, models.Model) for model in RECORD_MODELS.values())
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert allowed_channels(admin) == {spec.value for spec in REGISTRY if spec.imported}


@pytest.mark.django_db
def test_default_titles_cover_what_the_import_creates():
    titles, _prefix = stored_texts()
    assert set(titles) == {spec.value for spec in REGISTRY if spec.default_title is not None}
    assert all(titles.values())


@pytest.mark.django_db
def test_every_channel_goes_through_import_exposure_summary_and_report(tmp_path):
    """One activity of each channel, imported under its last name (QR scans are counted, not imported),
    comes back out of exposure() under its channel, and the summary and the impact report handle each."""
    path = tmp_path / "nhat-ky.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Mã ĐVHC", "Ngày", "Hình thức", "Số lượng", "Số người"])
        for spec in IMPORTED_CHANNELS:
            writer.writerow(["23149", "15/03/2026", spec.names[-1], "2", "40"])
    report = activity_import(path=path)
    assert (report.error_count, report.created) == (0, len(IMPORTED_CHANNELS))
    not_imported = {Record.LINK_SCAN}
    assert not_imported == set(Record.ALL) - set(Record.IMPORTED)  # a new record kind needs a case here
    item = MediaItem.objects.create(kind=MediaKind.HANDBOOK, title="Sổ tay", unit=unit("23149"), live=True)
    link = TrackedLink.objects.create(media_item=item, target_url="/huong-dan/")
    LinkScan.objects.create(link=link, day=datetime.date(2026, 3, 16), count=3)

    rows = exposure(start=datetime.date(2026, 3, 1), end=datetime.date(2026, 3, 31))
    assert sorted(row.channel for row in rows) == sorted(spec.value for spec in REGISTRY)

    totals = {row.channel: row.quantity for row in rows}
    summary = {"channels": [spec.value for spec in REGISTRY], "totals": totals, "months": [rows[0].month]}
    summary |= {
        "table": {row.channel: {row.month: {"quantity": row.quantity}} for row in rows},
        "people": {row.channel: row.people for row in rows},
        "cost": {row.channel: row.cost for row in rows},
    }
    text = headline(summary)
    for spec in REGISTRY:
        assert str(spec.unit_word) in text
    assert xlsx_bytes(summary) and chart_png(summary)

    # The impact report's activity mix: every channel gets its label and its reporting scale.
    n_units, n_months = 40, 12
    generator = np.random.default_rng(0)
    shape = (n_units, n_months)
    panel = Panel(
        root=None,
        units=[],
        months=list(range(1, n_months + 1)),
        online=generator.integers(20, 80, size=shape),
        total=np.full(shape, 100),
        postal=np.zeros(shape),
        full_online=np.zeros(shape),
        reported=np.ones(shape, dtype=bool),
        channels={spec.value: generator.poisson(3, size=shape).astype(float) for spec in REGISTRY},
        training_sessions=np.zeros(shape),
        first_reached=np.zeros(n_units, dtype=np.int64),
    )
    warnings: list = []
    fitted = {item["channel"]: (item["label"], item["per"]) for item in _channels(panel, warnings)}
    assert fitted == {spec.value: (str(spec.label), spec.scale) for spec in REGISTRY}, warnings
