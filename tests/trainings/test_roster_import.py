"""Roster import as offices make rosters: header under title rows, a template, a preview of what is stored, a button
that says what it does, certificate consent from a column plus the trainer's attestation; hostile files refused."""

import io
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry

from campaigns.access.roles import Role
from trainings import roster
from trainings.choices import ConsentPurpose
from trainings.models import Attendee, Consent, Registration

from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

HEADER = ["STT", "Họ và tên", "Số điện thoại", "Cơ quan, đơn vị", "Chức vụ", "Đồng ý in tên trên giấy chứng nhận"]


@pytest.fixture
def session(trainer):
    return TrainingSessionFactory(trainers=[trainer], capacity=30, title="Lớp hướng dẫn VNeID thôn 3")


def office_xlsx(rows, *, title_rows=True) -> bytes:
    """A roster as a commune office types it: the committee's name, a merged title, a blank line, then the table."""
    workbook = Workbook()
    sheet = workbook.active
    if title_rows:
        sheet.append(["ỦY BAN NHÂN DÂN XÃ TÁNH LINH"])
        sheet.append(["DANH SÁCH HỌC VIÊN LỚP TẬP HUẤN DỊCH VỤ CÔNG TRỰC TUYẾN"])
        sheet.merge_cells("A1:C1")
        sheet.merge_cells("A2:F2")
        sheet.append([])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name="danh-sach.xlsx"):
    return SimpleUploadedFile(name, content)


PEOPLE = [
    [1, "Nguyễn Thị Mai", "0912345678", "Thôn 3", "", "x"],
    [2, "Phạm Văn Tú", "0912 000 002", "Thôn 3", "Trưởng thôn", ""],
    [3, "K'Điểu", "+84 912 000 003", "Thôn 4", "", "Có"],
]


def test_the_header_is_found_below_title_rows_and_the_preview_shows_what_will_be_stored(client, trainer, session):
    client.force_login(trainer)
    url = reverse("trainings_roster_import", args=[session.pk])
    response = client.post(url, {"file": upload(office_xlsx(PEOPLE))})
    assert response.status_code == 200
    check = response.context["check"]
    assert not check.errors, check.errors
    assert check.header_row == 4
    assert [(row.row, row.full_name, row.consent_certificate) for row in check.rows] == [
        (5, "Nguyễn Thị Mai", True),
        (6, "Phạm Văn Tú", False),
        (7, "K'Điểu", True),
    ]
    page = response.content.decode()
    assert "0912 ••• 678" in page and "0912345678" not in page  # masked but recognisable
    assert "Nhập 3 học viên vào lớp “Lớp hướng dẫn VNeID thôn 3”" in page
    assert not Registration.objects.exists()


def test_confirming_with_the_attestation_records_certificate_consents(client, trainer, session):
    client.force_login(trainer)
    url = reverse("trainings_roster_import", args=[session.pk])
    client.post(url, {"file": upload(office_xlsx(PEOPLE))})
    assert client.post(url, {"confirm": "1", "attest": "on"}).status_code == 302
    assert Registration.objects.filter(session=session, source="import").count() == 3
    certificate = Consent.objects.filter(purpose=ConsentPurpose.CERTIFICATE)
    assert sorted(certificate.values_list("attendee__full_name", flat=True)) == ["K'Điểu", "Nguyễn Thị Mai"]
    assert set(certificate.values_list("attested_by", flat=True)) == {trainer.pk}
    assert set(certificate.values_list("source", flat=True)) == {"import"}
    entry = ModelLogEntry.objects.get(action="trainings.import_roster")
    assert entry.data["registered"] == 3 and entry.data["certificate_consents_attested"] == 2


def test_without_the_attestation_marked_consents_are_refused_and_nothing_is_written(client, trainer, session):
    client.force_login(trainer)
    url = reverse("trainings_roster_import", args=[session.pk])
    client.post(url, {"file": upload(office_xlsx(PEOPLE))})
    response = client.post(url, {"confirm": "1"})
    assert response.status_code == 200
    assert "phiếu đồng ý" in response.content.decode()
    assert not Registration.objects.exists() and not Attendee.objects.exists()
    # The preview is kept: ticking the attestation then imports.
    assert client.post(url, {"confirm": "1", "attest": "on"}).status_code == 302
    assert Registration.objects.count() == 3


def test_a_file_without_consent_marks_needs_no_attestation(client, trainer, session):
    client.force_login(trainer)
    url = reverse("trainings_roster_import", args=[session.pk])
    client.post(url, {"file": upload(office_xlsx([[1, "Nguyễn Thị Mai", "0912345678", "", "", ""]]))})
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert Registration.objects.count() == 1
    assert not Consent.objects.filter(purpose=ConsentPurpose.CERTIFICATE).exists()


def test_a_person_already_registered_gets_the_consent_without_a_second_registration(client, trainer, session):
    # The same person: one phone and one name (a family sharing the phone has several people on it).
    RegistrationFactory(
        session=session, attendee=AttendeeFactory(phone="+84912345678", full_name="Nguyễn Thị Mai"), seat=1
    )
    client.force_login(trainer)
    url = reverse("trainings_roster_import", args=[session.pk])
    response = client.post(url, {"file": upload(office_xlsx(PEOPLE[:1]))})
    assert "Nhập 0 học viên" in response.content.decode()
    client.post(url, {"confirm": "1", "attest": "on"})
    client.post(url, {"file": upload(office_xlsx(PEOPLE[:1]))})
    client.post(url, {"confirm": "1", "attest": "on"})
    assert Registration.objects.count() == 1
    assert Consent.objects.filter(purpose=ConsentPurpose.CERTIFICATE).count() == 1


