from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    PORTAL_ACCOUNT = "portal_account", _("Register an account on the national public service portal")
    VNEID = "vneid", _("Use VNeID (electronic identification)")
    SUBMIT_ONLINE = "submit_online", _("Submit a dossier online")
    PAY_ONLINE = "pay_online", _("Pay fees online")
    BCCI = "bcci", _("Send dossiers and receive results by post (BCCI)")
    DIGITAL_SKILLS = "digital_skills", _("Basic digital skills")


class Audience(models.TextChoices):
    OFFICIALS = "officials", _("Officials and civil servants")
    TEACHERS = "teachers", _("Teachers")
    COMMUNITY_TEAMS = "community_teams", _("Community digital technology teams")
    YOUTH_UNION = "youth_union", _("Youth union members")
    CITIZENS = "citizens", _("Citizens")
    BUSINESSES = "businesses", _("Businesses")


class Format(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")


class Status(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("Waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not attend")


# Statuses that hold a seat.
SEATED = (Status.REGISTERED, Status.ATTENDED, Status.NO_SHOW)


class RegistrationSource(models.TextChoices):
    PUBLIC = "public", _("Public form")
    TRAINER = "trainer", _("Entered by a trainer")
    IMPORT = "import", _("Roster import")


class ConsentPurpose(models.TextChoices):
    TRAINING = "training", _("Organising the class and recording attendance")
    CERTIFICATE = "certificate", _("Issuing a certificate of attendance")
    NOTIFICATIONS = "notifications", _("Being told about future classes")


class DataRequestKind(models.TextChoices):
    ACCESS = "access", _("See or export my data")
    CORRECTION = "correction", _("Correct my data")
    ERASURE = "erasure", _("Erase my data")


class NotificationKind(models.TextChoices):
    TICKET = "ticket", _("Ticket")
    SEAT_FREED = "seat_freed", _("A seat became free")
    MOVED = "moved", _("Class moved")
    CANCELLED = "cancelled", _("Class cancelled")
    REMINDER = "reminder", _("Reminder the day before")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("Text message")


class NotificationStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to be sent")
    RETRYING = "retrying", _("Will try again")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Could not be sent")
