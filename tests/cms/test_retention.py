"""Short-lived data is erased: abandoned import previews and refused files, roster previews kept in sessions,
expired sessions, unconfirmed registrations; erasing a person reaches the previews that hold them."""

import io
import os
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from campaigns.access.roles import Role
from campaigns.core.imports import uploads
from campaigns.models import DossierStatistic
from cms import retention
from trainings.admin_views import SESSION_IMPORT_KEY
from trainings.cleanup import roster_preview_purge_stale
from trainings.models import Registration
from trainings.personal_data import person_erase

from ..factories.statistics import statistics_upload
from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
HEADER = "Mã ĐVHC,Kỳ,Tiếp nhận trực tuyến,Tiếp nhận trực tiếp\n"


def _statistics_upload(client, text):
    return statistics_upload(client, text)


def _age(path, seconds):
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_an_abandoned_import_preview_expires_and_its_file_is_erased(client, media, settings):
    client.force_login(UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("68")]))
    response = _statistics_upload(client, HEADER + "23149,07/2025,40,60\n")
    token = response.context["token"]
    [name] = uploads.pending_names()
    path = media / name
    # Older than the limit: the confirmation is refused and nothing is written…
    session = client.session
    session["statistics_import"]["created"] -= settings.IMPORT_PREVIEW_MAX_AGE_SECONDS + 1
    session.save()
    client.post(reverse("statistics_import"), {"confirm": "1", "token": token})
    assert not DossierStatistic.objects.exists()
    assert not path.exists()
    # …and a file left behind by an abandoned preview is erased by the scheduled clean-up.
    _statistics_upload(client, HEADER + "23149,07/2025,40,60\n")
    [left] = [media / name for name in uploads.pending_names()]
    assert retention.purge_pending_files() == 0
    _age(left, settings.IMPORT_PREVIEW_MAX_AGE_SECONDS + 5)
    assert retention.purge_pending_files() == 1
    assert not left.exists()


def test_a_refused_file_does_not_stay_behind(client, media):
    client.force_login(UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("68")]))
    _statistics_upload(client, HEADER + "99999,07/2025,40,60\n")
    assert uploads.pending_names() == []


@pytest.fixture
def previewed(client):
    trainer = UserFactory(role=Role.TRAINER, scopes=[unit("23149")])
    session = TrainingSessionFactory(trainers=[trainer])
    client.force_login(trainer)
    upload = SimpleUploadedFile(
        "ds.csv", "Họ và tên,Số điện thoại,Số CCCD\nPhạm Thị Hoa,0912000777,079090012345\n".encode()
    )
    client.post(reverse("trainings_roster_import", args=[session.pk]), {"file": upload})
    assert SESSION_IMPORT_KEY in client.session
    return session


def _stored_previews() -> int:
    return sum(SESSION_IMPORT_KEY in stored.get_decoded() for stored in Session.objects.all())


def test_an_unconfirmed_roster_preview_expires_and_is_erased_from_the_sessions(client, previewed, settings):
    assert _stored_previews() == 1
    assert roster_preview_purge_stale(actor=None) == 0
    later = time.time() + settings.IMPORT_PREVIEW_MAX_AGE_SECONDS + 1
    assert roster_preview_purge_stale(actor=None, now=later) == 1
    assert _stored_previews() == 0


def test_an_expired_roster_preview_cannot_be_confirmed(client, previewed, settings):
    session = client.session
    session[SESSION_IMPORT_KEY]["created"] -= settings.IMPORT_PREVIEW_MAX_AGE_SECONDS + 1
    session.save()
    client.post(reverse("trainings_roster_import", args=[previewed.pk]), {"confirm": "1"})
    assert not Registration.objects.exists()


def test_erasing_a_person_reaches_roster_previews_that_hold_them(client, previewed):
    person = AttendeeFactory(phone="+84912000777")
    RegistrationFactory(attendee=person, session=TrainingSessionFactory(), seat=1)
    person_erase(actor=UserFactory(role=Role.ADMINISTRATOR), attendee=person)
    assert _stored_previews() == 0


def test_the_scheduled_command_clears_expired_sessions(client, previewed, media):
    from django.utils import timezone

    Session.objects.update(expire_date=timezone.now())
    out = io.StringIO()
    call_command("purge_stale_data", stdout=out)
    assert not Session.objects.exists()
    assert "pending_files" in out.getvalue()
