"""The data subject's rights: export, erasure, the retention job and the administrators-only back office."""

import datetime
import io
import json
import logging

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import load_workbook
from wagtail.models import ModelLogEntry

from campaigns.access.roles import Role
from trainings import services
from trainings.choices import ConsentPurpose, DataRequestKind, RegistrationSource, Status
from trainings.models import Attendee, Certificate, Consent, DataRequest, Feedback, Registration
from trainings.personal_data import (
    ANONYMISE_ACTION,
    ERASE_ACTION,
    EXPORT_ACTION,
    UnknownFormat,
    acknowledge_by,
    acknowledgement_overdue,
    person_anonymise_expired,
    person_data,
    person_erase,
    person_export,
)

from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory, agreed
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

NAME = "Hoàng Thị Quỳnh Xuyến"
PHONE = "+84388765432"
PHONE_FORMS = (PHONE, "0388 765 432", "0388765432", "388765432")
EMAIL = "quynh.xuyen.hoang@example.invalid"
ORGANISATION = "Hợp tác xã Chè Xuyến Lâm"
POSITION = "Phó chủ nhiệm phụ trách chè ướp"
CITIZEN_ID = "068190012345"
SECRETS = (NAME, EMAIL, ORGANISATION, POSITION, CITIZEN_ID, *PHONE_FORMS)
ALL_CONSENTS = [ConsentPurpose.TRAINING, ConsentPurpose.CERTIFICATE, ConsentPurpose.NOTIFICATIONS]


def _details():
    return {
        "full_name": NAME,
        "email": EMAIL,
        "organisation": ORGANISATION,
        "position": POSITION,
        "citizen_id": CITIZEN_ID,
        "unit": unit("23149"),
    }


@pytest.fixture
def administrator():
    return UserFactory(username="quan.tri", role=Role.ADMINISTRATOR)


@pytest.fixture
def person():
    """Registered for a past class (attended, feedback, certificate) and an upcoming one."""
    past = TrainingSessionFactory(
        title="Lớp nộp hồ sơ trực tuyến tháng 3",
        starts_at=timezone.now() - datetime.timedelta(days=40),
    )
    upcoming = TrainingSessionFactory(title="Lớp thanh toán trực tuyến")
    attended = services.registration_create(
        actor=None, session=past, phone=PHONE, details=_details(), consents=ALL_CONSENTS, check_window=False
    ).registration
    services.registration_create(
        actor=None, session=upcoming, phone=PHONE, details=_details(), consents=[ConsentPurpose.TRAINING]
    )
    attended, _first = services.registration_check_in(actor=None, registration=attended, now=past.starts_at)
    Feedback.objects.create(
        registration=attended, rating=5, pre_score=40, post_score=90, comment=f"Tôi là {NAME}, lớp rất hay."
    )
    services.certificate_issue(actor=None, registration=agreed(attended))
    return Attendee.objects.get(phone=PHONE)


