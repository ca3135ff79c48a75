import datetime
import io
import logging

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.access.roles import Role
from campaigns.models import DossierStatistic
from tests.factories.statistics import DossierStatisticFactory, statistic_for
from tests.factories.units import REFORM, AdministrativeUnitFactory
from tests.factories.users import UserFactory

# The province of the small tree (a few communes) rather than a real one (hundreds): the same screens, far
# fewer rows to rank and draw.
pytestmark = pytest.mark.django_db
JULY = datetime.date(2025, 7, 1)


def stat(unit, month, online, direct, **extra):
    return DossierStatisticFactory(
        unit=unit, period_start=month, received_online=online, received_direct=direct, **extra
    )


def commune(tree, name):
    """One more commune of the tree's province, in force since the reform."""
    return AdministrativeUnitFactory(parent=tree.province, valid_from=REFORM, name=name)


@pytest.fixture
def leader(client, tree):
    user = UserFactory(role=Role.LEADER, scopes=[tree.province])
    client.force_login(user)
    return user


@pytest.fixture
def figures(tree):
    stat(tree.new_commune, JULY, 600, 400)  # Xã Đồi Thông 60 %
    stat(tree.new_ward, JULY, 300, 700)  # Phường Mây Trắng 30 %
    stat(tree.new_ward_2, JULY, 1, 99)  # Phường Cầu Gỗ 1 %
    commune(tree, "Xã Lặng Im")  # reports nothing


