"""Registering, cancelling, checking in: every change of a seat happens under a lock on the session.

PostgreSQL: ``select_for_update`` on the session row serialises registrations of one class.
SQLite: every transaction starts with ``BEGIN IMMEDIATE`` (settings), which serialises writers.
On both, the unique (session, seat) constraint refuses a second holder of a seat, so a missed
lock would show as an error, never as an overbooked class.
"""

import datetime
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.core.errors import DomainError
from campaigns.core.text import fold
from trainings import access, schedule
from trainings.choices import SEATED, ConsentPurpose, NotificationKind, RegistrationSource, Status
from trainings.models import (
    Attendee,
    Certificate,
    Consent,
    Feedback,
    PendingRegistration,
    Registration,
    TrainingSession,
)
from trainings.notifications import notification_create, notification_create_for_change
from trainings.tasks import send_feedback_invitation, send_registration_code

CONSENT_TEXT_VERSION = "2026-01"


def consent_text(purpose: str) -> str:
    """The sentence a person agrees to, per purpose (Law 91/2025/QH15: one purpose per tick)."""
    texts = {
        ConsentPurpose.TRAINING: _(
            "I agree that the organisers use my name, phone number, organisation and unit to run this class "
            "and record my attendance."
        ),
        ConsentPurpose.CERTIFICATE: _(
            "I agree that my name appears on a certificate of attendance that anyone holding it can verify."
        ),
        ConsentPurpose.NOTIFICATIONS: _("I agree to be told about future classes by phone or e-mail."),
    }
    return str(texts[purpose])


class RegistrationRefused(DomainError):
    """A registration (or its confirmation) refused; ``code`` is stable, ``message`` is for the person."""

    messages = {
        "no_training_consent": gettext_lazy(
            "Without consent to the use of your data for the class we cannot register you."
        ),
        "closed": gettext_lazy("Registration for this class is closed."),
        "too_many_for_phone": gettext_lazy(
            "Too many registrations were asked for with this phone number in the last hour. Please try later."
        ),
        "too_many_waiting": gettext_lazy(
            "Too many registrations for this class are waiting for their confirmation. Please try in a few minutes."
        ),
        "expired": gettext_lazy("This confirmation has expired. Please fill in the form again."),
        "wrong_code": gettext_lazy("The code is not right. Check the message and type the six digits again."),
    }


@dataclass(frozen=True)
class RegistrationResult:
    registration: Registration
    created: bool  # False: the person was already registered (or waiting) for this class

    @property
    def waitlisted(self) -> bool:
        return self.registration.status == Status.WAITLISTED


def _free_seat(session: TrainingSession) -> int | None:
    taken = set(session.registrations.filter(seat__isnull=False).values_list("seat", flat=True))
    if len(taken) >= session.capacity:
        return None
    return next(number for number in range(1, session.capacity + 1) if number not in taken)


def _save(instance, fields: list[str]) -> None:
    """Check the changed ``fields`` (``full_clean`` on them only) and save them."""
    others = [field.name for field in instance._meta.fields if field.name not in fields]
    instance.full_clean(exclude=others, validate_unique=False, validate_constraints=False)
    instance.save(update_fields=fields)


def _locked(session_id: int) -> TrainingSession:
    return TrainingSession.objects.select_for_update().get(pk=session_id)


