"""Background work is never doubled or lost: locks, one pending run per key, and workers that die mid-task.

The worker tests start real worker processes (``manage.py run_worker``) on the test database (a file copy on
SQLite, the test database itself on PostgreSQL), kill one with SIGKILL in the middle of a task and check that another
worker finishes the task exactly once.
"""

import datetime
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus

from campaigns.core import tasks as task_safety
from cms.models import TaskLock, WorkerHeartbeat

from ..concurrency import at_once, database_url

ROOT = Path(settings.BASE_DIR)
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


# --- locks -----------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_lock_has_one_holder_until_released_or_expired():
    assert task_safety.acquire("impact:1", "worker-a")
    assert not task_safety.acquire("impact:1", "worker-b")
    assert task_safety.acquire("impact:1", "worker-a")  # its holder extends it
    assert task_safety.acquire("impact:2", "worker-b")  # another key is another lock
    task_safety.release("impact:1", "worker-b")  # not b's: stays
    assert not task_safety.acquire("impact:1", "worker-b")
    task_safety.release("impact:1", "worker-a")
    assert task_safety.acquire("impact:1", "worker-b")
    # A holder that died: its lock expires and another takes it over.
    TaskLock.objects.filter(key="impact:1").update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert task_safety.acquire("impact:1", "worker-c")
    assert TaskLock.objects.get(key="impact:1").holder == "worker-c"


@pytest.mark.django_db
def test_locked_context_releases_only_its_own_lock():
    with task_safety.locked("k", "a") as mine:
        assert mine
        with task_safety.locked("k", "b") as theirs:
            assert not theirs
        assert TaskLock.objects.get(key="k").holder == "a"  # b's refusal did not drop a's lock
    assert not TaskLock.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_workers_asking_at_once_give_the_lock_to_one(file_database):
    results, errors = at_once(20, lambda number: task_safety.acquire("impact:7", f"worker-{number}"))
    assert not errors
    assert sum(results.values()) == 1
    assert TaskLock.objects.filter(key="impact:7").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_workers_taking_over_an_expired_lock_at_once_give_it_to_one(file_database):
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    TaskLock.objects.create(key="impact:8", holder="dead", taken_at=an_hour_ago, expires_at=an_hour_ago)
    results, errors = at_once(20, lambda number: task_safety.acquire("impact:8", f"worker-{number}"))
    assert not errors
    assert sum(results.values()) == 1
    assert TaskLock.objects.get(key="impact:8").holder != "dead"


# --- one pending run per key ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_twenty_imports_in_a_row_queue_one_refresh():
    from django_tasks_db.models import DBTaskResult

    from campaigns.impact.tasks import STALE_KEY, refresh_stale_impacts

    with override_settings(TASKS=DATABASE_TASKS):
        queued = [task_safety.enqueue_once(refresh_stale_impacts, key=STALE_KEY) for _ in range(20)]
        assert sum(result is not None for result in queued) == 1
        assert DBTaskResult.objects.filter(task_path__endswith="refresh_stale_impacts").count() == 1
        # Once it has started, a later change queues a new run (the first may have read the data already).
        task_safety.started(STALE_KEY)
        assert task_safety.enqueue_once(refresh_stale_impacts, key=STALE_KEY) is not None
        assert DBTaskResult.objects.filter(task_path__endswith="refresh_stale_impacts").count() == 2


@pytest.mark.django_db
def test_a_lost_queue_entry_does_not_block_refreshes_for_ever():
    from campaigns.impact.tasks import STALE_KEY, refresh_stale_impacts

    with override_settings(TASKS=DATABASE_TASKS):
        assert task_safety.enqueue_once(refresh_stale_impacts, key=STALE_KEY) is not None
        assert task_safety.enqueue_once(refresh_stale_impacts, key=STALE_KEY) is None
        # The queued task vanished (a flushed Redis): the marker expires.
        TaskLock.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
        assert task_safety.enqueue_once(refresh_stale_impacts, key=STALE_KEY) is not None


