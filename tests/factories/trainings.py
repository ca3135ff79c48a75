import datetime

import factory
from django.utils import timezone

from trainings.choices import Audience, RegistrationSource, Status
from trainings.models import Attendee, Registration, TrainingSession

from .users import unit


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    """A public class in Xã Tánh Linh, a week from now, 30 seats, registration open."""

    class Meta:
        model = TrainingSession
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Lớp hướng dẫn nộp hồ sơ trực tuyến số {n}")
    topics = factory.LazyFunction(lambda: ["submit_online", "portal_account"])
    audience = Audience.CITIZENS
    unit = factory.LazyFunction(lambda: unit("23149"))
    venue = "Hội trường UBND xã Tánh Linh"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + datetime.timedelta(hours=3))
    capacity = 30
    is_public = True

    @factory.post_generation
    def trainers(self, create, extracted, **kwargs):
        for user in extracted or []:
            self.trainers.add(user)


class AttendeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attendee

    full_name = factory.Sequence(lambda n: f"Nguyễn Văn Học {n}")
    phone = factory.Sequence(lambda n: f"+8491{n:07d}")
    organisation = "UBND xã Tánh Linh"


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A seat holder; pass ``seat`` (unique per session) or status=waitlisted with seat=None."""

    class Meta:
        model = Registration

    session = factory.SubFactory(TrainingSessionFactory)
    attendee = factory.SubFactory(AttendeeFactory)
    status = Status.REGISTERED
    seat = factory.Sequence(lambda n: n + 1)
    source = RegistrationSource.TRAINER


def agreed(registration):
    """Record the person's consent to a certificate (needed before one is issued); returns the registration."""
    from trainings.choices import ConsentPurpose
    from trainings.models import Consent
    from trainings.services import CONSENT_TEXT_VERSION, consent_text

    Consent.objects.get_or_create(
        attendee=registration.attendee,
        purpose=ConsentPurpose.CERTIFICATE,
        defaults={
            "text_version": CONSENT_TEXT_VERSION,
            "text": consent_text(ConsentPurpose.CERTIFICATE),
            "source": RegistrationSource.TRAINER,
        },
    )
    return registration


def frozen_now(moment):
    """Patch ``timezone.now`` (services, views, schedule) to a fixed aware datetime, for rules that depend on it."""
    from unittest import mock

    return mock.patch("django.utils.timezone.now", return_value=moment)


def during(session, minutes: int = 30):
    """A moment within the class, ``minutes`` after it starts."""
    return session.starts_at + datetime.timedelta(minutes=minutes)


def after(session, minutes: int = 30):
    """A moment after the class has ended (check-in still open with the default window)."""
    return session.ends_at + datetime.timedelta(minutes=minutes)


def session_form(user, **changes):
    """The admin's form for a new in-person class in Xã Tánh Linh on 10/01/2027, as ``user`` fills it in."""
    from trainings.viewsets import training_session_viewset

    form_class = training_session_viewset.get_edit_handler().get_form_class()
    data = {
        "title": "Lớp hướng dẫn",
        "audience": "citizens",
        "format": "in_person",
        "unit": unit("23149").pk,
        "starts_at": "10/01/2027 08:00",
        "ends_at": "10/01/2027 11:00",
        "capacity": 30,
        "trainers": [user.pk],
        **changes,
    }
    return form_class(data, for_user=user)
