"""Training sessions, attendees, registrations, consent, feedback, certificates and data requests.

Personal data lives on ``Attendee`` (and, as given, in ``Consent``); everything else points at
it, so erasure is one place. Seats are numbered: a registered person holds a seat number unique
within the session, assigned under a row lock on the session, so capacity holds even if a lock
were missed (the constraint refuses a second holder of a seat).
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.documents import get_document_model_string

from campaigns.core.fields import import_key_field, optional_link
from campaigns.core.text import fold
from campaigns.units.models import AdministrativeUnit, unit_link
from trainings.choices import (
    Audience,
    ConsentPurpose,
    DataRequestKind,
    Format,
    NotificationChannel,
    NotificationKind,
    NotificationStatus,
    RegistrationSource,
    Status,
    Topic,
)
from trainings.schedule import unit_in_force


def new_token() -> str:
    return secrets.token_urlsafe(18)


class TrainingSession(models.Model):
    """A class (lớp tập huấn): who it is for, where and when, how many seats, who teaches it."""

    scope_unit_path = "unit"

    campaign = optional_link("campaigns.Campaign", _("campaign"), related_name="training_sessions")
    title = models.CharField(_("title"), max_length=255)
    topics = models.JSONField(_("topics"), default=list, blank=True, help_text=_("What the class teaches."))
    audience = models.CharField(_("audience"), max_length=30, choices=Audience.choices, default=Audience.CITIZENS)
    format = models.CharField(_("format"), max_length=20, choices=Format.choices, default=Format.IN_PERSON)
    unit = unit_link("training_sessions")
    venue = models.CharField(_("venue"), max_length=255, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("capacity"),
        help_text=_("Seats; further registrations wait."),
        validators=[MinValueValidator(1, message=_("A class has at least one seat."))],
    )
    trainers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("trainers"), blank=True, related_name="training_sessions"
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Shown on the public calendar; anyone may register.")
    )
    is_cancelled = models.BooleanField(
        _("class cancelled"),
        default=False,
        help_text=_("Everyone registered is told by e-mail and text message; registration closes."),
    )
    materials = models.ManyToManyField(
        get_document_model_string(), verbose_name=_("materials"), blank=True, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    reported_attendees = models.PositiveIntegerField(
        _("reported attendances"),
        null=True,
        blank=True,
        help_text=_("For a class without a roster: the number of attendances reported (lượt người)."),
    )
    issuing_body = models.CharField(
        _("issuing body"),
        max_length=200,
        blank=True,
        help_text=_(
            "Printed top left on certificates, e.g. \"ỦY BAN NHÂN DÂN XÃ TÁNH LINH\". Empty: the unit's people's committee."
        ),
    )
    certificate_place = models.CharField(
        _("place of issue"),
        max_length=100,
        blank=True,
        help_text=_('Before the date on certificates, e.g. "Tánh Linh". Empty: the unit\'s name.'),
    )
    certificate_symbol = models.CharField(
        _("number symbol"),
        max_length=20,
        default="UBND",
        blank=True,
        help_text=_('After "GCN-" in certificate numbers (Số: 12/GCN-UBND). Empty: UBND.'),
    )
    signer_title = models.CharField(
        _("signer's title"),
        max_length=100,
        blank=True,
        help_text=_('e.g. "CHỦ TỊCH" or "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH".'),
    )
    signer_name = models.CharField(_("signer's name"), max_length=100, blank=True)
    public_token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    import_key = import_key_field()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")),
                name="training_session_ends_after_start",
                violation_error_message=_("The class must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gte=models.F("registration_opens_at")),
                name="training_session_registration_window",
                violation_error_message=_("Registration must close after it opens."),
            ),
            # A class people register for has a seat; a training logged from the activity journal
            # (``import_key``, outreach_media) records what happened and may have none.
            models.CheckConstraint(
                condition=Q(capacity__gte=1) | Q(import_key__isnull=False),
                name="training_session_capacity_at_least_one",
                violation_error_message=_("A class has at least one seat."),
            ),
        ]
        indexes = [models.Index(fields=["unit", "starts_at"], name="training_session_unit_start")]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()

        if self.unit_id is None or self.starts_at is None:
            return
        days = {timezone.localtime(self.starts_at).date()}
        if self.ends_at is not None:
            days.add(timezone.localtime(self.ends_at).date())
        for day in sorted(days):
            if not unit_in_force(self.unit, day):
                raise ValidationError({"unit": unit_not_in_force_message(self.unit, day)}, code="unit_not_in_force")

    def topic_labels(self) -> list[str]:
        labels = dict(Topic.choices)
        return [str(labels.get(topic, topic)) for topic in self.topics]

    def registration_open(self, now=None) -> bool:
        now = now or timezone.now()
        if self.is_cancelled:
            return False
        if self.registration_opens_at and now < self.registration_opens_at:
            return False
        closes = self.registration_closes_at or self.starts_at
        return now <= closes

    def is_trainer(self, user) -> bool:
        if not (user and user.is_authenticated):
            return False
        return self.created_by_id == user.pk or self.trainers.filter(pk=user.pk).exists()


def unit_not_in_force_message(unit, day) -> str:
    """Names the unit, its validity (last day inclusive) and the class's day."""
    import datetime

    since = unit.valid_from.strftime("%d/%m/%Y") if unit.valid_from else _("before the records begin")
    until = (unit.valid_to - datetime.timedelta(days=1)).strftime("%d/%m/%Y") if unit.valid_to else _("today")
    return _(
        "%(unit)s (code %(code)s) exists from %(since)s to %(until)s, not on %(day)s: choose the unit in force "
        "on the class's date."
    ) % {"unit": unit.name, "code": unit.code, "since": since, "until": until, "day": day.strftime("%d/%m/%Y")}


