"""The offline check-in page and its sync endpoint: today's classes only, CSRF and sign-in required, a ticket checked
in once however often a queue is sent, the scan's own time kept when plausible."""

import datetime
import json
import zoneinfo

import pytest
from django.test import Client
from django.urls import reverse

from trainings.choices import Status
from trainings.offline import todays_sessions

from ..factories.trainings import RegistrationFactory, TrainingSessionFactory, frozen_now

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
STARTS = datetime.datetime(2026, 12, 14, 8, 0, tzinfo=HCM)
ENDS = datetime.datetime(2026, 12, 14, 11, 0, tzinfo=HCM)
DURING = datetime.datetime(2026, 12, 14, 8, 20, tzinfo=HCM)


@pytest.fixture
def session(trainer):
    return TrainingSessionFactory(trainers=[trainer], starts_at=STARTS, ends_at=ENDS, title="Lớp VNeID thôn 3")


def post_scans(client, scans, **extra):
    return client.post(
        reverse("trainings_check_in_sync"), json.dumps({"scans": scans}), content_type="application/json", **extra
    )


def test_the_page_lists_only_today_s_classes_of_the_trainer(client, trainer, session):
    RegistrationFactory(session=session, seat=1)
    other_day = TrainingSessionFactory(
        trainers=[trainer], starts_at=STARTS + datetime.timedelta(days=1), ends_at=ENDS + datetime.timedelta(days=1)
    )
    someone_else = TrainingSessionFactory(starts_at=STARTS, ends_at=ENDS)
    assert todays_sessions(trainer, DURING) == [session]
    with frozen_now(DURING):
        client.force_login(trainer)
        response = client.get(reverse("trainings_offline_check_in"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Lớp VNeID thôn 3" in page and other_day.title not in page and someone_else.title not in page
    data = response.context["data"]
    assert [len(item["people"]) for item in data["sessions"]] == [1]
    assert 'id="check-in-data"' in page and "offline_check_in.js" in page


def test_the_service_worker_is_served_for_the_page_scope(client, trainer):
    client.force_login(trainer)
    response = client.get(reverse("trainings_check_in_worker"))
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == reverse("trainings_offline_check_in")
    assert b"caches.match" in response.content


def test_a_queue_sent_twice_checks_in_once_with_the_scan_time(client, trainer, session):
    first = RegistrationFactory(session=session, seat=1)
    second = RegistrationFactory(session=session, seat=2)
    scanned = datetime.datetime(2026, 12, 14, 8, 5, tzinfo=HCM)
    scans = [
        {"token": first.token, "at": scanned.isoformat()},
        {"token": second.token, "at": "2026-12-14T01:07:00.000Z"},
    ]
    with frozen_now(DURING):
        client.force_login(trainer)
        answer = post_scans(client, scans).json()
        again = post_scans(client, scans).json()
    assert [item["status"] for item in answer["results"]] == ["checked_in", "checked_in"]
    assert [item["status"] for item in again["results"]] == ["already", "already"]
    assert answer["results"][0]["time"] == "08:05 14/12/2026"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.checked_in_at) == (Status.ATTENDED, scanned)
    assert second.checked_in_at == datetime.datetime(2026, 12, 14, 8, 7, tzinfo=HCM)


def test_a_scan_time_in_the_future_is_the_server_time(client, trainer, session):
    registration = RegistrationFactory(session=session, seat=1)
    with frozen_now(DURING):
        client.force_login(trainer)
        post_scans(client, [{"token": registration.token, "at": "2030-01-01T00:00:00+07:00"}])
    registration.refresh_from_db()
    assert registration.checked_in_at == DURING


def test_scans_outside_the_window_or_of_other_classes_are_refused(client, trainer, session):
    mine = RegistrationFactory(session=session, seat=1)
    theirs = RegistrationFactory(session=TrainingSessionFactory(starts_at=STARTS, ends_at=ENDS), seat=1)
    with frozen_now(DURING):
        client.force_login(trainer)
        answer = post_scans(
            client,
            [
                {"token": mine.token, "at": "2026-12-13T20:00:00+07:00"},  # the evening before
                {"token": theirs.token, "at": DURING.isoformat()},
                {"token": "khong-co-ve-nay", "at": DURING.isoformat()},
                {"token": "", "at": "not a time"},
            ],
        ).json()
    assert [item["status"] for item in answer["results"]] == ["refused", "unknown", "unknown", "unknown"]
    assert "06:00 14/12/2026" in answer["results"][0]["message"]
    theirs.refresh_from_db()
    assert theirs.status == Status.REGISTERED


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b'{"scans": 3}', b'{"scans": [1, 2]}', b'{"other": []}', b"\xff\xfe", b'{"scans": ' + b"[{}]," * 1],
)
def test_malformed_bodies_are_refused(client, trainer, body):
    client.force_login(trainer)
    response = client.post(reverse("trainings_check_in_sync"), body, content_type="application/json")
    assert response.status_code == 400


def test_too_many_scans_at_once_are_refused(client, trainer):
    client.force_login(trainer)
    assert post_scans(client, [{"token": "x" * 20}] * 501).status_code == 400


def test_the_sync_needs_a_csrf_token_and_a_signed_in_user(trainer, session):
    registration = RegistrationFactory(session=session, seat=1)
    strict = Client(enforce_csrf_checks=True)
    with frozen_now(DURING):
        assert post_scans(strict, [{"token": registration.token}]).status_code in (302, 403)
        strict.force_login(trainer)
        assert post_scans(strict, [{"token": registration.token}]).status_code == 403
        page = strict.get(reverse("trainings_offline_check_in"))
        token = page.context["data"]["csrf_token"]
        answer = post_scans(strict, [{"token": registration.token}], HTTP_X_CSRFTOKEN=token)
    assert answer.status_code == 200
    registration.refresh_from_db()
    assert registration.status == Status.ATTENDED


def test_anonymous_users_are_sent_to_the_login(client, session):
    response = client.get(reverse("trainings_offline_check_in"))
    assert response.status_code == 302 and "login" in response["Location"]
