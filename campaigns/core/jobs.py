"""Exports and imports that run in the background, with their progress and a result only their owner opens.

A large admin export or the confirmation of a large import does not run in the request: the view queues a job
(:func:`job_queue`, one ``cms.AdminJob`` row) and sends the user to "Tệp xuất/nhập của tôi", which shows the job's
progress until it is done. The task :func:`run_admin_job` runs the job's :class:`JobRunner` — a class of the layer
that owns the data (the statistics export, the activity import…), named by its dotted path in the row — and records:

- the progress (rows done of rows in all) every ``PROGRESS_EVERY`` rows. Outside a transaction it is written at
  once; inside the import's transaction it goes through a second connection on PostgreSQL (so the page sees it
  while the import writes) and waits for the end on SQLite (one writer at a time);
- the result: an export's file in the default storage (``jobs/results/<owner id>-<128-bit token>.<ext>``, the media
  folder or the S3 bucket), an import's counts, or its refusal (the message and the rows by row, column and value,
  as the import page shows them; the import's transaction rolled back, so nothing was written).

Only the owner opens a job; the runner checks again at every opening that the owner may still see its data
(``JobRunner.may_open``). ``manage.py purge_stale_data`` erases jobs and their files after ``ADMIN_JOB_RETENTION_DAYS``.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import re
import secrets
import unicodedata
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from campaigns.core.errors import DomainError
from campaigns.core.job_models import AdminJob

logger = logging.getLogger(__name__)

RESULT_FOLDER = "jobs/results"
SOURCE_FOLDER = "jobs/sources"
PROGRESS_EVERY = 2000
SHOWN_ERRORS = 500
_STORED_NAME = re.compile(r"^jobs/(results|sources)/(?P<user>\d+)-[0-9a-f]{32}\.[a-z0-9]{1,5}$")
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"\\/:*?<>|]+")


class JobRunner:
    """What runs one kind of job. A subclass lives in the layer that owns the data and is named in the job row.

    ``run_job`` does the work, calls ``progress(done)`` as rows go by, and ends with :func:`store_result` (an export)
    or :func:`record_counts` (an import); a ``DomainError`` it raises is shown to the owner (an ``ImportFailed``
    with its rows). ``may_open`` says whether the owner may still open the job's result."""

    def run_job(self, job: AdminJob, progress) -> None:
        raise NotImplementedError

    def may_open(self, user, job: AdminJob) -> bool:
        raise NotImplementedError


def runner_path(runner_class: type[JobRunner]) -> str:
    return f"{runner_class.__module__}.{runner_class.__qualname__}"


def load_runner(path: str) -> JobRunner:
    """The runner of a job row; only a ``JobRunner`` subclass is accepted, whatever the row says."""
    runner_class = import_string(path)
    if not (isinstance(runner_class, type) and issubclass(runner_class, JobRunner)):
        raise TypeError(f"{path} is not a JobRunner")
    return runner_class()


def clean_file_name(name: str, *, default: str = "tep") -> str:
    """A name fit for a download header and a page: no folders, control characters or quotes, at most 120."""
    name = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip(" ._")
    if len(name) > 120:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: 115 - len(suffix)] + dot + suffix) if dot and len(suffix) <= 5 else name[:120]
    return name or default


def _stored_name(folder: str, owner_id: int, suffix: str) -> str:
    suffix = suffix.lower() if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix.lower()) else ".bin"
    return f"{folder}/{owner_id}-{secrets.token_hex(16)}{suffix}"


# --- queueing ------------------------------------------------------------------------------------------------------


def job_queue(
    *,
    actor,
    runner_class: type[JobRunner],
    kind: str,
    title: str,
    params: dict | None = None,
    total_rows: int = 0,
    source: str | None = None,
) -> AdminJob:
    """Record a job of ``actor`` and queue it once the request's transaction commits.

    ``source`` is a stored file the job reads (an import's pending upload): it is copied under ``jobs/sources`` so
    that the preview's clean-up cannot take it while the job waits."""
    source_file = ""
    if source:
        source_file = _stored_name(SOURCE_FOLDER, actor.pk, Path(source).suffix)
        with default_storage.open(source, "rb") as handle:
            source_file = default_storage.save(source_file, File(handle))
    job = AdminJob.objects.create(
        owner=actor,
        kind=kind,
        title=clean_file_name(title, default=kind)[:200],
        runner=runner_path(runner_class),
        params=params or {},
        total_rows=max(0, int(total_rows)),
        source_file=source_file,
    )
    transaction.on_commit(lambda: run_admin_job.enqueue(job.pk))
    return job


# --- progress ------------------------------------------------------------------------------------------------------


class Progress:
    """``progress(done)``: the job's rows done, stored every ``every`` rows (and by ``flush``)."""

    def __init__(self, job: AdminJob, *, every: int | None = None):
        self.job_id = job.pk
        self.every = max(1, every or PROGRESS_EVERY)
        self.done = job.done_rows
        self.stored = job.done_rows
        self._depth = len(connection.atomic_blocks)
        self._side = None

    def __call__(self, done: int) -> None:
        self.done = done
        if done - self.stored >= self.every:
            self.flush()

    def flush(self) -> None:
        if self.done == self.stored:
            return
        if len(connection.atomic_blocks) <= self._depth:
            AdminJob.objects.filter(pk=self.job_id).update(done_rows=self.done)
        elif connection.vendor == "postgresql":
            # Inside the import's transaction: a second connection, so the page sees the progress now.
            if self._side is None:
                self._side = connections.create_connection("default")
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {AdminJob._meta.db_table} SET done_rows = %s WHERE id = %s",  # noqa: S608
                    [self.done, self.job_id],
                )
        else:
            return  # SQLite: one writer at a time; stored when the transaction is over
        self.stored = self.done

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def counted(rows, progress: Progress):
    """The rows of ``rows``, telling ``progress`` how many went by."""
    done = 0
    for done, row in enumerate(rows, 1):  # noqa: B007
        yield row
        if done % progress.every == 0:
            progress(done)
    progress(done)


