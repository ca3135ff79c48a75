"""Read-only queries of the trainings app: counts for analysis and feedback averages.

``training_counts`` is the training side of the outreach data the impact analysis reads: per
unit, month and audience, the classes held, the attendances (lượt người: attended registrations
where a roster exists, otherwise the reported count) and the distinct people who attended. It
runs two queries whatever the number of units.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Avg, Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from trainings.choices import SEATED, NotificationStatus, Status
from trainings.models import Feedback, Notification, Registration, TrainingSession


@dataclass
class TrainingCount:
    unit_id: int
    month: datetime.date
    audience: str
    sessions: int = 0
    attendances: int = 0
    people: int = 0
    reported_sessions: int = 0  # classes counted from a reported number, without a roster


def _month(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    return value.replace(day=1)


def training_counts(
    *, unit_ids=None, start: datetime.date | None = None, end: datetime.date | None = None, now=None, campaign=None
):
    """Counts per (unit, month, audience) for classes that have started; ``end`` is inclusive (a month's last day)."""
    now = now or timezone.now()
    sessions = TrainingSession.objects.filter(starts_at__lte=now)
    if unit_ids is not None:
        sessions = sessions.filter(unit_id__in=unit_ids)
    if campaign is not None:
        sessions = sessions.filter(campaign=campaign)
    if start:
        sessions = sessions.filter(starts_at__date__gte=start)
    if end:
        sessions = sessions.filter(starts_at__date__lte=end)
    rows = sessions.annotate(
        month=TruncMonth("starts_at"),
        roster=Count("registrations", filter=Q(registrations__status__in=SEATED)),
        attended=Count("registrations", filter=Q(registrations__status=Status.ATTENDED)),
    ).values_list("unit_id", "month", "audience", "reported_attendees", "roster", "attended")
    counts: dict[tuple, TrainingCount] = {}
    for unit_id, month, audience, reported, roster, attended in rows:
        key = (unit_id, _month(month), audience)
        item = counts.setdefault(key, TrainingCount(*key))
        item.sessions += 1
        if roster:
            item.attendances += attended
        else:
            item.attendances += reported or 0
            item.reported_sessions += 1
    people = (
        Registration.objects.filter(status=Status.ATTENDED, session__in=sessions)
        .annotate(month=TruncMonth("session__starts_at"))
        .values_list("session__unit_id", "month", "session__audience")
        .annotate(people=Count("attendee", distinct=True))
    )
    for unit_id, month, audience, number in people:
        key = (unit_id, _month(month), audience)
        counts.setdefault(key, TrainingCount(*key)).people = number
    return sorted(counts.values(), key=lambda item: (item.month, item.unit_id, item.audience))


def feedback_summary(sessions) -> dict[int, dict]:
    """{session id: {count, rating, pre, post}} averaged over the feedback received."""
    rows = (
        Feedback.objects.filter(session__in=sessions)
        .values("session_id")
        .annotate(count=Count("pk"), rating=Avg("rating"), pre=Avg("pre_score"), post=Avg("post_score"))
    )
    return {row.pop("session_id"): row for row in rows}


def feedback_comments(session: TrainingSession):
    """Every answer of a class with its comment (ticket or room link), newest first; nobody is named."""
    return Feedback.objects.filter(session=session).order_by("-submitted_at", "-pk")


def feedback_rows(sessions) -> list[dict]:
    summary = feedback_summary(sessions)
    result = []
    for session in sessions.filter(pk__in=list(summary)).order_by("-starts_at"):
        result.append({"session": session, **summary[session.pk]})
    return result


def feedback_by_trainer(sessions) -> list[dict]:
    """Averages per trainer over the classes they taught (a class with two trainers counts for both)."""
    rows = (
        Feedback.objects.filter(session__in=sessions, session__trainers__isnull=False)
        .values("session__trainers")
        .annotate(
            count=Count("pk"),
            classes=Count("session", distinct=True),
            rating=Avg("rating"),
            pre=Avg("pre_score"),
            post=Avg("post_score"),
        )
    )
    users = get_user_model().objects.in_bulk([row["session__trainers"] for row in rows])
    result = []
    for row in rows:
        user = users.get(row.pop("session__trainers"))
        if user is not None:
            result.append({"trainer": user.get_full_name() or user.get_username(), **row})
    return sorted(result, key=lambda item: item["trainer"])


def counts_by_status(session: TrainingSession) -> dict[str, int]:
    totals = defaultdict(int)
    for status, number in session.registrations.values_list("status").annotate(number=Count("pk")):
        totals[status] = number
    return dict(totals)


def undelivered_messages(session):
    """Messages to this class's people that could not be sent (after every retry) or are waiting to be tried again,
    for the trainer's roster (phone and e-mail masked there)."""

    return (
        Notification.objects.filter(
            registration__session=session, status__in=[NotificationStatus.FAILED, NotificationStatus.RETRYING]
        )
        .select_related("registration__attendee")
        .order_by("-created_at", "-pk")
    )


# -- what the public calendar and the registration page say about seats and the registration window ---------------
@dataclass(frozen=True)
class Availability:
    """``state`` is one of: cancelled, not_yet_open, closed, full (the waiting list is open), open."""

    state: str
    seats_left: int
    opens_at: datetime.datetime | None = None

    @property
    def can_register(self) -> bool:
        return self.state in ("open", "full")


def availability(session, *, seated: int, now=None) -> Availability:
    """Compared as aware datetimes (a window opening at 08:00 today is "not yet open" at 07:59 and open at 08:00,
    whatever the server's time zone)."""
    now = now or timezone.now()
    left = max(session.capacity - seated, 0)
    if session.is_cancelled:
        return Availability("cancelled", left)
    if session.registration_opens_at and now < session.registration_opens_at:
        return Availability("not_yet_open", left, opens_at=session.registration_opens_at)
    if not session.registration_open(now):
        return Availability("closed", left)
    return Availability("full" if left == 0 else "open", left)


def with_availability(sessions, *, now=None) -> list[tuple]:
    """[(session, Availability)] for a queryset of classes, seats counted in the same query."""
    now = now or timezone.now()
    sessions = sessions.annotate(seated=Count("registrations", filter=Q(registrations__status__in=SEATED)))
    return [(session, availability(session, seated=session.seated, now=now)) for session in sessions]


def public_calendar(*, unit=None, now=None, limit: int = 100) -> list[tuple]:
    """Upcoming public classes with their availability: [(session, Availability)], one query."""
    now = now or timezone.now()
    sessions = (
        TrainingSession.objects.filter(is_public=True, ends_at__gte=now)
        .select_related("unit")
        .order_by("starts_at", "unit__name")
    )
    if unit is not None:
        sessions = sessions.filter(unit=unit)
    return with_availability(sessions[:limit], now=now)
