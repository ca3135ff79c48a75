"""Dates matter: check-in only around the class, absences only after it, certificates once it is held, seats ≥ 1,
a class only at a unit in force on its date. Boundaries to the second, in Việt Nam time."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import override_settings

from trainings import schedule
from trainings.choices import Status
from trainings.models import Certificate
from trainings.services import CheckInRefused, attendance_record, certificate_issue, registration_check_in

from ..factories.trainings import RegistrationFactory, TrainingSessionFactory, agreed, session_form
from ..factories.users import unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
SECOND = datetime.timedelta(seconds=1)
STARTS = datetime.datetime(2026, 12, 14, 8, 0, tzinfo=HCM)
ENDS = datetime.datetime(2026, 12, 14, 11, 0, tzinfo=HCM)


@pytest.fixture
def session():
    return TrainingSessionFactory(starts_at=STARTS, ends_at=ENDS, capacity=5)


def refused_code(call) -> str:
    with pytest.raises(CheckInRefused) as refused:
        call()
    return refused.value.code


# -- check-in window ---------------------------------------------------------------------------------------------
def test_check_in_opens_two_hours_before_the_start(session):
    registration = RegistrationFactory(session=session, seat=1)
    opens = datetime.datetime(2026, 12, 14, 6, 0, tzinfo=HCM)
    assert (
        refused_code(lambda: registration_check_in(actor=None, registration=registration, now=opens - SECOND))
        == "outside_check_in_window"
    )
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED and registration.checked_in_at is None
    checked, first = registration_check_in(actor=None, registration=registration, now=opens)
    assert first and checked.status == Status.ATTENDED


def test_check_in_closes_six_hours_after_the_end(session):
    closes = datetime.datetime(2026, 12, 14, 17, 0, tzinfo=HCM)
    late = RegistrationFactory(session=session, seat=1)
    on_time = RegistrationFactory(session=session, seat=2)
    assert (
        refused_code(lambda: registration_check_in(actor=None, registration=late, now=closes + SECOND))
        == "outside_check_in_window"
    )
    assert registration_check_in(actor=None, registration=on_time, now=closes)[1] is True


def test_the_refusal_says_when_check_in_is_open(session):
    registration = RegistrationFactory(session=session, seat=1)
    with pytest.raises(CheckInRefused) as refused:
        registration_check_in(actor=None, registration=registration, now=STARTS - datetime.timedelta(days=1))
    assert refused.value.message == "Chỉ điểm danh lớp này từ 06:00 14/12/2026 đến 17:00 14/12/2026."


def test_check_in_never_runs_past_the_class_day():
    evening = TrainingSessionFactory(
        starts_at=datetime.datetime(2026, 12, 14, 18, 0, tzinfo=HCM),
        ends_at=datetime.datetime(2026, 12, 14, 21, 0, tzinfo=HCM),
    )
    window = schedule.check_in_window(evening)
    assert window.closes < datetime.datetime(2026, 12, 15, 0, 0, tzinfo=HCM)
    assert window.closes > datetime.datetime(2026, 12, 15, 0, 0, tzinfo=HCM) - SECOND
    registration = RegistrationFactory(session=evening, seat=1)
    midnight = datetime.datetime(2026, 12, 15, 0, 0, tzinfo=HCM)
    assert (
        refused_code(lambda: registration_check_in(actor=None, registration=registration, now=midnight))
        == "outside_check_in_window"
    )
    assert registration_check_in(actor=None, registration=registration, now=midnight - SECOND)[1] is True


def test_check_in_never_opens_the_day_before():
    early = TrainingSessionFactory(
        starts_at=datetime.datetime(2026, 12, 14, 1, 0, tzinfo=HCM),
        ends_at=datetime.datetime(2026, 12, 14, 4, 0, tzinfo=HCM),
    )
    assert schedule.check_in_window(early).opens == datetime.datetime(2026, 12, 14, 0, 0, tzinfo=HCM)


def test_a_class_over_several_days_takes_check_ins_on_each_day():
    course = TrainingSessionFactory(
        starts_at=datetime.datetime(2026, 12, 14, 8, 0, tzinfo=HCM),
        ends_at=datetime.datetime(2026, 12, 16, 11, 0, tzinfo=HCM),
    )
    assert schedule.check_in_open(course, datetime.datetime(2026, 12, 15, 14, 0, tzinfo=HCM))
    assert not schedule.check_in_open(course, datetime.datetime(2026, 12, 17, 0, 0, tzinfo=HCM))


@override_settings(TRAINING_CHECK_IN_OPENS_BEFORE_MINUTES=30, TRAINING_CHECK_IN_CLOSES_AFTER_MINUTES=0)
def test_the_window_is_a_setting(session):
    window = schedule.check_in_window(session)
    assert (window.opens, window.closes) == (STARTS - datetime.timedelta(minutes=30), ENDS)


def test_a_second_scan_outside_the_window_still_answers_already_checked_in(session):
    registration = RegistrationFactory(session=session, seat=1)
    registration_check_in(actor=None, registration=registration, now=STARTS)
    again, first = registration_check_in(actor=None, registration=registration, now=ENDS + datetime.timedelta(days=3))
    assert not first and again.checked_in_at == STARTS


# -- absences ----------------------------------------------------------------------------------------------------
def test_nobody_is_marked_absent_before_the_class_has_ended(session):
    present = RegistrationFactory(session=session, seat=1)
    not_yet = RegistrationFactory(session=session, seat=2)
    assert attendance_record(actor=None, session=session, present_ids={present.pk}, now=ENDS - SECOND) == (1, 0)
    not_yet.refresh_from_db()
    assert not_yet.status == Status.REGISTERED
    assert attendance_record(actor=None, session=session, present_ids={present.pk}, now=ENDS) == (1, 1)
    not_yet.refresh_from_db()
    assert not_yet.status == Status.NO_SHOW


def test_a_sheet_cannot_be_recorded_before_check_in_opens(session):
    registration = RegistrationFactory(session=session, seat=1)
    opens = STARTS - datetime.timedelta(hours=2)
    assert refused_code(
        lambda: attendance_record(actor=None, session=session, present_ids={registration.pk}, now=opens - SECOND)
    ) == ("outside_check_in_window")
    registration.refresh_from_db()
    assert registration.status == Status.REGISTERED


def test_a_paper_sheet_can_be_typed_in_days_later(session):
    registration = RegistrationFactory(session=session, seat=1)
    assert attendance_record(
        actor=None, session=session, present_ids={registration.pk}, now=ENDS + datetime.timedelta(days=5)
    ) == (1, 0)


# -- certificates ------------------------------------------------------------------------------------------------
def test_a_certificate_only_once_the_class_has_been_held(session):
    registration = agreed(RegistrationFactory(session=session, seat=1, status=Status.ATTENDED))
    assert (
        refused_code(lambda: certificate_issue(actor=None, registration=registration, now=ENDS - SECOND))
        == "class_not_held"
    )
    assert not Certificate.objects.exists()
    certificate = certificate_issue(actor=None, registration=registration, now=ENDS)
    assert certificate.issued_at == ENDS


# -- capacity ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("capacity", [0])
def test_a_class_has_at_least_one_seat(session, capacity):
    session.capacity = capacity
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert error.value.message_dict["capacity"] == ["Lớp học phải có ít nhất một chỗ."]
    with pytest.raises(IntegrityError), transaction.atomic():
        session.save()


def _form(user, **changes):
    return session_form(user, certificate_symbol="UBND", **changes)


@pytest.mark.parametrize("capacity", ["0", "-3"])
def test_the_form_refuses_a_class_without_seats(trainer, capacity):
    form = _form(trainer, capacity=capacity)
    assert not form.is_valid()
    # 0: "at least one seat"; -3: the count field's own message, naming the value.
    assert any(
        "ít nhất" in message or "lớn hơn" in message or ("-3" in message and "âm" in message)
        for message in form.errors["capacity"]
    )


def test_the_form_accepts_one_seat(trainer):
    form = _form(trainer, capacity="1")
    assert form.is_valid(), form.errors


# -- unit in force -----------------------------------------------------------------------------------------------
def test_a_class_after_the_reform_cannot_be_held_in_a_former_unit(trainer):
    former = unit("23149", current=False)
    form = _form(trainer, unit=former.pk)
    assert not form.is_valid()
    message = form.errors["unit"][0]
    assert former.name in message
    assert "23149" in message
    assert "30/06/2025" in message  # the last day it existed (valid_to is exclusive)
    assert "10/01/2027" in message


def test_a_class_before_the_reform_cannot_be_held_in_a_unit_created_by_it(trainer):
    current = unit("23149")
    form = _form(trainer, starts_at="30/06/2025 08:00", ends_at="30/06/2025 11:00")
    assert not form.is_valid()
    message = form.errors["unit"][0]
    assert current.name in message and "01/07/2025" in message and "30/06/2025" in message


def test_unit_validity_boundaries():
    former, current = unit("23149", current=False), unit("23149")
    last_day, first_day = datetime.date(2025, 6, 30), datetime.date(2025, 7, 1)
    assert schedule.unit_in_force(former, last_day) and not schedule.unit_in_force(former, first_day)
    assert schedule.unit_in_force(current, first_day) and not schedule.unit_in_force(current, last_day)


def test_a_class_spanning_the_reform_is_refused(trainer):
    form = _form(
        trainer, unit=unit("23149", current=False).pk, starts_at="30/06/2025 08:00", ends_at="01/07/2025 11:00"
    )
    assert not form.is_valid()
    assert "01/07/2025" in form.errors["unit"][0]


def test_the_model_refuses_a_unit_not_in_force_outside_forms(session):
    session.unit = unit("23149", current=False)
    with pytest.raises(ValidationError) as error:
        session.full_clean()
    assert "unit" in error.value.message_dict
