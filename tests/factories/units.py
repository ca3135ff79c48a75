"""Administrative units for tests that need a few of them, not the 24.806 rows of the real catalogue.

``mini_tree()`` builds a province shaped like the real data, in eleven rows: until 01/07/2025 the province, two
districts and four communes or wards (districts were abolished that day); since then the province again (a new row
with the same code) and three communes or wards, made from the old ones by succession links (whole or in part; two
keep an old code, as real codes are reused across eras). As in the real data, old units are below the old
province, and reach today's only by their links. The codes (province 97, districts 980-981, communes 33xxx) are
outside the real catalogue, so the tree may sit next to it.
"""

import datetime
from dataclasses import dataclass

import factory

from campaigns.units.choices import SuccessionKind, UnitLevel, UnitType
from campaigns.units.models import AdministrativeUnit, UnitSuccession

REFORM = datetime.date(2025, 7, 1)  # the day districts ended and communes merged, as in the real data


class AdministrativeUnitFactory(factory.django.DjangoModelFactory):
    """A commune in force today (pass level, unit_type, parent, valid_from, valid_to for others)."""

    class Meta:
        model = AdministrativeUnit
        django_get_or_create = ("code", "valid_from")

    code = factory.Sequence(lambda n: f"{34000 + n:05d}")
    level = UnitLevel.COMMUNE
    unit_type = UnitType.COMMUNE
    name = factory.Sequence(lambda n: f"Xã Kiểm Thử {n}")
    parent = None
    valid_from = None
    valid_to = None


class UnitSuccessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitSuccession
        django_get_or_create = ("old_unit", "new_unit")

    old_unit = factory.SubFactory(AdministrativeUnitFactory, valid_to=REFORM)
    new_unit = factory.SubFactory(AdministrativeUnitFactory, valid_from=REFORM)
    kind = SuccessionKind.FULL
    effective_date = REFORM


@dataclass(frozen=True)
class MiniTree:
    province: AdministrativeUnit  # 97 Tỉnh Sông Mây since 01/07/2025
    old_province: AdministrativeUnit  # 97 Tỉnh Sông Mây until 01/07/2025, wholly into province
    district: AdministrativeUnit  # 980 Huyện Đồi Thông, ended 01/07/2025
    city: AdministrativeUnit  # 981 Thành phố Mây Trắng, ended 01/07/2025
    old_commune: AdministrativeUnit  # 33001 Xã Suối Mây (Huyện Đồi Thông), ended; its code lives on in new_commune
    old_township: AdministrativeUnit  # 33004 Thị trấn Đồi Thông (Huyện Đồi Thông), ended
    old_ward: AdministrativeUnit  # 33007 Phường Bến Mây (Thành phố Mây Trắng), ended
    old_ward_split: AdministrativeUnit  # 33010 Phường Cầu Gỗ (Thành phố Mây Trắng), ended, split in two
    new_commune: AdministrativeUnit  # 33001 Xã Đồi Thông since 01/07/2025 = Suối Mây + Đồi Thông township
    new_ward: AdministrativeUnit  # 33007 Phường Mây Trắng since 01/07/2025 = Bến Mây + part of Cầu Gỗ
    new_ward_2: AdministrativeUnit  # 33013 Phường Cầu Gỗ since 01/07/2025 = the rest of old Cầu Gỗ (new code)

    @property
    def units(self) -> list[AdministrativeUnit]:
        return [getattr(self, name) for name in self.__dataclass_fields__]

    @property
    def old_communes(self) -> list[AdministrativeUnit]:
        return [self.old_commune, self.old_township, self.old_ward, self.old_ward_split]

    @property
    def current_communes(self) -> list[AdministrativeUnit]:
        return [self.new_commune, self.new_ward, self.new_ward_2]


def mini_tree() -> MiniTree:
    """Create (or fetch, it is idempotent) the tree and its succession links."""
    unit = AdministrativeUnitFactory
    province_fields = {"code": "97", "level": UnitLevel.PROVINCE, "unit_type": UnitType.PROVINCE}
    old_province = unit(**province_fields, name="Tỉnh Sông Mây", valid_to=REFORM)
    province = unit(**province_fields, name="Tỉnh Sông Mây", valid_from=REFORM)
    district_fields = {"level": UnitLevel.DISTRICT, "parent": old_province, "valid_to": REFORM}
    district = unit(**district_fields, code="980", unit_type=UnitType.RURAL_DISTRICT, name="Huyện Đồi Thông")
    city = unit(**district_fields, code="981", unit_type=UnitType.PROVINCIAL_CITY, name="Thành phố Mây Trắng")
    tree = MiniTree(
        province=province,
        old_province=old_province,
        district=district,
        city=city,
        old_commune=unit(code="33001", name="Xã Suối Mây", parent=district, valid_to=REFORM),
        old_township=unit(
            code="33004", unit_type=UnitType.TOWNSHIP, name="Thị trấn Đồi Thông", parent=district, valid_to=REFORM
        ),
        old_ward=unit(code="33007", unit_type=UnitType.WARD, name="Phường Bến Mây", parent=city, valid_to=REFORM),
        old_ward_split=unit(code="33010", unit_type=UnitType.WARD, name="Phường Cầu Gỗ", parent=city, valid_to=REFORM),
        new_commune=unit(code="33001", name="Xã Đồi Thông", parent=province, valid_from=REFORM),
        new_ward=unit(
            code="33007", unit_type=UnitType.WARD, name="Phường Mây Trắng", parent=province, valid_from=REFORM
        ),
        new_ward_2=unit(
            code="33013", unit_type=UnitType.WARD, name="Phường Cầu Gỗ", parent=province, valid_from=REFORM
        ),
    )
    link = UnitSuccessionFactory
    link(old_unit=old_province, new_unit=province)
    link(old_unit=tree.old_commune, new_unit=tree.new_commune)
    link(old_unit=tree.old_township, new_unit=tree.new_commune)
    link(old_unit=tree.old_ward, new_unit=tree.new_ward)
    link(old_unit=tree.old_ward_split, new_unit=tree.new_ward, kind=SuccessionKind.PARTIAL)
    link(old_unit=tree.old_ward_split, new_unit=tree.new_ward_2, kind=SuccessionKind.PARTIAL)
    return tree


@dataclass(frozen=True)
class OtherProvince:
    province: AdministrativeUnit  # 99 Tỉnh Núi Xa since 01/07/2025
    ward: AdministrativeUnit  # 33901 Phường Đá Mây, in it


def other_province() -> OtherProvince:
    """A second province with one ward, for what must stay out of the tree's scope (codes outside the catalogue)."""
    province = AdministrativeUnitFactory(
        code="99", level=UnitLevel.PROVINCE, unit_type=UnitType.PROVINCE, name="Tỉnh Núi Xa", valid_from=REFORM
    )
    ward = AdministrativeUnitFactory(
        code="33901", unit_type=UnitType.WARD, name="Phường Đá Mây", parent=province, valid_from=REFORM
    )
    return OtherProvince(province=province, ward=ward)
