from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UnitLevel(models.TextChoices):
    PROVINCE = "province", _("province")
    DISTRICT = "district", _("district")
    COMMUNE = "commune", _("commune")


class UnitType(models.TextChoices):
    PROVINCE = "tinh", pgettext_lazy("unit type", "province (tỉnh)")
    CENTRAL_CITY = "thanh_pho_tw", pgettext_lazy("unit type", "centrally governed city")
    RURAL_DISTRICT = "huyen", pgettext_lazy("unit type", "rural district (huyện)")
    URBAN_DISTRICT = "quan", pgettext_lazy("unit type", "urban district (quận)")
    DISTRICT_TOWN = "thi_xa", pgettext_lazy("unit type", "district-level town (thị xã)")
    PROVINCIAL_CITY = "thanh_pho_tinh", pgettext_lazy("unit type", "provincial city")
    COMMUNE = "xa", pgettext_lazy("unit type", "commune (xã)")
    WARD = "phuong", pgettext_lazy("unit type", "ward (phường)")
    TOWNSHIP = "thi_tran", pgettext_lazy("unit type", "township (thị trấn)")
    SPECIAL_ZONE = "dac_khu", pgettext_lazy("unit type", "special zone (đặc khu)")


# Which types belong to which level; the loader rejects any other combination.
TYPES_BY_LEVEL = {
    UnitLevel.PROVINCE: {UnitType.PROVINCE, UnitType.CENTRAL_CITY},
    UnitLevel.DISTRICT: {
        UnitType.RURAL_DISTRICT,
        UnitType.URBAN_DISTRICT,
        UnitType.DISTRICT_TOWN,
        UnitType.PROVINCIAL_CITY,
    },
    UnitLevel.COMMUNE: {UnitType.COMMUNE, UnitType.WARD, UnitType.TOWNSHIP, UnitType.SPECIAL_ZONE},
}

# Length of the official code per level (codes are strings with their leading zeros).
CODE_LENGTH_BY_LEVEL = {UnitLevel.PROVINCE: 2, UnitLevel.DISTRICT: 3, UnitLevel.COMMUNE: 5}


class SuccessionKind(models.TextChoices):
    FULL = "full", _("whole unit")
    PARTIAL = "partial", _("part of the unit")


class CampaignStatus(models.TextChoices):
    PLANNED = "planned", _("planned")
    ACTIVE = "active", _("under way")
    FINISHED = "finished", _("finished")
    CANCELLED = "cancelled", _("cancelled")


class ControlGroup(models.TextChoices):
    NEVER = "never", _("units never reached")
    NOT_YET = "notyet", _("units not yet reached")


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


class TargetPreset(models.TextChoices):
    CUSTOM = "custom", _("value entered below")
    NEW_RURAL = "new_rural", _("new-rural commune criterion (setting, 30 % by default)")
    NEW_RURAL_ADVANCED = "new_rural_advanced", _("advanced new-rural commune criterion (setting, 50 % by default)")
