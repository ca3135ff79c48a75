"""The activity log import (PRODUCT.md, "Outreach activity log import"): reading, landing, idempotency, modes.

Every rejected case asserts that nothing at all changed in the models the import writes to.
"""

import datetime
import threading
import unicodedata
import zoneinfo
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connections
from django.urls import reverse

from campaigns.access.roles import Role
from outreach_media.imports import class_key, natural_key
from outreach_media.models import Airing, Distribution, MediaItem, OutreachEvent, Post
from outreach_media.services import ActivityImportError, activity_import, split_evenly, stored_texts
from trainings.models import Registration, TrainingSession

from ..factories.campaigns import campaign_of_2026
from ..factories.trainings import AttendeeFactory
from ..factories.users import UserFactory, unit
from ..import_checks import cells, csv_file, refused, unchanged, xlsx_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

HEADER = ["Mã ĐVHC", "Ngày", "Hình thức", "Số lượng", "Số người", "Chiến dịch", "Nội dung", "Kinh phí (đồng)"]
ENGLISH = ["unit_code", "date", "channel", "quantity", "people", "campaign", "title", "cost"]
MODELS = (TrainingSession, Distribution, Airing, Post, OutreachEvent, MediaItem)
HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


# -- helpers ---------------------------------------------------------------------------------------
def write_csv(tmp_path: Path, rows, name="nhat-ky.csv", *, header=HEADER, **options) -> Path:
    return csv_file(tmp_path, [header, *rows], name, **options)


def write_xlsx(tmp_path: Path, rows, name="nhat-ky.xlsx", *, header=HEADER) -> Path:
    title = ["NHẬT KÝ HOẠT ĐỘNG TUYÊN TRUYỀN DVCTT NĂM 2026"]  # a title row above the header
    return xlsx_file(tmp_path, [title, header, *rows], name)


def row(code="23149", day="15/03/2026", channel="leaflet", quantity="500", people="", campaign="", title="", cost=""):
    return [code, day, channel, quantity, people, campaign, title, cost]


def snapshot():
    return {
        model.__name__: sorted(tuple(str(value) for value in item.values()) for item in model.objects.values())
        for model in MODELS
    }


def nothing_written():
    return unchanged(snapshot)


def rejected(path: Path, **kwargs) -> ActivityImportError:
    return refused(activity_import, ActivityImportError, snapshot, path=path, **kwargs)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture
def campaign():
    return campaign_of_2026("68", "tanh-linh-2026", name="Tuyên truyền DVCTT Tánh Linh 2026")


EVERY_CHANNEL = [
    row(channel="training", quantity="2", people="61", title="Hướng dẫn nộp hồ sơ trên Cổng DVC"),
    row(channel="leaflet", quantity="1.500", people="1.200", cost="3.000.000", campaign="tanh-linh-2026"),
    row(channel="handbook", quantity="200", title="Sổ tay DVCTT"),
    row(channel="poster", quantity="4"),
    row(channel="reportage", quantity="1", people="5000"),
    row(channel="radio", quantity="30"),
    row(channel="tv", quantity="2", campaign="tanh-linh-2026"),
    row(channel="zalo", quantity="12", people="3400", title="Tin nhắn nhóm Zalo khu phố"),
    row(channel="fanpage", quantity="5", people="800", campaign="tanh-linh-2026"),
    row(channel="sms", quantity="1", people="20000", cost="2.000.000"),
    row(channel="conference", quantity="1", people="120", title="Hội nghị triển khai"),
    row(channel="assisted", quantity="85", people="85"),
]