def _database_text() -> str:
    """Every row of every table in the database (not only the models'), as text."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor, include_views=False):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the database
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview):
                        value = value.tobytes()
                    if isinstance(value, bytes):
                        value = value.decode("utf-8", errors="replace")
                    chunks.append(str(value))
    dump = io.StringIO()
    call_command("dumpdata", stdout=dump, verbosity=0)
    chunks.append(json.dumps(json.loads(dump.getvalue()), ensure_ascii=False))
    return "\n".join(chunks)


def _assert_no_personal_data_anywhere():
    text = _database_text()
    leaked = [secret for secret in SECRETS if secret in text]
    assert leaked == []


# --- What we hold and the export --------------------------------------------------------------


def test_person_data_holds_everything_about_the_person(person):
    data = person_data(person)
    assert data["attendee"]["full_name"] == NAME
    assert data["attendee"]["phone"] == PHONE
    assert data["attendee"]["email"] == EMAIL
    assert data["attendee"]["organisation"] == ORGANISATION
    assert data["attendee"]["position"] == POSITION
    assert data["attendee"]["citizen_id"] == CITIZEN_ID
    assert data["attendee"]["unit"]["code"] == "23149"
    assert sorted(item["purpose"] for item in data["consents"]) == sorted([*ALL_CONSENTS, ConsentPurpose.TRAINING])
    assert all(item["text"] and item["text_version"] and item["given_at"] for item in data["consents"])
    registrations = {item["class"]: item for item in data["registrations"]}
    assert registrations["Lớp nộp hồ sơ trực tuyến tháng 3"]["status"] == Status.ATTENDED
    assert registrations["Lớp nộp hồ sơ trực tuyến tháng 3"]["checked_in_at"]
    assert registrations["Lớp thanh toán trực tuyến"]["status"] == Status.REGISTERED
    assert registrations["Lớp thanh toán trực tuyến"]["source"] == RegistrationSource.PUBLIC
    assert [item["comment"] for item in data["feedback"]] == [f"Tôi là {NAME}, lớp rất hay."]
    assert [item["number"] for item in data["certificates"]] == [Certificate.objects.get().number]


def test_json_export_holds_the_data_and_leaves_an_audit_entry(person, administrator):
    content = person_export(actor=administrator, attendee=person, file_format="json")
    document = json.loads(content.decode("utf-8"))
    assert document["attendee"]["full_name"] == NAME
    assert document["attendee"]["phone"] == PHONE
    assert len(document["registrations"]) == 2
    assert document["feedback"][0]["rating"] == 5
    assert document["certificates"][0]["number"].endswith("/GCN-UBND")
    assert NAME.encode("utf-8") in content  # readable UTF-8, not \u escapes

    entry = ModelLogEntry.objects.get(action=EXPORT_ACTION)
    assert entry.object_id == str(person.pk)
    assert entry.content_type == ContentType.objects.get_for_model(Attendee)
    assert entry.user_id == administrator.pk
    assert entry.data == {"format": "json"}
    assert entry.label == str(person)
    assert "JSON" in str(entry.message)


def test_xlsx_export_holds_the_data_escapes_formulas_and_leaves_an_audit_entry(person, administrator):
    Attendee.objects.filter(pk=person.pk).update(organisation='=HYPERLINK("http://example.invalid")')
    content = person_export(actor=administrator, attendee=person, file_format="xlsx")
    workbook = load_workbook(io.BytesIO(content))
    values = [str(cell) for sheet in workbook for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert NAME in values
    assert "0388 765 432" in values
    assert EMAIL in values and CITIZEN_ID in values and POSITION in values
    assert '\'=HYPERLINK("http://example.invalid")' in values
    assert not any(value.startswith("=") for value in values)
    assert f"Tôi là {NAME}, lớp rất hay." in values
    assert Certificate.objects.get().number in values
    assert "Lớp thanh toán trực tuyến" in values
    assert len(workbook.sheetnames) == 6
    # Dates as dd/mm/yyyy
    checked_in = Registration.objects.get(status=Status.ATTENDED).checked_in_at
    assert timezone.localtime(checked_in).strftime("%d/%m/%Y %H:%M") in values

    entry = ModelLogEntry.objects.get(action=EXPORT_ACTION)
    assert (entry.object_id, entry.user_id, entry.data) == (str(person.pk), administrator.pk, {"format": "xlsx"})


def test_each_export_is_audited_and_unknown_formats_are_refused(person, administrator):
    person_export(actor=administrator, attendee=person, file_format="json")
    person_export(actor=administrator, attendee=person, file_format="xlsx")
    assert ModelLogEntry.objects.filter(action=EXPORT_ACTION, object_id=str(person.pk)).count() == 2
    with pytest.raises(UnknownFormat):
        person_export(actor=administrator, attendee=person, file_format="csv")
    assert ModelLogEntry.objects.filter(action=EXPORT_ACTION).count() == 2


# --- Erasure ----------------------------------------------------------------------------------


def test_erasure_leaves_no_personal_data_anywhere_in_the_database(person, administrator):
    person_export(actor=administrator, attendee=person, file_format="json")  # an earlier export's entry too
    registrations_before = list(Registration.objects.order_by("pk").values_list("pk", "session_id", "status", "seat"))
    consents_before = list(Consent.objects.order_by("pk").values_list("pk", "purpose", "given_at"))
    certificate = Certificate.objects.get()

    person_erase(actor=administrator, attendee=person)

    _assert_no_personal_data_anywhere()
    person.refresh_from_db()
    assert (person.full_name, person.phone, person.email, person.organisation) == ("", None, "", "")
    assert (person.position, person.citizen_id, person.unit) == ("", "", None)
    assert person.anonymised_at is not None
    # Class counts stay right: past registrations, statuses and seats, consent purposes and times are kept;
    # a seat in a class still to come is given up (and goes to the waiting list).
    upcoming = {pk for pk, session_id, status, seat in registrations_before if status in ("registered", "waitlisted")}
    expected = [
        (pk, session_id, "cancelled", None) if pk in upcoming else (pk, session_id, status, seat)
        for pk, session_id, status, seat in registrations_before
    ]
    assert list(Registration.objects.order_by("pk").values_list("pk", "session_id", "status", "seat")) == expected
    assert list(Consent.objects.order_by("pk").values_list("pk", "purpose", "given_at")) == consents_before
    assert not Consent.objects.filter(withdrawn_at__isnull=True).exists()
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.comment) == (5, "")
    assert Certificate.objects.filter(pk=certificate.pk).exists()

    entry = ModelLogEntry.objects.get(action=ERASE_ACTION)
    assert (entry.object_id, entry.user_id) == (str(person.pk), administrator.pk)
    assert entry.label == str(person)


def test_erasing_twice_keeps_the_first_erasure_time(person, administrator):
    first = person_erase(actor=administrator, attendee=person).anonymised_at
    second = person_erase(
        actor=administrator, attendee=person, now=timezone.now() + datetime.timedelta(days=1)
    ).anonymised_at
    assert first == second


def test_the_same_phone_registering_after_erasure_is_a_new_person(person, administrator):
    person_erase(actor=administrator, attendee=person)
    session = TrainingSessionFactory()
    result = services.registration_create(
        actor=None, session=session, phone=PHONE, details={"full_name": NAME}, consents=[ConsentPurpose.TRAINING]
    )
    assert result.registration.attendee_id != person.pk
    person.refresh_from_db()
    assert person.full_name == "" and person.phone is None


# --- Retention --------------------------------------------------------------------------------


def _ended(days_ago: int):
    starts = timezone.now() - datetime.timedelta(days=days_ago, hours=3)
    return TrainingSessionFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))


@pytest.fixture
def retention_cases():
    old_class, recent_class = _ended(800), _ended(10)
    expired = RegistrationFactory(session=old_class).attendee
    came_back = RegistrationFactory(session=old_class).attendee
    RegistrationFactory(session=recent_class, attendee=came_back)
    never_registered_long_ago = AttendeeFactory()
    Attendee.objects.filter(pk=never_registered_long_ago.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=800)
    )
    never_registered_lately = AttendeeFactory()
    upcoming = RegistrationFactory().attendee  # a class next week
    already = RegistrationFactory(session=old_class).attendee
    earlier = timezone.now() - datetime.timedelta(days=100)
    Attendee.objects.filter(pk=already.pk).update(full_name="", phone=None, anonymised_at=earlier)
    return {
        "expired": [expired, never_registered_long_ago],
        "kept": [came_back, never_registered_lately, upcoming],
        "already": already,
        "earlier": earlier,
    }


def _summary(count, days, *, dry_run=False):
    values = {"count": count, "days": days}
    if dry_run:
        return (
            gettext(
                "%(count)s attendee(s) whose last class ended more than %(days)s days ago would be anonymised. "
                "Dry run: nothing was changed."
            )
            % values
        )
    return gettext("%(count)s attendee(s) whose last class ended more than %(days)s days ago anonymised.") % values


def test_anonymise_attendees_changes_only_expired_attendees(retention_cases):
    out = io.StringIO()
    call_command("anonymise_attendees", "--days", "730", stdout=out)
    assert _summary(2, 730) in out.getvalue()
    for attendee in retention_cases["expired"]:
        attendee.refresh_from_db()
        assert attendee.anonymised_at is not None
        assert (attendee.full_name, attendee.phone, attendee.organisation) == ("", None, "")
    for attendee in retention_cases["kept"]:
        before = (attendee.full_name, attendee.phone, attendee.organisation)
        attendee.refresh_from_db()
        assert attendee.anonymised_at is None
        assert (attendee.full_name, attendee.phone, attendee.organisation) == before
    already = Attendee.objects.get(pk=retention_cases["already"].pk)
    assert already.anonymised_at == retention_cases["earlier"]
    assert Registration.objects.count() == 5

    entry = ModelLogEntry.objects.get(action=ANONYMISE_ACTION)
    assert entry.data == {"count": 2, "days": 730}
    assert entry.user_id is None
    assert "2" in str(entry.message)


def test_dry_run_counts_and_changes_nothing(retention_cases):
    before = list(Attendee.objects.order_by("pk").values())
    out = io.StringIO()
    call_command("anonymise_attendees", "--days", "730", "--dry-run", stdout=out)
    assert _summary(2, 730, dry_run=True) in out.getvalue()
    assert list(Attendee.objects.order_by("pk").values()) == before
    assert not ModelLogEntry.objects.filter(action=ANONYMISE_ACTION).exists()


def test_default_period_comes_from_the_settings(retention_cases, settings):
    settings.ATTENDEE_RETENTION_DAYS = 5
    out = io.StringIO()
    call_command("anonymise_attendees", stdout=out)
    # Everyone whose last class ended more than five days ago, including the one who came back ten days ago.
    assert _summary(3, 5) in out.getvalue()
    assert Attendee.objects.filter(anonymised_at__isnull=True).count() == 2  # next week's and the newest record


@pytest.mark.parametrize("days", ["0", "-30"])
def test_zero_or_negative_days_are_refused(retention_cases, days):
    with pytest.raises(CommandError):
        call_command("anonymise_attendees", f"--days={days}", stdout=io.StringIO())
    assert Attendee.objects.filter(anonymised_at__isnull=False).count() == 1
    with pytest.raises(ValueError):
        person_anonymise_expired(actor=None, days=0)


def test_nothing_to_do_still_leaves_a_run_entry():
    out = io.StringIO()
    call_command("anonymise_attendees", "--days", "30", stdout=out)
    assert _summary(0, 30) in out.getvalue()
    assert ModelLogEntry.objects.get(action=ANONYMISE_ACTION).data == {"count": 0, "days": 30}


# --- Deadlines --------------------------------------------------------------------------------


def test_a_request_received_on_friday_must_be_acknowledged_by_tuesday():
    friday = datetime.date(2026, 1, 9)
    assert friday.weekday() == 4
    assert acknowledge_by(friday) == datetime.date(2026, 1, 13)  # Tuesday
    request = DataRequest(kind=DataRequestKind.ACCESS, received_on=friday)
    assert not acknowledgement_overdue(request, today=datetime.date(2026, 1, 12))  # Monday
    assert not acknowledgement_overdue(request, today=datetime.date(2026, 1, 13))  # Tuesday
    assert acknowledgement_overdue(request, today=datetime.date(2026, 1, 14))  # Wednesday
    assert acknowledge_by(datetime.date(2026, 1, 10)) == datetime.date(2026, 1, 13)  # Saturday -> Tuesday
    assert acknowledge_by(datetime.date(2026, 1, 12)) == datetime.date(2026, 1, 14)  # Monday -> Wednesday
    request.acknowledged_on = datetime.date(2026, 1, 15)
    assert not acknowledgement_overdue(request, today=datetime.date(2026, 1, 20))


def test_the_list_flags_overdue_requests(client, administrator, person):
    long_ago = timezone.localdate() - datetime.timedelta(days=10)
    overdue = DataRequest.objects.create(attendee=person, kind=DataRequestKind.ACCESS, received_on=long_ago)
    DataRequest.objects.create(
        attendee=person, kind=DataRequestKind.ERASURE, received_on=long_ago, acknowledged_on=long_ago
    )
    fresh = DataRequest.objects.create(attendee=person, kind=DataRequestKind.CORRECTION)
    client.force_login(administrator)
    response = client.get(reverse("data_requests:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("data-overdue") == 1
    deadline = acknowledge_by(overdue.received_on).strftime("%d/%m/%Y")
    assert gettext("Overdue: due %(date)s") % {"date": deadline} in html
    assert gettext("By %(date)s") % {"date": acknowledge_by(fresh.received_on).strftime("%d/%m/%Y")} in html
    assert long_ago.strftime("%d/%m/%Y") in html
    assert NAME not in html and PHONE not in html and "0388 765 432" not in html
    assert "0388 ••• 432" in html


# --- The back office --------------------------------------------------------------------------


def test_a_request_is_recorded_by_the_phone_number_with_dates_as_dd_mm_yyyy(client, administrator, person):
    client.force_login(administrator)
    form = client.get(reverse("data_requests:add"))
    assert form.status_code == 200
    assert NAME not in form.content.decode()
    response = client.post(
        reverse("data_requests:add"),
        {"phone": "0388 765 432", "kind": DataRequestKind.ACCESS, "received_on": "09/01/2026", "note": "Qua thư"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    data_request = DataRequest.objects.get()
    assert data_request.attendee_id == person.pk
    assert data_request.received_on == datetime.date(2026, 1, 9)
    assert data_request.handled_by_id == administrator.pk

    edit = client.get(reverse("data_requests:edit", args=[data_request.pk]))
    html = edit.content.decode()
    assert "09/01/2026" in html
    assert NAME not in html and "0388 765 432" not in html
    assert "0388 ••• 432" in html
    assert reverse("trainings_person_export", args=[data_request.pk, "xlsx"]) in html
    assert reverse("trainings_person_erase", args=[data_request.pk]) not in html  # not an erasure request

    inspect = client.get(reverse("data_requests:inspect", args=[data_request.pk]))
    assert inspect.status_code == 200
    assert reverse("trainings_person_export", args=[data_request.pk, "json"]) in inspect.content.decode()


def test_an_unknown_phone_number_gets_a_clear_error(client, administrator, person):
    client.force_login(administrator)
    response = client.post(
        reverse("data_requests:add"),
        {"phone": "0912 000 111", "kind": DataRequestKind.ACCESS, "received_on": "09/01/2026"},
    )
    assert response.status_code == 200
    assert "Không có học viên nào đăng ký bằng số điện thoại này" in response.content.decode()
    response = client.post(
        reverse("data_requests:add"), {"phone": "abc", "kind": DataRequestKind.ACCESS, "received_on": "09/01/2026"}
    )
    assert "Số điện thoại chỉ gồm chữ số" in response.content.decode()
    assert not DataRequest.objects.exists()


def test_export_through_the_admin_downloads_and_audits(client, administrator, person):
    data_request = DataRequest.objects.create(attendee=person, kind=DataRequestKind.ACCESS)
    client.force_login(administrator)
    response = client.get(reverse("trainings_person_export", args=[data_request.pk, "json"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="du-lieu-ca-nhan-{person.pk}.json"'
    assert "no-store" in response["Cache-Control"]
    assert json.loads(response.content)["attendee"]["full_name"] == NAME
    response = client.get(reverse("trainings_person_export", args=[data_request.pk, "xlsx"]))
    assert response.status_code == 200
    load_workbook(io.BytesIO(response.content))
    assert client.get(reverse("trainings_person_export", args=[data_request.pk, "csv"])).status_code == 404
    assert ModelLogEntry.objects.filter(action=EXPORT_ACTION, user=administrator).count() == 2


def test_erasure_through_the_admin_confirms_erases_and_closes_the_request(client, administrator, person):
    client.force_login(administrator)
    client.post(
        reverse("data_requests:add"),
        {"phone": PHONE, "kind": DataRequestKind.ERASURE, "received_on": timezone.localdate().strftime("%d/%m/%Y")},
    )
    data_request = DataRequest.objects.get()
    erase_url = reverse("trainings_person_erase", args=[data_request.pk])
    assert erase_url in client.get(reverse("data_requests:edit", args=[data_request.pk])).content.decode()

    confirmation = client.get(erase_url)
    assert confirmation.status_code == 200
    html = confirmation.content.decode()
    assert gettext("Yes, erase the data") in html
    assert "0388 ••• 432" in html and NAME not in html
    assert Attendee.objects.get(pk=person.pk).full_name == NAME  # a GET changes nothing

    response = client.post(erase_url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("data_requests:edit", args=[data_request.pk])
    expected = gettext("The personal data of %(person)s has been erased.") % {"person": person}
    assert expected in response.content.decode()
    data_request.refresh_from_db()
    assert data_request.done_on == timezone.localdate()
    assert Attendee.objects.get(pk=person.pk).anonymised_at is not None
    assert reverse("trainings_person_erase", args=[data_request.pk]) not in response.content.decode()
    _assert_no_personal_data_anywhere()

    again = client.post(erase_url)  # a second click erases nothing more and logs nothing more
    assert again.status_code == 302
    assert ModelLogEntry.objects.filter(action=ERASE_ACTION).count() == 1


def test_erasure_is_offered_only_for_an_erasure_request(client, administrator, person):
    data_request = DataRequest.objects.create(attendee=person, kind=DataRequestKind.CORRECTION)
    client.force_login(administrator)
    response = client.post(reverse("trainings_person_erase", args=[data_request.pk]))
    assert response.status_code == 302
    assert Attendee.objects.get(pk=person.pk).full_name == NAME
    assert not ModelLogEntry.objects.filter(action=ERASE_ACTION).exists()


@pytest.mark.parametrize("role", [Role.TRAINER, Role.LEADER, Role.UNIT_OFFICER, Role.COMMUNICATIONS])
def test_everyone_but_administrators_gets_403(client, person, role, caplog):
    data_request = DataRequest.objects.create(attendee=person, kind=DataRequestKind.ERASURE)
    user = UserFactory(role=role, scopes=[unit("23149")])
    if role == Role.TRAINER:
        TrainingSessionFactory(trainers=[user])
    client.force_login(user)
    pk = data_request.pk
    urls = [
        reverse("data_requests:index"),
        reverse("data_requests:index_results"),
        reverse("data_requests:add"),
        reverse("data_requests:edit", args=[pk]),
        reverse("data_requests:inspect", args=[pk]),
        reverse("data_requests:delete", args=[pk]),
        reverse("data_requests:history", args=[pk]),
        reverse("trainings_person_export", args=[pk, "json"]),
        reverse("trainings_person_export", args=[pk, "xlsx"]),
        reverse("trainings_person_erase", args=[pk]),
    ]
    with caplog.at_level(logging.WARNING, logger="campaigns.access"):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 403, url
            assert NAME not in response.content.decode()
        for url in (reverse("trainings_person_erase", args=[pk]), reverse("data_requests:delete", args=[pk])):
            assert client.post(url).status_code == 403, url
        assert client.post(reverse("data_requests:add"), {"phone": PHONE, "kind": "access"}).status_code == 403
    assert f"user_id={user.pk}" in caplog.text
    assert Attendee.objects.get(pk=person.pk).full_name == NAME
    assert DataRequest.objects.filter(pk=pk).exists() and DataRequest.objects.count() == 1
    assert not ModelLogEntry.objects.filter(action__in=[EXPORT_ACTION, ERASE_ACTION]).exists()


def test_no_personal_data_in_any_log_record(client, administrator, caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("django", "django.request", "django.db.backends", "wagtail", "trainings", "campaigns"):
        caplog.set_level(logging.DEBUG, logger=name)
    session = TrainingSessionFactory()
    registration = services.registration_create(
        actor=None, session=session, phone=PHONE, details=_details(), consents=ALL_CONSENTS
    ).registration
    services.registration_check_in(actor=None, registration=registration, now=session.starts_at)
    attendee = registration.attendee
    data_request = DataRequest.objects.create(attendee=attendee, kind=DataRequestKind.ERASURE)
    client.force_login(administrator)
    assert client.get(reverse("trainings_person_export", args=[data_request.pk, "xlsx"])).status_code == 200
    assert client.get(reverse("trainings_person_export", args=[data_request.pk, "json"])).status_code == 200
    assert client.get(reverse("trainings_person_erase", args=[data_request.pk])).status_code == 200
    assert client.post(reverse("trainings_person_erase", args=[data_request.pk])).status_code == 302
    call_command("anonymise_attendees", "--days", "1", stdout=io.StringIO())
    assert Attendee.objects.get(pk=attendee.pk).anonymised_at is not None

    for secret in SECRETS:
        assert secret not in caplog.text
    for record in caplog.records:
        text = " ".join([record.getMessage(), str(record.args), str(record.__dict__)])
        for secret in SECRETS:
            assert secret not in text, (record.name, record.levelname)


def test_erasure_gives_the_seats_of_classes_to_come_to_the_waiting_list():
    from trainings.choices import Status as RegistrationStatus

    from ..factories.trainings import RegistrationFactory, TrainingSessionFactory

    session = TrainingSessionFactory(capacity=1)
    leaving = RegistrationFactory(session=session, seat=1)
    waiting = RegistrationFactory(session=session, status=RegistrationStatus.WAITLISTED, seat=None)
    person_erase(actor=None, attendee=leaving.attendee)
    leaving.refresh_from_db()
    waiting.refresh_from_db()
    assert (leaving.status, leaving.seat) == (RegistrationStatus.CANCELLED, None)
    assert (waiting.status, waiting.seat) == (RegistrationStatus.REGISTERED, 1)
