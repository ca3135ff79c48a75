from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ACTIVE = "active", _("under way")
    FINISHED = "finished", _("finished")
    CANCELLED = "cancelled", _("cancelled")


class ControlGroup(models.TextChoices):
    NEVER = "never", _("units never reached")
    NOT_YET = "notyet", _("units not yet reached")


class TargetPreset(models.TextChoices):
    CUSTOM = "custom", _("value entered below")
    NEW_RURAL = "new_rural", _("new-rural commune criterion (setting, 30 % by default)")
    NEW_RURAL_ADVANCED = "new_rural_advanced", _("advanced new-rural commune criterion (setting, 50 % by default)")
