"""The monthly aggregates stay equal to a fresh computation after every path that changes statistics, and the
dashboard, the aggregates and the indicators export give the same numbers."""

import csv
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F, Sum

from campaigns.core.months import PeriodKind
from campaigns.models import DossierStatistic, StatisticSource, UnitSuccession
from campaigns.statistics.aggregates import aggregate_differences
from campaigns.statistics.dashboard import build_dashboard
from campaigns.statistics.indicator_export import indicator_rows
from campaigns.statistics.models import NationalMonthFigure, UnitMonthFigure
from campaigns.statistics.rate_definitions import DENOMINATOR
from campaigns.statistics.services import statistics_import
from campaigns.units.areas import area_for, nation_area, nation_unit
from campaigns.units.choices import SuccessionKind
from tests.factories.statistics import DossierStatisticFactory
from tests.factories.units import REFORM

pytestmark = pytest.mark.django_db
JUNE, JULY, AUGUST = datetime.date(2025, 6, 1), datetime.date(2025, 7, 1), datetime.date(2025, 8, 1)


def fresh_sums(unit_ids, first, last) -> tuple[int, int]:
    """(online, denominator) straight from the statistics that count: what the dashboard must show."""
    row = (
        DossierStatistic.objects.filter(
            unit_id__in=unit_ids,
            is_counted=True,
            period_kind=PeriodKind.MONTH,
            report_month__gte=first,
            report_month__lte=last,
        )
        .annotate(denominator=DENOMINATOR)
        .aggregate(online=Sum("received_online"), total=Sum("denominator"))
    )
    return row["online"] or 0, row["total"] or 0


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Mã ĐVHC", "Kỳ", "Nguồn số liệu", "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp"])
        writer.writerows(rows)
    return path


def assert_same_everywhere(tree, first=JUNE, last=datetime.date(2025, 8, 31)):
    """Aggregates = fresh computation; dashboard totals and ranking = the statistics; export = the same."""
    assert aggregate_differences() == []
    area = area_for(tree.province)
    dashboard = build_dashboard(unit=tree.province, first_month=first, last_month=last.replace(day=1))
    online, total = fresh_sums(area.included, first, last)
    assert (dashboard.totals["online_rate"].numerator, dashboard.totals["online_rate"].denominator) == (online, total)
    assert sum(point.online for point in dashboard.points) == online
    ranked = {row.unit.pk: (row.online, row.denominator) for row in dashboard.children}
    for child in tree.current_communes:
        mine = [pk for pk, parent in area.child_of.items() if parent == child.pk]
        assert ranked[child.pk] == fresh_sums(mine, first, last)
    exported = indicator_rows(scope=tree.province, first=first, last=last, current_units=True)
    assert sum(row.received_online or 0 for row in exported) == sum(ranked[c.pk][0] for c in tree.current_communes)
    country = build_dashboard(unit=nation_unit(), first_month=first, last_month=last.replace(day=1))
    nation_online, nation_total = fresh_sums(nation_area().included, first, last)
    assert (country.totals["online_rate"].numerator, country.totals["online_rate"].denominator) == (
        nation_online,
        nation_total,
    )
    province_row = next(row for row in country.children if row.unit.pk == tree.province.pk)
    assert (province_row.online, province_row.denominator) == (online, total)
    return dashboard


def test_imports_edits_deletions_and_precedence_keep_the_aggregates_fresh(
    tree, tmp_path, django_capture_on_commit_callbacks
):
    # An import of two sources for the same report month: one counts (sources not listed: by name).
    statistics_import(
        path=write_csv(
            tmp_path / "thang.csv",
            [
                ["33001", "06/2025", "Hệ thống một cửa", 10, 90],
                ["33004", "06/2025", "Hệ thống một cửa", 30, 70],
                ["33001", "07/2025", "Hệ thống một cửa", 600, 400],
                ["33001", "07/2025", "Báo cáo tay", 1, 1],
                ["33007", "07/2025", "Hệ thống một cửa", 300, 700],
                ["33013", "08/2025", "Báo cáo tay", 5, 95],
            ],
        )
    )
    dashboard = assert_same_everywhere(tree)
    assert dict(dashboard.sources) == {"Hệ thống một cửa": 3, "Báo cáo tay": 2}
    # An edit by hand (the admin form saves the model).
    statistic = DossierStatistic.objects.get(unit=tree.new_ward, report_month=JULY)
    statistic.received_online = 500
    statistic.save()
    assert_same_everywhere(tree)
    # A deletion.
    DossierStatistic.objects.filter(unit=tree.old_township).delete()
    assert_same_everywhere(tree)
    # The source precedence changes: the one-stop system's July figure of 33001 now counts instead.
    with django_capture_on_commit_callbacks(execute=True):
        StatisticSource.objects.create(name="Hệ thống một cửa", rank=0)  # before every listed source
    assert DossierStatistic.objects.get(unit=tree.new_commune, report_month=JULY, source="Hệ thống một cửa").is_counted
    dashboard = assert_same_everywhere(tree)
    assert dashboard.totals["online_rate"].numerator == 10 + 600 + 500 + 5  # June, July 33001, the edited ward, …


