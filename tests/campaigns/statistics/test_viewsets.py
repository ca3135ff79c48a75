"""The statistics listing: deep pages are capped with a message, a code search is a range of the code's index."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from campaigns.access.roles import Role
from campaigns.models import DossierStatistic
from campaigns.statistics import viewsets
from tests.factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def _months(code: str, count: int, *, source: str = "") -> None:
    target = unit(code)
    DossierStatistic.objects.bulk_create(
        DossierStatistic(
            unit=target,
            period_start=datetime.date(2000 + index // 12, index % 12 + 1, 1),
            period_end=datetime.date(2000 + index // 12, index % 12 + 1, 28),
            source=source,
            received_online=1,
            received_direct=1,
        )
        for index in range(count)
    )


@pytest.fixture
def admin(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    return client


def test_pages_past_the_cap_are_not_offered_and_the_listing_says_why(admin, monkeypatch):
    monkeypatch.setattr(viewsets, "MAX_LISTING_PAGES", 2)
    _months("23149", 130)  # three pages of 50
    response = admin.get(reverse("statistics:index"), {"p": "3"})
    assert response.status_code == 200
    page = response.context["page_obj"]
    assert (page.number, response.context["paginator"].num_pages) == (2, 2)  # the last page offered, not page 3
    assert response.context["paginator"].count == 130  # the count stays true
    text = response.content.decode()
    assert "Chỉ xem được 2 trang đầu của 130 dòng" in text


@pytest.mark.parametrize("page", ["-1", "0", "abc", "99999999999999999999", "1; DROP TABLE x", "last"])
def test_malformed_page_numbers_are_answered_not_crashed(admin, monkeypatch, page):
    monkeypatch.setattr(viewsets, "MAX_LISTING_PAGES", 2)
    _months("23149", 130)
    response = admin.get(reverse("statistics:index"), {"p": page})
    assert response.status_code in (200, 404)
    assert DossierStatistic.objects.count() == 130


def test_a_listing_below_the_cap_carries_no_message(admin):
    _months("23149", 60)
    response = admin.get(reverse("statistics:index"), {"p": "2"})
    assert response.context["page_obj"].number == 2
    assert "trang đầu" not in response.content.decode()


@pytest.mark.parametrize(
    ("query", "codes"),
    [("23149", {"23149"}), ("2314", {"23149"}), ("231", {"23149", "23152"}), ("23", {"23149", "23152"})],
)
def test_a_search_by_code_prefix_finds_exactly_the_units_under_it(admin, query, codes):
    _months("23149", 2)
    _months("23152", 2)
    _months("24820", 2)
    response = admin.get(reverse("statistics:index"), {"q": query})
    assert {row.unit.code for row in response.context["object_list"]} == codes


@pytest.mark.parametrize("query", ["231490", "9" * 40, "00000"])
def test_a_code_longer_than_any_or_unknown_finds_nothing(admin, query):
    _months("23149", 2)
    response = admin.get(reverse("statistics:index"), {"q": query})
    assert response.status_code == 200
    assert list(response.context["object_list"]) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the query plan is PostgreSQL's")
def test_the_code_search_uses_the_unit_code_index_on_postgresql(admin):
    _months("23149", 24)
    _months("23152", 24)
    queryset = DossierStatistic.objects.filter(unit__code__gte="2314", unit__code__lte="23149")
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")  # a tiny test table: ask whether an index *can* answer
        plan = queryset.explain()
        cursor.execute("SET enable_seqscan = on")
    assert "Seq Scan on campaigns_administrativeunit" not in plan
    assert "unit_code_valid_from_unique" in plan
