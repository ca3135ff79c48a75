"""Anti-automation on the public form: codes before seats, limits per phone and per class, a light question
after many posts from one address (a commune hall on one shared address still registers), and the trainer's
purge of spam registrations."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext
from wagtail.models import ModelLogEntry

from campaigns.access.roles import Role
from trainings import services
from trainings.choices import RegistrationSource, Status
from trainings.forms import challenge_sum
from trainings.models import Attendee, PendingRegistration, Registration

from ..factories.trainings import RegistrationFactory, TrainingSessionFactory
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
HALL = "203.0.113.77"


def form(phone, **overrides):
    return {"full_name": "Nguyễn Văn Dân", "phone": phone, "consent_training": "on", **overrides}


@pytest.fixture
def session():
    return TrainingSessionFactory(capacity=30)


def url(session):
    return reverse("trainings:register", args=[session.public_token])


def _confirm(client, response, **extra):
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    code = services.confirmation_code(PendingRegistration.objects.get(token=token))
    return client.post(response["Location"], {"code": code}, **extra)


def test_a_commune_hall_of_100_people_on_one_address_registers_within_the_hour(client, session, settings):
    """A hundred villagers behind the hall's one address, five of whom mistype their phone once: nobody is refused
    and nobody is even asked the sum (failures are counted apart from the codes asked)."""
    asked = 0
    for number in range(100):
        if number % 20 == 0:
            typo = client.post(url(session), form(f"0912{number:03d}"), REMOTE_ADDR=HALL)
            assert typo.status_code == 200 and typo.context["form"].errors["phone"]
        page = client.get(url(session), REMOTE_ADDR=HALL).content.decode()
        data = form(f"09120{number:05d}")
        token = re.search(r'name="challenge_token" value="([^"]+)"', page)
        if token:
            asked += 1
            data |= {"challenge_token": token.group(1), "challenge_answer": challenge_sum(token.group(1))}
        response = client.post(url(session), data, REMOTE_ADDR=HALL)
        assert response.status_code == 302, (number, response.status_code)
        assert _confirm(client, response, REMOTE_ADDR=HALL).status_code == 302
    assert Registration.objects.count() == 100
    assert Registration.objects.filter(status=Status.REGISTERED).count() == 30
    assert asked == 0


def test_a_script_posting_garbage_is_asked_the_sum_then_refused_while_the_hall_limit_is_apart(
    client, session, settings
):
    settings.REGISTRATION_CHALLENGE_AFTER = 3
    settings.REGISTRATION_FAILURE_LIMIT = 6
    for attempt in range(6):
        response = client.post(url(session), {"full_name": "<x>", "phone": "abc"}, REMOTE_ADDR=HALL)
        assert response.status_code == 200
        assert ('name="challenge_answer"' in response.content.decode()) == (attempt + 1 >= 3)
    refused = client.post(url(session), form("0912000001"), REMOTE_ADDR=HALL)
    assert refused.status_code == 429 and refused["Retry-After"] == "3600"
    assert not PendingRegistration.objects.exists()
    # Another address (the next commune's hall) is not affected.
    assert client.post(url(session), form("0912000001"), REMOTE_ADDR="198.51.100.1").status_code == 302


def test_successful_requests_are_limited_apart_from_failures(client, session, settings):
    settings.REGISTRATION_RATE_LIMIT = 4
    settings.REGISTRATION_CHALLENGE_AFTER = 1000
    for number in range(4):
        assert client.post(url(session), form(f"091300000{number}"), REMOTE_ADDR=HALL).status_code == 302
    assert client.post(url(session), form("0913000009"), REMOTE_ADDR=HALL).status_code == 429
    assert PendingRegistration.objects.count() == 4


def test_after_many_failed_posts_a_wrong_or_missing_answer_is_refused(client, session, settings):
    settings.REGISTRATION_CHALLENGE_AFTER = 2
    for _number in range(2):
        client.post(url(session), form("12"), REMOTE_ADDR=HALL)
    response = client.post(url(session), form("0912000009"), REMOTE_ADDR=HALL)
    assert response.status_code == 200
    assert 'name="challenge_answer"' in response.content.decode()
    token = re.search(r'name="challenge_token" value="([^"]+)"', response.content.decode()).group(1)
    wrong = client.post(
        url(session),
        form("0912000009", challenge_token=token, challenge_answer=challenge_sum(token) + 1),
        REMOTE_ADDR=HALL,
    )
    assert wrong.status_code == 200
    assert escape(gettext("That is not the right answer.")) in wrong.content.decode()
    forged = client.post(
        url(session), form("0912000009", challenge_token="1:2:forged", challenge_answer=3), REMOTE_ADDR=HALL
    )
    assert forged.status_code == 200
    assert PendingRegistration.objects.count() == 0
    # Another address is not asked.
    assert client.post(url(session), form("0912000009"), REMOTE_ADDR="198.51.100.1").status_code == 302


def test_bots_without_the_codes_hold_no_seat_and_fill_no_class(client, session, settings):
    settings.REGISTRATION_PENDING_PER_CLASS = 20
    settings.REGISTRATION_CHALLENGE_AFTER = 1000
    for number in range(25):
        client.post(url(session), form(f"09130{number:05d}"), REMOTE_ADDR=f"198.51.100.{number}")
    assert PendingRegistration.objects.count() == 20
    assert not Registration.objects.exists()
    page = client.post(url(session), form("0913999999"), REMOTE_ADDR="192.0.2.1")
    assert page.status_code == 200
    assert (
        escape(
            gettext(
                "Too many registrations for this class are waiting for their confirmation. Please try in a few minutes."
            )
        )
        in page.content.decode()
    )


def test_one_phone_number_cannot_be_flooded_with_codes(client, session, settings):
    for _attempt in range(settings.REGISTRATION_REQUESTS_PER_PHONE):
        assert client.post(url(session), form("0914000000"), REMOTE_ADDR=HALL).status_code == 302
    response = client.post(url(session), form("0914000000"), REMOTE_ADDR=HALL)
    assert response.status_code == 200
    assert PendingRegistration.objects.count() == settings.REGISTRATION_REQUESTS_PER_PHONE
    # The person, from their own address, still gets a code…
    assert client.post(url(session), form("0914000000"), REMOTE_ADDR="198.51.100.2").status_code == 302
    # …up to the cap on text messages per number from all addresses.
    settings.REGISTRATION_REQUESTS_PER_PHONE_ALL = PendingRegistration.objects.count()
    assert client.post(url(session), form("0914000000"), REMOTE_ADDR="198.51.100.3").status_code == 200


def test_without_text_messages_the_e_mail_is_required(client, session, settings):
    settings.SMS_BACKEND = "trainings.sms.DisabledSmsBackend"
    response = client.post(url(session), form("0915000000"))
    assert response.status_code == 200
    assert not PendingRegistration.objects.exists()
    assert client.post(url(session), form("0915000000", email="dan@example.invalid")).status_code == 302


def test_the_code_goes_by_text_message_to_the_phone(client, session, django_capture_on_commit_callbacks):
    from trainings.sms import LocmemSmsBackend

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(session), form("0916000000"))
    pending = PendingRegistration.objects.get()
    assert LocmemSmsBackend.outbox == [(pending.phone, LocmemSmsBackend.outbox[0][1])]
    assert services.confirmation_code(pending) in LocmemSmsBackend.outbox[0][1]
    assert response.status_code == 302


# -- the trainer's purge ---------------------------------------------------------------------------------------
@pytest.fixture
def flooded():
    trainer = UserFactory(role=Role.TRAINER, scopes=[unit("23149")])
    session = TrainingSessionFactory(trainers=[trainer], capacity=3)
    real = RegistrationFactory(session=session, seat=1, source=RegistrationSource.PUBLIC)
    real.registered_at = timezone.now() - datetime.timedelta(days=2)
    real.save()
    burst = timezone.now() - datetime.timedelta(hours=1)
    spam = [
        RegistrationFactory(session=session, seat=seat, source=RegistrationSource.PUBLIC, registered_at=burst)
        for seat in (2, 3)
    ]
    waiting = RegistrationFactory(
        session=session, seat=None, status=Status.WAITLISTED, source=RegistrationSource.TRAINER
    )
    return trainer, session, real, spam, waiting, burst


def test_a_trainer_purges_a_burst_of_spam_registrations(client, flooded):
    trainer, session, real, spam, waiting, burst = flooded
    client.force_login(trainer)
    purge = reverse("trainings_purge_spam", args=[session.pk])
    period = {
        "registered_from": (burst - datetime.timedelta(minutes=5)).astimezone().strftime("%d/%m/%Y %H:%M"),
        "registered_until": (burst + datetime.timedelta(minutes=5)).astimezone().strftime("%d/%m/%Y %H:%M"),
    }
    preview = client.get(purge, period)
    assert preview.status_code == 200 and preview.context["count"] == 2
    assert Registration.objects.count() == 4
    response = client.post(purge, period)
    assert response.status_code == 302
    assert set(Registration.objects.values_list("pk", flat=True)) == {real.pk, waiting.pk}
    assert not Attendee.objects.filter(pk__in=[item.attendee_id for item in spam]).exists()
    waiting.refresh_from_db()
    assert waiting.status == Status.REGISTERED  # a freed seat went to the waiting list
    assert ModelLogEntry.objects.filter(action="trainings.purge_registrations").exists()


def test_another_trainer_cannot_purge(client, flooded):
    _trainer, session, *_rest, burst = flooded
    client.force_login(UserFactory(role=Role.TRAINER, scopes=[unit("23149")]))
    response = client.post(
        reverse("trainings_purge_spam", args=[session.pk]),
        {"registered_from": "01/01/2020 00:00", "registered_until": "01/01/2030 00:00"},
    )
    assert response.status_code in (302, 403)
    assert Registration.objects.count() == 4


def test_the_e_mailed_link_fills_in_the_code(client, session, settings, django_capture_on_commit_callbacks):
    from django.core import mail

    settings.SMS_BACKEND = "trainings.sms.DisabledSmsBackend"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(session), form("0917000000", email="dan@example.invalid"))
    pending = PendingRegistration.objects.get()
    code = services.confirmation_code(pending)
    [message] = mail.outbox
    link = re.search(r"https?://\S+", message.body).group(0)
    assert link.endswith(f"?ma={code}")
    page = client.get(link.replace("http://testserver", ""))
    assert f'value="{code}"' in page.content.decode()