class Attendee(models.Model):
    """A person who registers for classes: one record per phone number and name (accents and case folded), so the
    members of a family sharing one phone are different people, each with their own tickets."""

    full_name = models.CharField(_("full name"), max_length=200)
    # fold(full_name): "Nguyễn Thị Lan" and "nguyen thi lan" with the same phone are the same person.
    name_key = models.CharField(max_length=200, blank=True, editable=False)
    phone = models.CharField(_("phone"), max_length=20, null=True, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    unit = optional_link(AdministrativeUnit, _("unit"), related_name="attendees")
    citizen_id = models.CharField(_("citizen ID"), max_length=12, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["phone", "name_key"],
                condition=Q(phone__isnull=False),
                name="attendee_one_per_phone_and_name",
            ),
        ]

    def __str__(self):
        # Shown in the admin and in audit entries: never the name or phone.
        return _("Attendee #%(number)s") % {"number": self.pk}

    def save(self, *args, **kwargs):
        self.name_key = fold(self.full_name or "")
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)


class Consent(models.Model):
    """One purpose the person agreed to, with the exact text shown to them."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=30, choices=ConsentPurpose.choices)
    text_version = models.CharField(_("text version"), max_length=20)
    text = models.TextField(_("text shown"))
    given_at = models.DateTimeField(_("given at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=20, choices=RegistrationSource.choices)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    attested_by = optional_link(
        settings.AUTH_USER_MODEL,
        _("attested by"),
        editable=False,
        help_text=_("The trainer who holds the person's signed paper consent form (imports and hand entry)."),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_at"]

    def __str__(self):
        return _("Consent #%(number)s") % {"number": self.pk}


class Registration(models.Model):
    scope_unit_path = "session__unit"

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="registrations")
    attendee = models.ForeignKey(Attendee, on_delete=models.PROTECT, related_name="registrations")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REGISTERED)
    seat = models.PositiveIntegerField(_("seat"), null=True, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=20, choices=RegistrationSource.choices)
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["registered_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "attendee"], name="registration_once_per_session"),
            models.UniqueConstraint(fields=["session", "seat"], name="registration_one_person_per_seat"),
            models.CheckConstraint(
                condition=Q(seat__isnull=True) | Q(status__in=[Status.REGISTERED, Status.ATTENDED, Status.NO_SHOW]),
                name="registration_seat_only_when_holding_one",
            ),
        ]

    def __str__(self):
        return _("Registration #%(number)s") % {"number": self.pk}


class Feedback(models.Model):
    """A rating and comment: from a ticket's link (``registration`` set) or the class's room link (anonymous)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="feedback")
    registration = models.OneToOneField(
        Registration, null=True, blank=True, on_delete=models.CASCADE, related_name="feedback"
    )
    rating = models.PositiveSmallIntegerField(_("rating"))
    pre_score = models.PositiveSmallIntegerField(_("quiz score before"), null=True, blank=True)
    post_score = models.PositiveSmallIntegerField(_("quiz score after"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        constraints = [
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="feedback_rating_1_to_5"),
            models.CheckConstraint(
                condition=(Q(pre_score__isnull=True) | Q(pre_score__lte=100))
                & (Q(post_score__isnull=True) | Q(post_score__lte=100)),
                name="feedback_scores_0_to_100",
            ),
        ]

    def __str__(self):
        return _("Feedback #%(number)s") % {"number": self.pk}

    def save(self, *args, **kwargs):
        if self.session_id is None and self.registration_id is not None:
            self.session_id = self.registration.session_id  # a ticket's feedback belongs to the ticket's class
        super().save(*args, **kwargs)


class Certificate(models.Model):
    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="certificate")
    number = models.CharField(_("number"), max_length=30, unique=True)
    code = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self):
        return self.number


