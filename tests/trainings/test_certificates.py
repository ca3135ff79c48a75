"""Certificates: only for people who attended; public verification and download by the certificate's code."""

import datetime
import io
import unicodedata

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from pypdf import PdfReader

from trainings.choices import Status
from trainings.models import Certificate
from trainings.services import CheckInRefused, certificate_issue

from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory, agreed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

STARTS = datetime.datetime(2026, 3, 14, 1, 0, tzinfo=datetime.UTC)  # 08:00 in Việt Nam


@pytest.fixture
def session():
    return TrainingSessionFactory(
        title="Lớp hướng dẫn thanh toán phí, lệ phí trực tuyến",
        starts_at=STARTS,
        ends_at=STARTS + datetime.timedelta(hours=3),
    )


@pytest.fixture
def certificate(session):
    registration = RegistrationFactory(
        session=session, seat=1, status=Status.ATTENDED, attendee=AttendeeFactory(full_name="Lê Thị Thu Hà")
    )
    certificate = certificate_issue(actor=None, registration=agreed(registration))
    certificate.issued_at = datetime.datetime(2026, 3, 14, 9, 0, tzinfo=datetime.UTC)
    certificate.save()
    return certificate


def verify_url(code: str) -> str:
    return reverse("trainings:certificate_verify", args=[code])


def pdf_url(code: str) -> str:
    return reverse("trainings:certificate_pdf", args=[code])


# -- issuing ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "seat"),
    [(Status.REGISTERED, 1), (Status.NO_SHOW, 1), (Status.WAITLISTED, None), (Status.CANCELLED, None)],
    ids=lambda value: str(value),
)
def test_only_people_who_attended_get_a_certificate(session, status, seat):
    registration = RegistrationFactory(session=session, seat=seat, status=status)
    with pytest.raises(CheckInRefused):
        certificate_issue(actor=None, registration=agreed(registration))
    assert not Certificate.objects.exists()


def test_a_certificate_is_issued_once_with_an_administrative_number(session):
    registration = RegistrationFactory(session=session, seat=1, status=Status.ATTENDED)
    first = certificate_issue(actor=None, registration=agreed(registration))
    again = certificate_issue(actor=None, registration=agreed(registration))
    assert first.pk == again.pk
    assert first.number == "01/GCN-UBND"
    second = certificate_issue(
        actor=None, registration=agreed(RegistrationFactory(session=session, seat=2, status=Status.ATTENDED))
    )
    assert second.number == "02/GCN-UBND"
    assert len(first.code) >= 24


# -- verification page --------------------------------------------------------------------------------------------
def test_anyone_can_verify_a_certificate_without_logging_in(client, certificate, session):
    response = client.get(verify_url(certificate.code))
    assert response.status_code == 200
    text = response.content.decode()
    for expected in (
        certificate.number,
        "Lê Thị Thu Hà",
        session.title,
        "14/03/2026",
        session.unit.name,
        pdf_url(certificate.code),
        "<h1",
    ):
        assert expected in text, expected
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-cache" in response["Cache-Control"]


def test_the_verification_page_is_vietnamese_by_default(client, certificate):
    text = client.get(verify_url(certificate.code)).content.decode()
    assert 'lang="vi"' in text
    assert gettext("Certificate verification") in text


@pytest.mark.parametrize("code", ["khong-co-ma-nay", "x" * 300, "Chứng-nhận", "0"])
def test_an_unknown_code_gives_a_friendly_404(client, certificate, code):
    for url in (verify_url(code), pdf_url(code)):
        response = client.get(url)
        assert response.status_code == 404
        text = response.content.decode()
        assert gettext("Certificate not found") in text
        assert "<h1" in text


def test_the_code_must_match_exactly(client, certificate):
    assert client.get(verify_url(certificate.code.upper() + "x")).status_code == 404
    assert client.get(verify_url(certificate.code[:-1])).status_code == 404


def test_an_erased_attendee_is_not_named(client, certificate, session):
    attendee = certificate.registration.attendee
    attendee.anonymised_at = timezone.now()  # the name is kept here only to prove it is not shown
    attendee.save()
    response = client.get(verify_url(certificate.code))
    assert response.status_code == 200
    text = response.content.decode()
    assert certificate.number in text
    assert session.title in text
    assert "Lê Thị Thu Hà" not in text
    assert pdf_url(certificate.code) not in text
    assert gettext("Holder") not in text
    # …and the PDF with the name on it is gone.
    response = client.get(pdf_url(certificate.code))
    assert response.status_code == 404
    assert "Lê Thị Thu Hà" not in response.content.decode()


def test_the_verification_page_only_reads(client, certificate):
    assert client.post(verify_url(certificate.code)).status_code == 405
    assert client.head(verify_url(certificate.code)).status_code == 200


# -- download -----------------------------------------------------------------------------------------------------
def test_anyone_with_the_code_downloads_the_pdf(client, certificate):
    response = client.get(pdf_url(certificate.code))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="giay-chung-nhan-01gcn-ubnd.pdf"'
    assert response.content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    text = unicodedata.normalize("NFC", reader.pages[0].extract_text())
    assert certificate.number in text
    assert "Lê Thị Thu Hà" in text