# -- landing ---------------------------------------------------------------------------------------
def test_each_channel_lands_in_the_model_that_owns_it(tmp_path, campaign):
    report = activity_import(path=write_csv(tmp_path, EVERY_CHANNEL))
    assert (report.rows_read, report.created, report.updated, report.unchanged, report.error_count) == (
        12,
        12,
        0,
        0,
        0,
    )
    titles, _prefix = stored_texts()
    day = datetime.date(2026, 3, 15)
    tanh_linh = unit("23149")

    sessions = list(TrainingSession.objects.order_by("import_key"))
    assert len(sessions) == 2
    assert sorted(session.reported_attendees for session in sessions) == [30, 31]  # 61 split over 2 classes
    for session in sessions:
        assert session.unit == tanh_linh and session.title == "Hướng dẫn nộp hồ sơ trên Cổng DVC"
        assert session.capacity == session.reported_attendees and not session.is_public
        assert session.audience == "citizens" and session.campaign is None
        assert session.starts_at.astimezone(HCM) == datetime.datetime(2026, 3, 15, 8, 0, tzinfo=HCM)
        assert session.ends_at.astimezone(HCM) == datetime.datetime(2026, 3, 15, 11, 0, tzinfo=HCM)

    leaflet = Distribution.objects.get(media_item__kind="leaflet")
    assert (leaflet.copies, leaflet.people_reached, leaflet.cost, leaflet.unit, leaflet.date) == (
        1500,
        1200,
        3_000_000,
        tanh_linh,
        day,
    )
    assert leaflet.media_item.title == titles["leaflet"] and leaflet.media_item.campaign == campaign
    assert leaflet.media_item.live and leaflet.media_item.unit == tanh_linh
    assert len(leaflet.import_key) == 40
    assert leaflet.import_key == natural_key("leaflet", tanh_linh.pk, day, "", "tanh-linh-2026")
    handbook = Distribution.objects.get(media_item__kind="handbook")
    assert (handbook.copies, handbook.media_item.title) == (200, "Sổ tay DVCTT")
    assert Distribution.objects.get(media_item__kind="poster").copies == 4

    assert {(airing.media_item.kind, airing.count) for airing in Airing.objects.all()} == {
        ("reportage", 1),
        ("radio", 30),
        ("tv", 2),
    }
    assert Airing.objects.get(media_item__kind="reportage").people_reached == 5000
    assert Airing.objects.get(media_item__kind="tv").media_item.campaign == campaign

    posts = {post.platform: post for post in Post.objects.all()}
    assert (posts["zalo"].count, posts["zalo"].reach, posts["zalo"].title) == (12, 3400, "Tin nhắn nhóm Zalo khu phố")
    assert posts["zalo"].media_item is None  # no campaign: nothing to attach it to
    assert posts["fanpage"].media_item.campaign == campaign and posts["fanpage"].media_item.kind == "fanpage"
    assert (posts["sms"].count, posts["sms"].reach, posts["sms"].cost) == (1, 20000, 2_000_000)

    events = {event.channel: event for event in OutreachEvent.objects.all()}
    assert (events["conference"].quantity, events["conference"].people) == (1, 120)
    assert (events["assisted"].quantity, events["assisted"].people) == (85, 85)
    assert report.media_items_created == MediaItem.objects.count() == 7


def test_training_row_of_n_classes_makes_n_sessions_splitting_people(tmp_path):
    activity_import(path=write_csv(tmp_path, [row(channel="tập huấn", quantity="3", people="10", cost="1.500.000")]))
    day = datetime.date(2026, 3, 15)
    key = natural_key("training", unit("23149").pk, day, "", "")
    sessions = [TrainingSession.objects.get(import_key=class_key(key, number)) for number in (1, 2, 3)]
    assert [session.reported_attendees for session in sessions] == [4, 3, 3]
    titles, prefix = stored_texts()
    assert all(session.title == titles["training"] for session in sessions)
    assert prefix in sessions[0].description and "1.500.000" in sessions[0].description
    assert sessions[1].description == ""
    assert split_evenly(None, 2) == [None, None]


def test_training_without_people_has_no_reported_count_and_no_seats(tmp_path):
    activity_import(path=write_csv(tmp_path, [row(channel="training", quantity="1")]))
    session = TrainingSession.objects.get()
    assert (session.reported_attendees, session.capacity) == (None, 0)


def test_existing_media_item_is_reused_by_title_ignoring_case_and_accents(tmp_path, campaign):
    item = MediaItem.objects.create(kind="leaflet", title="Tờ rơi DVCTT", campaign=campaign, unit=unit("68"))
    activity_import(path=write_csv(tmp_path, [row(title="TO ROI dvctt", campaign="tanh-linh-2026")]))
    assert Distribution.objects.get().media_item == item
    assert MediaItem.objects.count() == 1


