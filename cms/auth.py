"""Login brute-force throttling on top of Django's model backend.

Failed attempts are counted per pair of client address and account. Past
``LOGIN_FAILURE_LIMIT`` failures within the window the pair backs off: it is refused, even with the
right password, for ``LOGIN_BACKOFF_SECONDS`` doubled at every further failure, at most
``LOGIN_BACKOFF_MAX_SECONDS``. One address guessing many accounts backs off too
(``LOGIN_ADDRESS_FAILURE_LIMIT``). Nobody can lock a user out: the real user, from their own
address, is never refused because of failures made elsewhere.

The counters live in the database (``LoginThrottle``), so throttling holds with several workers and
whether or not a cache (Redis) is reachable. Keys are keyed hashes: no address or user name is stored.
"""

import datetime
import hashlib
import hmac
import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction
from django.dispatch import receiver
from django.utils import timezone

from cms.models import LoginThrottle

logger = logging.getLogger(__name__)


def _digest(kind: str, value: str) -> str:
    key = settings.SECRET_KEY.encode()
    return kind + ":" + hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:40]


def _address(request) -> str:
    return (request.META.get("REMOTE_ADDR") if request is not None else None) or "unknown"


def _keys(username: str | None, request) -> list[tuple[str, int]]:
    """(key, failure limit) for the address + account pair and for the address alone."""
    address = _address(request)
    keys = [(_digest("address", address), settings.LOGIN_ADDRESS_FAILURE_LIMIT)]
    if username:
        account = username.strip().casefold()
        keys.insert(0, (_digest("pair", f"{address}\x1f{account}"), settings.LOGIN_FAILURE_LIMIT))
    return keys


def backoff_seconds(failures: int, limit: int) -> int:
    """How long a key is refused after ``failures`` failures (0 below the limit)."""
    if failures < limit:
        return 0
    doublings = min(failures - limit, 20)
    return min(settings.LOGIN_BACKOFF_SECONDS * 2**doublings, settings.LOGIN_BACKOFF_MAX_SECONDS)


def login_is_throttled(username: str | None, request, *, now=None) -> bool:

    now = now or timezone.now()
    keys = [key for key, _limit in _keys(username, request)]
    try:
        return LoginThrottle.objects.filter(key__in=keys, blocked_until__gt=now).exists()
    except DatabaseError:  # the database is down: the login itself cannot succeed either
        return True


def record_login_failure(username: str | None, request, *, now=None) -> None:

    now = now or timezone.now()
    window = datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    for key, limit in _keys(username, request):
        with transaction.atomic():
            row, created = LoginThrottle.objects.select_for_update().get_or_create(
                key=key, defaults={"failures": 0, "last_failure": now}
            )
            if not created and row.last_failure < now - window and (not row.blocked_until or row.blocked_until < now):
                row.failures = 0
            row.failures += 1
            row.last_failure = now
            seconds = backoff_seconds(row.failures, limit)
            row.blocked_until = now + datetime.timedelta(seconds=seconds) if seconds else None
            row.save()


def clear_login_failures(username: str | None, request) -> None:

    LoginThrottle.objects.filter(key=_keys(username, request)[0][0]).delete()


def purge_login_throttles(*, now=None) -> int:
    """Forget counters that neither refuse anyone nor count any more (scheduled clean-up)."""
    from django.db.models import Q

    now = now or timezone.now()
    stale = now - datetime.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    deleted, _ = LoginThrottle.objects.filter(
        Q(blocked_until__isnull=True) | Q(blocked_until__lt=now), last_failure__lt=stale
    ).delete()
    return deleted


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if login_is_throttled(username, request):
            logger.warning("login refused: too many failed attempts from this address")
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    record_login_failure(credentials.get("username"), request)


@receiver(user_logged_in)
def _on_logged_in(sender, request, user, **kwargs):
    clear_login_failures(user.get_username(), request)
