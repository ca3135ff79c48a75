import pytest

from campaigns.plans.channels import Channel
from cms.demo.campaigns import demo_load
from cms.demo.outreach import demo_outreach_load
from cms.demo.trainings import demo_trainings_load
from outreach_media.models import Distribution
from outreach_media.selectors import exposure

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def test_demo_outreach_matches_the_tanh_linh_article_and_loads_twice_without_change():
    demo_load()
    demo_trainings_load()
    demo_outreach_load()
    count = Distribution.objects.count()
    demo_outreach_load()
    assert Distribution.objects.count() == count
    totals = {}
    for row in exposure():
        if row.month.year == 2022:
            totals[row.channel] = totals.get(row.channel, 0) + row.quantity
    assert totals[Channel.HANDBOOK] == 750 and totals[Channel.LEAFLET] == 300 and totals[Channel.REPORTAGE] == 2
    assert totals[Channel.TRAINING] == 7  # six classes and the Hà Nội conference