def test_old_codes_are_read_for_dates_before_the_reform(tmp_path):
    activity_import(path=write_csv(tmp_path, [row(code="23161", day="05/10/2022")]))
    distribution = Distribution.objects.get()
    assert distribution.unit == unit("23161", current=False)
    assert distribution.unit.name == "Xã La Ngâu"


# -- reading ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("label", "model", "channel"),
    [
        ("Tập huấn", TrainingSession, None),
        ("tap huan", TrainingSession, None),
        ("Tờ rơi", Distribution, "leaflet"),
        ("TO ROI", Distribution, "leaflet"),
        ("Sổ tay", Distribution, "handbook"),
        ("so tay", Distribution, "handbook"),
        ("Pa nô", Distribution, "poster"),
        ("pano", Distribution, "poster"),
        ("Áp phích", Distribution, "poster"),
        ("Phóng sự", Airing, "reportage"),
        ("Truyền thanh", Airing, "radio"),
        ("loa truyen thanh", Airing, "radio"),
        ("Truyền hình", Airing, "tv"),
        ("Zalo", Post, "zalo"),
        ("Trang Fanpage", Post, "fanpage"),
        ("Tin nhắn", Post, "sms"),
        ("SMS", Post, "sms"),
        ("Hội nghị", OutreachEvent, "conference"),
        ("hoi nghi", OutreachEvent, "conference"),
        ("Hỗ trợ nộp hồ sơ", OutreachEvent, "assisted"),
        ("Hỗ trợ trực tiếp", OutreachEvent, "assisted"),
        ("ho tro truc tiep", OutreachEvent, "assisted"),
    ],
)
def test_vietnamese_channel_labels_with_and_without_accents(tmp_path, label, model, channel):
    report = activity_import(path=write_csv(tmp_path, [row(channel=label, quantity="2")]))
    assert (report.created, report.error_count) == (1, 0)
    item = model.objects.first()
    if model is TrainingSession:
        assert model.objects.count() == 2  # two classes
    elif model in (Distribution, Airing):
        assert item.media_item.kind == channel
    elif model is Post:
        assert item.platform == channel
    elif model is OutreachEvent:
        assert item.channel == channel


def test_bom_semicolons_and_decomposed_headers_are_read(tmp_path):
    header = [unicodedata.normalize("NFD", label.upper()) for label in HEADER]
    header[4] = unicodedata.normalize("NFD", "Lượt người")
    text_row = row(channel=unicodedata.normalize("NFD", "Tờ rơi"), quantity="1.234", people="56")
    path = write_csv(tmp_path, [text_row], header=header, bom=True, delimiter=";")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = activity_import(path=path)
    assert (report.created, report.error_count) == (1, 0)
    assert (Distribution.objects.get().copies, Distribution.objects.get().people_reached) == (1234, 56)


def test_english_names_and_tabs_are_read(tmp_path):
    path = write_csv(tmp_path, [row(channel="radio", quantity="3", day="2026-03-15")], header=ENGLISH, delimiter="\t")
    assert activity_import(path=path).created == 1
    assert Airing.objects.get().date == datetime.date(2026, 3, 15)


def test_xlsx_with_date_cells_and_number_cells(tmp_path, campaign):
    rows = [
        [23149, datetime.datetime(2026, 3, 15), "Tờ rơi", 1500, 1200.0, "tanh-linh-2026", "Tờ rơi DVCTT", 3000000],
        ["23152", datetime.date(2026, 3, 16), "tập huấn", 1, 45, None, None, None],
        [None, None, None, None, None, None, "Tổng cộng", None],  # a total row: skipped
    ]
    report = activity_import(path=write_xlsx(tmp_path, rows))
    assert (report.rows_read, report.rows_skipped, report.created, report.error_count) == (2, 1, 2, 0)
    distribution = Distribution.objects.get()
    assert (distribution.date, distribution.copies, distribution.people_reached, distribution.cost) == (
        datetime.date(2026, 3, 15),
        1500,
        1200,
        3_000_000,
    )
    session = TrainingSession.objects.get()
    assert (session.unit, session.reported_attendees) == (unit("23152"), 45)


