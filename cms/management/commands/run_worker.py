"""The background task worker for whichever backend TASKS_BACKEND configures.

- database: django-tasks-db's worker, plus a heartbeat every few seconds and, on every beat, the reclaiming of
  tasks left RUNNING by workers that stopped beating (campaigns.core.tasks).
- rq: django-rq's worker with django-tasks-rq's job class (without it every job fails with "'Task' object is not
  callable"), its scheduler, and RQ's own handling of jobs abandoned by dead workers.
"""

import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connections
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from campaigns.core import tasks as task_safety

RQ_JOB_CLASS = "django_tasks_rq.backend.Job"


def backend_path(alias: str = "default") -> str:
    return settings.TASKS[alias]["BACKEND"]


class Command(BaseCommand):
    help = _("Run the background task worker of the configured backend (database or RQ).")

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help=_("stop when the queue is empty"))
        parser.add_argument("--max-tasks", type=int, default=None, help=_("stop after this many tasks"))
        parser.add_argument("--interval", type=float, default=1.0, help=_("seconds between looks at an empty queue"))
        parser.add_argument("--heartbeat", type=float, default=None, help=_("seconds between heartbeats"))
        parser.add_argument("--worker-id", default=None, help=_("name of this worker (default: random)"))

    def handle(self, *args, batch=False, max_tasks=None, interval=1.0, heartbeat=None, worker_id=None, **options):
        path = backend_path()
        if path.startswith("django_tasks_rq."):
            self._run_rq(batch=batch, max_tasks=max_tasks, worker_id=worker_id)
        elif path.startswith("django_tasks_db."):
            self._run_database(
                batch=batch, max_tasks=max_tasks, interval=interval, heartbeat=heartbeat, worker_id=worker_id
            )
        else:
            raise CommandError(
                _("The task backend %(backend)s runs tasks inside the request; there is no worker to start.")
                % {"backend": path}
            )

    def _run_rq(self, *, batch, max_tasks, worker_id):
        queues = settings.TASKS["default"].get("QUEUES") or ["default"]
        options = {"job_class": RQ_JOB_CLASS, "burst": batch, "with_scheduler": True}
        if max_tasks:
            options["max_jobs"] = max_tasks
        if worker_id:
            options["name"] = worker_id
        call_command("rqworker", *queues, **options)

    def _run_database(self, *, batch, max_tasks, interval, heartbeat, worker_id):
        from django_tasks_db.management.commands.db_worker import Worker

        worker_id = worker_id or get_random_string(32)
        heartbeat = heartbeat if heartbeat is not None else float(getattr(settings, "TASK_HEARTBEAT_SECONDS", 10))
        stop = threading.Event()

        def beat_and_reclaim():
            while True:
                try:
                    close_old_connections()
                    task_safety.beat(worker_id)
                    task_safety.reclaim_orphans()
                except Exception:  # noqa: BLE001 - a failed beat is retried at the next one, never fatal
                    task_safety.logger.exception("heartbeat of worker %s failed", worker_id)
                if stop.wait(heartbeat):
                    break
            connections.close_all()

        # Beat once before taking any task, so no other worker mistakes this one's first task for an orphan.
        task_safety.beat(worker_id)
        task_safety.reclaim_orphans()
        beater = threading.Thread(target=beat_and_reclaim, name="task-heartbeat", daemon=True)
        beater.start()
        worker = Worker(
            queue_names=["*"],
            interval=interval,
            batch=batch,
            backend_name="default",
            startup_delay=not batch,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        # SIGTERM (systemd stop, a deploy): finish the running task, then exit; a second signal stops at once.
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()
            beater.join(timeout=heartbeat + 5)
            task_safety.forget(worker_id)
