"""Messages to the people registered for a class: what they say, and sending them once, with retries.

Every message about a registration (the ticket, a freed seat, a moved or cancelled class, the reminder the day
before) is a ``Notification`` row per channel, created with the change and sent after the commit by the task
``deliver_notification``. E-mail goes through Django's e-mail framework (``EMAIL_BACKEND``: SMTP in production),
text messages through ``trainings.sms`` (``SMS_BACKEND``). A failed send is retried ``NOTIFICATION_MAX_ATTEMPTS``
times in all, waiting ``NOTIFICATION_RETRY_SECONDS`` × 5^(attempt − 1) between tries when the task backend can defer
(the database and RQ backends); the row keeps the attempts and the last error, and the trainer sees failures on the
roster. The unique (registration, kind, channel, key) row means a message is never sent twice.

Texts are in the site's language (Vietnamese), plain, with dates as dd/mm/yyyy and the class's address.
"""

import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from trainings.choices import NotificationChannel, NotificationKind, NotificationStatus, Status
from trainings.models import Attendee, Notification, Registration, TrainingSession
from trainings.sms import send_sms, sms_available
from trainings.tasks import deliver_notification

logger = logging.getLogger(__name__)


# -- what the messages say ----------------------------------------------------------------------------------------
def site_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def ticket_url(registration: Registration) -> str:
    return site_url(reverse("trainings:ticket", args=[registration.token]))


def class_address(session: TrainingSession) -> str:
    """The venue, the unit and the province, as one line (the place a villager is told to go)."""
    unit = session.unit if session.unit_id else None
    parent = unit.parent if unit is not None and unit.parent_id else None
    parts = [session.venue.strip(), unit.name if unit else "", parent.name if parent else ""]
    return ", ".join(part for part in parts if part)


def class_when(session: TrainingSession) -> str:
    """ "08:00–11:00 ngày 15/03/2026" (a class over several days: both dates)."""
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    if starts.date() == ends.date():
        return _("%(start)s–%(end)s on %(date)s") % {
            "start": starts.strftime("%H:%M"),
            "end": ends.strftime("%H:%M"),
            "date": starts.strftime("%d/%m/%Y"),
        }
    return _("from %(start)s to %(end)s") % {
        "start": starts.strftime("%H:%M %d/%m/%Y"),
        "end": ends.strftime("%H:%M %d/%m/%Y"),
    }


def waiting_position(registration: Registration) -> int | None:
    """The place on the waiting list (1 = next to get a seat), None when not waiting."""
    if registration.status != Status.WAITLISTED:
        return None
    ahead = Registration.objects.filter(session_id=registration.session_id, status=Status.WAITLISTED).filter(
        Q(registered_at__lt=registration.registered_at)
        | Q(registered_at=registration.registered_at, pk__lt=registration.pk)
    )
    return ahead.count() + 1


# (subject, first line of the e-mail, text message) of each kind of message, filled in with the class's facts.
_WAITLISTED_TEXTS = (
    gettext_lazy("You are on the waiting list: %(title)s"),
    gettext_lazy(
        "The class “%(title)s” is full. You are number %(position)s on the waiting list; "
        "we write to you as soon as a seat is yours."
    ),
    gettext_lazy("Waiting list no. %(position)s for “%(title)s”, %(when)s. Ticket: %(ticket)s"),
)
_TEXTS = {
    NotificationKind.TICKET: (
        gettext_lazy("Your ticket: %(title)s"),
        gettext_lazy("You are registered for the class “%(title)s”. Show the ticket's QR code at the door."),
        gettext_lazy("Registered for “%(title)s”, %(when)s, %(address)s. Ticket: %(ticket)s"),
    ),
    NotificationKind.SEAT_FREED: (
        gettext_lazy("A seat is free for you: %(title)s"),
        gettext_lazy("A seat has become free in the class “%(title)s” and it is now yours."),
        gettext_lazy("A seat is yours in “%(title)s”, %(when)s, %(address)s. Ticket: %(ticket)s"),
    ),
    NotificationKind.MOVED: (
        gettext_lazy("The class has been moved: %(title)s"),
        gettext_lazy("The class “%(title)s” has a new time or place. Please note the details below."),
        gettext_lazy("Class moved: “%(title)s” is now %(when)s, %(address)s. Ticket: %(ticket)s"),
    ),
    NotificationKind.CANCELLED: (
        gettext_lazy("The class has been cancelled: %(title)s"),
        gettext_lazy("The class “%(title)s” has been cancelled. We are sorry for the inconvenience."),
        gettext_lazy("The class “%(title)s” (%(when)s) has been cancelled."),
    ),
    NotificationKind.REMINDER: (
        gettext_lazy("Reminder: %(title)s tomorrow"),
        gettext_lazy("A reminder: the class “%(title)s” is tomorrow."),
        gettext_lazy("Reminder: “%(title)s” tomorrow, %(when)s, %(address)s. Ticket: %(ticket)s"),
    ),
}


