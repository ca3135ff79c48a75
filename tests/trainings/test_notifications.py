"""Messages to registered people: the ticket, a freed seat, a moved or cancelled class, the reminder the day before.

E-mail goes through Django's SMTP backend to a real SMTP server on 127.0.0.1 (``smtp_server``); text messages to
the in-memory SMS backend. Sending runs through the task queue (immediate backend in tests) with bounded retries.
"""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.access.roles import Role
from trainings import notifications, services
from trainings.choices import ConsentPurpose, NotificationChannel, NotificationKind, NotificationStatus, Status
from trainings.identity import normalise_phone
from trainings.models import Notification, PendingRegistration, Registration
from trainings.sms import LocmemSmsBackend, SmsBackend

from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

LOCAL = timezone.get_default_timezone()


@pytest.fixture
def session():
    starts = timezone.make_aware(datetime.datetime(2030, 3, 5, 8, 0), LOCAL)
    return TrainingSessionFactory(
        title="Lớp dùng VNeID",
        venue="Hội trường thôn 3",
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=3),
        capacity=1,
    )


def subject(message) -> str:
    return " ".join(str(message["Subject"]).split())


def confirm(session, *, phone="0912345678", name="Trần Thị Mai", email="mai@example.vn"):
    details = {"full_name": name, "email": email, "organisation": "", "position": "", "citizen_id": ""}
    pending = services.pending_registration_create(
        actor=None,
        session=session,
        phone=normalise_phone(phone),
        details=details,
        consents=[ConsentPurpose.TRAINING],
        address="203.0.113.9",
    )
    return services.pending_registration_confirm(
        actor=None, pending=pending, code=services.confirmation_code(pending)
    ).registration


