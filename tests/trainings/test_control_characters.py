"""Control characters (ESC, BEL, NUL) are refused at input and never break an export (no 500, nothing logged)."""

import pytest
from django.urls import reverse

from campaigns.access.roles import Role
from trainings.forms import RegistrationForm
from trainings.identity import clean_name

from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


@pytest.mark.parametrize("name", ["Nguyễn\x1b[31m Văn A", "Trần Thị\x07 Bé", "Lê\x00 Văn C", "Phạm\x7f Thu"])
def test_names_with_control_characters_are_refused(name):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        clean_name(name)
    assert "ký tự điều khiển" in caught.value.messages[0]


def test_the_public_form_refuses_control_characters_in_every_text_field():
    data = {
        "full_name": "Nguyễn Văn A",
        "phone": "0912345678",
        "organisation": "UBND\x1b xã",
        "position": "Cán\x07 bộ",
        "consent_training": "on",
    }
    form = RegistrationForm(data)
    assert not form.is_valid()
    assert set(form.errors) == {"organisation", "position"}
    assert "U+001B" in str(form.errors["organisation"])


def test_an_admin_form_refuses_control_characters(client):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    response = client.post(
        reverse("campaigns:add"),
        {"name": "Chiến dịch\x1b[2J", "slug": "cd", "unit": unit("23149").pk, "starts_on": "01/01/2026"},
    )
    assert response.status_code == 200
    assert "ký tự điều khiển" in response.content.decode()


def test_exports_of_old_records_with_control_characters_do_not_fail(client):
    trainer = UserFactory(role=Role.TRAINER, scopes=[unit("23149")])
    session = TrainingSessionFactory(trainers=[trainer])
    attendee = AttendeeFactory(full_name="Nguyễn\x1b Văn\x07 Cũ")  # stored before the check existed
    RegistrationFactory(session=session, attendee=attendee, seat=1)
    client.force_login(trainer)
    response = client.get(reverse("trainings_roster_export", args=[session.pk, "xlsx"]))
    assert response.status_code == 200
    response = client.get(reverse("trainings_roster_export", args=[session.pk, "csv"]))
    assert response.status_code == 200
    assert "Nguyễn Văn Cũ" in response.content.decode("utf-8-sig")
    from trainings.personal_data import person_export

    content = person_export(actor=UserFactory(role=Role.ADMINISTRATOR), attendee=attendee, file_format="xlsx")
    assert content.startswith(b"PK")
