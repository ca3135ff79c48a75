"""A family shares one phone: each member registers under their own name, with their own ticket; the same name
(accents and case aside) with the same phone is the same person, registered once."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from trainings import roster, services
from trainings.choices import ConsentPurpose, Status
from trainings.models import Attendee, PendingRegistration, Registration

from ..factories.trainings import AttendeeFactory, TrainingSessionFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
PHONE = "+84912345678"


def person(name, email=""):
    return {"full_name": name, "email": email, "organisation": "", "position": "", "citizen_id": ""}


def test_three_members_of_a_family_register_with_one_phone_each_with_their_own_ticket(client):
    session = TrainingSessionFactory(capacity=2)
    results = [
        services.registration_create(
            actor=None, session=session, phone=PHONE, details=person(name), consents=[ConsentPurpose.TRAINING]
        )
        for name in ("Nguyễn Văn Hùng", "Trần Thị Hoa", "Nguyễn Thị Hoà")
    ]
    assert [result.created for result in results] == [True, True, True]
    assert [result.registration.status for result in results] == [
        Status.REGISTERED,
        Status.REGISTERED,
        Status.WAITLISTED,
    ]
    assert Attendee.objects.filter(phone=PHONE).count() == 3
    tokens = {result.registration.token for result in results}
    assert len(tokens) == 3
    # Each ticket shows only its own person's name (masked), never another member's.
    page = client.get(reverse("trainings:ticket", args=[results[1].registration.token])).content.decode()
    assert "T. T. Hoa" in page and "N. V. Hùng" not in page and "N. T. Hoà" not in page


@pytest.mark.parametrize("again", ["Nguyễn Văn Hùng", "nguyen van hung", "NGUYỄN  VĂN HÙNG", "Nguyễn Văn Hùng"])
def test_the_same_name_with_the_same_phone_is_the_same_person_registered_once(again):
    session = TrainingSessionFactory()
    first = services.registration_create(
        actor=None, session=session, phone=PHONE, details=person("Nguyễn Văn Hùng"), consents=["training"]
    )
    second = services.registration_create(
        actor=None, session=session, phone=PHONE, details=person(again), consents=["training"]
    )
    assert second.created is False and second.registration == first.registration
    assert Attendee.objects.count() == 1


def test_the_database_refuses_a_second_record_of_the_same_person():
    AttendeeFactory(full_name="Lê Thị Cúc", phone=PHONE)
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendeeFactory(full_name="le thi cuc", phone=PHONE)
    AttendeeFactory(full_name="Lê Văn Cúc", phone=PHONE)  # another person
    # People without a phone (erased, or imported without one) never clash.
    AttendeeFactory(full_name="", phone=None)
    AttendeeFactory(full_name="", phone=None)


def register(session, name: str, email: str):
    """A registration on the shared family phone, by the person named, with their own e-mail address."""
    return services.pending_registration_create(
        actor=None, session=session, phone=PHONE, details=person(name, email), consents=["training"]
    )


def test_the_code_for_a_family_member_goes_to_their_own_e_mail_not_to_another_members(mailoutbox, settings):
    settings.SMS_BACKEND = "trainings.sms.DisabledSmsBackend"
    session = TrainingSessionFactory()
    AttendeeFactory(full_name="Nguyễn Văn Hùng", phone=PHONE, email="hung@example.vn")
    pending = register(session, "Trần Thị Hoa", "hoa@example.vn")
    from trainings.tasks import send_registration_code

    send_registration_code.call(pending.pk)
    assert [message.to for message in mailoutbox] == [["hoa@example.vn"]]
    # The same person again: the code goes to the address on record, never to a new one typed.
    mailoutbox.clear()
    pending = register(session, "nguyen van hung", "ke-gian@example.vn")
    send_registration_code.call(pending.pk)
    assert [message.to for message in mailoutbox] == [["hung@example.vn"]]
    assert PendingRegistration.objects.count() == 2


def test_a_roster_with_two_members_of_one_family_imports_both_and_refuses_the_same_person_twice():
    import tablib

    session = TrainingSessionFactory(capacity=5)
    dataset = tablib.Dataset(headers=["Họ và tên", "Số điện thoại"])
    dataset.append(["Nguyễn Văn Hùng", "0912345678"])
    dataset.append(["Trần Thị Hoa", "0912 345 678"])
    check = roster.check_roster(session, dataset)
    assert check.errors == [] and len(check.rows) == 2
    roster.roster_import(actor=None, session=session, rows=check.rows)
    assert Registration.objects.filter(session=session).count() == 2
    dataset.append(["nguyen van hung", "0912345678"])
    check = roster.check_roster(session, dataset)
    assert [(row, column) for row, column, _value, _message in check.errors] == [(4, str(roster.COLUMNS["phone"]))]
    assert "2" in check.errors[0][3]  # names the row where the same person is


def test_erasure_clears_the_folded_name_too():
    from trainings.personal_data import ERASED_VALUES

    assert ERASED_VALUES["name_key"] == ""
    assert {field.name for field in Attendee._meta.concrete_fields} - set(ERASED_VALUES) == {
        "id",
        "created_at",
        "anonymised_at",
    }
