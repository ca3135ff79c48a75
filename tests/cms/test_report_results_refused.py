"""The Wagtail reports answer their table again at a ``…/results/`` address (filters, sorting): the address checks the
same permission as the report itself, so a user without the right gets the table neither way."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from tests.factories.users import UserFactory

REPORTS = [
    ("campaign_impact_index", "campaign_impact_index_results"),
    ("outreach_media_summary", "outreach_media_summary_results"),
    ("trainings_feedback", "trainings_feedback_results"),
]


@pytest.fixture
def admin_without_role(client):
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("index", "results"), REPORTS)
def test_a_user_without_the_right_gets_neither_the_report_nor_its_results(admin_without_role, index, results):
    for name in (index, results):
        response = admin_without_role.get(reverse(name))
        assert response.status_code in (302, 403), (name, response.status_code)
        assert b"<table" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(("index", "results"), REPORTS)
def test_an_administrator_gets_both(client, index, results):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for name in (index, results):
        assert client.get(reverse(name)).status_code == 200, name