def test_a_new_succession_link_places_the_old_unit_in_the_country_again(tree, django_capture_on_commit_callbacks):
    DossierStatisticFactory(unit=tree.old_ward_split, period_start=JUNE, received_online=40, received_direct=60)
    row = UnitMonthFigure.objects.get(unit=tree.old_ward_split)
    assert (row.in_nation, row.province_id) == (True, tree.province.pk)
    # The split ward's share that went to Phường Cầu Gỗ is removed: it now went wholly into Phường Mây Trắng.
    with django_capture_on_commit_callbacks(execute=True):
        UnitSuccession.objects.filter(old_unit=tree.old_ward_split, new_unit=tree.new_ward_2).delete()
        UnitSuccession.objects.filter(old_unit=tree.old_ward_split).update(kind=SuccessionKind.FULL)
        UnitSuccession.objects.get(old_unit=tree.old_ward_split).save()
    assert aggregate_differences() == []
    ranking = build_dashboard(unit=tree.province, first_month=JUNE, last_month=JUNE).children
    assert next(row for row in ranking if row.unit == tree.new_ward).online == 40


def test_rebuild_aggregates_check_finds_stale_figures_and_the_rebuild_mends_them(tree):
    DossierStatisticFactory(unit=tree.new_commune, period_start=JULY, received_online=60, received_direct=40)
    call_command("rebuild_aggregates", "--check", stdout=io.StringIO())
    UnitMonthFigure.objects.update(online=F("online") + 1)
    NationalMonthFigure.objects.all().delete()
    with pytest.raises(CommandError) as raised:
        call_command("rebuild_aggregates", "--check", stdout=io.StringIO())
    assert "Số liệu tháng khác với số liệu thống kê" in str(raised.value)
    assert "rebuild_aggregates" in str(raised.value)
    out = io.StringIO()
    call_command("rebuild_aggregates", stdout=out)
    assert "dựng lại" in out.getvalue()
    assert aggregate_differences() == []
    assert UnitMonthFigure.objects.get(unit=tree.new_commune).online == 60


def test_rebuild_aggregates_refuses_unknown_options():
    with pytest.raises(CommandError):
        call_command("rebuild_aggregates", "--scope", "01")


def test_periodic_reports_are_not_monthly_aggregates(tree):
    DossierStatisticFactory(
        unit=tree.new_commune,
        period_start=datetime.date(2025, 7, 1),
        period_end=datetime.date(2025, 9, 30),
        received_online=300,
        received_direct=100,
    )
    assert not UnitMonthFigure.objects.exists()
    dashboard = build_dashboard(unit=tree.province, first_month=JULY, last_month=datetime.date(2025, 9, 1))
    assert [report.online for report in dashboard.periodic] == [300]
    assert not dashboard.totals["online_rate"].is_known  # "—", not 0 %


def test_units_after_the_reform_and_before_it_count_once_for_the_country(tree):
    DossierStatisticFactory(unit=tree.old_commune, period_start=JUNE, received_online=10, received_direct=10)
    DossierStatisticFactory(unit=tree.new_commune, period_start=REFORM, received_online=30, received_direct=10)
    country = build_dashboard(unit=nation_unit(), first_month=JUNE, last_month=JULY)
    assert [point.online for point in country.points] == [10, 30]
    assert country.totals["online_rate"].numerator == 40


def test_an_import_for_most_units_rebuilds_everything_with_the_same_result(
    tree, tmp_path, monkeypatch, django_capture_on_commit_callbacks
):
    from campaigns.statistics import aggregates

    DossierStatisticFactory(unit=tree.new_ward, period_start=JULY, received_online=7, received_direct=3)
    monkeypatch.setattr(aggregates, "WHOLE_REBUILD_UNITS", 1)
    rows = [["33001", "07/2025", "", 60, 40], ["33013", "07/2025", "", 20, 80]]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        statistics_import(path=write_csv(tmp_path / "thang-7.csv", rows))
    assert aggregate_differences() != []  # the import itself leaves the whole rebuild to the task it queues
    for callback in callbacks:
        callback()
    assert aggregate_differences() == []
    assert UnitMonthFigure.objects.filter(month=JULY).aggregate(total=Sum("online"))["total"] == 87
