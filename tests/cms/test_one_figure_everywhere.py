"""One dataset, the same figure on every screen: dashboard (page, totals, ranking, XLSX), public campaign page,
export_indicators, the impact panel, targets, the report's units and recommendations.

The data are shaped as offices report them: 15th-to-14th periods (report months) from form 06, and a
second source (hand entry) for some unit-months that must never be added to the first.
"""

import csv
import datetime
import io
import json
import random

import pytest
from django.core.management import call_command

from campaigns.core.formatting import percent_vi
from campaigns.impact.panel import build_panel
from campaigns.impact.report import impact_report
from campaigns.models import DossierStatistic, ReachRule, Target
from campaigns.statistics.dashboard import build_dashboard
from campaigns.statistics.indicator_export import indicator_rows
from cms.progress import campaign_progress
from tests.factories.campaigns import past_campaign

from ..factories.users import unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

COMMUNES = [
    "23149",
    "23152",
    "23158",
    "23161",
    "23164",
    "23167",
    "23170",
    "23173",
    "23176",
    "23179",
    "23182",
    "23185",
    "23188",
]
TRAINED = {"23149": 4, "23152": 4, "23158": 6, "23161": 6}
HAND_ENTERED = {"23149": (2023, 12), "23170": (2023, 11)}
DECEMBER = datetime.date(2023, 12, 1)


def official_period(year: int, month: int) -> tuple[str, str]:
    """The 15th-to-14th period of a report month: 12/2023 is 15/11/2023–14/12/2023."""
    previous = datetime.date(year - (month == 1), (month - 2) % 12 + 1, 15)
    return previous.strftime("%d/%m/%Y"), datetime.date(year, month, 14).strftime("%d/%m/%Y")


@pytest.fixture
def dataset(tmp_path):
    rng = random.Random(18)
    official = tmp_path / "bieu-06.csv"
    hand = tmp_path / "nhap-tay.csv"
    with (
        official.open("w", encoding="utf-8", newline="") as handle,
        hand.open("w", encoding="utf-8", newline="") as other,
    ):
        writer, hand_writer = csv.writer(handle), csv.writer(other)
        header = [
            "Mã ĐVHC",
            "Từ ngày",
            "Đến ngày",
            "Tiếp nhận trực tuyến",
            "Tiếp nhận trực tiếp",
            "Tiếp nhận qua dịch vụ BCCI",
        ]
        writer.writerow(header)
        hand_writer.writerow(["Mã ĐVHC", "Kỳ", "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp"])
        for code in COMMUNES:
            level = rng.uniform(0.10, 0.20)
            for index in range(36):
                year, month = 2021 + index // 12, index % 12 + 1
                rate = level + 0.008 * index + rng.gauss(0, 0.004)
                if code in TRAINED and (year, month) >= (2022, TRAINED[code]):
                    rate += 0.08
                total = rng.randint(300, 900)
                online = round(total * rate)
                postal = rng.randint(0, 30)
                writer.writerow([code, *official_period(year, month), online, total - online - postal, postal])
                if HAND_ENTERED.get(code) == (year, month):
                    # Another source for the same unit and report month, with other figures: kept, not added.
                    hand_writer.writerow([code, f"{month:02d}/{year}", online * 2, 10])
    for path, source in ((official, "Biểu 06/VPCP/KSTT"), (hand, "Nhập tay")):
        call_command("import_statistics", str(path), "--source", source, stdout=io.StringIO(), stderr=io.StringIO())
    campaign = past_campaign(
        "599", "tl-mot-so-lieu", datetime.date(2022, 4, 1), datetime.date(2022, 12, 31), name="Tánh Linh (một số liệu)"
    )
    ReachRule.objects.create(campaign=campaign, channel="training", minimum=1)
    Target.objects.create(campaign=campaign, indicator="online_rate", value=30, deadline=datetime.date(2023, 12, 31))
    return campaign


def test_report_months_from_15th_to_14th_run_end_to_end_into_the_impact_report(dataset):
    assert DossierStatistic.objects.filter(report_month=DECEMBER, is_counted=True).count() == len(COMMUNES)
    assert DossierStatistic.objects.filter(is_counted=False).count() == len(HAND_ENTERED)
    report = impact_report(campaign=dataset)
    assert report["window"] == {"start": "2021-04", "end": "2023-12"}
    assert report["scope"]["units"] == len(COMMUNES)
    # Every unit reported every report month: nothing read as missing.
    assert not [warning for warning in report["warnings"] if warning["code"] == "missing_months"]
    assert report["observed"]["latest_rate"] is not None


