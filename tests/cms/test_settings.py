import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]


def _run(args, timeout=120, **env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update(env)
    return subprocess.run(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


PRODUCTION = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
    "ALLOWED_HOSTS": "dichvucong.example.gov.vn",
    "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
    "WAGTAILADMIN_BASE_URL": "https://dichvucong.example.gov.vn",
}


@pytest.mark.parametrize(
    ("environment", "complaint"),
    [
        ({"DJANGO_SECRET_KEY": ""}, "DJANGO_SECRET_KEY"),
        ({"DJANGO_SECRET_KEY": "dev-only-insecure-key"}, "too weak"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS"),
        ({"EMAIL_BACKEND": ""}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}, "EMAIL_BACKEND"),
        ({"WAGTAILADMIN_BASE_URL": ""}, "WAGTAILADMIN_BASE_URL"),
        ({"WAGTAILADMIN_BASE_URL": "http://127.0.0.1:8000"}, "WAGTAILADMIN_BASE_URL"),
        ({"WAGTAILADMIN_BASE_URL": "http://dichvucong.example.gov.vn"}, "WAGTAILADMIN_BASE_URL"),
        ({"SMS_BACKEND": "trainings.sms.ConsoleSmsBackend"}, "SMS_BACKEND"),
    ],
    ids=[
        "no-secret",
        "weak-secret",
        "no-hosts",
        "no-email",
        "console-email",
        "no-base-url",
        "local-base-url",
        "http",
        "console-sms",
    ],
)
def test_production_refuses_to_start_without_its_secrets(environment, complaint):
    result = _run(
        ["-c", "import django; django.setup()"],
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        **(PRODUCTION | environment),
    )
    assert result.returncode != 0
    assert complaint in result.stderr


def test_check_deploy_is_clean_with_production_settings_and_a_secret():
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_base_settings_are_secure_by_default():
    from cms.settings import base

    assert base.DEBUG is False
    assert base.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert base.LANGUAGE_CODE == "vi"
    assert "vi" in dict(base.WAGTAILADMIN_PERMITTED_LANGUAGES)
    min_length = [v for v in base.AUTH_PASSWORD_VALIDATORS if "MinimumLength" in v["NAME"]][0]["OPTIONS"]["min_length"]
    assert min_length >= 12
    assert base.SESSION_COOKIE_AGE == 30 * 60 and base.SESSION_SAVE_EVERY_REQUEST


def test_sqlite_is_opened_in_wal_mode_with_immediate_transactions(monkeypatch):
    from cms.settings import base

    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = base.database_from_env()
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["OPTIONS"]["timeout"] >= 5
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]


def test_database_url_selects_postgresql(monkeypatch):
    from cms.settings import base

    monkeypatch.setenv("DATABASE_URL", "postgres://dvc:secret@db.internal:5432/dvc")
    config = base.database_from_env()
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["HOST"] == "db.internal" and config["NAME"] == "dvc"


@pytest.mark.django_db
def test_the_test_database_really_runs_in_wal_mode_on_sqlite():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    if connection.settings_dict["NAME"] in ("", ":memory:") or "mode=memory" in str(connection.settings_dict["NAME"]):
        # In-memory test databases cannot use WAL; the option is still configured.
        assert "journal_mode=WAL" in settings.DATABASES["default"]["OPTIONS"]["init_command"]
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_invalid_boolean_in_environment_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from cms.settings.env import env_bool, env_int

    monkeypatch.setenv("SOME_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("SOME_FLAG")
    monkeypatch.setenv("SOME_NUMBER", "1.5")
    with pytest.raises(ImproperlyConfigured):
        env_int("SOME_NUMBER", 3)


def test_tasks_run_immediately_in_tests_and_on_the_database_by_default():
    from cms.settings import base

    assert settings.TASKS["default"]["BACKEND"].endswith("ImmediateBackend")
    assert base.TASKS["default"]["BACKEND"] == "django_tasks_db.DatabaseBackend"


def test_production_language_cookie_is_secure_and_same_site():
    result = _run(
        [
            "-c",
            # The settings module alone (no app loading, which takes seconds and changes no setting).
            "from django.conf import settings as s; "
            "print(s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_HTTPONLY)",
        ],
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "Lax", "True"]


@pytest.mark.parametrize(
    ("redis", "backends"),
    [
        ("", ["django.core.cache.backends.db.DatabaseCache"] * 2),
        ("redis://127.0.0.1:6379/13", ["cms.cache.TolerantRedisCache"] * 2),
    ],
)
def test_the_caches_are_shared_by_every_process_with_or_without_redis(redis, backends):
    """Throttles and the page cache never live in one process's memory or one machine's files."""
    result = _run(
        [
            "-c",
            "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'], s.CACHES['pages']['BACKEND'])",
        ],
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        REDIS_URL=redis,
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == backends


@pytest.fixture
def memory_tmp_path(tmp_path):
    """A folder in memory (/dev/shm) where the system has one, else ``tmp_path``: each of the two hundred migrations
    commits its own transaction, and on disk every commit waits for the disk to confirm the write."""
    shm = Path("/dev/shm")  # noqa: S108 - a private folder made in it below
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir=shm, prefix="dvc-test-") as folder:
        yield Path(folder)


def test_migrate_creates_the_database_cache_tables(memory_tmp_path):
    database = memory_tmp_path / "cache.sqlite3"
    environment = {"DJANGO_SETTINGS_MODULE": "cms.settings.dev", "DATABASE_URL": f"sqlite:///{database}"}
    # The two hundred migrations take a minute on a busy machine (the suite runs on every core): a wide margin.
    result = _run(["manage.py", "migrate", "-v0"], timeout=600, REDIS_URL="", **environment)
    assert result.returncode == 0, result.stderr
    import sqlite3

    with sqlite3.connect(database) as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"cms_cache", "cms_page_cache"} <= tables