# --- results -------------------------------------------------------------------------------------------------------


def store_result(job: AdminJob, path: Path, download_name: str) -> None:
    """Keep the file ``path`` (the export the job wrote) as the job's result in the default storage."""
    name = _stored_name(RESULT_FOLDER, job.owner_id, Path(download_name).suffix)
    with Path(path).open("rb") as handle:
        job.result_file = default_storage.save(name, File(handle))
    job.result_name = clean_file_name(download_name)
    job.save(update_fields=["result_file", "result_name"])


def record_counts(job: AdminJob, message: str, *, errors=(), error_count: int = 0) -> None:
    """An import's outcome: its counts in words and the rows it skipped."""
    job.message = message
    job.errors = [_error_dict(error) for error in list(errors)[:SHOWN_ERRORS]]
    job.error_count = error_count
    job.save(update_fields=["message", "errors", "error_count"])


def _error_dict(error) -> dict:
    return {
        "row": getattr(error, "row", None),
        "column": getattr(error, "column", None),
        "value": getattr(error, "value", None),
        "message": str(getattr(error, "message", error)),
    }


def open_source(job: AdminJob):
    """A local path to the file the job imports (a temporary copy on remote storage)."""
    from campaigns.core.imports.uploads import local_copy

    return local_copy(job.source_file)


def _delete(name: str) -> None:
    if name and _STORED_NAME.match(name):
        with contextlib.suppress(FileNotFoundError, OSError):
            default_storage.delete(name)


# --- the task ------------------------------------------------------------------------------------------------------


def _claim(job_id: int) -> AdminJob | None:
    """Mark the job running; None when it is finished or gone (a task delivered twice runs it once)."""
    now = timezone.now()
    claimed = AdminJob.objects.filter(pk=job_id, state=AdminJob.State.QUEUED).update(
        state=AdminJob.State.RUNNING, started_at=now
    )
    job = AdminJob.objects.filter(pk=job_id).first()
    if job is None or job.finished or not (claimed or job.state == AdminJob.State.RUNNING):
        return None
    return job


def _finish(job: AdminJob, state: str, **fields) -> None:
    for name, value in fields.items():
        setattr(job, name, value)
    job.state = state
    job.finished_at = timezone.now()
    job.save(update_fields=["state", "finished_at", "done_rows", *fields])


@task()
def run_admin_job(job_id: int) -> str:
    """Run one export or import job; returns its final state."""
    job = _claim(job_id)
    if job is None:
        return "skipped"
    progress = Progress(job)
    try:
        load_runner(job.runner).run_job(job, progress)
    except DomainError as exc:
        report = getattr(exc, "report", None)
        errors = list(getattr(report, "errors", None) or getattr(exc, "errors", None) or [])
        job.done_rows = progress.done
        _finish(
            job,
            AdminJob.State.FAILED,
            message=exc.message,
            errors=[_error_dict(error) for error in errors[:SHOWN_ERRORS]],
            error_count=getattr(report, "error_count", None) or len(errors),
        )
    except Exception:
        logger.exception("admin job %s (%s) failed", job_id, job.runner)
        job.done_rows = progress.done
        _finish(
            job,
            AdminJob.State.FAILED,
            message=_(
                "The job stopped on an unexpected error: nothing was written. Try again, or tell the administrator."
            ),
        )
    else:
        job.done_rows = max(progress.done, job.done_rows)
        if not job.total_rows or job.done_rows > job.total_rows:
            job.total_rows = job.done_rows
            job.save(update_fields=["total_rows"])
        _finish(job, AdminJob.State.DONE)
    finally:
        progress.close()
        _delete(job.source_file)
    return job.state


# --- reading and clearing ------------------------------------------------------------------------------------------


def jobs_of(user):
    return AdminJob.objects.filter(owner=user)


def job_may_open(user, job: AdminJob) -> bool:
    """The owner, still allowed by the job's runner to see what it holds."""
    if not (user and user.is_authenticated and user.is_active and job.owner_id == user.pk):
        return False
    try:
        return load_runner(job.runner).may_open(user, job)
    except (ImportError, TypeError):
        return False


def purge(*, now: datetime.datetime | None = None) -> int:
    """Erase jobs created more than ``ADMIN_JOB_RETENTION_DAYS`` ago with their files; returns how many."""
    limit = (now or timezone.now()) - datetime.timedelta(days=settings.ADMIN_JOB_RETENTION_DAYS)
    deleted = 0
    for job in AdminJob.objects.filter(created_at__lt=limit).only("pk", "result_file", "source_file").iterator():
        _delete(job.result_file)
        _delete(job.source_file)
        job.delete()
        deleted += 1
    return deleted