def test_one_dataset_shows_the_same_figure_on_every_screen(dataset):
    area_unit = unit("599", current=False)
    official = DossierStatistic.objects.filter(report_month=DECEMBER, source="Biểu 06/VPCP/KSTT")
    online = sum(item.received_online for item in official)
    total = sum(item.received_online + item.received_direct + item.received_postal for item in official)
    expected = online / total

    # Dashboard: the latest month's point and the totals of that month.
    dashboard = build_dashboard(unit=area_unit, first_month=DECEMBER, last_month=DECEMBER)
    assert dashboard.points[-1].month == DECEMBER
    assert dashboard.points[-1].rate.value == pytest.approx(expected)
    assert dashboard.totals["online_rate"].value == pytest.approx(expected)
    # The commune with a hand-entered figure too: the form 06 figure counts, never the sum of both.
    ranking = {row.unit.code: row for row in dashboard.children}
    counted = official.get(unit__code="23149")
    assert ranking["23149"].online == counted.received_online

    # export_indicators (the command's JSON and the selector).
    rows = indicator_rows(scope=area_unit, first=DECEMBER, last=DECEMBER)
    assert sum(row.received_online for row in rows) / sum(row.received_total for row in rows) == pytest.approx(
        expected
    )
    out = io.StringIO()
    call_command(
        "export_indicators",
        "--scope",
        "599",
        "--start",
        "2023-12",
        "--end",
        "2023-12",
        "--format",
        "json",
        stdout=out,
        stderr=io.StringIO(),
    )
    exported = {row["unit_code"]: row for row in json.loads(out.getvalue())}
    assert exported["23149"]["received_online"] == counted.received_online
    assert exported["23149"]["source"] == "Biểu 06/VPCP/KSTT"
    assert exported["23149"]["online_rate"] == pytest.approx(ranking["23149"].rate.value)

    # The impact panel reads the same report month with the same counting source.
    panel = build_panel(root=area_unit, scope_ids=[area_unit.pk], start=DECEMBER, end=DECEMBER, rules=[])
    assert panel.online[:, -1].sum() / panel.total[:, -1].sum() == pytest.approx(expected)

    # The public campaign page.
    progress = campaign_progress(dataset)
    assert (progress.month, progress.rate) == (DECEMBER, pytest.approx(expected))

    # The admin home panel of a leader of today's province, which old Tánh Linh went wholly into (the dataset has
    # figures for Tánh Linh's communes only).
    from campaigns.access.roles import Role
    from campaigns.statistics.panels import ScopeRatesPanel

    from ..factories.users import UserFactory

    leader = UserFactory(role=Role.LEADER, scopes=[unit("68")])
    [item] = ScopeRatesPanel(leader).get_context_data()["items"]
    assert item["point"].month == DECEMBER
    assert item["rate"] == percent_vi(expected)

    # Three latest months: dashboard totals = the target's value = the report's and recommendations' rates.
    october = datetime.date(2023, 10, 1)
    three = build_dashboard(unit=area_unit, first_month=october, last_month=DECEMBER)
    report = impact_report(campaign=dataset)
    [target] = report["targets"]
    assert target["value"] == pytest.approx(three.totals["online_rate"].value)
    by_code = {row.unit.code: row.rate.value for row in three.children}
    for row in report["units"]:
        assert row["latest_rate"] == pytest.approx(by_code[row["code"]])
    assert percent_vi(expected) == percent_vi(dashboard.points[-1].rate.value)
    # Tánh Linh's old communes were abolished on 01/07/2025: the report recommends none of them.
    assert report["recommendations"]["next_units"] == []
    assert report["recommendations"]["projections"] == []


def test_one_verdict_rule_and_one_interval_on_the_dashboard_and_in_the_report(dataset):
    """A commune's target: the dashboard's ranking and the report judge the same three months with the same
    interval (over unit-month cells) and the same rule."""
    commune = unit("23149", current=False)
    target = Target.objects.create(
        campaign=dataset, indicator="online_rate", value=30, deadline=datetime.date(2023, 12, 31)
    )
    target.units.add(commune)
    target.units.commit()  # a parental many-to-many is written when committed
    report = impact_report(campaign=dataset)
    [judged] = [entry for entry in report["targets"] if entry["units"] == ["23149"]]
    october = datetime.date(2023, 10, 1)
    three = build_dashboard(unit=unit("599", current=False), first_month=october, last_month=DECEMBER)
    row = {row.unit.code: row for row in three.children}["23149"]
    assert row.rate.value == pytest.approx(judged["value"])
    assert [row.rate.interval.low, row.rate.interval.high] == pytest.approx(judged["ci95"])
    assert row.verdict == judged["verdict"]
    # Not due yet: the same months judged before their deadline say so, whatever the rate.
    target.deadline = datetime.date(2030, 12, 31)
    target.save()
    later = [entry for entry in impact_report(campaign=dataset)["targets"] if entry["units"] == ["23149"]]
    assert later[0]["verdict"] == "not_yet_due"
