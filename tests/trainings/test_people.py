"""One definition of a person's fields (``trainings.people``): every field about a person is in it or declared not
personal here, and erasure, the forms, the roster and the export all follow it."""

import datetime
import json

import pytest
from django.db import models

from campaigns.access.roles import Role
from trainings import people, roster
from trainings.admin_personal_data import CorrectionForm
from trainings.admin_views import AttendeeForm
from trainings.choices import ConsentPurpose, RegistrationSource
from trainings.forms import RegistrationForm
from trainings.models import (
    Attendee,
    Certificate,
    Consent,
    DataRequest,
    Feedback,
    Notification,
    PendingRegistration,
    Registration,
)
from trainings.personal_data import person_anonymise_expired, person_erase, person_export

from ..factories.trainings import RegistrationFactory, TrainingSessionFactory
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

# Fields of the models that hold something about a person and are NOT in ``people.PERSON_FIELDS``, each with the
# reason it is not personal. A new field on any of these models fails ``test_every_field_is_personal_or_declared``
# until it is added to the definition (then erasure, forms, roster and export take it) or here, with its reason.
NOT_PERSONAL = {
    Attendee: {
        "id": "the record's number, shown as 'Attendee #N' in audit entries",
        "created_at": "when the record was made: kept to count retention",
        "anonymised_at": "when erasure ran",
    },
    Registration: {
        "id": "technical",
        "session": "the class, not the person",
        "attendee": "points at the (then anonymous) attendee",
        "status": "attendance facts kept anonymous for class counts",
        "seat": "attendance facts kept anonymous for class counts",
        "source": "how the registration came in",
        "registered_at": "attendance facts kept anonymous for class counts",
        "checked_in_at": "attendance facts kept anonymous for class counts",
        "cancelled_at": "attendance facts kept anonymous for class counts",
        "token": "a random ticket code",
    },
    Consent: {
        "id": "technical",
        "attendee": "points at the (then anonymous) attendee",
        "purpose": "the record of consent is kept (purpose, text shown, times)",
        "text_version": "the record of consent is kept (purpose, text shown, times)",
        "text": "the sentence shown, the same for everyone",
        "given_at": "the record of consent is kept (purpose, text shown, times)",
        "source": "how the consent came in",
        "withdrawn_at": "erasure withdraws open consents (checked below)",
        "attested_by": "a staff member, not the person",
    },
    Feedback: {
        "id": "technical",
        "session": "the class",
        "registration": "points at the anonymous registration",
        "rating": "a number, kept for the class's results",
        "pre_score": "a number, kept for the class's results",
        "post_score": "a number, kept for the class's results",
        "submitted_at": "a time, kept for the class's results",
    },
    Certificate: {
        "id": "technical",
        "registration": "points at the anonymous registration",
        "number": "an administrative number",
        "code": "a random verification code",
        "issued_at": "a time",
    },
    DataRequest: {
        "id": "technical",
        "attendee": "points at the (then anonymous) attendee",
        "kind": "the request's register is a legal record",
        "received_on": "the request's register is a legal record",
        "acknowledged_on": "the request's register is a legal record",
        "done_on": "the request's register is a legal record",
        "note": "help text says: no personal data here",
        "handled_by": "a staff member, not the person",
    },
    Notification: {
        "id": "technical",
        "registration": "points at the anonymous registration",
        "kind": "which message; holds no address and no text",
        "channel": "which message; holds no address and no text",
        "key": "which version of the message",
        "status": "delivery state",
        "attempts": "delivery state",
        "last_error": "the error's class and SMTP code only, never the server's text",
        "created_at": "delivery state",
        "sent_at": "delivery state",
    },
}
# Personal fields outside ``Attendee``, and how erasure reaches them (checked in ``test_erasure_…`` below).
ERASED_ELSEWHERE = {
    Feedback: {"comment": "cleared to an empty text"},
    # The whole row is deleted on erasure (and expires within the hour anyway).
    PendingRegistration: {
        name: "the row is deleted"
        for name in (
            "id",
            "session",
            "phone",
            "address_key",
            "details",
            "consents",
            "token",
            "created_at",
            "expires_at",
            "attempts",
        )
    },
}


def _names(model) -> set[str]:
    return {field.name for field in model._meta.concrete_fields}


# In a fixed order: every process collects the same test ids (parallel runs compare them).
@pytest.mark.parametrize(
    "model",
    [Attendee, *sorted(NOT_PERSONAL.keys() - {Attendee}, key=lambda model: model.__name__), PendingRegistration],
    ids=str,
)
def test_every_field_is_personal_or_declared(model):
    defined = {field.name for field in people.PERSON_FIELDS} if model is Attendee else set()
    declared = set(NOT_PERSONAL.get(model, {})) | set(ERASED_ELSEWHERE.get(model, {}))
    assert not defined & declared, "a field is both personal and declared not personal"
    unknown = _names(model) - defined - declared
    assert not unknown, (
        f"{model.__name__}: {sorted(unknown)} are neither in trainings.people.PERSON_FIELDS nor declared "
        "not personal in this test: add them to the definition (erasure, forms, roster and export follow)."
    )
    assert not (defined | declared) - _names(model), "a listed field no longer exists"


