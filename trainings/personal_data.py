"""The data subject's rights over what the trainings app holds (Law 91/2025/QH15, Decree 356/2025/NĐ-CP).

``person_data`` gathers everything stored about one attendee, ``person_export`` hands it out as
JSON or XLSX, ``person_erase`` removes it, and ``person_anonymise_expired`` removes it for everyone whose
last class ended longer ago than the retention period.

Erasure keeps the registrations (class, status, seat, times), the consent records (purpose, text
shown, times) and the feedback ratings: once the attendee row holds none of its personal fields
(``trainings.people.PERSON_FIELDS``) they describe nobody, and class counts stay right.

Audit entries go through Wagtail's audit log. They carry the attendee's number (``Attendee #N``)
and counts, never a name, phone number or anything else the person told us; nothing here writes
to the Python log either.
"""

import datetime
import io
import json
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from campaigns.core.errors import DomainError
from campaigns.core.text import strip_control_characters
from campaigns.statistics.exports import escape_formula
from trainings import services
from trainings.choices import Status
from trainings.cleanup import roster_preview_forget
from trainings.models import (
    Attendee,
    Certificate,
    Consent,
    DataRequest,
    Feedback,
    PendingRegistration,
    Registration,
    TrainingSession,
)
from trainings.people import CORRECTABLE_FIELDS, ERASED_VALUES, EXPORTED_FIELDS, export_values

EXPORT_ACTION = "trainings.export_personal_data"
ERASE_ACTION = "trainings.erase_personal_data"
ANONYMISE_ACTION = "trainings.anonymise_attendees"
CORRECT_ACTION = "trainings.correct_personal_data"
WITHDRAW_ACTION = "trainings.withdraw_consent"

