"""A Redis cache that degrades to "no cache" while Redis is unreachable.

Django's ``RedisCache`` raises on every call when Redis is down, so every page (and Wagtail's own site-root and
rendition lookups) would answer 500. Here a failing call logs once, behaves like a miss (reads return the default,
writes do nothing) and keeps Redis out of the way for ``RETRY_SECONDS`` before trying again: pages get slower,
none breaks.
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

RETRY_SECONDS = 10.0


class TolerantRedisCache(RedisCache):
    _down_until = 0.0  # shared by the process: one failing request is enough to stop asking for a while

    def __init__(self, server, params):
        options = params.setdefault("OPTIONS", {})
        # Fail fast: a page must not wait seconds for a cache.
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        super().__init__(server, params)

    def _guard(self, name, fallback, call):
        if time.monotonic() < TolerantRedisCache._down_until:
            return fallback
        try:
            return call()
        except Exception as error:  # noqa: BLE001 (redis-py raises several families: connection, timeout, response)
            logger.warning("cache unavailable (%s: %s); serving without it", name, type(error).__name__)
            TolerantRedisCache._down_until = time.monotonic() + RETRY_SECONDS
            return fallback

    def get(self, key, default=None, version=None):
        return self._guard("get", default, lambda: super(TolerantRedisCache, self).get(key, default, version))

    def get_many(self, keys, version=None):
        return self._guard("get_many", {}, lambda: super(TolerantRedisCache, self).get_many(keys, version))

    def has_key(self, key, version=None):
        return self._guard("has_key", False, lambda: super(TolerantRedisCache, self).has_key(key, version))

    def set(self, *args, **kwargs):
        return self._guard("set", None, lambda: super(TolerantRedisCache, self).set(*args, **kwargs))

    def add(self, *args, **kwargs):
        return self._guard("add", False, lambda: super(TolerantRedisCache, self).add(*args, **kwargs))

    def touch(self, *args, **kwargs):
        return self._guard("touch", False, lambda: super(TolerantRedisCache, self).touch(*args, **kwargs))

    def delete(self, *args, **kwargs):
        return self._guard("delete", False, lambda: super(TolerantRedisCache, self).delete(*args, **kwargs))

    def set_many(self, *args, **kwargs):
        keys = list(args[0] if args else kwargs.get("data", {}))
        return self._guard("set_many", keys, lambda: super(TolerantRedisCache, self).set_many(*args, **kwargs))

    def delete_many(self, *args, **kwargs):
        return self._guard("delete_many", None, lambda: super(TolerantRedisCache, self).delete_many(*args, **kwargs))

    def clear(self):
        return self._guard("clear", False, lambda: super(TolerantRedisCache, self).clear())

    def incr(self, key, delta=1, version=None):
        missing = object()
        result = self._guard("incr", missing, lambda: super(TolerantRedisCache, self).incr(key, delta, version))
        if result is missing:
            raise ValueError(f"Key '{key}' not found (the cache is unavailable)")
        return result