def test_the_ticket_reaches_a_real_smtp_server_and_the_phone(session, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        registration = confirm(session)
    message = smtp_server.wait_for(1)[-1]
    body = smtp_server.body(message)
    ticket = reverse("trainings:ticket", args=[registration.token])
    assert message["To"] == "mai@example.vn"
    assert subject(message) == gettext("Your ticket: %(title)s") % {"title": "Lớp dùng VNeID"}
    assert ticket in body
    assert "08:00–11:00" in body and "05/03/2030" in body  # dates dd/mm/yyyy
    assert "Hội trường thôn 3, Xã Tánh Linh, Tỉnh Lâm Đồng" in body  # the class's address
    phone, text = LocmemSmsBackend.outbox[-1]
    assert phone == "+84912345678" and ticket in text and "05/03/2030" in text
    sent = Notification.objects.filter(registration=registration, kind=NotificationKind.TICKET)
    assert sorted(sent.values_list("channel", "status", "attempts")) == [
        (NotificationChannel.EMAIL, NotificationStatus.SENT, 1),
        (NotificationChannel.SMS, NotificationStatus.SENT, 1),
    ]
    # The same code confirmed again (a reload) sends nothing more.
    assert Notification.objects.count() == 2


def test_the_code_request_itself_sends_no_ticket(session, smtp_server, django_capture_on_commit_callbacks):
    details = {"full_name": "Trần Thị Mai", "email": "mai@example.vn", "organisation": "", "position": ""}
    with django_capture_on_commit_callbacks(execute=True):
        services.pending_registration_create(
            actor=None,
            session=session,
            phone="+84912345678",
            details=details | {"citizen_id": ""},
            consents=[ConsentPurpose.TRAINING],
        )
    assert not Notification.objects.exists()
    assert "/lop-tap-huan/ve/" not in smtp_server.body(smtp_server.wait_for(1)[0])  # only the code


def test_a_full_class_puts_the_person_on_the_waiting_list_with_their_position_then_frees_a_seat(
    session, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = confirm(session, phone="0912000001", email="a@example.vn", name="Lê Văn An")
        second = confirm(session, phone="0912000002", email="b@example.vn", name="Phạm Thị Bình")
        third = confirm(session, phone="0912000003", email="c@example.vn", name="Đỗ Văn Cường")
    assert (second.status, third.status) == (Status.WAITLISTED, Status.WAITLISTED)
    assert notifications.waiting_position(second) == 1 and notifications.waiting_position(third) == 2
    messages = smtp_server.wait_for(3)
    waiting = next(item for item in messages if item["To"] == "c@example.vn")
    assert gettext("You are on the waiting list: %(title)s") % {"title": "Lớp dùng VNeID"} == subject(waiting)
    lead = gettext(
        "The class “%(title)s” is full. You are number %(position)s on the waiting list; "
        "we write to you as soon as a seat is yours."
    )
    assert lead % {"title": "Lớp dùng VNeID", "position": 2} in smtp_server.body(waiting)

    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(actor=None, registration=first)
    freed = smtp_server.wait_for(4)[-1]
    assert freed["To"] == "b@example.vn"
    assert subject(freed) == gettext("A seat is free for you: %(title)s") % {"title": "Lớp dùng VNeID"}
    assert reverse("trainings:ticket", args=[second.token]) in smtp_server.body(freed)
    assert any(phone == "+84912000002" and "Lớp dùng VNeID" in text for phone, text in LocmemSmsBackend.outbox)
    third.refresh_from_db()
    assert notifications.waiting_position(third) == 1


def test_a_moved_class_is_told_once_per_new_time_and_a_cancelled_class_once(
    session, smtp_server, django_capture_on_commit_callbacks
):
    holder = RegistrationFactory(session=session, seat=1, attendee=AttendeeFactory(email="an@example.vn"))
    RegistrationFactory(session=session, status=Status.CANCELLED, seat=None, attendee=AttendeeFactory(email="x@x.vn"))
    session.starts_at += datetime.timedelta(days=1)
    session.ends_at += datetime.timedelta(days=1)
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notification_create_for_change(actor=None, session=session, changed={"starts_at", "ends_at"})
        notifications.notification_create_for_change(
            actor=None, session=session, changed={"starts_at"}
        )  # saved twice: told once
        notifications.notification_create_for_change(
            actor=None, session=session, changed={"title"}
        )  # not a change of time or place
    moved = smtp_server.wait_for(1)
    assert len(moved) == 1 and moved[0]["To"] == "an@example.vn"
    assert "06/03/2030" in smtp_server.body(moved[0])
    session.is_cancelled = True
    session.save()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notification_create_for_change(actor=None, session=session, changed={"is_cancelled", "venue"})
    cancelled = smtp_server.wait_for(2)[-1]
    assert subject(cancelled) == gettext("The class has been cancelled: %(title)s") % {"title": "Lớp dùng VNeID"}
    assert Notification.objects.filter(registration=holder).count() == 4  # moved and cancelled, e-mail and SMS
    assert not session.registration_open()


def test_the_trainer_moving_the_class_in_the_admin_tells_the_people(client, django_capture_on_commit_callbacks):
    from .test_trainer_admin import form_data

    trainer = UserFactory(role=Role.TRAINER, scopes=[unit("68")])
    session = TrainingSessionFactory(trainers=[trainer], capacity=3)
    RegistrationFactory(session=session, seat=1, attendee=AttendeeFactory(email="an@example.vn"))
    client.force_login(trainer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("training_sessions:edit", args=[session.pk]), form_data(session, venue="Nhà văn hoá thôn 5")
        )
    assert response.status_code == 302
    assert Notification.objects.filter(kind=NotificationKind.MOVED).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("training_sessions:edit", args=[session.pk]),
            form_data(session, venue="Nhà văn hoá thôn 5", is_cancelled="on"),
        )
    assert Notification.objects.filter(kind=NotificationKind.CANCELLED).count() == 2


def test_reminders_go_the_day_before_and_never_twice(smtp_server, django_capture_on_commit_callbacks):
    now = timezone.make_aware(datetime.datetime(2030, 3, 4, 18, 0), LOCAL)
    tomorrow = TrainingSessionFactory(
        starts_at=timezone.make_aware(datetime.datetime(2030, 3, 5, 7, 30), LOCAL),
        ends_at=timezone.make_aware(datetime.datetime(2030, 3, 5, 11, 0), LOCAL),
    )
    later = TrainingSessionFactory(
        starts_at=timezone.make_aware(datetime.datetime(2030, 3, 6, 0, 30), LOCAL),
        ends_at=timezone.make_aware(datetime.datetime(2030, 3, 6, 3, 0), LOCAL),
    )
    cancelled = TrainingSessionFactory(starts_at=tomorrow.starts_at, ends_at=tomorrow.ends_at, is_cancelled=True)
    seated = RegistrationFactory(session=tomorrow, seat=1, attendee=AttendeeFactory(email="an@example.vn"))
    RegistrationFactory(
        session=tomorrow, status=Status.WAITLISTED, seat=None, attendee=AttendeeFactory(email="w@x.vn")
    )
    RegistrationFactory(session=later, seat=1, attendee=AttendeeFactory(email="later@example.vn"))
    RegistrationFactory(session=cancelled, seat=1, attendee=AttendeeFactory(email="gone@example.vn"))
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            notifications.notification_create_reminders(actor=None, now=now) == 2
        )  # e-mail and SMS to the one seat holder
        assert notifications.notification_create_reminders(actor=None, now=now) == 0
        out = io.StringIO()
        call_command("send_class_reminders", "--date", "04/03/2030", stdout=out)
    assert out.getvalue().strip() == gettext("%(count)s reminder(s) queued.") % {"count": 0}
    received = smtp_server.wait_for(1)
    assert [item["To"] for item in received] == ["an@example.vn"]
    assert "05/03/2030" in smtp_server.body(received[0])
    assert Notification.objects.get(channel=NotificationChannel.EMAIL).registration == seated


