"""The training side of the outreach data: counts per unit, month and audience (trainings.selectors)."""

import datetime
import zoneinfo

import pytest

from trainings.choices import Audience, Status
from trainings.selectors import training_counts

from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory
from ..factories.users import unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def at(year, month, day, hour=8):
    return datetime.datetime(year, month, day, hour, tzinfo=HCM)


@pytest.fixture
def classes():
    tanh_linh, bac_ruong = unit("23149"), unit("23152")
    march = TrainingSessionFactory(unit=tanh_linh, starts_at=at(2026, 3, 5), ends_at=at(2026, 3, 5, 11))
    march_again = TrainingSessionFactory(unit=tanh_linh, starts_at=at(2026, 3, 20), ends_at=at(2026, 3, 20, 11))
    teachers = TrainingSessionFactory(
        unit=tanh_linh,
        audience=Audience.TEACHERS,
        starts_at=at(2026, 3, 31, 23),
        ends_at=at(
            2026,
            3,
            31,
            23,
        ),
    )
    reported = TrainingSessionFactory(
        unit=bac_ruong, starts_at=at(2026, 4, 1, 7), ends_at=at(2026, 4, 1, 10), reported_attendees=65
    )
    future = TrainingSessionFactory(unit=bac_ruong, starts_at=at(2099, 1, 1), ends_at=at(2099, 1, 1, 10))
    lan, binh, mai = AttendeeFactory(), AttendeeFactory(), AttendeeFactory()
    RegistrationFactory(session=march, attendee=lan, status=Status.ATTENDED, seat=1)
    RegistrationFactory(session=march, attendee=binh, status=Status.ATTENDED, seat=2)
    RegistrationFactory(session=march, attendee=mai, status=Status.NO_SHOW, seat=3)
    RegistrationFactory(session=march_again, attendee=lan, status=Status.ATTENDED, seat=1)  # the same person again
    RegistrationFactory(session=teachers, attendee=mai, status=Status.ATTENDED, seat=1)
    RegistrationFactory(session=future, attendee=binh, seat=1)
    return march, reported


def test_counts_per_unit_month_and_audience(classes):
    rows = {(row.unit_id, row.month, row.audience): row for row in training_counts()}
    tanh_linh, bac_ruong = unit("23149").pk, unit("23152").pk
    citizens = rows[(tanh_linh, datetime.date(2026, 3, 1), Audience.CITIZENS)]
    assert (citizens.sessions, citizens.attendances, citizens.people) == (
        2,
        3,
        2,
    )  # Lan twice: 3 attendances, 2 people
    teachers = rows[(tanh_linh, datetime.date(2026, 3, 1), Audience.TEACHERS)]  # 31/03 23:00 local is still March
    assert (teachers.sessions, teachers.attendances, teachers.people) == (1, 1, 1)
    reported = rows[(bac_ruong, datetime.date(2026, 4, 1), Audience.CITIZENS)]  # 01/04 07:00 local, 00:00 UTC
    assert (reported.sessions, reported.attendances, reported.people, reported.reported_sessions) == (1, 65, 0, 1)
    assert len(rows) == 3  # the class in 2099 has not been held


def test_filters_by_unit_and_months(classes):
    rows = training_counts(
        unit_ids=[unit("23152").pk], start=datetime.date(2026, 4, 1), end=datetime.date(2026, 4, 30)
    )
    assert [(row.sessions, row.attendances) for row in rows] == [(1, 65)]


def test_the_number_of_queries_does_not_grow_with_units(classes, django_assert_num_queries):
    with django_assert_num_queries(2):
        training_counts()
    for code in ("22918", "22924", "22933"):
        session = TrainingSessionFactory(unit=unit(code), starts_at=at(2026, 5, 1), ends_at=at(2026, 5, 1, 10))
        RegistrationFactory(session=session, status=Status.ATTENDED, seat=1)
    with django_assert_num_queries(2):
        assert len(training_counts()) == 6
