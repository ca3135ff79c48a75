"""The outreach channels a campaign reaches people through."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """The channels of the activity log import and of the exposure data (PRODUCT.md)."""

    TRAINING = "training", _("Training")
    LEAFLET = "leaflet", _("Leaflets")
    HANDBOOK = "handbook", _("Handbooks")
    POSTER = "poster", _("Posters and panels")
    REPORTAGE = "reportage", _("Reportages")
    RADIO = "radio", _("Radio and loudspeakers")
    TV = "tv", _("Television")
    ZALO = "zalo", _("Zalo")
    FANPAGE = "fanpage", _("Fanpage")
    SMS = "sms", _("SMS")
    CONFERENCE = "conference", _("Conferences")
    ASSISTED = "assisted", _("Assisted submissions")
    QR = "qr", _("QR code scans")
