"""A campaign's report shows every unit it analyses: the editor must hold them all, and so must every viewer."""

import datetime

import pytest
from django.urls import reverse

from campaigns.access import permissions
from campaigns.access.roles import Role
from campaigns.models import Campaign
from campaigns.plans.viewsets import CampaignViewSet
from tests.factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
REFUSED = (302, 403)


def _campaign_form(user, **data):
    form_class = CampaignViewSet("campaign_scope_test").get_edit_handler().get_form_class()
    fields = {
        "name": "Chiến dịch",
        "slug": "chien-dich",
        "starts_on": "01/08/2025",
        "ends_on": "30/06/2026",
        "status": "active",
        "control_group": "never",
        **{
            f"{name}-{key}": value
            for name in ("reach_rules", "targets", "reported_figures")
            for key, value in _management().items()
        },
        **data,
    }
    return form_class(fields, instance=Campaign(), for_user=user)


def _management():
    return {"TOTAL_FORMS": "0", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0", "MAX_NUM_FORMS": "1000"}


def test_a_leader_cannot_save_a_campaign_whose_scope_units_leave_the_leaders_scope():
    leader = UserFactory(role=Role.LEADER, scopes=[unit("42")])  # Hà Tĩnh
    foreign = unit("01")  # Hà Nội
    form = _campaign_form(leader, unit=unit("42").pk, scope_units=[foreign.pk])
    assert not form.is_valid()
    assert "scope_units" in form.errors
    assert "Hà Nội" in str(form.errors["scope_units"])
    form = _campaign_form(leader, unit=foreign.pk)
    assert not form.is_valid() and "unit" in form.errors


def test_a_leader_saves_a_campaign_inside_the_scope():
    leader = UserFactory(role=Role.LEADER, scopes=[unit("42")])
    inside = unit("42").children.first()
    form = _campaign_form(leader, unit=unit("42").pk, scope_units=[inside.pk])
    assert form.is_valid(), form.errors


def test_a_viewer_whose_scope_is_narrower_than_the_campaign_is_refused_the_report(client, imported):
    imported.scope_units.add(unit("01"))
    imported.save()  # a parental many-to-many field is written on save
    client.force_login(UserFactory(role=Role.LEADER, scopes=[unit("599", current=False)]))
    assert "Tánh Linh (kiểm thử)" not in client.get(reverse("campaign_impact_index")).content.decode()
    assert client.get(reverse("campaign_impact", args=[imported.pk])).status_code in REFUSED
    assert client.get(reverse("campaign_impact_chart", args=[imported.pk, "counterfactual"])).status_code in REFUSED
    for kind in ("pdf", "xlsx"):
        assert client.get(reverse("campaign_impact_download", args=[imported.pk, kind])).status_code in REFUSED


def test_a_ward_officer_cannot_read_a_province_wide_campaign_through_the_ward():
    ward = unit("23149")
    campaign = Campaign.objects.create(
        name="Tỉnh", slug="tinh", unit=ward, starts_on=datetime.date(2025, 8, 1), ends_on=datetime.date(2026, 6, 30)
    )
    campaign.scope_units.add(ward.parent)
    campaign.save()
    campaign = Campaign.objects.get(pk=campaign.pk)
    officer = UserFactory(role=Role.UNIT_OFFICER, scopes=[ward])
    assert permissions.user_can(officer, permissions.VIEW, campaign)  # the campaign is listed…
    assert not permissions.campaign_within_scope(officer, campaign)  # …but its figures are not shown
    campaign.scope_units.clear()
    campaign.save()
    assert permissions.campaign_within_scope(officer, campaign)
