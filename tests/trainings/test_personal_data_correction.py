"""A correction request carried out on its own screen; consent withdrawn per purpose with its date; both audited."""

import datetime

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from campaigns.access.roles import Role
from trainings.choices import ConsentPurpose, DataRequestKind, Status
from trainings.models import Attendee, Consent, DataRequest
from trainings.personal_data import CORRECT_ACTION, WITHDRAW_ACTION, consent_withdraw
from trainings.services import CheckInRefused, certificate_issue

from ..factories.trainings import AttendeeFactory, RegistrationFactory, agreed
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


@pytest.fixture
def administrator():
    return UserFactory(username="quan.tri", role=Role.ADMINISTRATOR)


@pytest.fixture
def person():
    return AttendeeFactory(full_name="Nguyen Thi Hoa", phone="+84912345678", email="hoa@example.invalid")


@pytest.fixture
def data_request(person):
    return DataRequest.objects.create(attendee=person, kind=DataRequestKind.CORRECTION)


def url(data_request):
    return reverse("trainings_person_correct", args=[data_request.pk])


def form(person, **changes):
    data = {
        "full_name": person.full_name,
        "phone": "0912345678",
        "email": person.email,
        "organisation": person.organisation,
        "position": person.position,
        "citizen_id": person.citizen_id,
    }
    return {**data, **changes}


def test_the_screen_shows_the_data_and_corrects_it_with_an_audit_entry(client, administrator, person, data_request):
    client.force_login(administrator)
    page = client.get(url(data_request))
    assert page.status_code == 200
    assert 'value="Nguyen Thi Hoa"' in page.content.decode()
    assert 'value="0912 345 678"' in page.content.decode()  # the phone as people write it
    response = client.post(url(data_request), form(person, full_name="Nguyễn Thị Hòa", phone="0987 654 321"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.phone) == ("Nguyễn Thị Hòa", "+84987654321")
    entry = ModelLogEntry.objects.get(action=CORRECT_ACTION)
    assert entry.data == {"fields": ["full_name", "phone"], "request": data_request.pk}
    assert entry.user_id == administrator.pk
    assert "Hòa" not in str(entry.data) and "987654321" not in str(entry.data)  # which fields, never the values
    data_request.refresh_from_db()
    assert data_request.done_on is not None and data_request.handled_by == administrator


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"full_name": ""}, "full_name"),
        ({"full_name": "x" * 201}, "full_name"),
        ({"full_name": "Hoa\x07"}, "full_name"),
        ({"phone": "12"}, "phone"),
        ({"email": "khong-phai-email"}, "email"),
        ({"citizen_id": "12345"}, "citizen_id"),
    ],
    ids=["empty-name", "long-name", "control-character", "bad-phone", "bad-email", "bad-citizen-id"],
)
def test_bad_corrections_are_refused_and_nothing_changes(client, administrator, person, data_request, changes, field):
    client.force_login(administrator)
    response = client.post(url(data_request), form(person, **changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    person.refresh_from_db()
    assert person.full_name == "Nguyen Thi Hoa" and person.phone == "+84912345678"
    assert not ModelLogEntry.objects.filter(action=CORRECT_ACTION).exists()


def test_a_phone_number_of_someone_else_is_refused(client, administrator, person, data_request):
    AttendeeFactory(phone="+84987654321")
    client.force_login(administrator)
    response = client.post(url(data_request), form(person, phone="0987654321"))
    assert response.status_code == 200
    assert "Đã có người khác" in str(response.context["form"].errors["phone"])
    person.refresh_from_db()
    assert person.phone == "+84912345678"


def test_consent_is_withdrawn_per_purpose_with_its_date(client, administrator, person, data_request):
    registration = RegistrationFactory(attendee=person, status=Status.ATTENDED, seat=1)
    agreed(registration)
    Consent.objects.create(
        attendee=person, purpose=ConsentPurpose.NOTIFICATIONS, text_version="2026-01", text="…", source="public"
    )
    client.force_login(administrator)
    page = client.get(url(data_request)).content.decode()
    assert page.count("Rút lại sự đồng ý này") == 2
    response = client.post(url(data_request), {"action": "withdraw", "purpose": ConsentPurpose.CERTIFICATE})
    assert response.status_code == 302
    certificate = Consent.objects.get(purpose=ConsentPurpose.CERTIFICATE)
    notifications = Consent.objects.get(purpose=ConsentPurpose.NOTIFICATIONS)
    assert certificate.withdrawn_at is not None and notifications.withdrawn_at is None
    entry = ModelLogEntry.objects.get(action=WITHDRAW_ACTION)
    assert entry.data["purpose"] == ConsentPurpose.CERTIFICATE and entry.data["count"] == 1
    assert entry.data["withdrawn_at"] == certificate.withdrawn_at.isoformat()
    # From now on: no certificate with the name.
    with pytest.raises(CheckInRefused) as refused:
        certificate_issue(actor=None, registration=registration, now=registration.session.ends_at)
    assert refused.value.code == "no_certificate_consent"


def test_withdrawing_hides_the_name_on_an_existing_certificate(client, administrator, person):
    registration = agreed(RegistrationFactory(attendee=person, status=Status.ATTENDED, seat=1))
    certificate = certificate_issue(actor=None, registration=registration, now=registration.session.ends_at)
    verify = reverse("trainings:certificate_verify", args=[certificate.code])
    assert "Nguyen Thi Hoa" in client.get(verify).content.decode()
    consent_withdraw(actor=administrator, attendee=person, purpose=ConsentPurpose.CERTIFICATE)
    assert "Nguyen Thi Hoa" not in client.get(verify).content.decode()
    assert client.get(reverse("trainings:certificate_pdf", args=[certificate.code])).status_code == 404


def test_an_unknown_purpose_is_a_404(client, administrator, data_request):
    client.force_login(administrator)
    assert client.post(url(data_request), {"action": "withdraw", "purpose": "<script>"}).status_code == 404


def test_withdrawing_twice_keeps_the_first_date(administrator, person):
    Consent.objects.create(
        attendee=person, purpose=ConsentPurpose.NOTIFICATIONS, text_version="2026-01", text="…", source="public"
    )
    first = datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC)
    assert consent_withdraw(actor=administrator, attendee=person, purpose=ConsentPurpose.NOTIFICATIONS, now=first) == 1
    assert consent_withdraw(actor=administrator, attendee=person, purpose=ConsentPurpose.NOTIFICATIONS) == 0
    assert Consent.objects.get().withdrawn_at == first


@pytest.mark.parametrize("role", [Role.TRAINER, Role.LEADER, Role.UNIT_OFFICER, Role.COMMUNICATIONS])
def test_only_administrators_use_the_screen(client, data_request, person, role):
    client.force_login(UserFactory(role=role, scopes=[unit("68")]))
    assert client.get(url(data_request)).status_code == 403
    assert client.post(url(data_request), form(person, full_name="Ai đó")).status_code == 403
    assert Attendee.objects.get(pk=person.pk).full_name == "Nguyen Thi Hoa"


def test_an_erased_person_cannot_be_corrected(client, administrator, person, data_request):
    from trainings.personal_data import person_erase

    person_erase(actor=administrator, attendee=person)
    client.force_login(administrator)
    assert client.get(url(data_request)).status_code == 302