@dataclass(frozen=True)
class Message:
    subject: str
    body: str  # the e-mail
    sms: str  # the text message: short, the link last


def message(registration: Registration, kind: str) -> Message:
    """The message of ``kind`` for ``registration``, in the site's language."""
    session = registration.session
    with translation.override(settings.LANGUAGE_CODE):
        facts = {
            "title": session.title,
            "when": class_when(session),
            "address": class_address(session),
            "ticket": ticket_url(registration),
            "position": waiting_position(registration) or "",
        }
        if kind == NotificationKind.TICKET and registration.status == Status.WAITLISTED:
            texts = _WAITLISTED_TEXTS
        elif kind in _TEXTS:
            texts = _TEXTS[kind]
        else:
            raise ValueError(kind)
        subject, lead, short = (text % facts for text in texts)
        details = _("Class: %(title)s\nTime: %(when)s\nPlace: %(address)s\nYour ticket: %(ticket)s") % facts
        footer = _("If you cannot come, please cancel from the ticket page so that someone else can take the seat.")
        if kind == NotificationKind.CANCELLED:
            footer = _("Nothing more is needed from you.")
        body = f"{lead}\n\n{details}\n\n{footer}\n"
    return Message(subject=subject, body=body, sms=short)


# -- recording and sending ----------------------------------------------------------------------------------------
def _channels(registration: Registration) -> list[str]:
    attendee = registration.attendee
    channels = []
    if attendee.email:
        channels.append(NotificationChannel.EMAIL)
    if attendee.phone and sms_available():
        channels.append(NotificationChannel.SMS)
    return channels


def moved_key(session: TrainingSession) -> str:
    """Tells apart the versions of a moved class: each new time or place is told once."""
    text = f"{session.starts_at.isoformat()}|{session.ends_at.isoformat()}|{session.venue}|{session.unit_id}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def notification_create(*, actor, registration: Registration, kind: str, key: str = "") -> list[Notification]:
    """Record the message of ``kind`` on every channel the person can be reached by, and send it after the commit.

    ``actor``: the user whose action calls for the message; None for the system (reminders, a freed seat) and
    for a person acting on the public site.

    A message already recorded for the same (kind, key) is not recorded or sent again. Returns the new rows."""
    created = []
    for channel in _channels(registration):
        try:
            with transaction.atomic():
                item = Notification.objects.filter(
                    registration=registration, kind=kind, channel=channel, key=key
                ).first()
                new = item is None
                if new:
                    item = Notification(registration=registration, kind=kind, channel=channel, key=key)
                    item.full_clean(validate_constraints=False)  # once per message: the database's constraint
                    item.save()
        except IntegrityError:  # the same message recorded at the same moment elsewhere
            continue
        if new:
            created.append(item)
    if created:
        ids = [item.pk for item in created]
        transaction.on_commit(lambda: [deliver_notification.enqueue(pk) for pk in ids])
    return created


def notification_create_for_session(*, actor, session: TrainingSession, kind: str, key: str = "") -> int:
    """Tell everyone holding a seat or waiting in ``session``; returns the number of messages recorded.

    ``actor``: the trainer whose change calls for the messages."""
    registrations = session.registrations.select_related("attendee", "session", "session__unit").filter(
        status__in=[Status.REGISTERED, Status.WAITLISTED]
    )
    return sum(
        len(notification_create(actor=actor, registration=registration, kind=kind, key=key))
        for registration in registrations
    )


