"""Many people registering for one class at the same moment: the seat lock holds, on SQLite and PostgreSQL.

Each thread has its own database connection (Django's connections are per thread) and closes it
at the end. The control test shows that the race is real: a naive "count the seats, then insert
seat count + 1", with every thread reading before any writes, breaks capacity or the seat constraint.
"""

import threading

import pytest
from django.db import IntegrityError, transaction

from trainings.choices import ConsentPurpose, RegistrationSource, Status
from trainings.models import Attendee, Registration, TrainingSession
from trainings.services import RegistrationResult, registration_create

from ..concurrency import at_once
from ..factories.trainings import TrainingSessionFactory

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True), pytest.mark.usefixtures("catalogue")]

PEOPLE = 200
CAPACITY = 30


def phone(number: int) -> str:
    return f"+8491{number:07d}"


def test_two_hundred_people_at_once_get_exactly_the_thirty_seats(shared_database):
    session = TrainingSessionFactory(capacity=CAPACITY)

    def one_person(number) -> RegistrationResult:
        return registration_create(
            actor=None,
            session=session,
            phone=phone(number),
            details={"full_name": f"Người đăng ký {number}", "organisation": "Thôn 3"},
            consents=[ConsentPurpose.TRAINING],
            source=RegistrationSource.PUBLIC,
        )

    results, errors = at_once(PEOPLE, one_person)

    assert errors == []
    assert len(results) == PEOPLE
    assert all(result.created for result in results.values())
    registrations = Registration.objects.filter(session=session)
    seats = sorted(registrations.filter(status=Status.REGISTERED).values_list("seat", flat=True))
    assert seats == list(range(1, CAPACITY + 1))
    assert registrations.filter(status=Status.WAITLISTED, seat__isnull=True).count() == PEOPLE - CAPACITY
    assert registrations.count() == PEOPLE
    assert Attendee.objects.count() == PEOPLE
    assert sum(result.waitlisted for result in results.values()) == PEOPLE - CAPACITY


def test_the_same_phone_sent_ten_times_at_once_registers_once(shared_database):
    session = TrainingSessionFactory(capacity=CAPACITY)

    def double_click(number) -> RegistrationResult:
        return registration_create(
            actor=None, session=session, phone=phone(7), details={"full_name": "Nguyễn Văn Bảy"}, consents=["training"]
        )

    results, errors = at_once(10, double_click)

    assert errors == []
    assert sorted(result.created for result in results.values()) == [False] * 9 + [True]
    registration = Registration.objects.get(session=session)
    assert (registration.status, registration.seat) == (Status.REGISTERED, 1)
    assert {result.registration.pk for result in results.values()} == {registration.pk}


# -- control: without the lock the race is real ---------------------------------------------------------------
def naive_register(session: TrainingSession, number: int, barrier: threading.Barrier) -> Registration:
    """What registration_create(actor=None) would be without the session lock: count, (everyone has counted), insert count + 1."""
    seated = Registration.objects.filter(session=session, seat__isnull=False).count()
    barrier.wait()
    with transaction.atomic():
        attendee = Attendee.objects.create(full_name=f"Người thử {number}", phone=phone(number))
        if seated < session.capacity:
            return Registration.objects.create(
                session=session, attendee=attendee, seat=seated + 1, status=Status.REGISTERED, source="public"
            )
        return Registration.objects.create(
            session=session, attendee=attendee, status=Status.WAITLISTED, source="public"
        )


def test_control_without_the_lock_seats_are_given_twice(shared_database):
    threads, capacity = 20, 5
    session = TrainingSessionFactory(capacity=capacity)
    read_together = threading.Barrier(threads, timeout=120)

    results, errors = at_once(threads, lambda number: naive_register(session, number, read_together), limit=threads)

    conflicts = [error for error in errors if isinstance(error, IntegrityError)]
    assert [error for error in errors if not isinstance(error, IntegrityError)] == []
    seated = Registration.objects.filter(session=session, seat__isnull=False).count()
    # Every thread counted 0 seats taken: all wanted seat 1. Only the unique (session, seat)
    # constraint stops the overbooking, by failing the others' registrations.
    assert seated > capacity or conflicts, (seated, len(conflicts))
    assert len(conflicts) == threads - 1
    assert seated == 1
