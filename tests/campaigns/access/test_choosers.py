"""Unit choosers: no admin form lists every administrative unit; the chooser searches, is scoped, and a unit
outside the user's scope is refused even when its id is posted by hand."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from campaigns.access.choosers import unit_choice_label
from campaigns.access.roles import Role
from campaigns.models import AdministrativeUnit, Campaign, DossierStatistic, Target
from tests.factories.campaigns import campaign_of_2026, management_form
from tests.factories.statistics import statistic_form
from tests.factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

OUT_OF_SCOPE_VI = "nằm ngoài phạm vi của bạn"


def _login(client, role, *scopes, **kwargs):
    user = UserFactory(role=role, scopes=list(scopes), **kwargs)
    client.force_login(user)
    return user


@pytest.fixture
def campaign():
    campaign = campaign_of_2026("23149", "tanh-linh-chon-don-vi", name="Tánh Linh (chọn đơn vị)")
    campaign.scope_units.set([unit("23176", current=False)])
    campaign.save()
    target = Target.objects.create(campaign=campaign, value=50, deadline=datetime.date(2026, 12, 31))
    target.units.set([unit("23185", current=False)])
    target.save()
    return campaign


def _form_data(campaign, **changes):
    data = {
        "name": campaign.name,
        "slug": campaign.slug,
        "unit": str(campaign.unit_id),
        "scope_units": [str(scope_unit.pk) for scope_unit in campaign.scope_units.all()],
        "parent": "",
        "plan_number": "",
        "plan_date": "",
        "issuing_body": "",
        "starts_on": "01/01/2026",
        "ends_on": "31/12/2026",
        "status": "planned",
        "objectives": "",
        "partners": "",
        "budget": "",
        "description": "",
        "control_group": "never",
        **management_form("reach_rules"),
        **management_form("targets", 1, 1),
        "targets-0-id": str(campaign.targets.get().pk),
        "targets-0-indicator": "online_rate",
        "targets-0-preset": "custom",
        "targets-0-value": "40",
        "targets-0-deadline": "31/12/2026",
        "targets-0-units": [str(unit("23176", current=False).pk)],
        "targets-0-ORDER": "1",
        **management_form("reported_figures"),
    }
    data.update(changes)
    return data


def _results(client, **params):
    response = client.get(reverse("unit_chooser:choose_results"), params)
    assert response.status_code == 200
    return response.content.decode()


# --- the form no longer carries the unit list -------------------------------------------------------------------


def test_campaign_form_renders_without_the_unit_list(client, campaign):
    _login(client, Role.ADMINISTRATOR)
    units = AdministrativeUnit.objects.count()
    assert units > 14_000
    for url in (reverse("campaigns:edit", args=[campaign.pk]), reverse("campaigns:add")):
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        # Before: five selects of every unit (~400 bytes of HTML per unit, 5,7 MB). Now a few bytes per unit at most.
        assert len(response.content) < 20 * units, len(response.content)
        assert html.count("<option") < units / 50
        assert "Phường Ba Đình" not in html  # a unit nobody chose is not in the page
    html = client.get(reverse("campaigns:edit", args=[campaign.pk])).content.decode()
    # The chosen units are shown (and posted back) by the choosers.
    for chosen in (unit("23149"), unit("23176", current=False), unit("23185", current=False)):
        assert unit_choice_label(chosen) in html
    assert re.search(rf'name="scope_units" value="{unit("23176", current=False).pk}"', html)
    assert re.search(rf'name="targets-0-units" value="{unit("23185", current=False).pk}"', html)


@pytest.mark.parametrize(
    "url_name", ["units:add", "unit_successions:add", "statistics:add", "user_scopes:add", "campaigns:add"]
)
def test_no_admin_form_lists_every_unit(client, url_name):
    _login(client, Role.ADMINISTRATOR)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.content.decode().count("<option") < 500


def test_campaign_form_saves_units_chosen_with_the_choosers(client, campaign):
    _login(client, Role.LEADER, unit("23149").parent)
    url = reverse("campaigns:edit", args=[campaign.pk])
    data = _form_data(
        campaign, scope_units=[str(unit("23176", current=False).pk), str(unit("23185", current=False).pk)]
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert {scope_unit.code for scope_unit in Campaign.objects.get(pk=campaign.pk).scope_units.all()} == {
        "23176",
        "23185",
    }
    assert [target_unit.code for target_unit in Target.objects.get(campaign=campaign).units.all()] == ["23176"]


# --- scope: a unit outside is refused, even posted by hand ----------------------------------------------------


@pytest.mark.parametrize(
    "field",
    ["unit", "scope_units", "targets-0-units"],
)
def test_leader_cannot_attach_a_unit_outside_the_scope_by_posting_its_id(client, campaign, field):
    _login(client, Role.LEADER, unit("23149").parent)
    outside = unit("00004")  # Phường Ba Đình, Hà Nội
    value = str(outside.pk) if field == "unit" else [str(outside.pk)]
    response = client.post(reverse("campaigns:edit", args=[campaign.pk]), _form_data(campaign, **{field: value}))
    assert response.status_code == 200
    assert OUT_OF_SCOPE_VI in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.unit.code == "23149"
    assert {scope_unit.code for scope_unit in Campaign.objects.get(pk=campaign.pk).scope_units.all()} == {"23176"}
    assert [target_unit.code for target_unit in Target.objects.get(campaign=campaign).units.all()] == ["23185"]


def test_reported_figure_unit_outside_the_scope_is_refused(client, campaign):
    _login(client, Role.LEADER, unit("23149").parent)
    data = _form_data(
        campaign,
        **{
            "reported_figures-TOTAL_FORMS": "1",
            "reported_figures-0-label": "Hồ sơ trực tuyến",
            "reported_figures-0-value": "12",
            "reported_figures-0-unit": str(unit("00004").pk),
            "reported_figures-0-period_start": "01/01/2026",
            "reported_figures-0-period_end": "31/01/2026",
            "reported_figures-0-source": "",
            "reported_figures-0-ORDER": "1",
        },
    )
    response = client.post(reverse("campaigns:edit", args=[campaign.pk]), data)
    assert response.status_code == 200
    assert OUT_OF_SCOPE_VI in response.content.decode()
    assert not campaign.reported_figures.exists()


def test_commune_officer_cannot_enter_statistics_for_another_unit_by_posting_its_id(client):
    _login(client, Role.UNIT_OFFICER, unit("23149"))
    data = statistic_form(unit("00004"), datetime.date(2026, 1, 1), received_online="10", received_direct="5")
    response = client.post(reverse("statistics:add"), data)
    assert response.status_code == 200
    assert OUT_OF_SCOPE_VI in response.content.decode()
    assert not DossierStatistic.objects.exists()


def test_commune_officer_chooser_offers_only_units_in_scope(client):
    _login(client, Role.UNIT_OFFICER, unit("23149"))
    assert "Xã Tánh Linh" in _results(client, q="tanh linh")
    assert "Phường Ba Đình" not in _results(client, q="ba dinh")
    assert "Phường Ba Đình" not in _results(client, q="00004", include_former="on")
    # Chosen one by one (link) or several at once (boxes): nothing outside the scope comes back.
    refused = client.get(reverse("unit_chooser:chosen", args=[unit("00004").pk]))
    assert refused.status_code in (302, 403)
    both = client.get(reverse("unit_chooser:chosen_multiple"), {"id": [unit("23149").pk, unit("00004").pk]})
    assert both.status_code == 200
    titles = [item["title"] for item in json.loads(both.content)["result"]]
    assert titles == ["Xã Tánh Linh (23149)"]


# --- search ----------------------------------------------------------------------------------------------------


def test_chooser_search_ignores_diacritics_and_finds_codes(client):
    _login(client, Role.ADMINISTRATOR)
    assert "Xã Tánh Linh (23149)" in _results(client, q="tanh linh")
    assert "Xã Tánh Linh (23149)" in _results(client, q="TÁNH LINH")
    assert "Xã Tánh Linh (23149)" in _results(client, q="23149")
    assert "Xã Đức Thuận" not in _results(client, q="23149")


def test_chooser_shows_units_in_force_unless_former_ones_are_asked_for(client):
    _login(client, Role.ADMINISTRATOR)
    today = _results(client, q="tanh linh")
    assert "Huyện Tánh Linh" not in today
    former = _results(client, q="tanh linh", include_former="on")
    assert "Xã Tánh Linh (23149)" in former
    assert "Huyện Tánh Linh (599) · hiệu lực đến 30/06/2025" in former
    # The modal itself offers the choice, in Vietnamese.
    modal = json.loads(client.get(reverse("unit_chooser:choose")).content)["html"]
    assert "Hiện cả đơn vị không còn hiệu lực (trước 01/07/2025)" in modal


def test_former_unit_label_carries_its_dates_of_validity():
    old = AdministrativeUnit(name="Xã Thử", code="99999", valid_from=datetime.date(2008, 8, 1))
    old.valid_to = datetime.date(2025, 7, 1)
    assert unit_choice_label(old) == "Xã Thử (99999) · hiệu lực 01/08/2008–30/06/2025"
    assert unit_choice_label(AdministrativeUnit(name="Xã Mới", code="99998")) == "Xã Mới (99998)"


@pytest.mark.parametrize(
    "query",
    [
        "%",
        "_",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "tanh\x00linh",
        "x" * 5000,
        "\u0301\u0301",
        "   ",
        "../../etc/passwd",
    ],
)
def test_chooser_search_survives_hostile_input(client, query):
    _login(client, Role.UNIT_OFFICER, unit("23149"))
    html = _results(client, q=query, include_former="on")
    assert "<script>alert(1)</script>" not in html
    if query.strip():
        # Nothing is matched by a wildcard, an injection or a malformed query; an empty one lists the scope.
        assert "Xã Tánh Linh" not in html
    else:
        assert "Xã Tánh Linh" in html


def test_chooser_with_a_forged_filter_finds_nothing(client):
    _login(client, Role.UNIT_OFFICER, unit("23149"))
    assert "Xã Tánh Linh" in _results(client, q="tanh", level="commune")
    assert "Xã Tánh Linh" not in _results(client, q="tanh", level="<b>")
