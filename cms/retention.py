"""Short-lived data that must not outlive its use: import previews, refused files, roster previews in
sessions, expired sessions, background export and import jobs with their files. ``manage.py purge_stale_data``
(run every 15 minutes by cron or a systemd timer, docs/operations.md) erases what is older than
``IMPORT_PREVIEW_MAX_AGE_SECONDS`` (jobs: ``ADMIN_JOB_RETENTION_DAYS``).
"""

from importlib import import_module

from django.conf import settings

from campaigns.core import jobs
from campaigns.core.imports.uploads import purge
from cms.auth import purge_login_throttles
from trainings.cleanup import pending_registration_purge_expired, roster_preview_purge_stale


def purge_pending_files(*, now: float | None = None) -> int:
    """Delete uploaded import files older than the maximum age (abandoned previews, refused files)."""

    return purge(now=now)


def clear_expired_sessions() -> None:
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    store_class.clear_expired()


def purge_stale_data() -> dict[str, int]:
    """Everything above, and the other apps' short-lived data; returns counts per kind."""

    counts = {
        "pending_files": purge_pending_files(),
        "roster_previews": roster_preview_purge_stale(actor=None),
        "unconfirmed_registrations": pending_registration_purge_expired(actor=None),
        "login_counters": purge_login_throttles(),
        "admin_jobs": jobs.purge(),
    }
    clear_expired_sessions()
    return counts
