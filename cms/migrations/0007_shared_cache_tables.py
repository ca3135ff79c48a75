"""The cache tables of the database cache (settings: the caches without REDIS_URL), shared by every server."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    # Creates the table of every DatabaseCache in CACHES that does not exist yet (none with Redis); idempotent, so
    # `manage.py createcachetable` after switching away from Redis does the same.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("cms", "0006_task_locks_and_worker_heartbeats")]

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop, elidable=True)]
