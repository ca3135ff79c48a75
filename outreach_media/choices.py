from django.db import models
from django.utils.translation import gettext_lazy as _

from campaigns.plans.channels import Record, stored_as


class MediaKind(models.TextChoices):
    LEAFLET = "leaflet", _("Leaflet")
    HANDBOOK = "handbook", _("Handbook")
    POSTER = "poster", _("Poster")
    PANEL = "panel", _("Panel or billboard")
    BANNER = "banner", _("Banner")
    REPORTAGE = "reportage", _("Reportage or video")
    RADIO = "radio", _("Radio or loudspeaker programme")
    TV = "tv", _("TV programme")
    ZALO = "zalo", _("Zalo message")
    FANPAGE = "fanpage", _("Fanpage post")
    SMS = "sms", _("SMS")
    WEB = "web", _("Web article")


def _kinds_of(record: str) -> tuple[MediaKind, ...]:
    return tuple(MediaKind(kind) for spec in stored_as(record) for kind in (*spec.media_kinds, *spec.counted_kinds))


# Printed kinds are handed out (distributions); broadcast kinds are aired; the rest are posted (channel registry).
PRINTED = _kinds_of(Record.DISTRIBUTION)
BROADCAST = _kinds_of(Record.AIRING)


class Platform(models.TextChoices):
    ZALO = "zalo", _("Zalo")
    FANPAGE = "fanpage", _("Facebook fanpage")
    SMS = "sms", _("SMS")
    WEB = "web", _("Website")
