"""The transaction of an import: all or nothing, one import of a kind at a time.

PostgreSQL serialises imports of one kind with a transaction-level advisory lock. SQLite takes its
write lock on the first write; threads of one process also queue on ``thread_lock`` before it,
because a shared-cache database (Django's in-memory test database) answers "database table is
locked" at once instead of waiting for the busy timeout. The thread lock is not taken inside an
outer transaction (that one already holds the write lock).
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext

from django.db import connection, transaction


@contextmanager
def import_transaction(lock_id: int, thread_lock: threading.Lock) -> Iterator[None]:
    in_process = thread_lock if connection.vendor == "sqlite" and not connection.in_atomic_block else nullcontext()
    with in_process, transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])
        yield