# -- idempotency -------------------------------------------------------------------------------------
def test_importing_the_same_file_again_changes_nothing(tmp_path, campaign):
    path = write_csv(tmp_path, EVERY_CHANNEL)
    activity_import(path=path)
    before = counts()
    with nothing_written():
        report = activity_import(path=path)
    assert (report.created, report.updated, report.unchanged, report.media_items_created) == (0, 0, 12, 0)
    assert counts() == before


def test_xlsx_reimport_is_unchanged_too(tmp_path):
    path = write_xlsx(tmp_path, [[23149, datetime.datetime(2026, 3, 15), "Tập huấn", 2, 9, None, None, 500000]])
    activity_import(path=path)
    with nothing_written():
        assert activity_import(path=path).unchanged == 1


def test_a_changed_quantity_updates_in_place(tmp_path):
    activity_import(path=write_csv(tmp_path, [row(quantity="500", people="100"), row(channel="radio", quantity="3")]))
    distribution = Distribution.objects.get()
    report = activity_import(
        path=write_csv(tmp_path, [row(quantity="600", people="100", cost="1.000"), row(channel="radio", quantity="3")])
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    changed = Distribution.objects.get()
    assert changed.pk == distribution.pk and (changed.copies, changed.cost) == (600, 1000)
    assert counts()["MediaItem"] == 2


def test_the_title_is_part_of_the_key_but_its_case_and_accents_are_not(tmp_path):
    activity_import(path=write_csv(tmp_path, [row(channel="conference", title="Hội nghị triển khai")]))
    report = activity_import(path=write_csv(tmp_path, [row(channel="conference", title="HOI NGHI TRIEN KHAI")]))
    assert (report.created, report.updated) == (0, 1)
    assert OutreachEvent.objects.get().title == "HOI NGHI TRIEN KHAI"
    report = activity_import(path=write_csv(tmp_path, [row(channel="conference", title="Hội nghị sơ kết")]))
    assert report.created == 1 and OutreachEvent.objects.count() == 2


def test_training_classes_follow_the_quantity(tmp_path):
    activity_import(path=write_csv(tmp_path, [row(channel="training", quantity="3", people="90")]))
    first = set(TrainingSession.objects.values_list("pk", flat=True))
    report = activity_import(path=write_csv(tmp_path, [row(channel="training", quantity="2", people="90")]))
    assert report.updated == 1
    assert sorted(TrainingSession.objects.values_list("reported_attendees", flat=True)) == [45, 45]
    assert set(TrainingSession.objects.values_list("pk", flat=True)) < first  # updated in place, one removed
    report = activity_import(path=write_csv(tmp_path, [row(channel="training", quantity="4", people="90")]))
    assert report.updated == 1 and TrainingSession.objects.count() == 4


def test_classes_with_registrations_are_not_removed(tmp_path):
    activity_import(path=write_csv(tmp_path, [row(channel="training", quantity="2", people="20")]))
    key = natural_key("training", unit("23149").pk, datetime.date(2026, 3, 15), "", "")
    second = TrainingSession.objects.get(import_key=class_key(key, 2))
    Registration.objects.create(session=second, attendee=AttendeeFactory(), seat=1, source="trainer")
    error = rejected(write_csv(tmp_path, [row(channel="training", quantity="1", people="20")]))
    assert cells(error) == [(2, None)]
    assert TrainingSession.objects.count() == 2


# -- errors ----------------------------------------------------------------------------------------------
BAD_ROWS = [
    row(),  # 2: good
    row(channel="bưu điện"),  # 3: unknown channel
    row(code="99999"),  # 4: unknown unit
    row(code="23161", day="01/02/2026"),  # 5: a code of before 07/2025 used in 2026
    row(quantity="-5"),  # 6: negative
    row(channel="radio", quantity="1,5"),  # 7: ambiguous / fractional
    row(channel="tv", day="31/02/2022"),  # 8: no such date
    row(channel="sms", title="Nhắc lịch"),  # 9: duplicate of 11
    row(channel="zalo", campaign="khong-co"),  # 10: unknown campaign
    row(channel="SMS", title="nhac lich"),  # 11: duplicate of 9 (same folded title)
    row(channel="conference", people="nhiều", cost="1,5 triệu"),  # 12: two bad cells
    row(channel="training", quantity="0"),  # 13: a training row without a class
    row(code="", channel="radio"),  # 14: no unit code
    row(channel="hội nghị", title="x" * 256),  # 15: title too long
]


def test_every_bad_row_is_reported_and_nothing_is_written(tmp_path):
    error = rejected(write_csv(tmp_path, BAD_ROWS))
    assert error.code == "invalid_rows"
    assert sorted(cells(error), key=lambda cell: (cell[0], cell[1] or "")) == [
        (3, "Hình thức"),
        (4, "Mã ĐVHC"),
        (5, "Mã ĐVHC"),
        (6, "Số lượng"),
        (7, "Số lượng"),
        (8, "Ngày"),
        (9, None),
        (10, "Chiến dịch"),
        (11, None),
        (12, "Kinh phí (đồng)"),
        (12, "Số người"),
        (13, "Số lượng"),
        (14, "Mã ĐVHC"),
        (15, "Nội dung"),
    ]
    by_row = {item.row: item for item in error.report.errors}
    assert by_row[3].value == "bưu điện" and by_row[7].value == "1,5" and by_row[8].value == "31/02/2022"
    assert "30/06/2025" in by_row[5].message  # when the old unit ended
    assert "11" in by_row[9].message and "9" in by_row[11].message  # each duplicate names the other
    assert "âm" in by_row[6].message or "negative" in by_row[6].message
    assert error.report.rejected_rows == 13 and error.report.rows_read == 14


def test_messages_are_in_vietnamese_for_known_reasons(tmp_path):
    error = rejected(write_csv(tmp_path, [row(channel="radio", quantity="1,5"), row(channel="tv", day="31/02/2022")]))
    messages = [item.message for item in error.report.errors]
    assert any("không phải số nguyên" in message for message in messages)
    assert any("ngày này không tồn tại" in message for message in messages)
    assert "nhat-ky.csv, dòng 2, cột Số lượng" in str(error.report.errors[0])


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"", "rong.csv"),
        (b"   \n", "trang.csv"),
        (",".join(HEADER).encode() + b"\n", "chi-tieu-de.csv"),
        (b"\x00\x01\x02\xff\xfe garbage", "rac.csv"),
        (b"PK\x03\x04 not really a workbook", "hong.xlsx"),
        ("Tên;Ghi chú\nA;B\n".encode(), "khac.csv"),
        ("Mã ĐVHC,Ngày\n23149,15/03/2026\n".encode("utf-16"), "utf16.csv"),
    ],
)
def test_empty_header_only_and_garbage_files_are_refused(tmp_path, content, name):
    path = tmp_path / name
    path.write_bytes(content)
    error = rejected(path)
    assert error.code == "unreadable_file"
    assert error.report.errors[0].row is None and name in str(error.report.errors[0])


