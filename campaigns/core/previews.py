"""Import previews kept in a user's session between the preview and the confirmation.

A preview may be confirmed only while it is younger than ``IMPORT_PREVIEW_MAX_AGE_SECONDS``; ``manage.py
purge_stale_data`` drops older ones from every stored session (cms/retention.py).
"""

import time
from collections.abc import Callable
from importlib import import_module

from django.conf import settings
from django.utils import timezone


def stamp() -> float:
    """The moment a preview is kept (stored with it in the session)."""
    return time.time()


def preview_is_fresh(pending: dict | None, *, now: float | None = None) -> bool:
    """A preview kept in a session may be confirmed only while it is younger than the maximum age."""
    if not pending or "created" not in pending:
        return False
    return (now or time.time()) - float(pending["created"]) <= settings.IMPORT_PREVIEW_MAX_AGE_SECONDS


def scrub_sessions(clean: Callable[[dict], bool]) -> int:
    """Apply ``clean(data) -> changed`` to every stored session's data; returns how many sessions changed."""
    from django.contrib.sessions.models import Session

    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    changed = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if data and clean(data):
            session.session_data = store_class().encode(data)
            session.save(update_fields=["session_data"])
            changed += 1
    return changed


def drop_stale_previews(data: dict, keys: tuple[str, ...], *, now: float | None = None) -> bool:
    """Remove previews under ``keys`` that are too old to be confirmed."""
    stale = [key for key in keys if key in data and not preview_is_fresh(data[key], now=now)]
    for key in stale:
        del data[key]
    return bool(stale)
