"""The units that make up an area, on the real units: known answers from the 07/2025 reform."""

import datetime

import pytest

from campaigns.models import AdministrativeUnit
from campaigns.units import areas

from ...factories.users import unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
BEFORE, AFTER = datetime.date(2025, 6, 30), datetime.date(2025, 7, 1)

# Huyện Tánh Linh (599, Bình Thuận) was abolished on 01/07/2025; its thirteen communes went into five.
TANH_LINH_COMMUNES = {
    "23149", "23152", "23158", "23161", "23164", "23167", "23170", "23173", "23176", "23179", "23182", "23185", "23188"
}  # fmt: skip
# Xã Tánh Linh (23149 today) took Thị trấn Lạc Tánh, Xã Gia An and Xã Đức Thuận wholly.
XA_TANH_LINH_SOURCES = {"23149", "23176", "23185"}


def codes(ids, *, current=None):
    units = AdministrativeUnit.objects.filter(pk__in=ids)
    if current is not None:
        units = units.filter(valid_to__isnull=current)
    return set(units.values_list("code", flat=True))


def old(code):
    return unit(code, current=False)


def test_in_force_has_an_exclusive_end():
    assert areas.in_force(None, None, BEFORE)
    assert areas.in_force(None, AFTER, BEFORE) and not areas.in_force(None, AFTER, AFTER)
    assert areas.in_force(AFTER, None, AFTER) and not areas.in_force(AFTER, None, BEFORE)


def test_descendants_are_the_unit_and_everything_below_it():
    district = old("599")
    ids = areas.descendant_ids([district.pk])
    assert codes(ids) == TANH_LINH_COMMUNES | {"599"}
    assert len(ids) == 14
    assert set(areas.descendants([district.pk]).values_list("pk", flat=True)) == ids
    # A province today has no districts: its wards and communes are its direct children.
    assert len(areas.descendant_ids([unit("68").pk])) == 125


def test_predecessors_and_successors_follow_one_link():
    xa_tanh_linh = unit("23149")
    assert codes(areas.predecessor_ids([xa_tanh_linh.pk])) == XA_TANH_LINH_SOURCES
    assert codes(areas.successor_ids([old("23176").pk])) == {"23149"}
    ngoc_ha = old("00016")  # split between Phường Ba Đình (00004) and Phường Ngọc Hà (00008)
    assert codes(areas.successor_ids([ngoc_ha.pk])) == {"00004", "00008"}


def test_with_predecessors_and_linked_ids():
    xa_tanh_linh = unit("23149")
    assert codes(areas.with_predecessors([xa_tanh_linh.pk])) == XA_TANH_LINH_SOURCES
    assert len(areas.with_predecessors([xa_tanh_linh.pk])) == 4
    gia_an = old("23176")
    # Gia An, and the commune of today it went into: the units whose figures a campaign on it reads.
    assert areas.linked_ids([gia_an.pk]) == {gia_an.pk, xa_tanh_linh.pk}


def test_the_scope_of_a_user_takes_the_old_units_and_the_units_below_them():
    xa_tanh_linh = unit("23149")
    scope = areas.scope_ids([xa_tanh_linh.pk])
    assert isinstance(scope, frozenset) and len(scope) == 4
    assert codes(scope, current=False) == XA_TANH_LINH_SOURCES
    assert areas.scope_ids([]) == frozenset()


def test_successors_in_force_of_an_abolished_district():
    district = old("599")
    successors = areas.successors_in_force([district.pk], AFTER)
    assert codes(successors, current=True) == {"23149", "23152", "23158", "23173", "23188"}
    assert len(successors) == 5
    # The day before the reform no successor was in force yet.
    assert areas.successors_in_force([district.pk], BEFORE) == []


def test_with_current_successors_keeps_the_old_units_and_adds_todays():
    district = old("599")
    units = areas.with_current_successors(district.pk, on_date=AFTER)
    assert codes(units, current=False) == TANH_LINH_COMMUNES | {"599"}
    assert codes(units, current=True) == {"23149", "23152", "23158", "23173", "23188"}
    assert len(units) == 19


def test_communes_of_an_old_district_after_the_reform_go_to_todays_communes():
    district = old("599")
    source_of, partial = areas.communes_on([district.pk], AFTER)
    assert partial == []
    assert len(source_of) == 13
    xa_tanh_linh = unit("23149")
    assert {pk for pk, target in source_of.items() if target == xa_tanh_linh.pk} == {
        old(code).pk for code in XA_TANH_LINH_SOURCES
    }


def test_communes_of_an_old_district_before_the_reform_are_its_own():
    source_of, partial = areas.communes_on([old("599").pk], BEFORE)
    assert partial == []
    assert len(source_of) == 13 and all(source == target for source, target in source_of.items())


def test_communes_split_between_wards_are_left_out():
    ba_dinh = unit("00004")
    source_of, partial = areas.communes_on([ba_dinh.pk], AFTER)
    # Trúc Bạch and Quán Thánh went wholly into Phường Ba Đình; eight more wards were split.
    assert codes(source_of) == {"00004", "00013"}
    assert set(source_of.values()) == {ba_dinh.pk}
    assert len(source_of) == 3
    assert len(partial) == 8
    assert old("00016").pk in partial


def test_area_of_todays_commune_takes_the_old_communes_that_went_wholly_into_it():
    area = areas.area_for(unit("23149"))
    assert codes(area.included) == XA_TANH_LINH_SOURCES
    assert len(area.included) == 4
    assert area.partial_root == frozenset()
    assert area.child_of == {}
    # No child: the commune and its three old communes are shown on their own.
    assert areas.area_leaves(area) == area.included


def test_area_of_a_province_rolls_old_units_up_to_todays_children():
    province = unit("68")
    area = areas.area_for(province)
    assert len(area.included) == 485
    assert len(area.child_of) == 451
    assert area.partial_root == frozenset()
    xa_tanh_linh = unit("23149")
    assert area.child_of[old("23176").pk] == xa_tanh_linh.pk
    leaves = areas.area_leaves(area)
    assert len(leaves) == 158
    assert province.pk in leaves and xa_tanh_linh.pk in leaves and old("23176").pk not in leaves


def test_a_campaigns_units_are_its_own_unit_and_its_scope_units():
    from campaigns.models import Campaign

    district = old("599")
    campaign = Campaign(
        name="Tánh Linh (kiểm thử)", slug="tl-areas", unit=district,
        starts_on=datetime.date(2022, 1, 1), ends_on=datetime.date(2022, 12, 31),
    )  # fmt: skip
    assert areas.campaign_unit_ids(campaign) == [district.pk]  # not saved yet: no scope units
    campaign.save()
    extra = [unit("23149"), old("23176")]
    campaign.scope_units.set(extra)
    # Scope units come in code order, then valid_from (Gia An 23176 after Xã Tánh Linh 23149).
    assert areas.campaign_unit_ids(campaign) == [district.pk, extra[0].pk, extra[1].pk]
    # Everything a campaign on them reads: the district's communes, their successors, Xã Tánh Linh's predecessors.
    assert codes(areas.linked_ids(areas.campaign_unit_ids(campaign)), current=True) == {
        "23149", "23152", "23158", "23173", "23188"
    }  # fmt: skip
