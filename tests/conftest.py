import io
import os
import sqlite3

import pytest
from django.core.management import call_command
from django.db import connection, connections

from .smtp_server import smtp_server  # noqa: F401 - a fixture for every test module


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The migrated test database, without the unit catalogue (tests that need it ask for ``catalogue``)."""
    yield
    # Worker, gunicorn and RQ processes started by tests connect to the test database; one that has not yet gone
    # (killed on purpose, or still exiting) must not stop PostgreSQL from dropping it.
    if connection.vendor == "postgresql":
        with django_db_blocker.unblock(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid()"
            )


@pytest.fixture(scope="session")
def _catalogue_loaded(django_db_setup, django_db_blocker):
    """The real catalogue (24.806 units and their links), loaded and committed once per test database, the first
    time a test asks for it, and copied to snapshot tables that ``catalogue`` restores from after a flush.

    Session-scoped, so it is set up before the test's own transaction opens and is never rolled back with it.

    With ``TEST_CATALOGUE_STRICT=1`` the units stay only in the snapshot and every test that asks for them gets them
    inside its own transaction: a test that uses real units without asking then fails whatever ran before it (on
    one process, or on several, in any order). Slower; for checking the suite, not for every run.
    """
    with django_db_blocker.unblock():
        call_command("load_units", verbosity=0, stdout=io.StringIO())
        _units_snapshot()
        if os.environ.get("TEST_CATALOGUE_STRICT") == "1":
            _empty_units()


@pytest.fixture
def catalogue(request, _catalogue_loaded):
    """The real administrative units (``unit("68")`` and the other real codes), for the tests that need them; the
    others use the small tree of tests/factories/units.py (``tree``). Ask for it in a module with
    ``pytestmark = pytest.mark.usefixtures("catalogue")``, or as a test argument.

    A transactional test empties every table when it ends; the next test that asks for the catalogue gets the same
    rows back from the snapshot. A test of such a module without database access gets nothing.
    """
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db"} & set(request.fixturenames):
        _restore_units()


@pytest.fixture(autouse=True)
def _vietnamese(settings):
    from django.utils import translation

    with translation.override("vi"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- concurrency tests (transactional: every thread has its own connection) -----------------------------------


def _unit_models():
    from campaigns.units.models import AdministrativeUnit, UnitSuccession

    return [AdministrativeUnit, UnitSuccession]  # in the order they are written back (links point at units)


def _snapshot_table(model) -> str:
    return f"test_snapshot_{model._meta.db_table}"


def _units_snapshot():
    """Copy the loaded units and links to two plain tables, which no flush empties, for ``units`` to restore."""
    with connection.cursor() as cursor:
        for model in _unit_models():
            table = connection.ops.quote_name(_snapshot_table(model))
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            source = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"CREATE TABLE {table} AS SELECT * FROM {source}")  # noqa: S608 - names from the models


def _empty_units():
    with connection.cursor() as cursor:
        for model in reversed(_unit_models()):
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608


def _restore_units():
    """Copy the snapshot's units and links back into tables a flush emptied (the same rows, ids included), in one
    statement per table: loading the catalogue again with ``units_load`` takes seconds."""
    from django.core.management.color import no_style

    from campaigns.units.models import AdministrativeUnit

    if AdministrativeUnit.objects.exists():
        return
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in _unit_models():
            columns = ", ".join(quote(field.column) for field in model._meta.concrete_fields)
            cursor.execute(
                f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608 - names from the models
                f"SELECT {columns} FROM {quote(_snapshot_table(model))}"
            )
        for statement in connection.ops.sequence_reset_sql(no_style(), _unit_models()):
            cursor.execute(statement)
        cursor.execute(f"SELECT COUNT(*) FROM {quote(_snapshot_table(AdministrativeUnit))}")  # noqa: S608
        assert AdministrativeUnit.objects.count() == cursor.fetchone()[0] > 0


@pytest.fixture
def units(catalogue):
    """The real administrative units for transactional tests, which start from the migrated database without them."""


@pytest.fixture
def shared_database(units, file_database):
    """The real administrative units in a database that every thread and process reaches (``file_database``)."""
    yield file_database


@pytest.fixture
def file_database(tmp_path):
    """A database that every thread and every process reaches and that locks as in production.

    PostgreSQL: the test database as it is. SQLite: Django's test database lives in memory with a
    shared cache, whose table locks make a second writer fail at once with "database table is
    locked" (SQLITE_LOCKED does not wait for the busy timeout). The production database is a file
    in WAL mode with IMMEDIATE transactions and a busy timeout, where writers queue. So, for this
    test, the in-memory database is copied to a file and opened with the production options.
    """
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        yield connection.settings_dict
        return
    assert connections.settings[connection.alias] is connection.settings_dict  # threads connect with this dict
    connection.ensure_connection()
    memory = connection.connection
    path = tmp_path / "concurrency.sqlite3"
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    name = connection.settings_dict["NAME"]
    connection.connection = None  # the in-memory database stays open (and alive) in ``memory``
    connection.settings_dict["NAME"] = str(path)
    # Writers queue on the busy timeout as in production; on a loaded test machine twenty queued writers may wait
    # longer than production's 20 seconds, so the wait is longer here (the queueing itself is what is tested).
    options = connection.settings_dict.setdefault("OPTIONS", {})
    timeout = options.get("timeout")
    options["timeout"] = max(timeout or 0, 120)
    try:
        yield connection.settings_dict
    finally:
        connection.close()
        connection.settings_dict["NAME"] = name
        if timeout is None:
            options.pop("timeout", None)
        else:
            options["timeout"] = timeout
        connection.connection = memory


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    from trainings.sms import LocmemSmsBackend

    LocmemSmsBackend.outbox.clear()
    yield
    LocmemSmsBackend.outbox.clear()


@pytest.fixture
def officer(client, settings, tmp_path, catalogue):
    """A logged-in unit officer of Tây Ninh whose uploads land in a temporary folder."""
    from campaigns.access.roles import Role

    from .factories.users import UserFactory, unit

    settings.MEDIA_ROOT = tmp_path
    user = UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("68")])
    client.force_login(user)
    return user


@pytest.fixture
def tree():
    """The small unit tree of tests/factories/units.py: a province, its districts and communes across the reform."""
    from .factories.units import mini_tree

    return mini_tree()
