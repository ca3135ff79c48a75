"""The outreach channels a campaign reaches people through: one registry, one entry per channel.

Everything the project knows about a channel is written once, in ``REGISTRY`` below: its label, the
kind of record its activities are stored as, the media kinds and post platform it covers, the names
an activity log may give it, the unit word of the summaries, the title of what the import creates
and the reporting scale of the impact report. The ``Channel`` choices are built from it, and every
consumer (activity log import, admin import, exposure, summary, impact report) reads it instead of
keeping a table of its own (``tests/campaigns/plans/test_channels.py`` checks that each covers every
channel).

This module sits below ``outreach_media`` and ``trainings``, so record kinds, media kinds and
platforms are their string values; ``outreach_media`` maps them to its models and choices.

Adding a channel: add an entry here (a new media kind or platform also goes into
``outreach_media/choices.py``), then a migration (the choices of ``ReachRule.channel`` change) and
the Vietnamese translations of the new strings.
"""

from dataclasses import dataclass
from typing import Literal

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Record:
    """The kind of record a channel's activities are stored as (the models live in higher layers)."""

    TRAINING_SESSION = "training_session"  # trainings.TrainingSession
    DISTRIBUTION = "distribution"  # outreach_media.Distribution: copies of a printed item handed out
    AIRING = "airing"  # outreach_media.Airing: a broadcast item aired
    POST = "post"  # outreach_media.Post: messages or posts on a platform
    OUTREACH_EVENT = "outreach_event"  # outreach_media.OutreachEvent: an activity without a product
    LINK_SCAN = "link_scan"  # outreach_media.LinkScan: scans of a printed QR code (counted, never imported)

    ALL = (TRAINING_SESSION, DISTRIBUTION, AIRING, POST, OUTREACH_EVENT, LINK_SCAN)
    # The records an activity log row can become.
    IMPORTED = (TRAINING_SESSION, DISTRIBUTION, AIRING, POST, OUTREACH_EVENT)


@dataclass(frozen=True)
class ChannelSpec:
    """One channel. Media kinds and platforms are the values of ``outreach_media.choices``."""

    value: str  # stored in the database (reach rules, outreach events) and accepted in activity logs
    label: Promise
    record: str  # a ``Record`` kind
    unit_word: Promise  # what its quantity counts, in messages and exports: "750 sổ tay, 300 tờ rơi"
    # The impact report's activity mix gives the effect per ``scale`` of ``measure``: per 100 leaflets,
    # per 10 attendances. ``measure`` is also what a reach rule "per 1.000 dossiers" counts.
    scale: int
    measure: Literal["quantity", "people"] = "quantity"
    # Names an activity log may give the channel besides its value (Vietnamese or English); the importer
    # compares them folded (case, accents and punctuation ignored).
    aliases: tuple[str, ...] = ()
    # The media kinds of its items: the import reuses an item of any of them and creates the first.
    media_kinds: tuple[str, ...] = ()
    platform: str = ""  # the platform of its posts (post channels)
    # Media kinds and platforms whose records also count as this channel, but that the import never creates.
    counted_kinds: tuple[str, ...] = ()
    counted_platforms: tuple[str, ...] = ()
    # The title of the item (or class) the import creates for a row without content; stored in the site's language.
    default_title: Promise | None = None

    @property
    def imported(self) -> bool:
        """Whether an activity log row can name this channel."""
        return self.record in Record.IMPORTED

    @property
    def names(self) -> tuple[str, ...]:
        """Every name an activity log may give the channel."""
        return (self.value, *self.aliases)


