"""The public campaign page's progress: the campaign's target and deadline, the dashboard's verdict, the chart's
figures, and the home page's open classes and running campaigns."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.core import intervals as rates
from campaigns.models import Target
from cms.models import CampaignPage, HomePage
from cms.progress import cached_campaign_progress, campaign_progress
from tests.factories.campaigns import tanh_linh_2022
from tests.factories.trainings import TrainingSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def _campaign(*, ends_on, months=((1, 10), (6, 60)), slug="thu"):
    return tanh_linh_2022(slug, ends_on, name="Thử", months=months)


def test_before_the_deadline_the_verdict_is_not_yet_due_whatever_the_rate():
    progress = campaign_progress(_campaign(ends_on=datetime.date(2022, 12, 31)))
    assert progress.verdict == rates.NOT_YET_DUE
    assert progress.month == datetime.date(2022, 6, 1) and progress.deadline == datetime.date(2022, 12, 31)
    assert progress.sentence == (
        "Tỷ lệ hồ sơ nộp trực tuyến tháng 06/2022: 60,0 %; mục tiêu 30 % vào 31/12/2022 — chưa đến hạn."
    )


def test_the_campaigns_own_target_and_deadline_are_used_and_judged_once_due():
    campaign = _campaign(ends_on=datetime.date(2022, 12, 31))
    Target.objects.create(campaign=campaign, value=Decimal("50"), deadline=datetime.date(2022, 6, 30))
    progress = campaign_progress(campaign)
    assert progress.target == 0.5 and progress.deadline == datetime.date(2022, 6, 30)
    # June is the deadline's month: due, and judged by the dashboard's own function.
    assert progress.verdict in (rates.REACHED, rates.TOO_CLOSE)
    assert progress.verdict == rates.target_status(
        [p for p in progress.points if p.denominator][-1].rate.interval, 0.5, due=True
    )
    assert "mục tiêu 50 % vào 30/06/2022" in progress.sentence


def test_the_chart_has_twelve_months_and_leaves_months_without_figures_empty():
    progress = campaign_progress(_campaign(ends_on=datetime.date(2022, 12, 31)))
    chart = progress.chart
    assert len(chart.bars) == 12
    by_month = {bar.month: bar for bar in chart.bars}
    assert by_month[datetime.date(2022, 6, 1)].rate == pytest.approx(0.6)
    assert by_month[datetime.date(2022, 3, 1)].rate is None and by_month[datetime.date(2022, 3, 1)].height == 0
    assert by_month[datetime.date(2022, 6, 1)].height > by_month[datetime.date(2022, 1, 1)].height > 0
    # The scale reaches the next 10 % above the data: 60 % -> 70 %, every gridline a whole per cent.
    assert [label for _y, label in chart.gridlines] == ["0 %", "14 %", "28 %", "42 %", "56 %", "70 %"]


def test_a_campaign_without_figures_has_no_sentence_and_no_chart():
    progress = campaign_progress(_campaign(ends_on=datetime.date(2022, 12, 31), months=()))
    assert progress.month is None and progress.sentence == "" and progress.chart is None
    assert progress.verdict == rates.NO_DATA


def test_progress_is_kept_per_campaign_and_refreshed_when_the_campaign_changes(django_assert_num_queries):
    campaign = _campaign(ends_on=datetime.date(2022, 12, 31))
    first = cached_campaign_progress(campaign)
    with django_assert_num_queries(0):
        assert cached_campaign_progress(campaign).rate == first.rate
    campaign.ends_on = datetime.date(2023, 12, 31)
    campaign.save()
    assert cached_campaign_progress(campaign).deadline == datetime.date(2023, 12, 31)


def test_home_page_lists_open_classes_nearest_first_and_running_campaigns(client):
    home = HomePage.objects.get()
    now = timezone.now()
    later = TrainingSessionFactory(title="Lớp sau", starts_at=now + datetime.timedelta(days=9))
    sooner = TrainingSessionFactory(title="Lớp trước", starts_at=now + datetime.timedelta(days=2))
    TrainingSessionFactory(title="Lớp đã khoá sổ", registration_closes_at=now - datetime.timedelta(hours=1))
    TrainingSessionFactory(title="Lớp chưa mở", registration_opens_at=now + datetime.timedelta(days=1))
    TrainingSessionFactory(title="Lớp riêng", is_public=False)
    running = _campaign(ends_on=datetime.date(2099, 12, 31), slug="dang-chay")
    finished = _campaign(ends_on=datetime.date(2022, 12, 31), months=(), slug="da-xong")
    home.add_child(instance=CampaignPage(title="Chiến dịch đang chạy", slug="dang-chay", campaign=running))
    home.add_child(instance=CampaignPage(title="Chiến dịch đã xong", slug="da-xong", campaign=finished))
    assert [session for session, _seats in home.open_classes()] == [sooner, later]
    html = client.get(home.url).content.decode()
    assert html.index("Lớp trước") < html.index("Lớp sau")
    for hidden in ("Lớp đã khoá sổ", "Lớp chưa mở", "Lớp riêng", "Chiến dịch đã xong"):
        assert hidden not in html
    assert "Chiến dịch đang triển khai" in html and "Chiến dịch đang chạy" in html
    assert "Tỷ lệ hồ sơ nộp trực tuyến tháng 06/2022: 60,0 %; mục tiêu 30 % vào 31/12/2099 — chưa đến hạn." in html