# --- tasks left by dead workers ---------------------------------------------------------------------------------------


def _running_task(worker_ids):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_TASKS):
        from .worker_tasks import writes

        result = writes.enqueue("/nonexistent", "x")
    row = DBTaskResult.objects.get(pk=result.id)
    row.status = TaskResultStatus.RUNNING
    row.started_at = timezone.now()
    row.worker_ids = worker_ids
    row.save()
    return row


@pytest.mark.django_db
def test_a_task_of_a_live_worker_is_left_alone():
    task_safety.beat("alive")
    row = _running_task(["alive"])
    assert task_safety.reclaim_orphans(stale_after=60) == (0, 0)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.RUNNING


@pytest.mark.django_db
def test_a_task_of_a_dead_worker_is_queued_again_with_a_delay_then_failed_after_the_last_attempt(settings):
    settings.TASK_RETRY_SECONDS = 30
    WorkerHeartbeat.objects.create(worker_id="dead", seen_at=timezone.now() - datetime.timedelta(minutes=5))
    row = _running_task(["dead"])
    before = timezone.now()
    assert task_safety.reclaim_orphans(stale_after=60, max_attempts=3) == (1, 0)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY
    assert row.run_after >= before + datetime.timedelta(seconds=29)
    # Second attempt: the delay doubles.
    row.status, row.worker_ids = TaskResultStatus.RUNNING, ["dead", "dead-too"]
    row.save()
    before = timezone.now()
    assert task_safety.reclaim_orphans(stale_after=60, max_attempts=3) == (1, 0)
    row.refresh_from_db()
    assert row.run_after >= before + datetime.timedelta(seconds=59)
    # Third attempt died too: failed, with the reason, never looping.
    row.status, row.worker_ids = TaskResultStatus.RUNNING, ["dead", "dead-too", "dead-again"]
    row.save()
    assert task_safety.reclaim_orphans(stale_after=60, max_attempts=3) == (0, 1)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
    assert row.exception_class_path == "campaigns.core.tasks.WorkerLost"


@pytest.mark.django_db
def test_a_task_whose_worker_never_beat_is_an_orphan():
    row = _running_task([])
    assert task_safety.reclaim_orphans(stale_after=60) == (1, 0)
    row.refresh_from_db()
    assert row.status == TaskResultStatus.READY


# --- real worker processes ---------------------------------------------------------------------------------------


def _worker_environment(settings_dict, **extra) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": database_url(settings_dict),
        "TASKS_BACKEND": "database",
        "TASK_WORKER_STALE_SECONDS": "2",  # twice the heartbeat of the workers below
        "TASK_RETRY_SECONDS": "0",
        **extra,
    }
    environment.pop("REDIS_URL", None)
    return environment


def _start_worker(environment, log: Path, *arguments) -> subprocess.Popen:
    with log.open("wb") as errors:
        return subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--heartbeat", "1", *arguments],
            cwd=ROOT,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )


