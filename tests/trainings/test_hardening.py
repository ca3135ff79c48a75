"""Defects found in review, each pinned: copy, certificates, counts, malformed input."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from campaigns.access.roles import Role
from trainings.choices import Status
from trainings.models import Certificate, TrainingSession
from trainings.selectors import training_counts
from trainings.services import CheckInRefused, attendance_record, certificate_issue

from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory, agreed
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def test_posting_to_the_copy_url_never_overwrites_the_original(client):
    session = TrainingSessionFactory(title="Lớp gốc")
    client.force_login(UserFactory(role=Role.TRAINER, scopes=[unit("68")]))
    response = client.post(reverse("training_sessions:copy", args=[session.pk]), {"title": "Đã sửa"})
    assert response.status_code in (302, 403, 405)
    session.refresh_from_db()
    assert session.title == "Lớp gốc" and TrainingSession.objects.count() == 1


def test_a_certificate_needs_the_persons_consent():
    registration = RegistrationFactory(status=Status.ATTENDED, seat=1)
    held = registration.session.ends_at
    with pytest.raises(CheckInRefused) as refused:
        certificate_issue(actor=None, registration=registration, now=held)
    assert refused.value.code == "no_certificate_consent"
    assert certificate_issue(actor=None, registration=agreed(registration), now=held).number.endswith("/GCN-UBND")


def test_a_certificate_stops_verifying_when_attendance_is_corrected(client):
    registration = RegistrationFactory(status=Status.ATTENDED, seat=1)
    held = registration.session.ends_at
    certificate = certificate_issue(actor=None, registration=agreed(registration), now=held)
    assert client.get(reverse("trainings:certificate_verify", args=[certificate.code])).status_code == 200
    attendance_record(
        actor=None, session=registration.session, present_ids=set(), now=held
    )  # the sheet says: not there
    assert client.get(reverse("trainings:certificate_verify", args=[certificate.code])).status_code == 404
    assert client.get(reverse("trainings:certificate_pdf", args=[certificate.code])).status_code == 404
    assert Certificate.objects.count() == 1


def test_reported_attendance_counts_when_the_roster_holds_only_cancellations():
    session = TrainingSessionFactory(
        starts_at=datetime.datetime(2026, 3, 5, 8, tzinfo=HCM),
        ends_at=datetime.datetime(2026, 3, 5, 11, tzinfo=HCM),
        reported_attendees=65,
    )
    RegistrationFactory(session=session, status=Status.CANCELLED, seat=None)
    (row,) = training_counts()
    assert (row.sessions, row.attendances) == (1, 65)


@pytest.mark.parametrize("path", ["/chung-nhan/abc%00def/", "/chung-nhan/abc%00def/giay-chung-nhan.pdf"])
def test_a_nul_byte_in_a_certificate_code_is_a_404(client, path):
    assert client.get(path).status_code == 404


def test_malformed_ids_and_tokens_in_the_admin_are_404(client):
    trainer = UserFactory(role=Role.TRAINER, scopes=[unit("68")])
    session = TrainingSessionFactory(trainers=[trainer])
    client.force_login(trainer)
    assert client.get("/admin/trainings/check-in/abc%00defghij/").status_code == 404
    roster = reverse("trainings_roster", args=[session.pk])
    assert client.post(roster, {"action": "cancel", "registration": "²"}).status_code == 404
    assert client.post(roster, {"action": "attendance", "present": ["9" * 5000]}).status_code == 302


def test_an_overlong_e_mail_is_a_form_error(client):
    trainer = UserFactory(role=Role.TRAINER, scopes=[unit("68")])
    session = TrainingSessionFactory(trainers=[trainer])
    client.force_login(trainer)
    data = {"full_name": "Lê Văn Bình", "phone": "0912345678", "consent": "on", "email": "a" * 250 + "@example.vn"}
    response = client.post(reverse("trainings_add_attendee", args=[session.pk]), data)
    assert response.status_code == 200 and "email" in response.context["form"].errors
    assert not AttendeeFactory._meta.model.objects.exists()