def test_leader_sees_ranked_units_with_verdicts(client, leader, figures):
    response = client.get(reverse("statistics_dashboard"), {"start": "2025-07", "end": "2025-07"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Tỉnh Sông Mây" in text
    rows = response.context["rows"]
    assert [item["row"].unit.code for item in rows[:3]] == ["33001", "33007", "33013"]
    assert rows[0]["rate"] == "60,0 %"
    assert [item["verdict"] for item in rows[:3]] == ["reached", "too_close", "not_reached"]
    assert "1.000" in text  # grouped counts
    assert "đã đạt" in text and "chưa đạt" in text


def test_a_unit_that_reported_no_month_shows_no_count_not_zero(client, leader, figures):
    params = {"start": "2025-07", "end": "2025-07"}
    rows = {
        item["row"].unit.code: item for item in client.get(reverse("statistics_dashboard"), params).context["rows"]
    }
    silent = next(item for code, item in rows.items() if code not in ("33001", "33007", "33013"))
    assert (silent["online"], silent["denominator"], silent["rate"], silent["completeness"]) == (
        None,
        None,
        "—",
        "0/1",
    )
    assert silent["row"].unit.name == "Xã Lặng Im"
    assert (rows["33013"]["online"], rows["33013"]["denominator"]) == (1, 100)
    text = client.get(reverse("statistics_dashboard"), params).content.decode()
    assert f"{silent['row'].unit.name}</a></td>\n                <td>—</td>\n                <td>—</td>" in text
    sheet = load_workbook(io.BytesIO(client.get(reverse("statistics_dashboard_export"), params).content)).active
    exported = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert exported[silent["row"].unit.code][2:4] == (None, None)
    assert exported["33013"][2:4] == (1, 100)


def test_chart_is_a_png(client, leader, figures):
    response = client.get(reverse("statistics_dashboard_chart"), {"start": "2025-01", "end": "2025-07"})
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


def test_xlsx_export_has_one_row_per_unit_and_escapes_formulas(client, leader, figures):
    response = client.get(reverse("statistics_dashboard_export"), {"start": "2025-07", "end": "2025-07"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "33001" and rows[1][4] == pytest.approx(0.6)
    assert len(rows) - 1 == len({row[0] for row in rows[1:]})
    assert not any(isinstance(cell, str) and cell.startswith("=") for row in rows for cell in row)


def test_unit_outside_scope_is_refused_and_logged(client, leader, caplog):
    other = AdministrativeUnitFactory(code="98", level="province", unit_type="tinh", name="Tỉnh Núi Xa")
    with caplog.at_level(logging.WARNING, logger="campaigns.access"):
        for name in ("statistics_dashboard", "statistics_dashboard_chart", "statistics_dashboard_export"):
            response = client.get(reverse(name), {"unit": other.pk})
            # Wagtail answers a denied admin view with a redirect and a message.
            assert response.status_code in (302, 403), name
            assert b"Nui Xa" not in response.content and "Núi Xa".encode() not in response.content
    assert "access denied" in caplog.text


def test_trainers_have_no_dashboard(client, tree):
    client.force_login(UserFactory(role=Role.TRAINER, scopes=[tree.new_commune]))
    assert client.get(reverse("statistics_dashboard")).status_code in (302, 403)
    assert client.get(reverse("statistics_dashboard_chart")).status_code in (302, 403)
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Tỷ lệ nộp trực tuyến tại địa bàn" not in home


def test_bad_months_give_a_form_error_not_a_crash(client, leader):
    response = client.get(reverse("statistics_dashboard"), {"start": "2025-13", "end": "abc"})
    assert response.status_code == 200
    assert response.context["form"].errors


def test_drill_down_into_a_commune(client, leader, figures, tree):
    response = client.get(reverse("statistics_dashboard"), {"unit": tree.new_commune.pk})
    assert response.status_code == 200
    assert response.context["dashboard"].unit == tree.new_commune


def test_home_panel_shows_the_scope(client, leader, figures):
    text = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "Tỷ lệ nộp trực tuyến tại địa bàn" in text
    assert "Tỉnh Sông Mây" in text


def test_dashboard_query_count_is_fixed_whatever_the_number_of_units(
    client, leader, tree, django_assert_max_num_queries
):
    stat(tree.new_commune, JULY, 1, 1)
    params = {"start": "2025-07", "end": "2025-07"}
    client.get(reverse("statistics_dashboard"), params)  # warm the per-process caches
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("statistics_dashboard"), params)
    for unit in [tree.new_ward, tree.new_ward_2, *(commune(tree, f"Xã Thêm {n}") for n in range(3))]:
        stat(unit, JULY, 5, 5)
    with django_assert_max_num_queries(40) as many:
        client.get(reverse("statistics_dashboard"), params)
    assert len(many.captured_queries) == len(few.captured_queries)


def test_officer_cannot_enter_figures_for_another_unit(client, tree):
    client.force_login(UserFactory(role=Role.UNIT_OFFICER, scopes=[tree.new_commune]))
    data = {
        "unit": tree.new_ward.pk,
        "period_start": "01/07/2025",
        "period_end": "31/07/2025",
        "source": "",
        "received_online": "1",
        "received_direct": "1",
    }
    response = client.post(reverse("statistics:add"), data)
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    assert not DossierStatistic.objects.exists()
    data["unit"] = tree.new_commune.pk
    response = client.post(reverse("statistics:add"), data)
    assert response.status_code == 302
    assert DossierStatistic.objects.get().unit == tree.new_commune


def test_statistics_listing_is_scoped(client, tree):
    stat(tree.new_commune, JULY, 1, 1)
    other = stat(tree.new_ward, JULY, 1, 1)
    client.force_login(UserFactory(role=Role.UNIT_OFFICER, scopes=[tree.new_commune]))
    response = client.get(reverse("statistics:index"))
    assert [obj.unit for obj in response.context["object_list"]] == [tree.new_commune]
    assert client.get(reverse("statistics:edit", args=[other.pk])).status_code in (302, 403)


def test_chart_works_with_a_period_off_the_calendar_month(client, tree):
    client.force_login(UserFactory(role=Role.LEADER, scopes=[tree.province]))
    stat(tree.old_commune, datetime.date(2021, 7, 1), 10, 90)
    statistic_for(tree.old_commune, (datetime.date(2021, 7, 25), datetime.date(2021, 8, 25)), 30, 70)
    response = client.get(reverse("statistics_dashboard_chart"), {"start": "2021-01", "end": "2021-12"})
    assert response.status_code == 200 and response.content.startswith(b"\x89PNG")