def test_large_costs_and_the_class_limit(tmp_path):
    good = row(channel="conference", cost="12.500.000.000 đồng")
    too_many = row(channel="training", quantity="51")
    error = rejected(write_csv(tmp_path, [good, too_many]))
    assert cells(error) == [(3, "Số lượng")]
    activity_import(path=write_csv(tmp_path, [good]))
    assert OutreachEvent.objects.get().cost == 12_500_000_000


def test_skip_invalid_writes_the_good_rows(tmp_path):
    report = activity_import(path=write_csv(tmp_path, BAD_ROWS), skip_invalid=True)
    assert (report.created, report.rejected_rows) == (1, 13)
    assert Distribution.objects.get().copies == 500


def test_dry_run_counts_and_writes_nothing(tmp_path, campaign):
    with nothing_written():
        report = activity_import(path=write_csv(tmp_path, EVERY_CHANNEL), dry_run=True)
    assert (report.created, report.written, report.media_items_created) == (12, 0, 7)


def test_rows_outside_the_allowed_units_are_errors(tmp_path):
    allowed = frozenset([unit("23149").pk])
    error = rejected(write_csv(tmp_path, [row(), row(code="00004")]), allowed_unit_ids=allowed)
    assert cells(error) == [(3, "Mã ĐVHC")]


