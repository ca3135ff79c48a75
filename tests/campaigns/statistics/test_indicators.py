import datetime

import pytest

from campaigns.core.intervals import NO_DATA, NOT_REACHED, REACHED, TOO_CLOSE
from campaigns.models import AdministrativeUnit
from campaigns.statistics.indicators import area_totals, children_ranking, monthly_online_rates
from campaigns.units.areas import area_for
from tests.factories.statistics import month_end, statistic_for
from tests.factories.users import unit

# Most tests use the small tree of tests/factories/units.py (a province of a few communes, in both eras); the
# real catalogue only where its own data is the point (query counts on Hà Nội, the Hà Tĩnh centre's reports).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
JULY, AUGUST = datetime.date(2025, 7, 1), datetime.date(2025, 8, 1)


def stat(code_or_unit, month, online, direct, postal=None, *, current=True, **extra):
    """Figures of a calendar month for a unit, or for a real unit by its code (``current=False``: before 2025)."""
    figures_of = code_or_unit if isinstance(code_or_unit, AdministrativeUnit) else unit(code_or_unit, current=current)
    return statistic_for(figures_of, (month, month_end(month)), online, direct, postal, **extra)


def test_roll_up_sums_counts_then_divides(tree):
    # Two communes of a province: 10 of 100 and 90 of 100 -> 100 of 200 = 50 %, while the mean of
    # the two rates would be 50 % too; make them unequal in size to tell the two apart:
    # 10 of 100 (10 %) and 90 of 300 (30 %): roll-up 100/400 = 25 %, mean of rates 20 %.
    stat(tree.new_commune, JULY, 10, 90)
    stat(tree.new_ward, JULY, 90, 200, 10)
    area = area_for(tree.province)
    totals = area_totals(area, JULY, JULY)
    assert totals["online_rate"].numerator == 100
    assert totals["online_rate"].denominator == 400
    assert totals["online_rate"].value == pytest.approx(0.25)
    # The first commune gives no postal count: unknown, not zero, so the BCCI rate covers the second only.
    assert totals["bcci_rate"].value == pytest.approx(10 / 300)