def _attendee_for(phone: str, details: dict, *, public: bool) -> Attendee:
    """The attendee with this phone and this name (accents and case folded: members of a family sharing a phone
    are different people). A trainer's or an import's details fill only empty fields.

    On the public form an existing person's record is never changed (the record is theirs; the
    confirmation code went to the contacts on record), and nothing tells whether the phone was known.
    """
    key = fold(details.get("full_name") or "")
    attendee = Attendee.objects.filter(phone=phone, name_key=key).first()
    if attendee is None:
        attendee = Attendee(phone=phone, **details)
        # The one-per-phone-and-name rule is the database's: a concurrent twin shows as IntegrityError.
        attendee.full_clean(validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                attendee.save()
            return attendee
        except IntegrityError:  # the same person registering for another class at the same moment
            attendee = Attendee.objects.get(phone=phone, name_key=key)
    if public:
        return attendee
    changed = [name for name, value in details.items() if value and not getattr(attendee, name)]
    for name in changed:
        setattr(attendee, name, details[name])
    if changed:
        _save(attendee, changed)
    return attendee


def registration_create(
    *,
    actor,
    session: TrainingSession,
    phone: str,
    details: dict,
    consents: list[str],
    source: str = RegistrationSource.PUBLIC,
    now: datetime.datetime | None = None,
    check_window: bool = True,
    attested_by=None,
) -> RegistrationResult:
    """Register one person (already validated ``phone`` and ``details``) for ``session``.

    ``actor``: the trainer entering or importing people; None when a person registers themselves on the public
    site (their confirmed request). A seat if one is free, otherwise the waiting list. The same phone twice gives
    the existing registration back (``created=False``); a cancelled one is taken up again.
    """
    if ConsentPurpose.TRAINING not in consents:
        raise RegistrationRefused("no_training_consent")
    with transaction.atomic():
        session = _locked(session.pk)
        now = now or timezone.now()  # read under the lock: the waiting list's order is the order of the seats
        if check_window and not session.registration_open(now):
            raise RegistrationRefused("closed")
        attendee = _attendee_for(phone, details, public=source == RegistrationSource.PUBLIC)
        existing = Registration.objects.filter(session=session, attendee=attendee).first()
        if existing and existing.status != Status.CANCELLED:
            return RegistrationResult(existing, created=False)
        seat = _free_seat(session)
        registration = existing or Registration(session=session, attendee=attendee)
        registration.status = Status.REGISTERED if seat else Status.WAITLISTED
        registration.seat = seat
        registration.source = source
        registration.registered_at = now
        registration.cancelled_at = None
        registration.full_clean(validate_constraints=False)  # the seat rules hold by the lock and the constraints
        registration.save()
        for purpose in consents:
            consent_create(
                actor=actor, attendee=attendee, purpose=purpose, source=source, now=now, attested_by=attested_by
            )
    return RegistrationResult(registration, created=True)


def consent_create(
    *,
    actor,
    attendee: Attendee,
    purpose: str,
    source: str,
    now: datetime.datetime | None = None,
    attested_by=None,
) -> Consent:
    """A consent for one purpose with the text shown; ``attested_by``: the trainer holding the paper form.

    ``actor``: who records it; None for a person consenting on the public form."""
    consent = Consent(
        attendee=attendee,
        purpose=purpose,
        text_version=CONSENT_TEXT_VERSION,
        text=consent_text(purpose),
        given_at=now or timezone.now(),
        source=source,
        attested_by=attested_by,
    )
    consent.full_clean()
    consent.save()
    return consent


def registration_cancel(
    *, actor, registration: Registration, now: datetime.datetime | None = None
) -> Registration | None:
    """Cancel a registration; a freed seat goes to the first person waiting. Returns that person's registration.

    ``actor``: the trainer or administrator; None when the person cancels from their ticket's link."""
    now = now or timezone.now()
    with transaction.atomic():
        session = _locked(registration.session_id)
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status not in (Status.REGISTERED, Status.WAITLISTED):
            return None
        registration.status, registration.seat, registration.cancelled_at = Status.CANCELLED, None, now
        _save(registration, ["status", "seat", "cancelled_at"])
        promoted = _fill_free_seats(session)
    for item in promoted:
        _notify_seat_freed(item)
    return promoted[0] if promoted else None


def _fill_free_seats(session: TrainingSession) -> list[Registration]:
    """Give free seats to the waiting list in order of registration (call under the session lock)."""
    promoted = []
    waiting = session.registrations.filter(status=Status.WAITLISTED).order_by("registered_at", "pk")
    for registration in waiting:
        seat = _free_seat(session)
        if seat is None:
            break
        registration.status, registration.seat = Status.REGISTERED, seat
        _save(registration, ["status", "seat"])
        promoted.append(registration)
    return promoted


def _notify_seat_freed(registration: Registration) -> None:
    """Tell the person by e-mail and text message that the seat is theirs (after the commit)."""

    notification_create(actor=None, registration=registration, kind=NotificationKind.SEAT_FREED)


def session_reconcile(*, actor, session: TrainingSession, changed: set[str]) -> TrainingSession:
    """Bring the registrations in line with a class the admin's form just saved (fields ``changed``): seats added
    go to the waiting list in order, and everyone registered is told of a cancelled or moved class.

    ``actor``: the trainer who saved the class."""

    with transaction.atomic():
        promoted = _fill_free_seats(_locked(session.pk))
    for registration in promoted:
        _notify_seat_freed(registration)
    notification_create_for_change(actor=actor, session=session, changed=changed)
    return session


def session_create(*, actor, session: TrainingSession, save_related=None) -> TrainingSession:
    """Store a new class from the admin's form (``save_related`` stores its trainers and materials after it);
    ``actor`` is recorded as its creator."""
    session.created_by = actor
    session.full_clean()
    session.save()
    if save_related is not None:
        save_related()
    return session


class CheckInRefused(DomainError):
    """A refused check-in, attendance record or certificate; ``code`` is stable, ``message`` is for people."""

    messages = {
        "no_seat": gettext_lazy("This person has no seat in the class (%(status)s)."),
        "outside_check_in_window": gettext_lazy("Check-in for this class is open from %(opens)s to %(closes)s."),
        "not_attended": gettext_lazy("Certificates are only for people who attended."),
        "class_not_held": gettext_lazy("Certificates are issued once the class has been held (after %(end)s)."),
        "no_certificate_consent": gettext_lazy("This person has not agreed to have their name on a certificate."),
    }


def _window_refusal(session: TrainingSession) -> CheckInRefused:
    window = schedule.check_in_window(session)
    return CheckInRefused(
        "outside_check_in_window",
        {"opens": schedule.format_moment(window.opens), "closes": schedule.format_moment(window.closes)},
    )


def registration_check_in(
    *, actor, registration: Registration, now: datetime.datetime | None = None
) -> tuple[Registration, bool]:
    """Mark the person present. Returns (registration, True) the first time, (registration, False) after.

    ``actor``: the trainer scanning the ticket (access is the caller's check).

    Only within the class's check-in window (``schedule.check_in_window``). Idempotent by ticket: a second scan,
    or a queued scan sent again by the offline page, changes nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("session").get(pk=registration.pk)
        if registration.status == Status.ATTENDED:
            return registration, False
        if registration.status not in SEATED:
            raise CheckInRefused("no_seat", {"status": registration.get_status_display()})
        if not schedule.check_in_open(registration.session, now):
            raise _window_refusal(registration.session)
        registration.status, registration.checked_in_at = Status.ATTENDED, now
        _save(registration, ["status", "checked_in_at"])
        _invite_feedback([registration])
    return registration, True


def _invite_feedback(registrations) -> None:
    """After the commit, e-mail a feedback link to those who attended and gave an address."""

    for registration in registrations:
        if registration.status == Status.ATTENDED and registration.attendee.email:
            transaction.on_commit(lambda pk=registration.pk: send_feedback_invitation.enqueue(pk))


def attendance_record(
    *, actor, session: TrainingSession, present_ids: set[int], now: datetime.datetime | None = None
) -> tuple[int, int]:
    """From a ticked sign-in sheet: ticked seat holders attended, the others did not. Returns (attended, no-shows).

    Not before the check-in window opens. Before the class has ended, unticked people are left as they are
    (they may still come): nobody is marked absent until the class is over.

    ``actor``: the trainer with the ticked sheet (access is the caller's check).
    """
    now = now or timezone.now()
    attended = absent = 0
    newly_attended = []
    with transaction.atomic():
        session = _locked(session.pk)
        if now < schedule.check_in_window(session).opens:
            raise _window_refusal(session)
        ended = schedule.has_ended(session, now)
        registrations = session.registrations.select_for_update().select_related("attendee").filter(status__in=SEATED)
        for registration in registrations:
            if registration.pk in present_ids:
                if registration.status != Status.ATTENDED:
                    registration.status, registration.checked_in_at = Status.ATTENDED, now
                    _save(registration, ["status", "checked_in_at"])
                    newly_attended.append(registration)
                attended += 1
            elif ended:
                if registration.status != Status.NO_SHOW:
                    registration.status, registration.checked_in_at = Status.NO_SHOW, None
                    _save(registration, ["status", "checked_in_at"])
                absent += 1
        _invite_feedback(newly_attended)
    return attended, absent


def certificate_issue(*, actor, registration: Registration, now: datetime.datetime | None = None) -> Certificate:
    """The certificate of an attendee who attended and agreed to it (the same one on every call).

    Only once the class has been held (its end has passed). Numbered as on administrative documents
    (Nghị định 30/2020/NĐ-CP): ``Số: 12/GCN-UBND``, counted per issuing body's symbol and year.

    ``actor``: the trainer asking for it; None when demo data is made.
    """
    now = now or timezone.now()
    with transaction.atomic():
        registration = Registration.objects.select_for_update().select_related("session").get(pk=registration.pk)
        if registration.status != Status.ATTENDED:
            raise CheckInRefused("not_attended")
        certificate = Certificate.objects.filter(registration=registration).first()
        if certificate:
            return certificate
        session = registration.session
        if not schedule.has_ended(session, now):
            raise CheckInRefused("class_not_held", {"end": schedule.format_moment(session.ends_at)})
        agreed = Consent.objects.filter(
            attendee_id=registration.attendee_id, purpose=ConsentPurpose.CERTIFICATE, withdrawn_at__isnull=True
        ).exists()
        if not agreed:
            raise CheckInRefused("no_certificate_consent")
        certificate = Certificate(registration=registration, number=f"tmp-{registration.pk}", issued_at=now)
        certificate.full_clean(validate_unique=False)  # the one per registration rule holds by the row lock
        certificate.save()
        certificate.number = certificate_number(session, certificate)
        _save(certificate, ["number"])
    return certificate


def certificate_number(session: TrainingSession, certificate: Certificate) -> str:
    """``<n>/GCN-<symbol>``: n counts the certificates of classes with this symbol (the unique number refuses a
    clash), e.g. ``12/GCN-UBND``; give each issuing body its own symbol (``UBND-TL``) for its own sequence."""
    symbol = session.certificate_symbol or "UBND"
    count = Certificate.objects.filter(
        registration__session__certificate_symbol=session.certificate_symbol, pk__lte=certificate.pk
    ).count()
    taken = set(Certificate.objects.filter(number__endswith=f"/GCN-{symbol}").values_list("number", flat=True))
    while f"{count:02d}/GCN-{symbol}" in taken:  # a deleted certificate left a gap lower down
        count += 1
    return f"{count:02d}/GCN-{symbol}"


# -- public registration: a confirmation code before a seat is held ------------------------------------------------
def confirmation_code(pending: PendingRegistration) -> str:
    """The six-digit code for a pending registration, derived from its token with the secret key (stored nowhere)."""
    digest = hmac.new(settings.SECRET_KEY.encode(), f"registration-code:{pending.token}".encode(), hashlib.sha256)
    return f"{int.from_bytes(digest.digest()[:8], 'big') % 1_000_000:06d}"


def address_key(address: str) -> str:
    """A keyed hash of a client address: enough to count, useless to anyone reading the table."""
    return hmac.new(settings.SECRET_KEY.encode(), f"address:{address}".encode(), hashlib.sha256).hexdigest()[:40]


def pending_registration_create(
    *,
    actor,
    session: TrainingSession,
    phone: str,
    details: dict,
    consents: list[str],
    address: str = "",
    now: datetime.datetime | None = None,
) -> PendingRegistration:
    """Keep a public registration until its code is confirmed; the code is sent after the commit.

    ``actor`` is None: a person registering themselves on the public site.

    Limits (settings) per hour: codes for one phone number asked from one address
    (``REGISTRATION_REQUESTS_PER_PHONE``) and from all addresses together (``REGISTRATION_REQUESTS_PER_PHONE_ALL``,
    higher: someone else cannot easily keep a person from registering); registrations waiting per class. The
    refusals say nothing about whether the phone number is known.
    """
    now = now or timezone.now()
    key = address_key(address) if address else ""
    if ConsentPurpose.TRAINING not in consents:
        raise RegistrationRefused("no_training_consent")
    if not session.registration_open(now):
        raise RegistrationRefused("closed")
    hour_ago = now - datetime.timedelta(hours=1)
    recent = PendingRegistration.objects.filter(phone=phone, created_at__gte=hour_ago)
    if (
        recent.filter(address_key=key).count() >= settings.REGISTRATION_REQUESTS_PER_PHONE
        or recent.count() >= settings.REGISTRATION_REQUESTS_PER_PHONE_ALL
    ):
        raise RegistrationRefused("too_many_for_phone")
    waiting = PendingRegistration.objects.filter(session=session, expires_at__gt=now).count()
    if waiting >= settings.REGISTRATION_PENDING_PER_CLASS:
        raise RegistrationRefused("too_many_waiting")
    with transaction.atomic():
        pending = PendingRegistration(
            session=session,
            phone=phone,
            address_key=key,
            details={name: value for name, value in details.items() if name != "unit"},
            consents=list(consents),
            created_at=now,
            expires_at=now + datetime.timedelta(seconds=settings.REGISTRATION_CODE_MAX_AGE_SECONDS),
        )
        pending.full_clean()
        pending.save()

        transaction.on_commit(lambda: send_registration_code.enqueue(pending.pk))
    return pending


def pending_registration_confirm(
    *, actor, pending: PendingRegistration, code: str, now: datetime.datetime | None = None
) -> RegistrationResult:
    """Register the person once the code is right; a wrong code counts, too many end the request.

    ``actor`` is None: the person confirming with the code they received."""
    now = now or timezone.now()
    wrong = expired = False
    with transaction.atomic():
        pending = (
            PendingRegistration.objects.select_for_update().select_related("session").filter(pk=pending.pk).first()
        )
        if pending is None or pending.expires_at <= now or pending.attempts >= settings.REGISTRATION_CODE_MAX_ATTEMPTS:
            if pending is not None:
                pending.delete()
            expired = True
        elif not hmac.compare_digest(confirmation_code(pending), "".join(str(code or "").split())):
            pending.attempts += 1
            _save(pending, ["attempts"])
            wrong = True
    if expired:
        raise RegistrationRefused("expired")
    if wrong:
        raise RegistrationRefused("wrong_code")
    details = {**pending.details, "unit": pending.session.unit}
    result = registration_create(
        actor=actor,
        session=pending.session,
        phone=pending.phone,
        details=details,
        consents=pending.consents,
        source=RegistrationSource.PUBLIC,
        now=now,
    )
    PendingRegistration.objects.filter(pk=pending.pk).delete()
    if result.created:
        # The ticket (or the place on the waiting list) by e-mail and text message: the link is not only in the
        # browser's address bar.

        notification_create(actor=actor, registration=result.registration, kind=NotificationKind.TICKET)
    return result


def registration_purge(
    *,
    actor,
    session: TrainingSession,
    registered_from: datetime.datetime,
    registered_until: datetime.datetime,
) -> tuple[int, list[Registration]]:
    """Remove spam: public registrations of ``session`` made in the period that hold a seat or wait (not those
    who attended). People left without any registration are deleted with their consents. Freed seats go to the
    waiting list. Returns (removed, promoted).

    ``actor``: the trainer, named in the audit entry."""
    from wagtail.log_actions import log

    with transaction.atomic():
        session = _locked(session.pk)
        spam = session.registrations.select_for_update().filter(
            source=RegistrationSource.PUBLIC,
            status__in=[Status.REGISTERED, Status.WAITLISTED],
            registered_at__gte=registered_from,
            registered_at__lte=registered_until,
        )
        attendee_ids = list(spam.values_list("attendee_id", flat=True))
        _total, per_model = spam.delete()
        removed = per_model.get(Registration._meta.label, 0)
        orphans = Attendee.objects.filter(pk__in=attendee_ids, registrations__isnull=True)
        orphans.delete()
        PendingRegistration.objects.filter(
            session=session, created_at__gte=registered_from, created_at__lte=registered_until
        ).delete()
        promoted = _fill_free_seats(session)
        log(instance=session, action="trainings.purge_registrations", user=actor, data={"removed": removed})
    for item in promoted:
        _notify_seat_freed(item)
    return removed, promoted


@dataclass(frozen=True)
class ScanResult:
    token: str
    status: str  # checked_in / already / refused / unknown
    message: str = ""
    checked_in_at: datetime.datetime | None = None


def registration_check_in_scans(*, actor, scans: list[dict], now: datetime.datetime | None = None) -> list[ScanResult]:
    """Check in a queue of scans sent by the offline check-in page: ``[{"token": …, "at": ISO time}, …]``.

    Idempotent by ticket (a queue sent twice checks in once). The scan's own time is kept when it is
    plausible (not in the future, within the class's check-in window); otherwise it is refused like a scan
    made then. Tickets of classes the user may not check in are answered as unknown, like missing ones.

    ``actor``: the trainer whose queue it is; only their classes' tickets count.
    """

    now = now or timezone.now()
    results = []
    for scan in scans:
        token = str(scan.get("token") or "")[:64]
        registration = Registration.objects.select_related("session").filter(token=token).first() if token else None
        if registration is None or not access.can_see_roster(actor, registration.session):
            results.append(ScanResult(token, "unknown", _("This code is not on the roster of your classes.")))
            continue
        at = _scan_time(scan.get("at"), now)
        try:
            registration, first = registration_check_in(actor=actor, registration=registration, now=at)
        except CheckInRefused as exc:
            results.append(ScanResult(token, "refused", exc.message))
            continue
        results.append(ScanResult(token, "checked_in" if first else "already", "", registration.checked_in_at))
    return results


def _scan_time(value, now):
    """The time a queued scan was made, from its ISO text; never later than ``now`` (a wrong phone clock)."""
    try:
        moment = datetime.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return now
    if timezone.is_naive(moment):
        return now
    return min(moment, now)


def feedback_create(
    *,
    actor,
    rating: int,
    registration: Registration | None = None,
    session: TrainingSession | None = None,
    pre_score: int | None = None,
    post_score: int | None = None,
    comment: str = "",
) -> Feedback | None:
    """A rating and comment: from a ticket's link (``registration``) or the room's link (``session``, anonymous).

    ``actor`` is None: the person answering on the public site. Returns None when the ticket's answer was already
    given (the same form sent twice at once: the first one counts)."""
    feedback = Feedback(
        registration=registration,
        session=session or registration.session,
        rating=rating,
        pre_score=pre_score,
        post_score=post_score,
        comment=comment,
    )
    # One answer per ticket is the database's rule: a second one sent at the same moment shows as IntegrityError.
    feedback.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            feedback.save()
    except IntegrityError:
        return None
    return feedback