SCHEDULE_FIELDS = frozenset({"starts_at", "ends_at", "venue", "unit"})


def notification_create_for_change(*, actor, session: TrainingSession, changed: set[str]) -> int:
    """After a trainer saved ``session`` with the fields ``changed``: tell everyone registered that the class was
    cancelled, or that it moved (a new time or place; each version once).

    ``actor``: the trainer who saved the class."""
    if "is_cancelled" in changed and session.is_cancelled:
        return notification_create_for_session(actor=actor, session=session, kind=NotificationKind.CANCELLED)
    if not session.is_cancelled and changed & SCHEDULE_FIELDS:
        return notification_create_for_session(
            actor=actor, session=session, kind=NotificationKind.MOVED, key=moved_key(session)
        )
    return 0


def retry_delay(attempt: int) -> datetime.timedelta:
    """The wait after the ``attempt``-th failed try: base, 5×base, 25×base…"""
    return datetime.timedelta(seconds=settings.NOTIFICATION_RETRY_SECONDS * 5 ** max(attempt - 1, 0))


def _error_text(exc: Exception) -> str:
    # The class and the SMTP code only: a server's message can quote the address.
    code = getattr(exc, "smtp_code", None)
    return f"{type(exc).__name__}{f' {code}' if code else ''}"[:200]


def notification_deliver(*, actor, notification_id: int) -> str:
    """Send one recorded message (``actor`` None: the task queue); returns its status. The row is claimed in a short transaction and the message
    sent outside it (an SMTP server taking its time holds no lock). On failure the row records it and, below the
    limit of attempts, the task is queued again after the back-off."""
    with transaction.atomic():
        item = Notification.objects.select_for_update().filter(pk=notification_id).first()
        if item is None or item.status not in (NotificationStatus.QUEUED, NotificationStatus.RETRYING):
            return item.status if item else ""  # sent, failed for good, or being sent by another worker
        item.status, item.attempts = NotificationStatus.SENDING, item.attempts + 1
        item.save(update_fields=["status", "attempts"])
    registration = Registration.objects.select_related("attendee", "session__unit__parent").get(
        pk=item.registration_id
    )
    attendee = registration.attendee
    try:
        text = message(registration, item.kind)
        if item.channel == NotificationChannel.EMAIL:
            if not attendee.email:
                raise ValueError("no e-mail address")
            send_mail(text.subject, text.body, None, [attendee.email])
        elif not attendee.phone or not send_sms(attendee.phone, text.sms):
            raise ValueError("no text message provider or phone")
    except Exception as exc:  # noqa: BLE001 - any failure of a provider is recorded and retried
        final = item.attempts >= settings.NOTIFICATION_MAX_ATTEMPTS
        item.status = NotificationStatus.FAILED if final else NotificationStatus.RETRYING
        item.last_error = _error_text(exc)
        with transaction.atomic():
            item.save(update_fields=["status", "last_error"])
            if not final:
                delay = retry_delay(item.attempts)
                transaction.on_commit(lambda: _requeue(item.pk, delay))
        logger.warning("message %s (%s, %s) failed, attempt %s", item.pk, item.kind, item.channel, item.attempts)
        return item.status
    item.status, item.sent_at = NotificationStatus.SENT, timezone.now()
    item.save(update_fields=["status", "sent_at"])
    return NotificationStatus.SENT


def _requeue(notification_id: int, delay: datetime.timedelta) -> None:
    from django_tasks import default_task_backend

    task = deliver_notification
    if default_task_backend.supports_defer:
        task = task.using(run_after=timezone.now() + delay)
    task.enqueue(notification_id)


