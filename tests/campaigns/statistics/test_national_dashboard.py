"""The whole country's dashboard ("Toàn quốc"): who may open it, what it shows, a fixed number of queries whatever
the months; former districts opened from the dashboard; the national indicators export."""

import csv
import datetime
import io
import logging

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns.access.roles import Role
from campaigns.statistics.indicator_export import INDICATOR_COLUMNS
from campaigns.units.areas import NATION_CODE
from tests.factories.statistics import DossierStatisticFactory
from tests.factories.units import REFORM
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db
JUNE = datetime.date(2025, 6, 1)


@pytest.fixture
def figures(tree):
    DossierStatisticFactory(unit=tree.old_commune, period_start=JUNE, received_online=10, received_direct=90)
    DossierStatisticFactory(unit=tree.old_ward, period_start=JUNE, received_online=50, received_direct=50)
    DossierStatisticFactory(unit=tree.new_commune, period_start=REFORM, received_online=60, received_direct=40)


@pytest.fixture
def administrator(client):
    user = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(user)
    return user


def test_the_country_is_ranked_by_province_with_totals_and_chart(client, administrator, tree, figures):
    response = client.get(reverse("statistics_dashboard"), {"unit": NATION_CODE, "start": "2025-06", "end": "2025-07"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Toàn quốc" in text and "Xếp hạng các tỉnh" in text
    assert response.context["totals"]["online_rate"] == "40,0 %"  # (10 + 50 + 60) / 300
    row = next(item for item in response.context["rows"] if item["row"].unit == tree.province)
    assert (row["online"], row["denominator"], row["completeness"]) == (120, 300, "2/2")
    assert f'value="{NATION_CODE}" selected' in text
    chart = client.get(reverse("statistics_dashboard_chart"), {"unit": NATION_CODE, "start": "2025-06"})
    assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG")
    export = client.get(reverse("statistics_dashboard_export"), {"unit": NATION_CODE, "start": "2025-06"})
    assert export.status_code == 200 and b"toan-quoc" in export["Content-Disposition"].encode()


def test_the_national_dashboard_runs_the_same_queries_for_1_and_60_months(client, administrator, tree, figures):
    url = reverse("statistics_dashboard")
    client.get(url, {"unit": NATION_CODE})  # sessions, caches and the target row warmed once
    counts = []
    for start in ("2025-07", "2020-08"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"unit": NATION_CODE, "start": start, "end": "2025-07"}).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_national_dashboard_stays_within_its_queries(
    client, administrator, tree, figures, django_assert_max_num_queries
):
    client.get(reverse("statistics_dashboard"), {"unit": NATION_CODE})
    # 27: the admin's own (session, user, permissions, menu: 13 of them, one for the background jobs' menu item),
    # the area, the aggregates, the periodic reports and whether a whole-country recount is under way.
    with django_assert_max_num_queries(27):
        client.get(reverse("statistics_dashboard"), {"unit": NATION_CODE, "start": "2020-08", "end": "2025-07"})


def test_a_province_leader_is_refused_the_country(client, tree, figures, caplog):
    client.force_login(UserFactory(role=Role.LEADER, scopes=[tree.province]))
    home = client.get(reverse("statistics_dashboard"))
    assert home.status_code == 200 and "Toàn quốc" not in home.content.decode()
    with caplog.at_level(logging.WARNING, logger="campaigns.access"):
        for name in ("statistics_dashboard", "statistics_dashboard_chart", "statistics_dashboard_export"):
            response = client.get(reverse(name), {"unit": NATION_CODE})
            assert response.status_code in (302, 403), name
            assert "Toàn quốc".encode() not in response.content
        indicators = client.get(reverse("statistics_indicators_export"), {"unit": NATION_CODE})
        assert indicators.status_code in (302, 403)
    assert "access denied" in caplog.text and NATION_CODE in caplog.text


@pytest.mark.parametrize("value", ["abc", "12.5", "-3", "toàn-quốc", "<script>", "1" * 40, "١٢"])
def test_a_malformed_unit_is_a_form_error_in_vietnamese(client, administrator, value):
    response = client.get(reverse("statistics_dashboard"), {"unit": value})
    assert response.status_code == 200
    text = response.content.decode()
    assert "không phải là một đơn vị" in text
    assert "<script>" not in text


def test_a_former_district_opens_from_its_province_and_ranks_its_old_communes(client, tree, figures):
    client.force_login(UserFactory(role=Role.LEADER, scopes=[tree.province]))
    province = client.get(reverse("statistics_dashboard"), {"start": "2025-06", "end": "2025-06"})
    assert tree.district in province.context["dashboard"].former
    assert f"?unit={tree.district.pk}&start=2025-06" in province.content.decode()
    district = client.get(reverse("statistics_dashboard"), {"unit": tree.district.pk})
    assert district.status_code == 200
    assert district.context["dashboard"].end == datetime.date(2025, 6, 30)  # its last month with figures
    rows = {item["row"].unit: item for item in district.context["rows"]}
    assert rows[tree.old_commune]["online"] == 10 and rows[tree.old_commune]["rate"] == "10,0 %"
    assert "đến 01/07/2025" in district.content.decode()


def test_a_leader_of_another_province_cannot_open_a_former_district(client, catalogue, tree, figures):
    from campaigns.units.models import AdministrativeUnit

    other = AdministrativeUnit.objects.current().filter(level="province").exclude(pk=tree.province.pk).first()
    client.force_login(UserFactory(role=Role.LEADER, scopes=[other]))
    assert client.get(reverse("statistics_dashboard"), {"unit": tree.district.pk}).status_code in (302, 403)


def test_export_indicators_for_the_country(tree, figures):
    out = io.StringIO()
    arguments = ("--scope", NATION_CODE, "--start", "2025-06", "--end", "2025-07")
    call_command("export_indicators", *arguments, stdout=out, stderr=io.StringIO())
    rows = list(csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff"))))
    assert tuple(rows[0]) == INDICATOR_COLUMNS
    by_key = {(row["unit_code"], row["month"]): row for row in rows}
    assert by_key[("33001", "2025-06")]["received_online"] == "10"
    assert by_key[("33001", "2025-07")]["received_online"] == "60"
    assert by_key[("33007", "2025-06")]["online_rate"] == "0.5"
    assert sum(int(row["received_online"] or 0) for row in rows) == 120
    # The same country with today's communes: the old figures under the communes they went into.
    out = io.StringIO()
    call_command("export_indicators", *arguments, "--current-units", stdout=out, stderr=io.StringIO())
    current = {
        (row["unit_code"], row["month"]): row for row in csv.DictReader(io.StringIO(out.getvalue().lstrip("\ufeff")))
    }
    assert current[("33001", "2025-06")]["received_online"] == "10"
    assert current[("33001", "2025-06")]["unit_name"] == "Xã Đồi Thông"


@pytest.mark.parametrize("scope", ["toan_quoc", "TOAN-QUOC", "toàn quốc", "00"])
def test_export_indicators_names_a_scope_it_does_not_know(scope):
    with pytest.raises(CommandError) as raised:
        call_command("export_indicators", "--scope", scope, "--start", "2025-06", "--end", "2025-07")
    assert f"Không có đơn vị hành chính nào mang mã “{scope}”" in str(raised.value)
