"""Sign-in sheets and certificates as PDF: Vietnamese text survives, rows flow onto further pages, QR addresses."""

import datetime
import io
import unicodedata

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from pypdf import PdfReader

from trainings.choices import Status
from trainings.models import Registration
from trainings.pdf import certificate_pdf, check_in_url, sign_in_sheet_pdf, verification_url
from trainings.services import certificate_issue

from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory, agreed
from ..factories.users import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

# 01:00 UTC is 08:00 in Hồ Chí Minh City.
STARTS = datetime.datetime(2026, 3, 14, 1, 0, tzinfo=datetime.UTC)


def pages_of(data: bytes) -> list[str]:
    assert data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(data))
    return [unicodedata.normalize("NFC", page.extract_text()) for page in reader.pages]


def flat(text: str) -> str:
    """Text with every run of white space made one space (wrapped lines joined)."""
    return " ".join(text.split())


@pytest.fixture
def session():
    trainer = UserFactory(first_name="Thị Lan", last_name="Nguyễn")
    return TrainingSessionFactory(
        title="Lớp hướng dẫn sử dụng VNeID và nộp hồ sơ trực tuyến",
        venue="Hội trường UBND xã, thôn Lạc Hóa",
        starts_at=STARTS,
        ends_at=STARTS + datetime.timedelta(hours=3, minutes=30),
        capacity=100,
        trainers=[trainer],
    )


def seat_holders(session, count: int) -> list[Registration]:
    for seat in range(1, count + 1):
        RegistrationFactory(
            session=session,
            seat=seat,
            attendee=AttendeeFactory(full_name=f"Trần Thị Ngọc Ánh {seat:03d}", phone=f"+849123{seat:05d}"),
        )
    return list(session.registrations.select_related("attendee").order_by("seat"))


def test_a_sheet_for_one_attendee_is_one_page_with_the_vietnamese_text(session):
    RegistrationFactory(
        session=session,
        seat=1,
        attendee=AttendeeFactory(
            full_name="Đặng Thị Huyền Trang", phone="+84912345678", organisation="Trường THCS Lạc Tánh"
        ),
    )
    pages = pages_of(sign_in_sheet_pdf(session, session.registrations.select_related("attendee")))
    assert len(pages) == 1
    text = flat(pages[0])
    for expected in (
        gettext("SIGN-IN SHEET"),
        session.title,
        session.unit.name.upper(),
        session.venue,
        "14/03/2026 08:00 – 11:30",
        "Nguyễn Thị Lan",  # the trainer, family name first
        "Đặng Thị Huyền Trang",
        "Trường THCS Lạc Tánh",
        "0912 ••• 678",
        gettext("Full name"),
        gettext("Signature"),
        gettext("Page %(page)s of %(pages)s") % {"page": 1, "pages": 1},
    ):
        assert expected in text, expected
    assert "345" not in text  # the phone is masked


def test_eighty_attendees_flow_onto_further_pages_with_the_header_repeated(session):
    registrations = seat_holders(session, 80)
    pages = pages_of(sign_in_sheet_pdf(session, registrations))
    # The first page holds the class details and 10 rows, each further page 12 rows: 10 + 6 × 12 ≥ 80.
    assert len(pages) == 7
    for number, page in enumerate(pages, start=1):
        assert gettext("Full name") in page
        assert gettext("Page %(page)s of %(pages)s") % {"page": number, "pages": 7} in flat(page)
    whole = flat(" ".join(pages))
    positions = [whole.find(f"Trần Thị Ngọc Ánh {seat:03d}") for seat in range(1, 81)]
    assert -1 not in positions
    assert positions == sorted(positions)  # in seat order
    assert "Trần Thị Ngọc Ánh 001" in flat(pages[0])
    assert "Trần Thị Ngọc Ánh 080" in flat(pages[-1])


def test_long_names_wrap_and_mark_up_is_printed_as_text(session):
    long_name = " ".join(["Nguyễn Hoàng Phúc Nguyên Khôi"] * 6)  # 179 characters: the field holds 200
    RegistrationFactory(
        session=session,
        seat=1,
        attendee=AttendeeFactory(full_name=long_name, organisation="Công ty A & B <b>TNHH</b>", position="Kế toán"),
    )
    pages = pages_of(sign_in_sheet_pdf(session, session.registrations.all()))
    assert len(pages) == 1
    text = flat(pages[0])
    assert long_name in text
    assert "Công ty A & B <b>TNHH</b>" in text
    assert "Kế toán" in text


def test_an_empty_sheet_says_so(session):
    pages = pages_of(sign_in_sheet_pdf(session, []))
    assert len(pages) == 1
    assert gettext("No one holds a seat in this class yet.") in flat(pages[0])


def test_the_qr_addresses_are_absolute(session):
    registration = RegistrationFactory(session=session, seat=1)
    assert check_in_url(registration) == "http://testserver" + reverse("trainings_check_in", args=[registration.token])
    registration.status = Status.ATTENDED
    registration.save()
    certificate = certificate_issue(actor=None, registration=agreed(registration))
    assert verification_url(certificate) == f"http://testserver/chung-nhan/{certificate.code}/"


def test_the_certificate_is_one_landscape_page_with_name_number_and_verification_address(session):
    registration = RegistrationFactory(
        session=session, seat=1, status=Status.ATTENDED, attendee=AttendeeFactory(full_name="Phạm Thị Hương Giang")
    )
    certificate = certificate_issue(actor=None, registration=agreed(registration))
    certificate.issued_at = timezone.make_aware(datetime.datetime(2026, 3, 15, 23, 30), datetime.UTC)
    certificate.save()
    data = certificate_pdf(certificate)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) > float(box.height)  # landscape
    text = flat(pages_of(data)[0])
    for expected in (
        "GIẤY CHỨNG NHẬN",
        "Phạm Thị Hương Giang",
        session.title,
        certificate.number,
        "14/03/2026",
        "ngày 16 tháng 03 năm 2026",  # issued 23:30 UTC = the next morning in Việt Nam
        session.unit.name,
    ):
        assert expected in text, expected
    assert verification_url(certificate) in text.replace(" ", "")


def test_no_certificate_pdf_for_an_erased_attendee(session):
    registration = RegistrationFactory(session=session, seat=1, status=Status.ATTENDED)
    certificate = certificate_issue(actor=None, registration=agreed(registration))
    registration.attendee.anonymised_at = timezone.now()
    registration.attendee.save()
    certificate.refresh_from_db()
    with pytest.raises(ValueError):
        certificate_pdf(certificate)
