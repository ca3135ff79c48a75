"""Trainer screens: who sees which roster, check-in by QR, the ticked sheet, roster files, session editing."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from wagtail.models import ModelLogEntry

from campaigns.access.roles import Role
from trainings.choices import Status
from trainings.models import Attendee, Registration, TrainingSession

from ..factories.trainings import (
    AttendeeFactory,
    RegistrationFactory,
    TrainingSessionFactory,
    after,
    during,
    frozen_now,
)
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


@pytest.fixture
def session(trainer):
    return TrainingSessionFactory(trainers=[trainer], capacity=3)


def csv_upload(text: str, name="danh-sach.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


# -- access -------------------------------------------------------------------------------------------
def test_a_trainer_reads_their_own_roster(client, trainer, session):
    RegistrationFactory(session=session, attendee=AttendeeFactory(full_name="Trần Thị Lan"), seat=1)
    client.force_login(trainer)
    response = client.get(reverse("trainings_roster", args=[session.pk]))
    assert response.status_code == 200
    assert "Trần Thị Lan" in response.content.decode()


@pytest.mark.parametrize(
    "role", [Role.TRAINER, Role.LEADER, Role.UNIT_OFFICER, Role.COMMUNICATIONS], ids=lambda role: role.value
)
def test_others_cannot_read_a_roster(client, session, role):
    """Another trainer in the same province, a leader (counts only), an officer: 403 on every roster URL."""
    RegistrationFactory(session=session, seat=1)
    client.force_login(UserFactory(role=role, scopes=[unit("68")]))
    token = session.registrations.get().token
    for url in (
        reverse("trainings_roster", args=[session.pk]),
        reverse("trainings_roster_export", args=[session.pk, "xlsx"]),
        reverse("trainings_sign_in_sheet", args=[session.pk]),
        reverse("trainings_add_attendee", args=[session.pk]),
        reverse("trainings_roster_import", args=[session.pk]),
        reverse("trainings_check_in", args=[token]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("trainings_check_in", args=[token])).status_code == 403
    assert session.registrations.get().status == Status.REGISTERED


def test_the_session_listing_shows_scope_and_the_roster_link_only_to_its_trainers(client, trainer, session):
    other = TrainingSessionFactory(title="Lớp của người khác")
    client.force_login(trainer)
    text = client.get(reverse("training_sessions:index")).content.decode()
    assert session.title in text and other.title in text  # both in Lâm Đồng: visible
    assert reverse("trainings_roster", args=[session.pk]) in text
    assert reverse("trainings_roster", args=[other.pk]) not in text
    assert client.get(reverse("training_sessions:edit", args=[other.pk])).status_code in (302, 403)
    assert client.get(reverse("training_sessions:edit", args=[session.pk])).status_code == 200


def test_a_leader_sees_counts_but_not_names(client, session):
    RegistrationFactory(session=session, attendee=AttendeeFactory(full_name="Trần Thị Lan"), seat=1)
    client.force_login(UserFactory(role=Role.LEADER, scopes=[unit("68")]))
    text = client.get(reverse("training_sessions:index")).content.decode()
    assert session.title in text and "Trần Thị Lan" not in text


# -- check-in ---------------------------------------------------------------------------------------
def test_scanning_a_ticket_twice_checks_in_once(client, trainer, session):
    registration = RegistrationFactory(session=session, seat=1)
    url = reverse("trainings_check_in", args=[registration.token])
    with frozen_now(during(session)):  # logged in at that time too: the admin session lasts 30 minutes
        client.force_login(trainer)
        page = client.get(url).content.decode()
        assert "Xác nhận có mặt" in page
        first = client.post(url)
    registration.refresh_from_db()
    checked = registration.checked_in_at
    assert registration.status == Status.ATTENDED and checked is not None
    assert "Đã điểm danh" in first.content.decode()
    with frozen_now(during(session, 40)):
        second = client.post(url)
    registration.refresh_from_db()
    assert registration.checked_in_at == checked
    assert "đã điểm danh trước đó" in second.content.decode().lower() or "trước đó" in second.content.decode()


def test_a_waiting_person_cannot_be_checked_in(client, trainer, session):
    registration = RegistrationFactory(session=session, status=Status.WAITLISTED, seat=None)
    client.force_login(trainer)
    response = client.post(reverse("trainings_check_in", args=[registration.token]))
    assert response.status_code == 200
    registration.refresh_from_db()
    assert registration.status == Status.WAITLISTED


def test_an_unknown_ticket_gives_404(client, trainer):
    client.force_login(trainer)
    assert client.get(reverse("trainings_check_in", args=["khong-co"])).status_code == 404


def test_the_ticked_sheet_records_attendance_and_no_shows(client, trainer, session):
    present = RegistrationFactory(session=session, seat=1)
    absent = RegistrationFactory(session=session, seat=2)
    with frozen_now(after(session)):
        client.force_login(trainer)
        response = client.post(
            reverse("trainings_roster", args=[session.pk]), {"action": "attendance", "present": [str(present.pk)]}
        )
    assert response.status_code == 302
    present.refresh_from_db()
    absent.refresh_from_db()
    assert (present.status, absent.status) == (Status.ATTENDED, Status.NO_SHOW)


# -- adding people by hand --------------------------------------------------------------------------
def test_adding_an_attendee_by_hand(client, trainer, session):
    client.force_login(trainer)
    url = reverse("trainings_add_attendee", args=[session.pk])
    data = {"full_name": "Lê Văn Bình", "phone": "0912 345 678", "organisation": "Đoàn xã", "consent": "on"}
    assert client.post(url, data).status_code == 302
    registration = Registration.objects.get(session=session)
    assert (registration.attendee.phone, registration.seat, registration.source) == ("+84912345678", 1, "trainer")
    again = client.post(url, {**data, "phone": "+84 912 345 678"}, follow=True)
    assert Registration.objects.filter(session=session).count() == 1
    assert "đã có trong danh sách" in again.content.decode()


@pytest.mark.parametrize(
    ("field", "value"),
    [("phone", "+84 12"), ("phone", "abc"), ("full_name", "x" * 10_000), ("citizen_id", "12345678901")],
)
def test_adding_an_attendee_with_bad_data_writes_nothing(client, trainer, session, field, value):
    client.force_login(trainer)
    data = {"full_name": "Lê Văn Bình", "phone": "0912345678", "consent": "on", field: value}
    response = client.post(reverse("trainings_add_attendee", args=[session.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Attendee.objects.exists()


def test_script_in_a_name_is_refused_and_in_an_organisation_shown_as_text(client, trainer, session):
    client.force_login(trainer)
    data = {"full_name": "<script>alert(1)</script>", "phone": "0912345678", "consent": "on"}
    client.post(reverse("trainings_add_attendee", args=[session.pk]), data)
    assert not Registration.objects.exists()
    data = {"full_name": "Lò Thị Xuân", "organisation": "<script>alert(1)</script>", "phone": "0912345678"}
    client.post(reverse("trainings_add_attendee", args=[session.pk]), data | {"consent": "on"})
    assert Registration.objects.count() == 1
    text = client.get(reverse("trainings_roster", args=[session.pk])).content.decode()
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


# -- roster files -----------------------------------------------------------------------------------
GOOD = "Họ và tên,Số điện thoại,Cơ quan\nNguyễn Thị Mai,0912000001,UBND xã\nPhạm Văn Tú,+84 912 000 002,Trường THCS\n"


def test_roster_import_previews_then_registers(client, trainer, session):
    client.force_login(trainer)
    url = reverse("trainings_roster_import", args=[session.pk])
    preview = client.post(url, {"file": csv_upload(GOOD)})
    assert preview.status_code == 200
    assert preview.context["check"].counts == {"new": 2, "known": 0, "registered": 0}
    assert not Registration.objects.exists()
    assert client.post(url, {"confirm": "1"}).status_code == 302
    assert sorted(Registration.objects.values_list("attendee__full_name", "seat", "source")) == [
        ("Nguyễn Thị Mai", 1, "import"),
        ("Phạm Văn Tú", 2, "import"),
    ]


def test_roster_import_with_bad_rows_reports_every_row_and_writes_nothing(client, trainer, session):
    text = (
        "Họ và tên,Số điện thoại,Số CCCD,Email\n"
        "Nguyễn Thị Mai,0912000001,,\n"
        ",0912000002,,\n"
        "Phạm Văn Tú,+84 12,,\n"
        "nguyễn thị MAI,0912000001,,\n"
        "Đinh Thị Hoa,0912000004,003123456789,\n"
        "Hà Văn Nam,0912000005,,khong-phai-email\n"
    )
    client.force_login(trainer)
    response = client.post(reverse("trainings_roster_import", args=[session.pk]), {"file": csv_upload(text)})
    errors = response.context["check"].errors
    assert [(row, column) for row, column, _value, _message in errors] == [
        (3, "Họ và tên"),
        (4, "Số điện thoại"),
        (5, "Số điện thoại"),
        (6, "Số CCCD"),
        (7, "Email"),
    ]
    assert "dòng 2" in errors[2][3]
    assert "token" not in client.session.get("trainings_roster_import", {})
    assert client.post(reverse("trainings_roster_import", args=[session.pk]), {"confirm": "1"}).status_code == 302
    assert not Registration.objects.exists() and not Attendee.objects.exists()


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"", "empty.csv"),
        (b"\x00\x01\x02garbage", "x.csv"),
        (b"PK\x03\x04broken", "x.xlsx"),
        (b"\xff\xfe\xfa", "x.csv"),
    ],
    ids=["empty", "binary", "damaged-xlsx", "not-utf8"],
)
def test_unreadable_roster_files_are_refused(client, trainer, session, content, name):
    client.force_login(trainer)
    upload = SimpleUploadedFile(name, content)
    response = client.post(reverse("trainings_roster_import", args=[session.pk]), {"file": upload})
    assert response.status_code == 200
    assert response.context.get("check") is None or response.context["check"].errors
    assert not Registration.objects.exists()


def test_roster_import_from_xlsx(client, trainer, session, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Họ và tên", "Số điện thoại", "Chức vụ"])
    sheet.append(["Nguyễn Thị Mai", "0912000001", "Công chức"])
    path = tmp_path / "danh-sach.xlsx"
    workbook.save(path)
    client.force_login(trainer)
    url = reverse("trainings_roster_import", args=[session.pk])
    client.post(url, {"file": SimpleUploadedFile("danh-sach.xlsx", path.read_bytes())})
    client.post(url, {"confirm": "1"})
    assert Registration.objects.get().attendee.position == "Công chức"


def test_roster_export_is_audited_and_formula_safe(client, trainer, session, tmp_path):
    RegistrationFactory(session=session, attendee=AttendeeFactory(full_name="=HYPERLINK(1)"), seat=1)
    client.force_login(trainer)
    response = client.get(reverse("trainings_roster_export", args=[session.pk, "xlsx"]))
    assert response.status_code == 200
    path = tmp_path / "roster.xlsx"
    path.write_bytes(response.content)
    rows = list(load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][:2] == ("Họ và tên", "Số điện thoại")
    assert rows[1][0] == "'=HYPERLINK(1)"
    entry = ModelLogEntry.objects.get(action="trainings.export_roster")
    assert entry.user == trainer and entry.data == {"format": "xlsx"}


# -- editing sessions ---------------------------------------------------------------------------------
def form_data(session: TrainingSession, **changes) -> dict:
    local = timezone.localtime
    data = {
        "title": session.title,
        "topics": session.topics,
        "audience": session.audience,
        "format": session.format,
        "unit": session.unit_id,
        "venue": session.venue,
        "starts_at": local(session.starts_at).strftime("%d/%m/%Y %H:%M"),
        "ends_at": local(session.ends_at).strftime("%d/%m/%Y %H:%M"),
        "capacity": session.capacity,
        "trainers": [user.pk for user in session.trainers.all()],
        "description": "",
    }
    if session.is_public:
        data["is_public"] = "on"
    data.update(changes)
    return data


def test_raising_the_capacity_gives_seats_to_the_waiting_list(client, trainer, session):
    for seat in (1, 2, 3):
        RegistrationFactory(session=session, seat=seat)
    waiting = RegistrationFactory(session=session, status=Status.WAITLISTED, seat=None)
    client.force_login(trainer)
    response = client.post(reverse("training_sessions:edit", args=[session.pk]), form_data(session, capacity=4))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    waiting.refresh_from_db()
    assert (waiting.status, waiting.seat) == (Status.REGISTERED, 4)


def test_the_capacity_cannot_drop_below_the_seats_taken(client, trainer, session):
    for seat in (1, 2):
        RegistrationFactory(session=session, seat=seat)
    client.force_login(trainer)
    response = client.post(reverse("training_sessions:edit", args=[session.pk]), form_data(session, capacity=1))
    assert response.status_code == 200
    assert "capacity" in response.context["form"].errors


def test_a_trainer_creates_and_copies_a_session(client, trainer, session):
    client.force_login(trainer)
    start = timezone.now() + datetime.timedelta(days=10)
    data = form_data(
        session,
        title="Lớp mới",
        starts_at=timezone.localtime(start).strftime("%d/%m/%Y %H:%M"),
        ends_at=timezone.localtime(start + datetime.timedelta(hours=2)).strftime("%d/%m/%Y %H:%M"),
        trainers=[],
    )
    assert client.post(reverse("training_sessions:add"), data).status_code == 302
    created = TrainingSession.objects.get(title="Lớp mới")
    assert created.created_by == trainer
    copy = client.get(reverse("training_sessions:copy", args=[created.pk]))
    assert copy.status_code == 200 and "Lớp mới" in copy.content.decode()


def test_a_session_outside_the_scope_cannot_be_created(client, trainer, session):
    client.force_login(trainer)
    response = client.post(
        reverse("training_sessions:add"), form_data(session, title="Ngoài phạm vi", unit=unit("01").pk)
    )
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors


# -- feedback invitations -----------------------------------------------------------------------------
def test_feedback_is_asked_only_of_people_who_attended_and_gave_an_address(
    client, trainer, session, mailoutbox, django_capture_on_commit_callbacks
):
    with_mail = RegistrationFactory(session=session, attendee=AttendeeFactory(email="lan@example.invalid"), seat=1)
    without_mail = RegistrationFactory(session=session, seat=2)
    absent = RegistrationFactory(session=session, attendee=AttendeeFactory(email="binh@example.invalid"), seat=3)
    with django_capture_on_commit_callbacks(execute=True), frozen_now(after(session)):
        client.force_login(trainer)
        client.post(reverse("trainings_check_in", args=[with_mail.token]))
        client.post(
            reverse("trainings_roster", args=[session.pk]),
            {"action": "attendance", "present": [str(with_mail.pk), str(without_mail.pk)]},
        )
    assert [message.to for message in mailoutbox] == [["lan@example.invalid"]]
    assert reverse("trainings:feedback", args=[with_mail.token]) in mailoutbox[0].body
    absent.refresh_from_db()
    assert absent.status == Status.NO_SHOW