@pytest.mark.parametrize("value", ["2030-03-04", "31/02/2030", "hôm nay", "04/03/2030; rm -rf /", "\x00"])
def test_the_reminder_command_refuses_a_malformed_date(value):
    with pytest.raises(CommandError) as refused:
        call_command("send_class_reminders", "--date", value, stdout=io.StringIO())
    assert "dd/mm/yyyy" in str(refused.value)
    assert not Notification.objects.exists()


def test_an_unreachable_smtp_server_is_retried_a_bounded_number_of_times_and_shown_to_the_trainer(
    client, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens there
    settings.SMS_BACKEND = "trainings.sms.DisabledSmsBackend"
    trainer = UserFactory(role=Role.TRAINER, scopes=[unit("68")])
    session = TrainingSessionFactory(trainers=[trainer])
    registration = RegistrationFactory(
        session=session, seat=1, attendee=AttendeeFactory(full_name="Vũ Thị Hoa", email="hoa@example.vn")
    )
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notification_create(actor=None, registration=registration, kind=NotificationKind.TICKET)
    item = Notification.objects.get()
    assert (item.status, item.attempts) == (NotificationStatus.FAILED, settings.NOTIFICATION_MAX_ATTEMPTS)
    assert item.last_error.startswith("ConnectionRefusedError")
    assert "hoa@example.vn" not in item.last_error
    client.force_login(trainer)
    page = client.get(reverse("trainings_roster", args=[session.pk])).content.decode()
    assert gettext("Messages not delivered") in page and "Vũ Thị Hoa" in page
    assert gettext("Could not be sent") in page


class FlakySms(SmsBackend):
    calls = 0

    def send(self, phone, text):
        type(self).calls += 1
        if type(self).calls == 1:
            raise TimeoutError("gateway timed out")
        LocmemSmsBackend.outbox.append((phone, text))


def test_a_send_that_fails_once_succeeds_on_the_retry(settings, django_capture_on_commit_callbacks):
    settings.SMS_BACKEND = f"{__name__}.FlakySms"
    FlakySms.calls = 0
    registration = RegistrationFactory(seat=1)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notification_create(actor=None, registration=registration, kind=NotificationKind.SEAT_FREED)
    item = Notification.objects.get()
    assert (item.channel, item.status, item.attempts, item.last_error) == (
        NotificationChannel.SMS,
        NotificationStatus.SENT,
        2,
        "TimeoutError",
    )
    assert len(LocmemSmsBackend.outbox) == 1


def test_retries_wait_longer_each_time_on_a_backend_that_defers(settings, django_capture_on_commit_callbacks):
    from django_tasks import default_task_backend

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.SMS_BACKEND = f"{__name__}.FlakySms"
    FlakySms.calls = 0
    assert [notifications.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [60, 300, 1500]
    registration = RegistrationFactory(seat=1)
    with django_capture_on_commit_callbacks(execute=True):
        item = notifications.notification_create(
            actor=None, registration=registration, kind=NotificationKind.SEAT_FREED
        )[0]
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notification_deliver(actor=None, notification_id=item.pk) == NotificationStatus.RETRYING
    queued = [result for result in default_task_backend.results if result.task.name == "deliver_notification"]
    assert len(queued) == 2  # the first try, then the retry
    assert queued[-1].task.run_after is not None and queued[-1].task.run_after > timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert notifications.notification_deliver(actor=None, notification_id=item.pk) == NotificationStatus.SENT
        assert (
            notifications.notification_deliver(actor=None, notification_id=item.pk) == NotificationStatus.SENT
        )  # a duplicate task sends nothing more
    assert len(LocmemSmsBackend.outbox) == 1


def test_a_person_without_e_mail_and_without_sms_gets_no_row(settings):
    settings.SMS_BACKEND = "trainings.sms.DisabledSmsBackend"
    registration = RegistrationFactory(seat=1)
    assert notifications.notification_create(actor=None, registration=registration, kind=NotificationKind.TICKET) == []
    assert not Registration.objects.filter(notifications__isnull=False).exists()
    assert not PendingRegistration.objects.exists()


def test_a_message_being_sent_by_another_worker_is_not_sent_again(settings):
    registration = RegistrationFactory(seat=1, attendee=AttendeeFactory(email="an@example.vn"))
    item = Notification.objects.create(
        registration=registration,
        kind=NotificationKind.TICKET,
        channel=NotificationChannel.SMS,
        status=NotificationStatus.SENDING,
        attempts=1,
    )
    assert notifications.notification_deliver(actor=None, notification_id=item.pk) == NotificationStatus.SENDING
    assert notifications.notification_deliver(actor=None, notification_id=999_999_999) == ""
    item.refresh_from_db()
    assert item.attempts == 1 and LocmemSmsBackend.outbox == []
