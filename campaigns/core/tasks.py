"""Background work that is never doubled or lost, whichever backend runs it and however many workers there are.

- **Locks** (:func:`acquire`, :func:`release`, :func:`locked`): a row per key in ``cms.TaskLock``, created or taken
  over in one statement, so two workers on two machines cannot both hold it. A lock expires, so a holder that died
  does not block the work for ever; the same holder (a retried task) may take its own lock again.
- **One pending run per key** (:func:`enqueue_once`): a marker lock is taken when a task is queued and dropped when it
  starts, so twenty imports in a row queue one refresh, not twenty.
- **Workers that die** (:func:`beat`, :func:`reclaim_orphans`): every worker of the database backend records a
  heartbeat (``manage.py run_worker``); a task left RUNNING by a worker that stopped beating is put back in the queue
  with a growing delay, and marked failed after ``TASK_MAX_ATTEMPTS`` attempts. RQ does the same for its own
  workers (its abandoned-job registry); see docs/operations.md.
"""

from __future__ import annotations

import datetime
import logging
from contextlib import contextmanager

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from campaigns.core.task_models import TaskLock, WorkerHeartbeat

logger = logging.getLogger(__name__)

DEFAULT_LOCK_SECONDS = 30 * 60
PENDING_PREFIX = "pending:"


def _seconds(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


# --- locks -----------------------------------------------------------------------------------------------------------


def acquire(key: str, holder: str, *, seconds: float = DEFAULT_LOCK_SECONDS, reentrant: bool = True) -> bool:
    """Take the lock ``key`` for ``holder``. False when someone else holds it, or (``reentrant=False``) anyone.

    A reentrant lock held by ``holder`` is extended: a retried task takes its own lock again."""
    now = timezone.now()
    expires = now + datetime.timedelta(seconds=seconds)
    free = Q(expires_at__lte=now) | Q(holder=holder) if reentrant else Q(expires_at__lte=now)
    with transaction.atomic():
        # Expired (or already ours): take it over in one UPDATE (row-locked), so two takers cannot both win.
        taken = (
            TaskLock.objects.filter(key=key)
            .filter(free)
            .update(
                holder=holder,
                expires_at=expires,
                taken_at=Case(When(holder=holder, then=F("taken_at")), default=Value(now)),
            )
        )
        if taken:
            return True
        try:
            with transaction.atomic():
                TaskLock.objects.create(key=key, holder=holder, taken_at=now, expires_at=expires)
        except IntegrityError:
            return False
    return True


def release(key: str, holder: str | None = None) -> None:
    """Drop the lock (only ``holder``'s when given)."""
    locks = TaskLock.objects.filter(key=key)
    if holder is not None:
        locks = locks.filter(holder=holder)
    locks.delete()


@contextmanager
def locked(key: str, holder: str, *, seconds: float = DEFAULT_LOCK_SECONDS):
    """``with locked(key, holder) as mine:`` — ``mine`` is False when another holder has the lock (do nothing)."""
    mine = acquire(key, holder, seconds=seconds)
    try:
        yield mine
    finally:
        if mine:
            release(key, holder)


# --- one pending run per key ----------------------------------------------------------------------------------------


def enqueue_once(task, *args, key: str, seconds: float = 60 * 60):
    """Queue ``task(*args)`` unless a run for ``key`` is already waiting; the task calls :func:`started` first.

    Returns the task result, or None when a run was already waiting. The marker expires after ``seconds`` in case
    the queue lost the task (a flushed Redis), so the work is never blocked for longer than that.
    """
    marker = PENDING_PREFIX + key
    if not acquire(marker, "queue", seconds=seconds, reentrant=False):
        return None
    try:
        return task.enqueue(*args)
    except Exception:
        release(marker)
        raise


def started(key: str) -> None:
    """Called by a task queued with :func:`enqueue_once` as it starts: later changes queue a new run."""
    release(PENDING_PREFIX + key)


# --- heartbeats and tasks left by dead workers ---------------------------------------------------------------------


def beat(worker_id: str) -> None:
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": timezone.now()})


def forget(worker_id: str) -> None:
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


class WorkerLost(RuntimeError):
    """The worker running a task stopped (killed, machine lost) before the task finished."""


def reclaim_orphans(*, stale_after: float | None = None, max_attempts: int | None = None) -> tuple[int, int]:
    """Put back the RUNNING tasks whose worker stopped beating; (requeued, failed).

    A task is retried after 30 s, 60 s, 120 s … and marked failed after ``max_attempts`` attempts, so a task that
    kills its worker every time does not loop for ever.
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    stale_after = stale_after if stale_after is not None else _seconds("TASK_WORKER_STALE_SECONDS", 60)
    max_attempts = max_attempts if max_attempts is not None else int(getattr(settings, "TASK_MAX_ATTEMPTS", 3))
    backoff = _seconds("TASK_RETRY_SECONDS", 30)
    now = timezone.now()
    alive = set(
        WorkerHeartbeat.objects.filter(seen_at__gte=now - datetime.timedelta(seconds=stale_after)).values_list(
            "worker_id", flat=True
        )
    )
    requeued = failed = 0
    candidates = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).values_list("pk", "worker_ids")
    for pk, worker_ids in candidates:
        if worker_ids and worker_ids[-1] in alive:
            continue
        with transaction.atomic():
            task_result = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if task_result is None:
                continue
            attempts = len(task_result.worker_ids)
            if attempts >= max_attempts:
                task_result.status = TaskResultStatus.FAILED
                task_result.finished_at = now
                task_result.exception_class_path = f"{WorkerLost.__module__}.{WorkerLost.__qualname__}"
                task_result.traceback = f"the worker stopped during attempt {attempts} of {max_attempts}"
                task_result.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
                failed += 1
                logger.error("task %s failed: its worker stopped %s times", pk, attempts)
            else:
                task_result.status = TaskResultStatus.READY
                task_result.run_after = now + datetime.timedelta(seconds=backoff * 2 ** max(0, attempts - 1))
                task_result.save(update_fields=["status", "run_after"])
                requeued += 1
                logger.warning("task %s put back in the queue: its worker stopped (attempt %s)", pk, attempts)
    return requeued, failed