# -- command ---------------------------------------------------------------------------------------------
def test_command_imports_and_summarises(tmp_path, capsys, campaign):
    call_command("import_activities", str(write_csv(tmp_path, EVERY_CHANNEL)))
    captured = capsys.readouterr()
    assert "12" in captured.out and not captured.err
    assert counts()["Distribution"] == 3


def test_command_exit_status_is_one_when_nothing_was_written(tmp_path):
    with nothing_written(), pytest.raises(CommandError) as caught:
        call_command("import_activities", str(write_csv(tmp_path, BAD_ROWS)))
    assert caught.value.returncode == 1
    assert "nhat-ky.csv, dòng 4, cột Mã ĐVHC" in str(caught.value)


def test_command_skip_invalid_and_dry_run(tmp_path, capsys):
    path = str(write_csv(tmp_path, BAD_ROWS))
    with nothing_written():
        with pytest.raises(CommandError):
            call_command("import_activities", path, dry_run=True)
        call_command("import_activities", path, dry_run=True, skip_invalid=True)
    call_command("import_activities", path, skip_invalid=True)
    assert "dòng 3, cột Hình thức" in capsys.readouterr().err
    assert Distribution.objects.count() == 1


def test_command_skip_invalid_with_no_good_row_fails(tmp_path):
    with nothing_written(), pytest.raises(CommandError) as caught:
        call_command("import_activities", str(write_csv(tmp_path, BAD_ROWS[1:])), skip_invalid=True)
    assert caught.value.returncode == 1


def test_command_second_run_succeeds_and_changes_nothing(tmp_path, capsys):
    path = str(write_csv(tmp_path, [row(), row(channel="zalo", quantity="3")]))
    call_command("import_activities", path)
    with nothing_written():
        call_command("import_activities", path)
    assert "0" in capsys.readouterr().out


def test_command_refuses_an_empty_file(tmp_path):
    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError) as caught:
        call_command("import_activities", str(path))
    assert caught.value.returncode == 1 and "rong.csv" in str(caught.value)


# -- admin -----------------------------------------------------------------------------------------------


def upload(client, rows, name="nhat-ky.csv", *, content=None, **extra):
    if content is None:
        lines = [",".join(HEADER), *(",".join(cells) for cells in rows)]
        content = ("\n".join(lines) + "\n").encode("utf-8")
    data = {"file": SimpleUploadedFile(name, content, content_type="text/csv"), **extra}
    return client.post(reverse("outreach_media_import"), data)


