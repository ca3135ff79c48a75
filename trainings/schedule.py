"""When a class's dates allow something: check-in, marking absences, certificates, the unit it is held in.

One place for these rules, read by the services (which enforce them), the views (which explain them) and the
offline check-in page (which only offers the classes whose check-in is open today). Times are compared as
aware datetimes; the day boundaries are the local days (``TIME_ZONE``, Asia/Ho_Chi_Minh).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Window:
    opens: datetime.datetime
    closes: datetime.datetime

    def contains(self, moment: datetime.datetime) -> bool:
        return self.opens <= moment <= self.closes


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def check_in_window(session) -> Window:
    """From ``TRAINING_CHECK_IN_OPENS_BEFORE_MINUTES`` before the start to ``…_CLOSES_AFTER_MINUTES`` after the end.

    Never outside the class's local days: a class ending at 20:00 stops taking check-ins at midnight, a class
    starting at 01:00 opens at midnight.
    """
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    opens = starts - datetime.timedelta(minutes=settings.TRAINING_CHECK_IN_OPENS_BEFORE_MINUTES)
    closes = ends + datetime.timedelta(minutes=settings.TRAINING_CHECK_IN_CLOSES_AFTER_MINUTES)
    first_day = _local_midnight(starts.date())
    last_moment = _local_midnight(ends.date() + datetime.timedelta(days=1)) - datetime.timedelta(microseconds=1)
    return Window(opens=max(opens, first_day), closes=min(closes, last_moment))


def check_in_open(session, now: datetime.datetime | None = None) -> bool:
    return check_in_window(session).contains(now or timezone.now())


def has_started(session, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) >= session.starts_at


def has_ended(session, now: datetime.datetime | None = None) -> bool:
    """The class has been held: absences can be recorded and certificates issued."""
    return (now or timezone.now()) >= session.ends_at


def format_moment(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


def unit_in_force(unit, day: datetime.date) -> bool:
    """``valid_to`` is exclusive (the first day the unit no longer exists)."""
    if unit.valid_from and day < unit.valid_from:
        return False
    return not (unit.valid_to and day >= unit.valid_to)


def room_feedback_open(session, now: datetime.datetime | None = None) -> bool:
    """The room's feedback link works from the opening of check-in until ``TRAINING_ROOM_FEEDBACK_DAYS`` after."""
    now = now or timezone.now()
    closes = session.ends_at + datetime.timedelta(days=settings.TRAINING_ROOM_FEEDBACK_DAYS)
    return check_in_window(session).opens <= now <= closes
