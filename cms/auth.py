"""Login brute-force throttling on top of Django's model backend.

Failed attempts are counted in the cache per user name and per client address. Past the limit
the backend refuses even a correct password until the window has passed. A missing cache only
weakens throttling; logging in keeps working.
"""

import hashlib
import logging

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver

logger = logging.getLogger(__name__)


def _keys(username: str | None, request) -> list[str]:
    keys = []
    if username:
        digest = hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]
        keys.append(f"login-fail:user:{digest}")
    address = request.META.get("REMOTE_ADDR") if request is not None else None
    if address:
        keys.append(f"login-fail:ip:{hashlib.sha256(address.encode()).hexdigest()[:32]}")
    return keys


def login_is_throttled(username: str | None, request) -> bool:
    limit = settings.LOGIN_FAILURE_LIMIT
    try:
        counts = cache.get_many(_keys(username, request))
    except Exception:  # noqa: BLE001 - a missing cache must not block logins
        return False
    return any(count >= limit for count in counts.values())


def record_login_failure(username: str | None, request) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key in _keys(username, request):
        try:
            if cache.add(key, 1, window):
                continue
            cache.incr(key)
        except Exception:  # noqa: BLE001, S112
            continue


def clear_login_failures(username: str | None, request) -> None:
    try:
        cache.delete_many(_keys(username, request)[:1])
    except Exception:  # noqa: BLE001
        return


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if login_is_throttled(username, request):
            logger.warning("login refused: too many failed attempts")
            raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs):
    record_login_failure(credentials.get("username"), request)


@receiver(user_logged_in)
def _on_logged_in(sender, request, user, **kwargs):
    clear_login_failures(user.get_username(), request)