def test_the_template_downloads_and_imports_once_filled(client, trainer, session):
    client.force_login(trainer)
    response = client.get(reverse("trainings_roster_template", args=[session.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    sheet = workbook.active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "DANH SÁCH HỌC VIÊN"
    assert rows[3][:2] == ("Họ và tên", "Số điện thoại")
    assert "Đồng ý in tên trên giấy chứng nhận" in rows[3]
    assert sheet.merged_cells.ranges
    filled = {"Họ và tên": "Lê Văn Bình", "Số điện thoại": "0912000009", "Đồng ý in tên trên giấy chứng nhận": "x"}
    sheet.append([filled.get(label, "") for label in rows[3]])  # by header: the template's columns may grow
    buffer = io.BytesIO()
    workbook.save(buffer)
    check = client.post(
        reverse("trainings_roster_import", args=[session.pk]), {"file": upload(buffer.getvalue())}
    ).context["check"]
    assert not check.errors
    assert [(row.row, row.full_name, row.consent_certificate) for row in check.rows] == [(5, "Lê Văn Bình", True)]


def test_the_template_is_only_for_the_class_trainers(client, session):
    client.force_login(UserFactory(role=Role.TRAINER, scopes=[unit("68")]))
    assert client.get(reverse("trainings_roster_template", args=[session.pk])).status_code == 403


def _errors(client, trainer, session, content, name="danh-sach.xlsx"):
    client.force_login(trainer)
    response = client.post(reverse("trainings_roster_import", args=[session.pk]), {"file": upload(content, name)})
    assert response.status_code == 200
    assert "confirm_label" not in response.context or not response.context.get("confirm")
    assert not Registration.objects.exists() and not Attendee.objects.exists()
    return response


def test_a_wrong_header_names_the_missing_columns(client, trainer, session):
    workbook = Workbook()
    workbook.active.append(["Tên học viên đầy đủ", "Điện thoại di động nhà"])
    workbook.active.append(["Nguyễn Thị Mai", "0912345678"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = _errors(client, trainer, session, buffer.getvalue())
    message = response.context["check"].errors[0][3]
    assert "Họ và tên" in message and "Số điện thoại" in message and "15" in message


def test_bad_rows_name_row_column_and_value(client, trainer, session):
    rows = [
        [1, "Nguyễn Thị Mai", "0912345678", "", "", "x"],
        [2, "Phạm Văn Tú", "0912 34", "", "", ""],
        [3, "<script>alert(1)</script>", "0912000003", "", "", ""],
        # The same person twice (one phone, one name whatever its case); another name on that phone is another
        # person of the family and is welcome.
        [4, "NGUYỄN THỊ MAI", "0912345678", "", "", ""],
        [5, "Hà Thị Lan", "0912000005", "", "", "có lẽ"],
        [6, "Lò Văn Páo", "0912345678", "", "", ""],
    ]
    response = _errors(client, trainer, session, office_xlsx(rows))
    errors = [(row, column, value) for row, column, value, _message in response.context["check"].errors]
    assert errors == [
        (6, "Số điện thoại", "0912 34"),
        (7, "Họ và tên", "<script>alert(1)</script>"),
        (8, "Số điện thoại", "0912345678"),
        (9, "Đồng ý in tên trên giấy chứng nhận", "có lẽ"),
    ]
    messages = [message for *_rest, message in response.context["check"].errors]
    assert "dòng 5" in messages[2]
    assert "<script>" not in response.content.decode()  # shown escaped


def test_an_oversized_file_is_refused(client, trainer, session):
    response = _errors(client, trainer, session, b"PK\x03\x04" + b"0" * (roster.MAX_BYTES + 10))
    assert "2 MB" in response.context["form"].errors["file"][0]


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"%PDF-1.7\n1 0 obj\n", "danh-sach.pdf"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "danh-sach.xls"),
        (b"PK\x03\x04 not really a workbook", "danh-sach.xlsx"),
        ("Họ và tên;Số điện thoại\n".encode("utf-16"), "danh-sach.csv"),
    ],
    ids=["pdf", "old-xls", "fake-xlsx", "utf16-csv"],
)
def test_files_that_are_not_a_roster_are_refused_with_a_message(client, trainer, session, content, name):
    response = _errors(client, trainer, session, content, name)
    assert response.context["form"].errors["file"]


def test_a_csv_with_title_lines_and_semicolons_also_works(client, trainer, session):
    text = "DANH SÁCH HỌC VIÊN;;\n;;\nHọ và tên;Số điện thoại;Chức vụ\nNguyễn Thị Mai;0912345678;Công chức\n"
    client.force_login(trainer)
    check = client.post(
        reverse("trainings_roster_import", args=[session.pk]), {"file": upload(text.encode(), "danh-sach.csv")}
    ).context["check"]
    assert not check.errors
    assert [(row.row, row.position) for row in check.rows] == [(4, "Công chức")]


def test_no_phone_number_reaches_the_logs(client, trainer, session, caplog):
    caplog.set_level(logging.DEBUG)
    client.force_login(trainer)
    url = reverse("trainings_roster_import", args=[session.pk])
    client.post(url, {"file": upload(office_xlsx(PEOPLE))})
    client.post(url, {"confirm": "1", "attest": "on"})
    assert "0912345678" not in caplog.text and "912345678" not in caplog.text
