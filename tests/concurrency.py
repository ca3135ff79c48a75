"""Helpers for the concurrency tests: run work in many threads released at the same moment, or in processes."""

import threading
from collections.abc import Callable

from django.db import connections

# PostgreSQL allows 100 connections by default and other clients need some: at most this many
# of the threads hold a connection at the same time (the others wait at the door, not in the database).
MAX_CONNECTIONS = 40


def at_once(count: int, work: Callable[[int], object], *, limit: int = MAX_CONNECTIONS):
    """Run ``work(0..count-1)`` in ``count`` threads released together; (results, errors)."""
    barrier = threading.Barrier(count, timeout=120)
    door = threading.BoundedSemaphore(limit)
    results, errors = {}, []

    def run(number):
        try:
            barrier.wait()
            with door:
                try:
                    results[number] = work(number)
                finally:
                    connections.close_all()
        except BaseException as exc:  # noqa: BLE001 - every failure is reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(number,)) for number in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def database_url(settings_dict) -> str:
    """The DATABASE_URL that points a worker or server process at the database of ``settings_dict``."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user, host = settings_dict.get("USER") or "postgres", settings_dict.get("HOST") or "127.0.0.1"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{settings_dict.get('PORT') or 5432}/{settings_dict['NAME']}"
