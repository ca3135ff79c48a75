from django.db import models
from django.utils.translation import gettext_lazy as _


class Indicator(models.TextChoices):
    """What a target measures. Rates are entered in per cent; the others are counts over the campaign."""

    ONLINE_RATE = "online_rate", _("online dossier rate")
    BCCI_RATE = "bcci_rate", _("dossiers received by post (BCCI) rate")
    FULL_ONLINE_SHARE = "full_online_share", _("full-process online share")
    CLASSES = "classes", _("training classes")
    ATTENDEES = "attendees", _("training attendances")
    HANDBOOKS = "handbooks", _("handbooks distributed")
    LEAFLETS = "leaflets", _("leaflets distributed")
    PROCEDURES_ONLINE = "procedures_online", _("procedures offered fully online (level 4)")


RATE_INDICATORS = frozenset({Indicator.ONLINE_RATE, Indicator.BCCI_RATE, Indicator.FULL_ONLINE_SHARE})