def test_old_units_count_under_todays_unit(tree):
    # Before the reform Xã Suối Mây and Thị trấn Đồi Thông reported separately; today they are Xã Đồi Thông.
    stat(tree.old_commune, datetime.date(2025, 5, 1), 5, 45)
    stat(tree.old_township, datetime.date(2025, 5, 1), 15, 35)
    stat(tree.new_commune, JULY, 30, 70)
    area = area_for(tree.new_commune)
    points = monthly_online_rates(area, datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    assert [(point.month, point.online, point.denominator) for point in points] == [
        (datetime.date(2025, 5, 1), 20, 100),
        (JULY, 30, 100),
    ]


def test_split_old_unit_is_flagged_not_counted_in_a_child():
    # Old Phường Ngọc Hà (00016) was split between today's Ba Đình and Ngọc Hà wards.
    ngoc_ha_old = AdministrativeUnit.objects.get(code="00016", valid_to__isnull=False)
    stat("00016", datetime.date(2025, 5, 1), 50, 50, current=False)
    hanoi = area_for(unit("01"))
    assert ngoc_ha_old.pk in hanoi.included  # wholly inside Hà Nội: counts for the city
    assert ngoc_ha_old.pk not in hanoi.child_of  # but for neither ward
    flagged = {AdministrativeUnit.objects.get(pk=pk).name for pk, units in hanoi.partial_children.items()}
    assert {"Phường Ba Đình", "Phường Ngọc Hà"} <= flagged
    ranking = children_ranking(
        hanoi,
        start=datetime.date(2025, 5, 1),
        end=datetime.date(2025, 5, 31),
        previous_start=datetime.date(2025, 4, 1),
        previous_end=datetime.date(2025, 4, 30),
        target=0.3,
    )
    ba_dinh = next(row for row in ranking if row.unit.name == "Phường Ba Đình")
    assert ba_dinh.online == 0 and ba_dinh.partial_sources >= 1
    assert area_totals(hanoi, datetime.date(2025, 5, 1), datetime.date(2025, 5, 1))["online_rate"].numerator == 50


def test_ranking_orders_by_rate_with_change_and_verdicts(tree):
    stat(tree.new_commune, JULY, 60, 40)  # 60 % now
    stat(tree.new_ward, JULY, 300, 700)  # 30 % of 1000: interval straddles 30 %
    stat(tree.new_ward, AUGUST, 0, 0)
    stat(tree.new_ward_2, JULY, 1, 99)  # 1 %
    silent = AdministrativeUnit.objects.create(
        code="33016", level="commune", unit_type="xa", name="Xã Lặng Im", parent=tree.province, valid_from=JULY
    )
    area = area_for(tree.province)
    ranking = children_ranking(
        area,
        start=JULY,
        end=datetime.date(2025, 7, 31),
        previous_start=datetime.date(2025, 6, 1),
        previous_end=datetime.date(2025, 6, 30),
        target=0.30,
    )
    assert [row.unit.code for row in ranking[:3]] == ["33001", "33007", "33013"]
    assert [row.verdict for row in ranking[:3]] == [REACHED, TOO_CLOSE, NOT_REACHED]
    assert ranking[-1].unit == silent and ranking[-1].verdict == NO_DATA
    assert ranking[0].change_points is None  # no figures for June


def test_change_since_previous_period_in_points(tree):
    stat(tree.new_commune, datetime.date(2025, 6, 1), 20, 80)
    stat(tree.new_commune, JULY, 35, 65)
    ranking = children_ranking(
        area_for(tree.province),
        start=JULY,
        end=datetime.date(2025, 7, 31),
        previous_start=datetime.date(2025, 6, 1),
        previous_end=datetime.date(2025, 6, 30),
        target=None,
    )
    top = ranking[0]
    assert top.unit == tree.new_commune
    assert top.change_points == pytest.approx(15.0)


def test_optional_counts_use_the_rows_that_report_them(tree):
    # Only one of two communes reports full-process online: its share is 20 of 100, not 20 of 300.
    stat(tree.new_commune, JULY, 50, 50, received_online_full=20)
    stat(tree.new_ward, JULY, 100, 100)
    totals = area_totals(area_for(tree.province), JULY, JULY)
    assert (totals["full_online_share"].numerator, totals["full_online_share"].denominator) == (20, 100)


def test_monthly_interval_is_cluster_robust(tree):
    # Units at 10 % and 90 % of equal size: the pooled Wilson interval of 100/200 is about ±7 points,
    # the unit-clustered one is much wider because the two units disagree.
    stat(tree.new_commune, JULY, 10, 90)
    stat(tree.new_ward, JULY, 90, 10)
    point = monthly_online_rates(area_for(tree.province), JULY, JULY)[0]
    assert point.rate.value == pytest.approx(0.5)
    assert point.rate.interval.high - point.rate.interval.low > 0.5


def test_query_count_does_not_depend_on_the_number_of_units(django_assert_num_queries):
    for code in ("23149", "24820", "25036"):
        stat(code, JULY, 10, 10)
    area = area_for(unit("68"))
    with django_assert_num_queries(4):
        monthly_online_rates(area, JULY, JULY)
        area_totals(area, JULY, JULY)
        children_ranking(
            area,
            start=JULY,
            end=JULY,
            previous_start=datetime.date(2025, 6, 1),
            previous_end=datetime.date(2025, 6, 30),
            target=0.3,
        )
    hanoi = unit("01")
    with django_assert_num_queries(4):
        area_for(hanoi)


def test_periods_off_the_report_months_are_never_placed_in_a_month():
    # The Hà Tĩnh centre reported 25/07–25/08/2021 next to ordinary July rows: the irregular period is
    # no report month, so July is July's own figure and the period is shown as the period it is.
    stat("42", datetime.date(2021, 7, 1), 10, 90, current=False)
    statistic_for(
        unit("42", current=False), (datetime.date(2021, 7, 25), datetime.date(2021, 8, 25)), 30, 70, source="Trung tâm"
    )
    points = monthly_online_rates(area_for(unit("42")), datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    assert [(point.month, point.online, point.denominator) for point in points] == [
        (datetime.date(2021, 7, 1), 10, 100)
    ]
    from campaigns.statistics.dashboard import periodic_reports

    reports = periodic_reports(area_for(unit("42")), datetime.date(2021, 1, 1), datetime.date(2021, 12, 31))
    assert [(report.label, report.online, report.denominator) for report in reports] == [
        ("25/07/2021–25/08/2021", 30, 100)
    ]


def test_15th_to_14th_reports_are_the_next_months_report(tree):
    # Nghị định 09/2019: 15/10–14/11 is the November report, next to a calendar-month report elsewhere.
    statistic_for(tree.new_commune, (datetime.date(2025, 10, 15), datetime.date(2025, 11, 14)), 40, 60)
    stat(tree.new_ward, datetime.date(2025, 11, 1), 10, 90)
    points = monthly_online_rates(area_for(tree.province), datetime.date(2025, 10, 1), datetime.date(2025, 11, 30))
    assert [(point.month, point.online, point.denominator) for point in points] == [
        (datetime.date(2025, 11, 1), 50, 200)
    ]