@pytest.fixture
def administrator(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(user)
    return user


def test_admin_preview_writes_nothing_then_confirm_writes(client, administrator):
    Distribution.objects.create(
        media_item=MediaItem.objects.create(kind="leaflet", title="Tờ rơi", unit=unit("23149")),
        unit=unit("23149"),
        date=datetime.date(2026, 3, 15),
        copies=1,
        import_key=natural_key("leaflet", unit("23149").pk, datetime.date(2026, 3, 15), "", ""),
    )
    assert client.get(reverse("outreach_media_import")).status_code == 200
    response = upload(client, [row(quantity="500"), row(channel="tập huấn", quantity="1", people="30")])
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert [(item.row, item.status) for item in report.preview] == [(2, "changed"), (3, "new")]
    assert TrainingSession.objects.count() == 0 and Distribution.objects.get().copies == 1
    text = response.content.decode()
    assert "Xác nhận" in text and "Xã Tánh Linh (23149)" in text

    response = client.post(reverse("outreach_media_import"), {"confirm": "1", "token": response.context["token"]})
    assert response.status_code == 302
    assert Distribution.objects.get().copies == 500
    session = TrainingSession.objects.get()
    assert (session.reported_attendees, session.created_by) == (30, administrator)


def test_a_unit_officer_may_not_create_classes_through_the_log(client, officer):
    """Unit officers record distributions, airings, posts and events; classes belong to trainers."""
    with nothing_written():
        response = upload(client, [row(), row(channel="tập huấn", quantity="1", people="30")])
    report = response.context["report"]
    assert [(error.row, error.value) for error in report.errors] == [(3, "training")]
    assert "không được ghi nhận loại hoạt động này" in report.errors[0].message


def test_admin_rows_outside_the_scope_are_refused(client, officer):
    with nothing_written():
        response = upload(client, [row(), row(code="00004")])
    report = response.context["report"]
    assert [(error.row, error.column) for error in report.errors] == [(3, "Mã ĐVHC")]
    assert "token" not in response.context
    assert "Không ghi dữ liệu nào" in response.content.decode()


def test_admin_skip_invalid_then_confirm_keeps_the_good_rows(client, officer):
    response = upload(client, [row(), row(channel="?")], skip_invalid="on")
    assert response.context["report"].rejected_rows == 1
    client.post(reverse("outreach_media_import"), {"confirm": "1", "token": response.context["token"]})
    assert Distribution.objects.count() == 1


def test_admin_cancel_and_replayed_tokens_write_nothing(client, officer):
    with nothing_written():
        response = upload(client, [row()])
        token = response.context["token"]
        client.post(reverse("outreach_media_import"), {"cancel": "1", "token": token})
        client.post(reverse("outreach_media_import"), {"confirm": "1", "token": token})


def test_admin_file_already_imported_offers_nothing_to_confirm(client, officer):
    client.post(reverse("outreach_media_import"), {"confirm": "1", "token": upload(client, [row()]).context["token"]})
    response = upload(client, [row()])
    assert response.context["report"].unchanged == 1 and "token" not in response.context


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("script.exe", b"MZ\x90\x00"),
        ("notes.txt", b"hello"),
        ("nhat-ky.csv", b"\x00\x01\x02binary"),
        ("nhat-ky.csv", b""),
        ("nhat-ky.csv", (",".join(HEADER) + "\n").encode()),
    ],
)
def test_admin_wrong_empty_or_hostile_files_are_refused(client, officer, name, content):
    with nothing_written():
        response = upload(client, [], name, content=content)
    assert response.status_code == 200
    assert response.context.get("form") is not None and "token" not in response.context


def test_admin_refuses_files_over_ten_megabytes(client, officer, monkeypatch):
    from outreach_media import admin_import

    monkeypatch.setattr(admin_import, "MAX_UPLOAD_BYTES", 100)
    with nothing_written():
        response = upload(client, [row()] * 10)
    assert response.context["form"].errors["file"]


@pytest.mark.parametrize("role", [Role.TRAINER, Role.LEADER])
def test_admin_roles_without_the_right_are_refused(client, settings, tmp_path, role):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(UserFactory(role=role, scopes=[unit("68")]))
    with nothing_written():
        assert client.get(reverse("outreach_media_import")).status_code in (302, 403)
        assert upload(client, [row()]).status_code in (302, 403)


def test_admin_communications_staff_may_import_in_their_scope(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(UserFactory(role=Role.COMMUNICATIONS, scopes=[unit("68")]))
    response = upload(client, [row()])
    assert response.context["report"].created == 1 and response.context["token"]


# -- concurrency -------------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_of_the_same_file_at_once_write_each_row_once(tmp_path, shared_database):
    from django.utils import translation

    path = write_csv(tmp_path, [row(), row(channel="training", quantity="3", people="9"), row(channel="zalo")])
    barrier = threading.Barrier(2)
    reports, failures = [], []

    def run():
        try:
            with translation.override("vi"):
                barrier.wait()
                reports.append(activity_import(path=path))
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted((report.created, report.unchanged) for report in reports) == [(0, 3), (3, 0)]
    assert (TrainingSession.objects.count(), Distribution.objects.count(), Post.objects.count()) == (3, 1, 1)
    assert MediaItem.objects.count() == 1


def test_a_five_thousand_digit_quantity_is_an_error_not_a_crash(tmp_path):
    path = write_csv(tmp_path, [row(quantity="9" * 5000)])
    with nothing_written(), pytest.raises(ActivityImportError) as caught:
        activity_import(path=path)
    assert [error.column for error in caught.value.report.errors] == ["Số lượng"]
