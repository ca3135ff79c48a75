import pytest

from campaigns.models import AdministrativeUnit
from campaigns.units.succession import map_figures, map_to_current_units
from tests.factories.users import unit

pytestmark = pytest.mark.usefixtures("catalogue")

# Hand-built network: 1+2 merge wholly into 10; 3 is split over 10 and 11; 4 is still current;
# 5 went into 6 (itself abolished later) and then into 11; 7 has no successor at all.
LINKS = [(1, 10, "full"), (2, 10, "full"), (3, 10, "partial"), (3, 11, "partial"), (5, 6, "full"), (6, 11, "full")]
CURRENT = [4, 10, 11]


def test_full_links_add_up_and_partial_links_are_flagged():
    mapping = map_figures({1: 100, 2: 50, 3: 30, 4: 7}, links=LINKS, current_ids=CURRENT)
    ten = mapping.by_unit[10]
    assert ten.total == 150
    assert sorted(ten.sources) == [1, 2]
    assert ten.partial_sources == [3]
    assert ten.is_partial
    eleven = mapping.by_unit[11]
    assert eleven.total == 0 and eleven.partial_sources == [3]
    assert mapping.by_unit[4].total == 7 and not mapping.by_unit[4].is_partial
    # The split unit's 30 is added nowhere: no double counting.
    assert sum(figures.total for figures in mapping.by_unit.values()) == 157


def test_chains_of_reforms_are_followed():
    mapping = map_figures({5: 12}, links=LINKS, current_ids=CURRENT)
    assert mapping.by_unit[11].total == 12
    assert mapping.by_unit[11].sources == [5]


def test_units_without_successor_are_reported_not_dropped_silently():
    mapping = map_figures({7: 3, 1: 1}, links=LINKS, current_ids=CURRENT)
    assert mapping.unmapped == [7]
    assert mapping.by_unit[10].total == 1


def test_several_counts_per_unit_add_up_field_by_field():
    values = {1: {"online": 10, "direct": 30}, 2: {"online": 5, "direct": 5}}
    mapping = map_figures(values, links=LINKS, current_ids=CURRENT)
    assert mapping.by_unit[10].total == {"online": 15, "direct": 35}


def test_cycles_in_bad_link_data_do_not_hang():
    mapping = map_figures({1: 1}, links=[(1, 2, "full"), (2, 1, "full")], current_ids=[])
    assert mapping.unmapped == [1]


@pytest.mark.django_db
def test_tanh_linh_figures_go_to_xa_tanh_linh():
    lac_tanh, gia_an, duc_thuan = (unit(code, current=False) for code in ("23149", "23176", "23185"))
    mapping = map_to_current_units({lac_tanh.pk: 40, gia_an.pk: 25, duc_thuan.pk: 10})
    tanh_linh = unit("23149")
    assert mapping.by_unit[tanh_linh.pk].total == 75
    assert not mapping.by_unit[tanh_linh.pk].is_partial


@pytest.mark.django_db
def test_split_ward_is_flagged_in_both_successors():
    ngoc_ha_old = AdministrativeUnit.objects.get(code="00016", valid_to__isnull=False)
    mapping = map_to_current_units({ngoc_ha_old.pk: 9})
    flagged = {AdministrativeUnit.objects.get(pk=pk).name for pk, item in mapping.by_unit.items() if item.is_partial}
    assert flagged == {"Phường Ba Đình", "Phường Ngọc Hà"}
    assert all(item.total == 0 for item in mapping.by_unit.values())


@pytest.mark.django_db
def test_old_district_has_no_successor():
    district = unit("599", current=False)
    assert map_to_current_units({district.pk: 1}).unmapped == [district.pk]
