"""Every factory of tests/factories builds a row that passes the model's own validation."""

import datetime

import pytest

from tests.factories.campaigns import CampaignFactory, ReachRuleFactory, TargetFactory
from tests.factories.media import DistributionFactory, MediaItemFactory
from tests.factories.pages import GuidePageFactory, NewsPageFactory
from tests.factories.statistics import DossierStatisticFactory, month_end
from tests.factories.units import mini_tree

pytestmark = pytest.mark.django_db


def test_a_statistic_is_a_valid_counted_month():
    statistic = DossierStatisticFactory(unit=mini_tree().new_commune, period_start=datetime.date(2024, 2, 1))
    statistic.full_clean()
    statistic.refresh_from_db()
    assert (statistic.period_end, statistic.period_kind, statistic.report_month, statistic.is_counted) == (
        datetime.date(2024, 2, 29),
        "month",
        datetime.date(2024, 2, 1),
        True,
    )
    assert month_end(datetime.date(2025, 12, 1)) == datetime.date(2025, 12, 31)


def test_a_campaign_with_a_reach_rule_and_a_target_on_some_units():
    tree = mini_tree()
    campaign = CampaignFactory(unit=tree.province, scope_units=[tree.new_ward])
    rule = ReachRuleFactory(campaign=campaign)
    target = TargetFactory(campaign=campaign, units=tree.current_communes[:2])
    for row in (campaign, rule, target):
        row.full_clean()
    assert list(campaign.scope_units.all()) == [tree.new_ward]
    assert set(target.units.all()) == {tree.new_commune, tree.new_ward}
    assert target.deadline == campaign.ends_on and target.resolved_value(None) == 0.5


def test_a_media_item_and_its_distribution_share_the_unit():
    item = MediaItemFactory(unit=mini_tree().new_commune)
    distribution = DistributionFactory(media_item=item)
    item.full_clean()
    distribution.full_clean()
    assert distribution.unit == item.unit and item.live


def test_pages_go_under_one_index_each_below_the_home_page():
    first, second = GuidePageFactory(), GuidePageFactory()
    news = NewsPageFactory()
    assert first.get_parent().pk == second.get_parent().pk
    assert first.get_parent().get_parent().specific_class.__name__ == "HomePage"
    assert news.get_parent().get_parent().pk == first.get_parent().get_parent().pk
    assert first.live and first.url_path.endswith(f"/huong-dan/{first.slug}/")