REGISTRY: tuple[ChannelSpec, ...] = (
    ChannelSpec(
        value="training",
        label=_("Training"),
        record=Record.TRAINING_SESSION,
        unit_word=_("classes"),
        scale=10,
        measure="people",
        aliases=("tập huấn",),
        default_title=_("Training (from the activity log)"),
    ),
    ChannelSpec(
        value="leaflet",
        label=_("Leaflets"),
        record=Record.DISTRIBUTION,
        unit_word=_("leaflets"),
        scale=100,
        aliases=("tờ rơi",),
        media_kinds=("leaflet",),
        default_title=_("Leaflet (from the activity log)"),
    ),
    ChannelSpec(
        value="handbook",
        label=_("Handbooks"),
        record=Record.DISTRIBUTION,
        unit_word=_("handbooks"),
        scale=100,
        aliases=("sổ tay",),
        media_kinds=("handbook",),
        default_title=_("Handbook (from the activity log)"),
    ),
    ChannelSpec(
        value="poster",
        label=_("Posters and panels"),
        record=Record.DISTRIBUTION,
        unit_word=_("posters and panels"),
        scale=10,
        aliases=("pa nô", "pano", "áp phích"),
        media_kinds=("poster", "panel", "banner"),
        default_title=_("Poster or panel (from the activity log)"),
    ),
    ChannelSpec(
        value="reportage",
        label=_("Reportages"),
        record=Record.AIRING,
        unit_word=_("reportages"),
        scale=1,
        aliases=("phóng sự",),
        media_kinds=("reportage",),
        default_title=_("Reportage (from the activity log)"),
    ),
    ChannelSpec(
        value="radio",
        label=_("Radio and loudspeakers"),
        record=Record.AIRING,
        unit_word=_("radio airings"),
        scale=10,
        aliases=("truyền thanh", "loa truyền thanh"),
        media_kinds=("radio",),
        default_title=_("Radio programme (from the activity log)"),
    ),
    ChannelSpec(
        value="tv",
        label=_("Television"),
        record=Record.AIRING,
        unit_word=_("TV airings"),
        scale=1,
        aliases=("truyền hình",),
        media_kinds=("tv",),
        default_title=_("TV programme (from the activity log)"),
    ),
    ChannelSpec(
        value="zalo",
        label=_("Zalo"),
        record=Record.POST,
        unit_word=_("Zalo messages"),
        scale=10,
        media_kinds=("zalo",),
        platform="zalo",
        default_title=_("Zalo messages (from the activity log)"),
    ),
    ChannelSpec(
        value="fanpage",
        label=_("Fanpage"),
        record=Record.POST,
        unit_word=_("fanpage posts"),
        scale=10,
        aliases=("trang fanpage",),
        media_kinds=("fanpage",),
        platform="fanpage",
        counted_kinds=("web",),
        counted_platforms=("web",),
        default_title=_("Fanpage posts (from the activity log)"),
    ),
    ChannelSpec(
        value="sms",
        label=_("SMS"),
        record=Record.POST,
        unit_word=_("text messages"),
        scale=100,
        aliases=("tin nhắn",),
        media_kinds=("sms",),
        platform="sms",
        default_title=_("SMS messages (from the activity log)"),
    ),
    ChannelSpec(
        value="conference",
        label=_("Conferences"),
        record=Record.OUTREACH_EVENT,
        unit_word=_("conferences"),
        scale=1,
        aliases=("hội nghị",),
    ),
    ChannelSpec(
        value="assisted",
        label=_("Assisted submissions"),
        record=Record.OUTREACH_EVENT,
        unit_word=_("assisted submissions"),
        scale=100,
        aliases=("hỗ trợ nộp hồ sơ", "hỗ trợ trực tiếp", "hỗ trợ nộp hồ sơ trực tiếp"),
    ),
    ChannelSpec(
        value="qr",
        label=_("QR code scans"),
        record=Record.LINK_SCAN,
        unit_word=_("QR scans"),
        scale=100,
    ),
)

BY_VALUE: dict[str, ChannelSpec] = {spec.value: spec for spec in REGISTRY}


def channel_spec(value: str) -> ChannelSpec:
    """The entry of a channel value; ``KeyError`` for a value that is no channel."""
    return BY_VALUE[str(value)]


def stored_as(record: str) -> tuple[ChannelSpec, ...]:
    """The channels whose activities are stored as ``record``, in registry order."""
    return tuple(spec for spec in REGISTRY if spec.record == record)


def only_channel(record: str) -> str:
    """The value of the one channel stored as ``record`` (QR scans, training sessions)."""
    (spec,) = stored_as(record)
    return spec.value


# The channels of the activity log import and of the exposure data (PRODUCT.md), as model choices.
# Built from the registry: one member per entry, named by its upper-cased value (Channel.LEAFLET == "leaflet").
Channel = models.TextChoices(
    "Channel", [(spec.value.upper(), (spec.value, spec.label)) for spec in REGISTRY], module=__name__
)
Channel.__doc__ = "The outreach channels (built from ``REGISTRY``)."