FORMATS = ("json", "xlsx")
CONTENT_TYPES = {
    "json": "application/json; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

# A request must be acknowledged within this many working days (Monday to Friday) of its receipt.
ACKNOWLEDGE_WITHIN_WORKING_DAYS = 2
_BATCH = 500


class UnknownFormat(DomainError, ValueError):
    messages = {"unknown_format": gettext_lazy("There is no export in the format “%(format)s”.")}


# --- What we hold -----------------------------------------------------------------------------


def _moment(value: datetime.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def person_data(attendee: Attendee) -> dict:
    """Everything stored about one person, as plain JSON-ready values (times in local time, ISO 8601)."""
    attendee = Attendee.objects.select_related("unit").get(pk=attendee.pk)
    registrations = list(
        Registration.objects.filter(attendee=attendee).select_related("session").order_by("registered_at", "pk")
    )
    feedback = Feedback.objects.filter(registration__attendee=attendee).select_related("registration__session")
    certificates = Certificate.objects.filter(registration__attendee=attendee).select_related("registration__session")
    requests = DataRequest.objects.filter(attendee=attendee).order_by("received_on", "pk")
    return {
        "attendee": {
            "number": attendee.pk,
            **export_values(attendee),
            "created_at": _moment(attendee.created_at),
            "anonymised_at": _moment(attendee.anonymised_at),
        },
        "consents": [
            {
                "purpose": consent.purpose,
                "purpose_label": str(consent.get_purpose_display()),
                "text": consent.text,
                "text_version": consent.text_version,
                "given_at": _moment(consent.given_at),
                "source": consent.source,
                "source_label": str(consent.get_source_display()),
                "withdrawn_at": _moment(consent.withdrawn_at),
            }
            for consent in Consent.objects.filter(attendee=attendee).order_by("given_at", "pk")
        ],
        "registrations": [
            {
                "class": registration.session.title,
                "class_date": _day(timezone.localdate(registration.session.starts_at)),
                "starts_at": _moment(registration.session.starts_at),
                "ends_at": _moment(registration.session.ends_at),
                "venue": registration.session.venue,
                "status": registration.status,
                "status_label": str(registration.get_status_display()),
                "seat": registration.seat,
                "source": registration.source,
                "source_label": str(registration.get_source_display()),
                "registered_at": _moment(registration.registered_at),
                "checked_in_at": _moment(registration.checked_in_at),
                "cancelled_at": _moment(registration.cancelled_at),
            }
            for registration in registrations
        ],
        "feedback": [
            {
                "class": item.registration.session.title,
                "rating": item.rating,
                "quiz_score_before": item.pre_score,
                "quiz_score_after": item.post_score,
                "comment": item.comment,
                "submitted_at": _moment(item.submitted_at),
            }
            for item in feedback.order_by("submitted_at", "pk")
        ],
        "certificates": [
            {
                "number": certificate.number,
                "class": certificate.registration.session.title,
                "issued_at": _moment(certificate.issued_at),
            }
            for certificate in certificates.order_by("issued_at", "pk")
        ],
        "data_requests": [
            {
                "request": request.kind,
                "request_label": str(request.get_kind_display()),
                "received_on": _day(request.received_on),
                "acknowledged_on": _day(request.acknowledged_on),
                "done_on": _day(request.done_on),
            }
            for request in requests
        ],
    }


# --- Export -----------------------------------------------------------------------------------


def export_filename(attendee: Attendee, file_format: str) -> str:
    """A file name with the attendee's number only (file names end up in download folders and mail)."""
    return f"du-lieu-ca-nhan-{attendee.pk}.{file_format}"


def person_export(*, actor, attendee: Attendee, file_format: str) -> bytes:
    """The person's data as a JSON or XLSX file; every export leaves an audit entry naming ``actor``."""
    if file_format not in FORMATS:
        raise UnknownFormat("unknown_format", {"format": file_format})
    data = person_data(attendee)
    content = _as_json(data) if file_format == "json" else _as_xlsx(data)
    log(instance=attendee, action=EXPORT_ACTION, user=actor, data={"format": file_format})
    return content


def _as_json(data: dict) -> bytes:
    document = {"exported_at": _moment(timezone.now()), **data}
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


def _field_label(model, name: str) -> str:
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _text(value) -> str:
    return escape_formula(strip_control_characters("" if value is None else str(value)))


def _shown_moment(value: str | None) -> str:
    return datetime.datetime.fromisoformat(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _shown_day(value: str | None) -> str:
    return datetime.date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""


def _sheet_title(title: str) -> str:
    for character in "[]:*?/\\":
        title = title.replace(character, " ")
    return title[:31]


Sheet = tuple[str, list[str], Iterable[list]]  # title, header, rows


def _personal_sheet(data: dict) -> Sheet:
    """The personal details, one field a row (the exported fields of ``trainings.people``)."""
    person = data["attendee"]
    return (
        _("Personal details"),
        [_("Field"), _("Value")],
        [
            [_("Attendee number"), person["number"]],
            *(
                [_field_label(Attendee, field.name), _text(field.shown(person[field.name]))]
                for field in EXPORTED_FIELDS
            ),
            [_("First recorded at"), _shown_moment(person["created_at"])],
            [_field_label(Attendee, "anonymised_at"), _shown_moment(person["anonymised_at"])],
        ],
    )


def _consents_sheet(data: dict) -> Sheet:
    """Every consent given, with the text shown."""
    return (
        capfirst(str(Consent._meta.verbose_name_plural)),
        [
            _field_label(Consent, name)
            for name in ("purpose", "text", "text_version", "given_at", "source", "withdrawn_at")
        ],
        [
            [
                _text(item["purpose_label"]),
                _text(item["text"]),
                _text(item["text_version"]),
                _shown_moment(item["given_at"]),
                _text(item["source_label"]),
                _shown_moment(item["withdrawn_at"]),
            ]
            for item in data["consents"]
        ],
    )


def _registrations_sheet(data: dict) -> Sheet:
    """Every registration with its class."""

    return (
        capfirst(str(Registration._meta.verbose_name_plural)),
        [
            _("Class"),
            _field_label(TrainingSession, "starts_at"),
            _field_label(TrainingSession, "ends_at"),
            _field_label(TrainingSession, "venue"),
            *(
                _field_label(Registration, name)
                for name in ("status", "seat", "source", "registered_at", "checked_in_at", "cancelled_at")
            ),
        ],
        [
            [
                _text(item["class"]),
                _shown_moment(item["starts_at"]),
                _shown_moment(item["ends_at"]),
                _text(item["venue"]),
                _text(item["status_label"]),
                item["seat"],
                _text(item["source_label"]),
                _shown_moment(item["registered_at"]),
                _shown_moment(item["checked_in_at"]),
                _shown_moment(item["cancelled_at"]),
            ]
            for item in data["registrations"]
        ],
    )


def _feedback_sheet(data: dict) -> Sheet:
    """Every feedback answer."""
    return (
        capfirst(str(Feedback._meta.verbose_name_plural)),
        [
            _("Class"),
            *(
                _field_label(Feedback, name)
                for name in ("rating", "pre_score", "post_score", "comment", "submitted_at")
            ),
        ],
        [
            [
                _text(item["class"]),
                item["rating"],
                item["quiz_score_before"],
                item["quiz_score_after"],
                _text(item["comment"]),
                _shown_moment(item["submitted_at"]),
            ]
            for item in data["feedback"]
        ],
    )


def _certificates_sheet(data: dict) -> Sheet:
    """Every certificate issued."""
    return (
        capfirst(str(Certificate._meta.verbose_name_plural)),
        [_field_label(Certificate, "number"), _("Class"), _field_label(Certificate, "issued_at")],
        [
            [_text(item["number"]), _text(item["class"]), _shown_moment(item["issued_at"])]
            for item in data["certificates"]
        ],
    )


def _requests_sheet(data: dict) -> Sheet:
    """Every request the person made about their data."""
    return (
        capfirst(str(DataRequest._meta.verbose_name_plural)),
        [_field_label(DataRequest, name) for name in ("kind", "received_on", "acknowledged_on", "done_on")],
        [
            [
                _text(item["request_label"]),
                _shown_day(item["received_on"]),
                _shown_day(item["acknowledged_on"]),
                _shown_day(item["done_on"]),
            ]
            for item in data["data_requests"]
        ],
    )


SHEETS = (
    _personal_sheet,
    _consents_sheet,
    _registrations_sheet,
    _feedback_sheet,
    _certificates_sheet,
    _requests_sheet,
)


def _as_xlsx(data: dict) -> bytes:
    """One sheet per kind of record; dates dd/mm/yyyy; text cells protected from formula injection."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    sheets = [build(data) for build in SHEETS]
    workbook = Workbook()
    workbook.remove(workbook.active)
    bold = Font(bold=True)
    for title, header, rows in sheets:
        sheet = workbook.create_sheet(_sheet_title(title))
        sheet.append([_text(label) for label in header])
        for cell in sheet[1]:
            cell.font = bold
        for row in rows:
            sheet.append(row)
        for column, label in zip(sheet.columns, header, strict=False):
            widest = max([len(str(label)), *(len(str(cell.value or "")) for cell in column)])
            sheet.column_dimensions[column[0].column_letter].width = min(max(widest + 2, 10), 80)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Correction and withdrawal of consent -----------------------------------------------------


class PersonalDataRefused(DomainError):
    """A correction refused; ``field``: the form field the message belongs to (None: the whole form)."""

    messages = {
        "erased": gettext_lazy("This person's data has been erased: there is nothing to correct."),
        "phone_taken": gettext_lazy("Another person is recorded with this phone number."),
    }
    fields = {"phone_taken": "phone"}

    @property
    def field(self) -> str | None:
        return self.fields.get(self.code)


def person_correct(*, actor, attendee: Attendee, changes: dict, data_request: DataRequest | None = None) -> list[str]:
    """Apply a person's corrections (already cleaned values of ``CORRECTABLE_FIELDS``); returns the fields changed.

    The audit entry names the fields changed, never their old or new values. A phone number already used by
    someone else is refused (records are one per phone). The request, if given, is marked done.

    ``actor``: the administrator, named in the audit entry.
    """
    with transaction.atomic():
        attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
        if attendee.anonymised_at:
            raise PersonalDataRefused("erased")
        changed = [name for name in CORRECTABLE_FIELDS if name in changes and changes[name] != getattr(attendee, name)]
        if "phone" in changed and Attendee.objects.filter(phone=changes["phone"]).exclude(pk=attendee.pk).exists():
            raise PersonalDataRefused("phone_taken")
        for name in changed:
            setattr(attendee, name, changes[name])
        if changed:
            attendee.full_clean(exclude=["unit"])
            attendee.save(update_fields=changed)
        log(
            instance=attendee,
            action=CORRECT_ACTION,
            user=actor,
            data={"fields": changed, "request": data_request.pk if data_request else None},
        )
        if data_request is not None:
            data_request_close(actor=actor, data_request=data_request)
    return changed


def consent_withdraw(
    *,
    actor,
    attendee: Attendee,
    purpose: str,
    now: datetime.datetime | None = None,
    data_request: DataRequest | None = None,
) -> int:
    """Withdraw the person's consents for one purpose, dated ``now``; returns how many were still in force.

    A certificate consent withdrawn means no new certificate; the training consent withdrawn leaves the past
    attendance (a legal record of the class) but no new registration by the organisers. Audited with the date.

    ``actor``: the administrator, named in the audit entry.
    """
    now = now or timezone.now()
    with transaction.atomic():
        active = Consent.objects.select_for_update().filter(
            attendee=attendee, purpose=purpose, withdrawn_at__isnull=True
        )
        count = active.update(withdrawn_at=now)
        log(
            instance=attendee,
            action=WITHDRAW_ACTION,
            user=actor,
            data={
                "purpose": purpose,
                "withdrawn_at": now.isoformat(),
                "count": count,
                "request": data_request.pk if data_request else None,
            },
        )
    return count


def data_request_close(*, actor, data_request: DataRequest) -> DataRequest:
    """Mark the request done today (or on the day already recorded), handled by ``actor``."""
    today = timezone.localdate()
    data_request.done_on = data_request.done_on or max(today, data_request.received_on)
    data_request.handled_by = actor
    data_request.full_clean(exclude=["attendee", "handled_by"])
    data_request.save(update_fields=["done_on", "handled_by"])
    return data_request


# --- Erasure ----------------------------------------------------------------------------------


def _scrub(attendee_ids: list[int], now: datetime.datetime) -> int:
    """Clear the personal fields of these attendees and their feedback comments; withdraw open consents."""
    if not attendee_ids:
        return 0
    Feedback.objects.filter(registration__attendee_id__in=attendee_ids).exclude(comment="").update(comment="")
    Consent.objects.filter(attendee_id__in=attendee_ids, withdrawn_at__isnull=True).update(withdrawn_at=now)
    return Attendee.objects.filter(pk__in=attendee_ids).update(
        **ERASED_VALUES, anonymised_at=Coalesce(F("anonymised_at"), now)
    )


def person_erase(*, actor, attendee: Attendee, now: datetime.datetime | None = None) -> Attendee:
    """Remove everything that identifies the person; registrations and consent records stay, anonymous.

    Safe to run twice: the first erasure time is kept. Returns the attendee as stored afterwards.

    ``actor``: the administrator, named in the audit entry (None: no one, e.g. a script).
    """
    now = now or timezone.now()
    with transaction.atomic():
        attendee = Attendee.objects.select_for_update().get(pk=attendee.pk)
        phone = attendee.phone
        # Classes still to come: an anonymous seat helps nobody, so it goes to the waiting list.
        for registration in Registration.objects.filter(
            attendee=attendee, session__starts_at__gt=now, status__in=[Status.REGISTERED, Status.WAITLISTED]
        ):
            services.registration_cancel(actor=actor, registration=registration, now=now)
        comments = Feedback.objects.filter(registration__attendee=attendee).exclude(comment="").count()
        _scrub([attendee.pk], now)
        attendee.refresh_from_db()
        log(instance=attendee, action=ERASE_ACTION, user=actor, data={"feedback_comments_cleared": comments})
        _forget_person_elsewhere(actor, phone)
    return attendee


def _forget_person_elsewhere(actor, phone: str) -> None:
    """Unconfirmed copies of the person's data outside the attendee tables: roster previews in sessions and
    registrations waiting for confirmation."""

    roster_preview_forget(actor=actor, phone=phone)
    PendingRegistration.objects.filter(phone=phone).delete()


def expired_attendees(*, days: int, now=None):
    """Attendees not yet anonymised whose last class (or, without one, their record) ended over ``days`` ago."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    return (
        Attendee.objects.filter(anonymised_at__isnull=True)
        .annotate(last_class_end=Coalesce(Max("registrations__session__ends_at"), F("created_at")))
        .filter(last_class_end__lt=cutoff)
    )


def person_anonymise_expired(*, actor, days: int, now: datetime.datetime | None = None, dry_run: bool = False) -> int:
    """Anonymise every attendee past the retention period; returns how many were (or would be) anonymised.

    ``actor`` is None when the scheduled command runs it.

    One audit entry per run (not per person), with the count and the period.
    """
    if days <= 0:
        raise ValueError("days must be positive")
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    candidates = list(expired_attendees(days=days, now=now).order_by("pk").values_list("pk", flat=True))
    if dry_run:
        return len(candidates)
    # Someone may register again while this runs: each batch re-checks under a row lock.
    recent = Registration.objects.filter(attendee=OuterRef("pk"), session__ends_at__gte=cutoff)
    count = 0
    with transaction.atomic():
        for start in range(0, len(candidates), _BATCH):
            batch = candidates[start : start + _BATCH]
            still_expired = list(
                Attendee.objects.select_for_update()
                .filter(pk__in=batch, anonymised_at__isnull=True)
                .exclude(Exists(recent))
                .values_list("pk", flat=True)
            )
            count += _scrub(still_expired, now)
        log(
            instance=ContentType.objects.get_for_model(Attendee),
            action=ANONYMISE_ACTION,
            user=actor,
            title=capfirst(str(Attendee._meta.verbose_name_plural)),
            data={"count": count, "days": days},
        )
    return count


# --- Deadlines --------------------------------------------------------------------------------


def acknowledge_by(received_on: datetime.date) -> datetime.date:
    """The last day to acknowledge a request: two working days (Monday to Friday) after its receipt."""
    day, counted = received_on, 0
    while counted < ACKNOWLEDGE_WITHIN_WORKING_DAYS:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            counted += 1
    return day


def acknowledgement_overdue(request: DataRequest, today: datetime.date | None = None) -> bool:
    """Not yet acknowledged (nor done) and more than two working days have passed since its receipt."""
    if request.acknowledged_on or request.done_on or not request.received_on:
        return False
    return (today or timezone.localdate()) > acknowledge_by(request.received_on)