def _wait_for(path: Path, process: subprocess.Popen, log: Path, seconds: float = 120):
    deadline = time.monotonic() + seconds
    while not path.exists():
        if process.poll() is not None:
            pytest.fail(f"the worker exited before the task started: {log.read_text()[-2000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("the worker did not start the task")
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_killed_mid_task_leaves_the_task_to_another_which_runs_it_once(file_database, tmp_path):
    from django_tasks_db.models import DBTaskResult

    from .worker_tasks import stalls_on_first_attempt

    with override_settings(TASKS=DATABASE_TASKS):
        queued = stalls_on_first_attempt.enqueue(str(tmp_path))
    environment = _worker_environment(file_database)

    log = tmp_path / "first-worker.log"
    first = _start_worker(environment, log, "--worker-id", "first")
    _wait_for(tmp_path / "started", first, log)
    os.kill(first.pid, signal.SIGKILL)  # the machine is lost: no clean-up of any kind
    first.wait(timeout=30)
    row = DBTaskResult.objects.get(pk=queued.id)
    assert row.status == TaskResultStatus.RUNNING and row.worker_ids == ["first"]

    # Wait until the first worker's last heartbeat is older than TASK_WORKER_STALE_SECONDS (and a little more), the
    # time that makes it stale, counted from the beat itself rather than a fixed sleep.
    last_beat = WorkerHeartbeat.objects.get(worker_id="first").seen_at
    stale_at = last_beat + datetime.timedelta(seconds=int(environment["TASK_WORKER_STALE_SECONDS"]) + 0.5)
    time.sleep(max(0.0, (stale_at - timezone.now()).total_seconds()))
    assert timezone.now() > stale_at
    second = subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--batch", "--heartbeat", "1", "--worker-id", "second"],
        cwd=ROOT, env=environment, stdin=subprocess.DEVNULL, capture_output=True, timeout=180,
    )  # fmt: skip
    assert second.returncode == 0, second.stderr.decode()[-2000:]
    row.refresh_from_db()
    assert row.status == TaskResultStatus.SUCCESSFUL, (row.status, row.traceback)
    assert row.worker_ids == ["first", "second"]
    assert (tmp_path / "finished").read_text() == "done\n"

    # A third worker finds nothing to do: the task ran once.
    third = subprocess.run(
        [sys.executable, "manage.py", "run_worker", "--batch", "--heartbeat", "1", "--worker-id", "third"],
        cwd=ROOT, env=environment, stdin=subprocess.DEVNULL, capture_output=True, timeout=180,
    )  # fmt: skip
    assert third.returncode == 0, third.stderr.decode()[-2000:]
    assert (tmp_path / "finished").read_text() == "done\n"
    assert not WorkerHeartbeat.objects.filter(worker_id__in=["second", "third"]).exists()  # they said goodbye


# --- RQ, the backend for more than one machine --------------------------------------------------------------------

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(REDIS_TEST_URL)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def _rq_installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("django_tasks_rq") is not None


rq_only = pytest.mark.skipif(
    not (_rq_installed() and _redis_reachable()), reason="django-tasks-rq or the Redis server is missing"
)


def _manage(environment, *arguments, timeout=180) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=timeout,
    )


@rq_only
def test_rq_backend_passes_the_checks_and_its_worker_runs_a_task(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "TASKS_BACKEND": "rq",
        "REDIS_URL": REDIS_TEST_URL,
    }
    check = _manage(environment, "check", "--fail-level", "WARNING")
    assert check.returncode == 0, check.stderr.decode()[-2000:]
    folder = str(tmp_path)
    enqueue = _manage(
        environment, "shell", "-c",
        f"from tests.cms.worker_tasks import writes; print(writes.enqueue({folder!r}, 'từ hàng đợi RQ').id)",
    )  # fmt: skip
    assert enqueue.returncode == 0, enqueue.stderr.decode()[-2000:]
    job_id = enqueue.stdout.decode().strip().splitlines()[-1]
    worker = _manage(environment, "run_worker", "--batch")
    assert worker.returncode == 0, worker.stderr.decode()[-2000:]
    assert (tmp_path / "written").read_text(encoding="utf-8") == "từ hàng đợi RQ\n"
    status = _manage(
        environment, "shell", "-c",
        f"from tests.cms.worker_tasks import writes; print(writes.get_result({job_id!r}).status)",
    )  # fmt: skip
    assert status.stdout.decode().strip().splitlines()[-1] == "SUCCESSFUL", status.stderr.decode()[-2000:]


def test_rq_without_redis_url_or_package_is_refused_by_the_checks(tmp_path):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "TASKS_BACKEND": "rq",
    }
    environment.pop("REDIS_URL", None)
    check = _manage(environment, "check")
    assert check.returncode != 0
    output = check.stderr.decode()
    assert "REDIS_URL" in output and "cms.E103" in output
    unknown = _manage({**environment, "TASKS_BACKEND": "celery"}, "check")
    assert unknown.returncode != 0 and "cms.E101" in unknown.stderr.decode()
