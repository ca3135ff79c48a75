import pytest

from cms.demo.campaigns import demo_load
from cms.demo.trainings import demo_trainings_load
from trainings.models import Registration, TrainingSession
from trainings.selectors import training_counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


def test_demo_classes_follow_the_seed_figures_and_load_twice_without_change():
    demo_load()
    first = demo_trainings_load()
    again = demo_trainings_load()
    assert first == again
    tanh_linh = TrainingSession.objects.filter(campaign__slug="tanh-linh-2022")
    assert tanh_linh.count() == 6  # "06 lớp"
    rows = [row for row in training_counts() if row.month.year == 2022 and row.reported_sessions == 0]
    assert sum(row.attendances for row in rows) == 398  # "khoảng 400 lượt người"
    conference = TrainingSession.objects.get(campaign__slug="ha-noi-2022")
    assert (conference.reported_attendees, conference.registrations.count()) == (120, 0)
    upcoming = TrainingSession.objects.filter(is_public=True)
    assert upcoming.count() == 2 and all(session.registration_open() for session in upcoming)
    assert Registration.objects.filter(session__in=tanh_linh, checked_in_at__isnull=False).count() == 398
    assert all(session.trainers.filter(username="giangvien").exists() for session in upcoming)