def test_every_personal_field_is_an_attendee_field_and_its_erased_value_is_allowed():
    for person_field in people.PERSON_FIELDS:
        model_field = Attendee._meta.get_field(person_field.name)
        # Erasure leaves nothing that tells anything: an empty text, no value (the column allows it) or "no".
        assert person_field.erased in ("", None, False), person_field.name
        if person_field.erased is None:
            assert model_field.null, person_field.name


def _a_value(model_field, number: int):
    """A stored value for any personal field, different from what erasure writes."""
    if model_field.choices:
        return model_field.choices[-1][0]
    if isinstance(model_field, models.ForeignKey):
        return unit("23149")
    if isinstance(model_field, models.BooleanField):
        return True
    if isinstance(model_field, models.IntegerField):
        return 1990
    if isinstance(model_field, models.DateField):
        return datetime.date(1990, 1, 2)
    if isinstance(model_field, models.EmailField):
        return f"person{number}@example.invalid"
    if model_field.name == "phone":
        return f"+8491{number:07d}"
    if model_field.name == "citizen_id":
        return "068190012345"
    return f"Giá trị {number}"[: model_field.max_length]


def _filled_attendee(number: int) -> Attendee:
    values = {}
    for person_field in people.PERSON_FIELDS:
        values[person_field.name] = _a_value(Attendee._meta.get_field(person_field.name), number)
    attendee = Attendee.objects.create(**values)
    attendee.refresh_from_db()
    for person_field in people.PERSON_FIELDS:  # the test can fail: every field holds something to erase
        assert getattr(attendee, person_field.name) not in ("", None), person_field.name
    return attendee


def _assert_erased(attendee: Attendee):
    attendee.refresh_from_db()
    for person_field in people.PERSON_FIELDS:
        model_field = Attendee._meta.get_field(person_field.name)
        assert getattr(attendee, model_field.attname) == person_field.erased, person_field.name
    assert attendee.anonymised_at is not None


def test_erasure_writes_every_personal_field_over_and_reaches_the_other_models():
    attendee = _filled_attendee(1)
    session = TrainingSessionFactory()
    registration = RegistrationFactory(session=session, attendee=attendee, seat=1)
    Feedback.objects.create(registration=registration, rating=4, comment="Cô Xuyến giảng rất hay")
    consent = Consent.objects.create(
        attendee=attendee,
        purpose=ConsentPurpose.TRAINING,
        text_version="1",
        text="…",
        source=RegistrationSource.PUBLIC,
    )
    PendingRegistration.objects.create(
        session=session, phone=attendee.phone, details={"full_name": attendee.full_name}, expires_at=session.starts_at
    )

    person_erase(actor=UserFactory(role=Role.ADMINISTRATOR), attendee=attendee)

    _assert_erased(attendee)
    assert Feedback.objects.get(registration=registration).comment == ""
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert not PendingRegistration.objects.exists()


def test_the_retention_job_writes_every_personal_field_over():
    from django.utils import timezone

    attendee = _filled_attendee(2)
    Attendee.objects.filter(pk=attendee.pk).update(created_at=timezone.now() - datetime.timedelta(days=400))

    assert person_anonymise_expired(actor=None, days=365) == 1

    _assert_erased(attendee)


def test_the_forms_the_roster_and_the_export_take_the_fields_from_the_definition():
    typed = [field.name for field in people.PERSON_FIELDS if field.correctable]
    assert list(AttendeeForm.base_fields)[: len(typed)] == typed
    assert list(CorrectionForm.base_fields) == typed
    assert [name for name in RegistrationForm.base_fields if name in people.BY_NAME] == [
        field.name for field in people.PERSON_FIELDS if field.public_field
    ]
    assert [name for name in roster.COLUMNS if name in people.BY_NAME] == [
        field.name for field in people.ROSTER_FIELDS
    ]
    for field in people.ROSTER_FIELDS:
        assert field.roster_aliases and all(roster.ALIASES[alias] == field.name for alias in field.roster_aliases)

    attendee = _filled_attendee(3)
    exported = json.loads(
        person_export(actor=UserFactory(role=Role.ADMINISTRATOR), attendee=attendee, file_format="json")
    )
    assert [name for name in exported["attendee"] if name in people.BY_NAME] == [
        field.name for field in people.EXPORTED_FIELDS
    ]
