"""Counts typed and shown the Vietnamese way in the admin: '1.215' is 1215, '1,5' is refused, listings group digits."""

import datetime

import pytest
from django.urls import reverse

from campaigns.access.roles import Role
from campaigns.core.count_fields import CountField, group_digits
from campaigns.models import DossierStatistic
from tests.factories.statistics import statistic_form
from tests.factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("1215", 1215), ("1.215", 1215), ("1 215", 1215), ("1\u00a0500\u00a0000", 1_500_000), (" 6 ", 6), ("0", 0)],
)
def test_count_field_reads_vietnamese_grouping(typed, expected):
    assert CountField(min_value=0).clean(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["1,5", "1.5", "1.2345", "-3", "abc", "1e3", "12,000", "=1+1", "9" * 40, "1\x00", "١٢٣"],
)
def test_count_field_refuses_what_is_not_a_whole_count_in_vietnamese(typed):
    field = CountField(min_value=0)
    with pytest.raises(Exception) as error:
        field.clean(typed)
    messages = " ".join(error.value.messages)
    assert any(word in messages for word in ("số nguyên", "âm", "quá lớn", "ký tự")), messages


def test_group_digits():
    assert group_digits(1_500_000) == "1.500.000"
    assert group_digits(45_000_000) == "45.000.000"
    assert group_digits(750) == "750"
    assert group_digits(6) == "6"
    assert group_digits(None) == "—"


def _statistic(**counts):
    return statistic_form(unit("23149"), datetime.date(2026, 1, 1), **counts)


def test_officer_types_a_count_with_a_dot_and_sees_it_grouped(client):
    client.force_login(UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("23149")]))
    response = client.post(reverse("statistics:add"), _statistic(received_online="1.215", received_direct="45"))
    assert response.status_code == 302, response.content.decode()[:3000]
    statistic = DossierStatistic.objects.get()
    assert (statistic.received_online, statistic.received_direct) == (1215, 45)
    listing = client.get(reverse("statistics:index")).content.decode()
    assert "1.215" in listing and "1215" not in listing
    form = client.get(reverse("statistics:edit", args=[statistic.pk])).content.decode()
    assert 'value="1.215"' in form


def test_officer_typing_a_fraction_gets_a_vietnamese_error_and_nothing_is_saved(client):
    client.force_login(UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("23149")]))
    response = client.post(reverse("statistics:add"), _statistic(received_online="1,5", received_direct="45"))
    assert response.status_code == 200
    assert "1,5" in response.content.decode() and "số nguyên" in response.content.decode()
    assert not DossierStatistic.objects.exists()


def test_decimals_in_admin_forms_use_the_decimal_comma():
    from decimal import Decimal

    from wagtail.admin.panels import get_form_for_model

    from campaigns.models import Target

    TargetForm = get_form_for_model(Target, fields=["value"])  # as the admin builds its forms

    assert TargetForm(data={"value": "33,5"}).fields["value"].clean("33,5") == Decimal("33.5")
    assert "750,00" in str(TargetForm(instance=Target(value=Decimal("750.00")))["value"])
    form = TargetForm(data={"value": "ba mươi"})
    assert not form.is_valid() and "value" in form.errors


def test_listing_footers_group_the_row_count():
    from wagtail.admin.paginator import WagtailPaginator

    assert WagtailPaginator(range(19_753), 50).items_count_label.startswith("19.753 ")
    assert WagtailPaginator(DossierStatistic.objects.none(), 50).items_count_label == "0 số liệu hồ sơ"
