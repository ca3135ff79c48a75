"""The certificate as a Vietnamese administrative document (Nghị định 30/2020/NĐ-CP), read back from the PDF."""

import datetime
import io
import re
import shutil
import subprocess
import unicodedata

import pytest
from django.test import override_settings
from django.utils import translation
from pypdf import PdfReader

from trainings.choices import Status
from trainings.pdf import certificate_pdf, place_of_issue
from trainings.services import certificate_issue

from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory, agreed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

STARTS = datetime.datetime(2026, 12, 5, 1, 0, tzinfo=datetime.UTC)  # 08:00 on 05/12/2026 in Việt Nam
ISSUED = datetime.datetime(2026, 12, 7, 2, 0, tzinfo=datetime.UTC)  # 09:00 on 07/12/2026


@pytest.fixture
def certificate():
    session = TrainingSessionFactory(
        title="Lớp hướng dẫn sử dụng VNeID mức độ 2",
        starts_at=STARTS,
        ends_at=STARTS + datetime.timedelta(hours=4),
        signer_title="KT. Chủ tịch / Phó Chủ tịch",
        signer_name="Nguyễn Văn Bình",
        certificate_symbol="UBND",
    )
    registration = RegistrationFactory(
        session=session, seat=1, status=Status.ATTENDED, attendee=AttendeeFactory(full_name="Lê Thị Thu Hà")
    )
    return certificate_issue(actor=None, registration=agreed(registration), now=ISSUED)


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return unicodedata.normalize("NFC", reader.pages[0].extract_text())


def test_the_certificate_carries_the_parts_of_an_administrative_document(certificate):
    text = pdf_text(certificate_pdf(certificate))
    flat = " ".join(text.split())
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "XÃ TÁNH LINH",
        "Số: 01/GCN-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Tánh Linh, ngày 07 tháng 12 năm 2026",
        "GIẤY CHỨNG NHẬN",
        "Lê Thị Thu Hà",
        "Lớp hướng dẫn sử dụng VNeID mức độ 2",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn Bình",
    ):
        assert expected in flat, expected


ENGLISH = re.compile(
    r"\b(certificate|of|the|and|attended|issued|number|scan|held|chairman|committee|socialist|republic|"
    r"reportlab|library|page)\b",
    re.IGNORECASE,
)


def test_no_english_in_the_text_or_the_metadata_even_for_an_english_reader(certificate):
    with translation.override("en"):
        data = certificate_pdf(certificate)
    reader = PdfReader(io.BytesIO(data))
    text = pdf_text(data)
    without_address = re.sub(r"https?://\S+", "", text)
    assert not ENGLISH.search(without_address), ENGLISH.search(without_address)
    metadata = " ".join(str(value) for value in (reader.metadata or {}).values())
    assert "ỦY BAN NHÂN DÂN" in metadata
    assert not ENGLISH.search(metadata), metadata


def test_an_issuing_body_is_printed_under_the_unit(certificate):
    session = certificate.registration.session
    session.issuing_body = "Ban Chỉ đạo chuyển đổi số"
    session.certificate_place = "Bắc Ruộng"
    session.save()
    flat = " ".join(pdf_text(certificate_pdf(certificate)).split())
    assert "ỦY BAN NHÂN DÂN XÃ TÁNH LINH" in flat
    assert "BAN CHỈ ĐẠO CHUYỂN ĐỔI SỐ" in flat
    assert "Bắc Ruộng, ngày 07 tháng 12 năm 2026" in flat


@pytest.mark.parametrize(
    ("name", "place"),
    [
        ("Xã Tánh Linh", "Tánh Linh"),
        ("Thành phố Phan Thiết", "Phan Thiết"),
        ("Phường Mũi Né", "Mũi Né"),
        ("Côn Đảo", "Côn Đảo"),
    ],
)
def test_the_place_is_the_unit_name_without_its_type(name, place):
    session = TrainingSessionFactory.build()
    session.unit.name = name
    assert place_of_issue(session) == place


@pytest.mark.skipif(not (shutil.which("pdftoppm") and shutil.which("zbarimg")), reason="needs poppler and zbar")
@override_settings(WAGTAILADMIN_BASE_URL="https://dichvucong.lamdong.gov.vn")
def test_the_qr_code_opens_the_verification_page_at_the_configured_address(certificate, tmp_path, client):
    (tmp_path / "certificate.pdf").write_bytes(certificate_pdf(certificate))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(tmp_path / "certificate.pdf"), str(tmp_path / "page")],
        check=True,
    )
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")], check=True, capture_output=True, text=True
    ).stdout.strip()
    assert decoded == f"https://dichvucong.lamdong.gov.vn/chung-nhan/{certificate.code}/"
    response = client.get(decoded.removeprefix("https://dichvucong.lamdong.gov.vn"))  # a stranger, not logged in
    assert response.status_code == 200
    assert "Lê Thị Thu Hà" in response.content.decode()


@override_settings(WAGTAILADMIN_BASE_URL="https://dichvucong.lamdong.gov.vn", ALLOWED_HOSTS=["*"])
def test_the_request_host_never_reaches_the_certificate(certificate, client):
    from django.urls import reverse

    data = client.get(reverse("trainings:certificate_pdf", args=[certificate.code]), HTTP_HOST="evil.example").content
    flat = "".join(pdf_text(data).split())
    assert "dichvucong.lamdong.gov.vn" in flat
    assert "evil.example" not in flat
