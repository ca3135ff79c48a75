from django.db import models
from django.utils.translation import gettext_lazy as _


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


# Printed kinds are handed out (distributions); broadcast kinds are aired; the rest are posted.
PRINTED = (MediaKind.LEAFLET, MediaKind.HANDBOOK, MediaKind.POSTER, MediaKind.PANEL, MediaKind.BANNER)
BROADCAST = (MediaKind.REPORTAGE, MediaKind.RADIO, MediaKind.TV)


class Platform(models.TextChoices):
    ZALO = "zalo", _("Zalo")
    FANPAGE = "fanpage", _("Facebook fanpage")
    SMS = "sms", _("SMS")
    WEB = "web", _("Website")
