"""The small tree of tests/factories/units.py keeps the shape of the real catalogue that the tests rely on."""

import datetime

import pytest

from campaigns.units.models import AdministrativeUnit
from campaigns.units.succession import map_to_current_units
from tests.factories.units import REFORM, mini_tree

pytestmark = pytest.mark.django_db


def test_eleven_units_two_eras_codes_reused_and_outside_the_real_catalogue():
    tree = mini_tree()
    assert len({unit.pk for unit in tree.units}) == 11
    assert mini_tree() == tree  # idempotent: asking twice gives the same rows
    before = AdministrativeUnit.objects.valid_on(REFORM - datetime.timedelta(days=1))
    after = AdministrativeUnit.objects.valid_on(REFORM)
    assert set(before.filter(code__in=["97", "980", "981", "33001", "33004", "33007", "33010", "33013"])) == {
        tree.old_province,
        tree.district,
        tree.city,
        *tree.old_communes,
    }
    assert set(after.filter(code__startswith="3")).issuperset(tree.current_communes)
    assert tree.old_commune.code == tree.new_commune.code and tree.old_commune.name != tree.new_commune.name
    assert {unit.parent for unit in tree.old_communes} == {tree.district, tree.city}
    assert {unit.parent for unit in tree.current_communes} == {tree.province}
    assert {tree.district.parent, tree.city.parent} == {tree.old_province}
    assert set(after.filter(code="97")) == {tree.province} and tree.old_province.code == "97"
    # Old units are not below today's province: they reach it by their links only, as in the real data.
    assert not AdministrativeUnit.objects.descendants_of([tree.province.pk]).filter(valid_to__isnull=False).exists()


def test_figures_of_old_units_follow_the_links_and_a_split_is_flagged():
    tree = mini_tree()
    mapping = map_to_current_units(
        {tree.old_commune.pk: 40, tree.old_township.pk: 25, tree.old_ward.pk: 10, tree.old_ward_split.pk: 5},
        on_date=datetime.date(2025, 8, 1),
    )
    assert mapping.by_unit[tree.new_commune.pk].total == 65 and not mapping.by_unit[tree.new_commune.pk].is_partial
    assert mapping.by_unit[tree.new_ward.pk].total == 10
    assert mapping.by_unit[tree.new_ward.pk].partial_sources == [tree.old_ward_split.pk]
    assert mapping.by_unit[tree.new_ward_2.pk].total == 0 and mapping.by_unit[tree.new_ward_2.pk].is_partial


def test_a_district_has_no_successor():
    tree = mini_tree()
    assert map_to_current_units({tree.district.pk: 1}, on_date=REFORM).unmapped == [tree.district.pk]
