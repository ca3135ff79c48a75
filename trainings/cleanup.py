"""Roster previews kept in back-office sessions between upload and confirmation: expired ones are erased by
``manage.py purge_stale_data``, and erasing a person removes every preview that holds their phone number."""

from campaigns.core import previews
from trainings.admin_views import SESSION_IMPORT_KEY


def purge_stale_roster_previews(*, now: float | None = None) -> int:
    return previews.scrub_sessions(lambda data: previews.drop_stale_previews(data, (SESSION_IMPORT_KEY,), now=now))


def forget_roster_previews_of(phone: str) -> int:
    """Drop every unconfirmed roster preview that lists ``phone`` (a person's erasure reaches them)."""

    def clean(data: dict) -> bool:
        preview = data.get(SESSION_IMPORT_KEY)
        if preview and any(row.get("phone") == phone for row in preview.get("rows", [])):
            del data[SESSION_IMPORT_KEY]
            return True
        return False

    return previews.scrub_sessions(clean) if phone else 0


def purge_stale_registrations(*, now=None) -> int:
    """Erase public registrations whose confirmation code has expired (they held no seat)."""
    from django.utils import timezone

    from trainings.models import PendingRegistration

    deleted, _ = PendingRegistration.objects.filter(expires_at__lte=now or timezone.now()).delete()
    return deleted
