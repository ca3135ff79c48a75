"""Impact reports are recomputed once per change: never twice by two workers, never when already current."""

import io

import pytest
from django.core.management import call_command
from django.test import override_settings

from campaigns.core import tasks as task_safety
from campaigns.impact.tasks import STALE_KEY, data_changed, impact_key, refresh_impact, refresh_stale_impacts
from campaigns.models import ImpactResult
from cms.models import TaskLock

from .conftest import write_statistics

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _stored(campaign):
    refresh_impact.enqueue(campaign.pk)
    return ImpactResult.objects.get(campaign=campaign)


def _change_the_data(tmp_path):
    """A corrected file for the same months: the stored report's fingerprint no longer matches."""
    corrected = tmp_path / "thong-ke-sua.csv"
    write_statistics(corrected, seed=8)
    call_command("import_statistics", str(corrected), stdout=io.StringIO(), stderr=io.StringIO())


def test_a_refresh_that_finds_the_report_current_does_nothing(imported):
    stored = _stored(imported)
    refresh_impact.enqueue(imported.pk)
    assert ImpactResult.objects.get(campaign=imported).computed_at == stored.computed_at
    assert refresh_stale_impacts.enqueue().return_value == 0


def test_a_campaign_being_computed_by_another_worker_is_left_to_it(imported, tmp_path):
    stored = _stored(imported)
    _change_the_data(tmp_path)
    assert task_safety.acquire(impact_key(imported.pk), "task:another-worker")
    assert refresh_impact.enqueue(imported.pk).return_value is False
    assert refresh_stale_impacts.enqueue().return_value == 0
    assert ImpactResult.objects.get(campaign=imported).computed_at == stored.computed_at
    # That worker finished (or died and its lock expired): the next refresh computes it, once.
    task_safety.release(impact_key(imported.pk))
    assert refresh_stale_impacts.enqueue().return_value == 1
    assert ImpactResult.objects.get(campaign=imported).computed_at > stored.computed_at
    assert refresh_stale_impacts.enqueue().return_value == 0
    assert not TaskLock.objects.exists()  # every lock was released


def test_two_refreshes_of_the_same_change_compute_the_report_once(imported, tmp_path):
    stored = _stored(imported)
    _change_the_data(tmp_path)
    # Both workers picked up a refresh for the same change: the second finds the report current.
    first, second = refresh_stale_impacts.enqueue(), refresh_stale_impacts.enqueue()
    assert (first.return_value, second.return_value) == (1, 0)
    assert ImpactResult.objects.get(campaign=imported).computed_at > stored.computed_at


def test_many_imports_in_a_row_queue_one_refresh(imported, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_TASKS):
        with django_capture_on_commit_callbacks(execute=True):
            for _ in range(5):
                data_changed()
        assert DBTaskResult.objects.filter(task_path__endswith="refresh_stale_impacts").count() == 1
        assert TaskLock.objects.filter(key="pending:" + STALE_KEY).exists()


def test_recompute_button_queues_one_run_even_when_pressed_twice(client, imported):
    from django.urls import reverse
    from django_tasks_db.models import DBTaskResult

    from campaigns.access.roles import Role
    from tests.factories.users import UserFactory, unit

    _stored(imported)
    client.force_login(UserFactory(role=Role.LEADER, scopes=[unit("599", current=False)]))
    with override_settings(TASKS=DATABASE_TASKS):
        for _ in range(2):
            response = client.post(reverse("campaign_impact", args=[imported.pk]))
            assert response.status_code == 302
        assert DBTaskResult.objects.filter(task_path__endswith="refresh_impact").count() == 1


def test_no_admin_request_computes_a_report_the_page_waits_for_the_worker(client, imported):
    from django.urls import reverse
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    from campaigns.access.roles import Role
    from tests.factories.users import UserFactory, unit

    client.force_login(UserFactory(role=Role.LEADER, scopes=[unit("599", current=False)]))
    url = reverse("campaign_impact", args=[imported.pk])
    with override_settings(TASKS=DATABASE_TASKS):
        waiting = client.get(url)
        assert waiting.status_code == 200 and waiting.context["pending"]
        body = waiting.content.decode()
        assert "Báo cáo đang được tính." in body and 'http-equiv="refresh"' in body
        assert "Đang chờ tiến trình xử lý nền." in body
        assert not ImpactResult.objects.exists()
        # Downloads do not compute it either: back to the page, with a message.
        download = client.get(reverse("campaign_impact_download", args=[imported.pk, "pdf"]))
        assert download.status_code == 302 and download.url == url
        # Another look while it waits queues nothing more.
        client.get(url)
        assert DBTaskResult.objects.filter(task_path__endswith="refresh_impact").count() == 1
        # The worker has taken it: the page says since when.
        task_safety.acquire(impact_key(imported.pk), "task:worker")
        running = client.get(url).content.decode()
        assert "Bắt đầu tính lúc" in running
        task_safety.release(impact_key(imported.pk))
        # What the worker does with the queued task (not its loop, which closes the test's connection).
        queued = DBTaskResult.objects.get(task_path__endswith="refresh_impact")
        queued.claim("test-worker")
        Worker(
            queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
            max_tasks=None, worker_id="test-worker", excluded_queue_names=[],
        ).run_task(queued)  # fmt: skip
        assert DBTaskResult.objects.get(task_path__endswith="refresh_impact").status == "SUCCESSFUL"
        ready = client.get(url)
        assert not ready.context.get("pending") and ready.context["result"].payload["effect"]
        assert 'http-equiv="refresh"' not in ready.content.decode()
        assert client.get(reverse("campaign_impact_download", args=[imported.pk, "pdf"])).status_code == 200
