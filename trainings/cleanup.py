"""Roster previews kept in back-office sessions between upload and confirmation: expired ones are erased by
``manage.py purge_stale_data``, and erasing a person removes every preview that holds their phone number."""

from campaigns.core import previews
from trainings.admin_views import SESSION_IMPORT_KEY
from trainings.models import PendingRegistration


def roster_preview_purge_stale(*, actor, now: float | None = None) -> int:
    """Erase roster previews older than their lifetime from every back-office session (``actor`` None: cron)."""
    return previews.scrub_sessions(lambda data: previews.drop_stale_previews(data, (SESSION_IMPORT_KEY,), now=now))


def roster_preview_forget(*, actor, phone: str) -> int:
    """Drop every unconfirmed roster preview that lists ``phone`` (``actor``'s erasure of the person reaches them)."""

    def clean(data: dict) -> bool:
        preview = data.get(SESSION_IMPORT_KEY)
        if preview and any(row.get("phone") == phone for row in preview.get("rows", [])):
            del data[SESSION_IMPORT_KEY]
            return True
        return False

    return previews.scrub_sessions(clean) if phone else 0


def pending_registration_purge_expired(*, actor, now=None) -> int:
    """Erase public registrations whose confirmation code has expired (they held no seat); ``actor`` None: cron."""
    from django.utils import timezone

    deleted, _ = PendingRegistration.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