class DataRequest(models.Model):
    """A person's request to see, export, correct or erase their data, with the legal dates."""

    attendee = models.ForeignKey(
        Attendee, verbose_name=_("attendee"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("request"), max_length=20, choices=DataRequestKind.choices)
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    acknowledged_on = models.DateField(_("acknowledged on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, help_text=_("How the request arrived; no personal data here."))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("personal data request")
        verbose_name_plural = _("personal data requests")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledged_on__isnull=True) | Q(acknowledged_on__gte=models.F("received_on")),
                name="data_request_acknowledged_after_received",
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_on__gte=models.F("received_on")),
                name="data_request_done_after_received",
            ),
        ]

    def __str__(self):
        return _("Request #%(number)s") % {"number": self.pk}


def new_pending_token() -> str:
    return secrets.token_urlsafe(24)


class PendingRegistration(models.Model):
    """A public registration waiting for its confirmation code: it holds no seat and expires.

    The code goes to the phone (SMS) or to the e-mail address on record for the phone (or, for a new
    phone number, the one typed). It is derived from the token with the secret key, so it is stored
    nowhere. Expired rows are erased by ``manage.py purge_stale_data``.
    """

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="pending_registrations")
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    # A keyed hash of the client's address (no address stored): limits per phone count per address too.
    address_key = models.CharField(max_length=40, blank=True, editable=False)
    details = models.JSONField(_("details"), default=dict)
    consents = models.JSONField(_("consents"), default=list)
    token = models.CharField(max_length=40, unique=True, default=new_pending_token, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    attempts = models.PositiveSmallIntegerField(_("wrong codes"), default=0)

    class Meta:
        verbose_name = _("registration waiting for confirmation")
        verbose_name_plural = _("registrations waiting for confirmation")

    def __str__(self):
        return _("Pending registration #%(number)s") % {"number": self.pk}


class Notification(models.Model):
    """One message about a registration on one channel: the ticket, a freed seat, a moved or cancelled class, the
    reminder the day before. Unique per (registration, kind, channel, key), so a message is never sent twice: the
    key tells apart the versions that deserve a new message (the date of a reminder, the new time of a moved class).
    Holds no address and no text: both are read from the attendee and the class when the message is sent."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("message"), max_length=20, choices=NotificationKind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel.choices)
    key = models.CharField(max_length=64, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message sent")
        verbose_name_plural = _("messages sent")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "channel", "key"], name="notification_once_per_registration"
            ),
        ]

    def __str__(self):
        return _("Message #%(number)s") % {"number": self.pk}
