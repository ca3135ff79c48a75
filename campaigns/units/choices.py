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


CODE_LENGTH_BY_LEVEL = {UnitLevel.PROVINCE: 2, UnitLevel.DISTRICT: 3, UnitLevel.COMMUNE: 5}


class SuccessionKind(models.TextChoices):
    FULL = "full", _("whole unit")
    PARTIAL = "partial", _("part of the unit")