def notification_create_reminders(*, actor, now: datetime.datetime | None = None) -> int:
    """Record (and send) the reminder for every seat holder of the classes that start tomorrow (local date).

    ``actor`` is None when cron runs it.

    Idempotent: the reminder's key is the class's date, so running it again (hourly by cron, after a crash) sends
    nothing twice; a class moved to another day gets its reminder for the new day."""
    now = timezone.localtime(now or timezone.now())
    tomorrow = now.date() + datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    sessions = TrainingSession.objects.filter(starts_at__gte=start, starts_at__lt=end, is_cancelled=False)
    count = 0
    for session in sessions:
        registrations = session.registrations.select_related("attendee", "session", "session__unit").filter(
            status=Status.REGISTERED
        )
        with transaction.atomic():
            for registration in registrations:
                count += len(
                    notification_create(
                        actor=actor,
                        registration=registration,
                        kind=NotificationKind.REMINDER,
                        key=tomorrow.isoformat(),
                    )
                )
    return count


# -- "Tìm vé của tôi": the links to one's tickets, sent to the phone or e-mail on record ------------------------------
def _contact_key(contact: str) -> str:
    import hmac

    digest = hmac.new(settings.SECRET_KEY.encode(), f"find-ticket:{contact}".encode(), hashlib.sha256)
    return f"find-ticket:contact:{digest.hexdigest()[:32]}"


def _contact_allowed(contact: str) -> bool:
    """At most FIND_TICKET_SENDS_PER_CONTACT sends an hour to one phone or address (nobody floods a person)."""
    from django.core.cache import cache

    key = _contact_key(contact)
    try:
        count = 1 if cache.add(key, 1, 60 * 60) else cache.incr(key)
    except Exception:  # noqa: BLE001 - without a cache the per-address limit of the page still holds
        return True
    return count <= settings.FIND_TICKET_SENDS_PER_CONTACT


def tickets_for_contact(*, phone: str = "", email: str = "", now=None) -> list[int]:
    """The current tickets held with this phone (every person sharing it) or this e-mail address: their ids, so the
    task that sends them carries no phone number or address in the task queue's table. Empty past the hourly
    limit of sends to one contact (FIND_TICKET_SENDS_PER_CONTACT)."""

    contact = phone or email.lower()
    if not contact or not _contact_allowed(contact):
        return []
    people = Attendee.objects.filter(phone=phone) if phone else Attendee.objects.filter(email__iexact=email)
    return list(
        Registration.objects.filter(attendee__in=people, session__ends_at__gte=now or timezone.now())
        .exclude(status=Status.CANCELLED)
        .order_by("session__starts_at", "pk")
        .values_list("pk", flat=True)
    )


def ticket_links_send(*, actor, registration_ids: list[int], by_phone: bool) -> int:
    """``actor`` is None (a person asking on the public site, through the task queue). Send the links to these tickets (from ``tickets_for_contact``): ``by_phone``, all of them by text message to
    the phone they share and each person's by e-mail to their address on record; otherwise by e-mail to the address
    they share. An e-mail address only ever receives the tickets of the person whose address it is. Returns the
    number of messages sent (tests and logs only: the page never tells)."""
    registrations = list(
        Registration.objects.filter(pk__in=registration_ids)
        .select_related("session", "attendee")
        .order_by("session__starts_at", "pk")
    )
    if not registrations:
        return 0

    def line(item: Registration) -> str:
        day = timezone.localtime(item.session.starts_at).strftime("%d/%m/%Y")
        return f"- {item.session.title} ({day}): {ticket_url(item)}"

    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        phone = registrations[0].attendee.phone
        if by_phone and phone:
            lines = " ; ".join(line(item) for item in registrations if item.attendee.phone == phone)
            if send_sms(phone, _("Your tickets: %(lines)s") % {"lines": lines}):
                sent += 1
        by_address: dict[str, list[Registration]] = {}
        for item in registrations:
            if item.attendee.email:
                by_address.setdefault(item.attendee.email.lower(), []).append(item)
        for _address, items in sorted(by_address.items()):
            body = _(
                "You asked for the links to your tickets:\n\n%(lines)s\n\nIf you did not ask, ignore this message."
            ) % {"lines": "\n".join(map(line, items))}
            send_mail(_("Your tickets for the training classes"), body, None, [items[0].attendee.email])
            sent += 1
    return sent
