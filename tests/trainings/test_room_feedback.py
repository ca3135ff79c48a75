"""The class-wide feedback link for the room: anonymous, rate-limited, open around the class; trainers read comments."""

import datetime
import logging
import re
import zoneinfo

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from campaigns.access.roles import Role
from trainings.models import Feedback

from ..factories.trainings import RegistrationFactory, TrainingSessionFactory, frozen_now
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

HCM = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
STARTS = datetime.datetime(2026, 12, 14, 8, 0, tzinfo=HCM)
ENDS = datetime.datetime(2026, 12, 14, 11, 0, tzinfo=HCM)
DURING = datetime.datetime(2026, 12, 14, 10, 50, tzinfo=HCM)


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def session(trainer):
    return TrainingSessionFactory(trainers=[trainer], starts_at=STARTS, ends_at=ENDS, title="Lớp VNeID thôn 3")


def url(session):
    return reverse("trainings:room_feedback", args=[session.public_token])


def test_anyone_in_the_room_answers_without_a_ticket(client, session):
    with frozen_now(DURING):
        page = client.get(url(session))
        assert page.status_code == 200 and "Lớp VNeID thôn 3" in page.content.decode()
        response = client.post(url(session), {"rating": "4", "comment": "Cần thêm máy chiếu."})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.session, feedback.registration, feedback.rating) == (session, None, 4)
    assert feedback.comment == "Cần thêm máy chiếu."
    with frozen_now(DURING):
        assert "Xin cảm ơn!" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "data",
    [{}, {"rating": "0"}, {"rating": "6"}, {"rating": "bốn"}, {"rating": "4", "comment": "x" * 2001}],
    ids=["empty", "zero", "six", "word", "long-comment"],
)
def test_bad_answers_are_refused_with_a_message(client, session, data):
    with frozen_now(DURING):
        response = client.post(url(session), data)
    assert response.status_code == 200
    assert "Vui lòng sửa" in response.content.decode()
    assert not Feedback.objects.exists()


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (STARTS - datetime.timedelta(hours=2, seconds=1), False),
        (STARTS - datetime.timedelta(hours=2), True),
        (ENDS + datetime.timedelta(days=7), True),
        (ENDS + datetime.timedelta(days=7, seconds=1), False),
    ],
)
def test_the_link_works_from_check_in_until_a_week_after(client, session, moment, open_):
    with frozen_now(moment):
        response = client.post(url(session), {"rating": "5"})
    assert (response.status_code == 302) is open_
    assert Feedback.objects.exists() is open_


@override_settings(TRAINING_ROOM_FEEDBACK_PER_ADDRESS=3)
def test_one_address_is_limited_per_hour(client, session):
    with frozen_now(DURING):
        statuses = [client.post(url(session), {"rating": "5"}).status_code for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    assert Feedback.objects.count() == 3


def test_an_unknown_class_is_a_404(client):
    assert client.get(reverse("trainings:room_feedback", args=["khong-co-lop-nay"])).status_code == 404
    assert client.get("/lop-tap-huan/%00/gop-y/").status_code == 404


def test_the_trainer_reads_every_comment_and_prints_the_qr(client, trainer, session):
    ticket = RegistrationFactory(session=session, seat=1, status="attended")
    Feedback.objects.create(registration=ticket, rating=5, comment="Rất dễ hiểu.")
    Feedback.objects.create(session=session, rating=3, comment="Phòng hơi nóng.")
    Feedback.objects.create(session=session, rating=4)
    client.force_login(trainer)
    page = client.get(reverse("trainings_session_feedback", args=[session.pk])).content.decode()
    assert "Rất dễ hiểu." in page and "Phòng hơi nóng." in page
    assert "Phản hồi: 3 ý kiến, đánh giá trung bình 4,0 / 5" in page
    assert "có góp ý bằng lời: 2" in page
    assert ticket.attendee.full_name not in page  # comments, not who wrote them
    poster = client.get(reverse("trainings_room_poster", args=[session.pk])).content.decode()
    assert reverse("trainings:room_feedback_qr", args=[session.public_token]) in poster
    qr = client.get(reverse("trainings:room_feedback_qr", args=[session.public_token]))
    assert qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content


def test_the_averages_count_room_answers(client, trainer, session):
    Feedback.objects.create(session=session, rating=2)
    Feedback.objects.create(session=session, rating=4)
    client.force_login(trainer)
    page = client.get(reverse("trainings_roster", args=[session.pk])).content.decode()
    assert "Phản hồi: 2 ý kiến, đánh giá trung bình 3,0 / 5" in page


def test_others_cannot_read_the_comments(client, session):
    client.force_login(UserFactory(role=Role.TRAINER, scopes=[unit("68")]))
    assert client.get(reverse("trainings_session_feedback", args=[session.pk])).status_code == 403
    assert client.get(reverse("trainings_room_poster", args=[session.pk])).status_code == 403


def test_the_feedback_report_shows_averages_by_trainer_and_by_class_in_scope(client, trainer, session):
    Feedback.objects.create(session=session, rating=2, pre_score=3, post_score=8)
    Feedback.objects.create(session=session, rating=5)
    elsewhere = TrainingSessionFactory(title="Lớp ở tỉnh khác", unit=unit("01"))
    Feedback.objects.create(session=elsewhere, rating=1)
    client.force_login(trainer)
    response = client.get(reverse("trainings_feedback"))
    assert response.status_code == 200
    page = " ".join(response.content.decode().split())
    assert "Ý kiến phản hồi về các lớp" in page
    rows = response.context["object_list"]
    assert [row["session"] for row in rows] == [session]  # the class outside the trainer's scope is not listed
    assert "Lớp VNeID thôn 3" in page and "Lớp ở tỉnh khác" not in page
    cells = re.sub(r"\s*([<>])\s*", r"\1", page)
    # Date, answers, average rating (one decimal, Vietnamese), quiz before and after.
    assert "<td>14/12/2026</td><td>2</td><td>3,5</td><td>3,0</td><td>8,0</td>" in cells
    by_trainer = response.context["by_trainer"]
    assert [(row["classes"], row["count"]) for row in by_trainer] == [(1, 2)]
    results = client.get(reverse("trainings_feedback_results"))
    assert results.status_code == 200 and "Lớp VNeID thôn 3" in results.content.decode()


def test_the_feedback_report_says_when_there_is_none(client, trainer, session):
    client.force_login(trainer)
    response = client.get(reverse("trainings_feedback"))
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [] and response.context["by_trainer"] == []
    assert "Chưa có phản hồi." in response.content.decode()


def test_the_feedback_report_needs_the_view_permission_on_classes(client, session, caplog):
    from django.contrib.auth.models import Permission

    Feedback.objects.create(session=session, rating=5, comment="Rất dễ hiểu.")
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    client.force_login(user)
    with caplog.at_level(logging.WARNING, logger="campaigns.access"):
        for name in ("trainings_feedback", "trainings_feedback_results"):
            response = client.get(reverse(name))
            # The admin turns the refusal into a redirect to its home page, with nothing of the report.
            assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert caplog.text.count(f"access denied: user_id={user.pk} action=view model=trainings.trainingsession") == 2
