"""`make run` = `manage.py serve`: the web server and the task worker together, both stopped by Ctrl-C."""

import io
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from cms.processes import run_together

ROOT = Path(__file__).resolve().parents[2]


def _environment(**extra):
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    environment.update({"DJANGO_SETTINGS_MODULE": "cms.settings.dev", **extra})
    return environment


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _processes_with(marker: str) -> list[int]:
    """Our processes whose environment carries the marker (children and grandchildren included)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_one_process_stopping_stops_the_others_and_its_code_is_returned():
    sleeper = [sys.executable, "-c", "import time; time.sleep(60)"]
    failing = [sys.executable, "-c", "import sys, time; time.sleep(0.5); sys.exit(3)"]
    started = []
    began = time.monotonic()
    code = run_together([sleeper, failing], grace_seconds=5, on_start=started.append)
    assert code == 3
    assert time.monotonic() - began < 20
    assert all(process.poll() is not None for process in started)
    assert started[0].returncode == -signal.SIGTERM


def test_a_process_that_ignores_sigterm_is_killed_after_the_grace_period():
    stubborn = [
        sys.executable,
        "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)",
    ]
    quick = [sys.executable, "-c", "import time; time.sleep(1.0)"]
    started = []
    code = run_together([stubborn, quick], grace_seconds=1, on_start=started.append)
    assert code == 0
    assert started[0].returncode == -signal.SIGKILL


def test_serve_starts_the_web_server_and_the_worker(monkeypatch):
    seen = {}

    def fake_run_together(commands, **kwargs):
        seen["commands"] = commands
        return 0

    monkeypatch.setattr("cms.management.commands.serve.run_together", fake_run_together)
    call_command("serve", "127.0.0.1:8123", stdout=io.StringIO())
    runserver, worker = seen["commands"]
    assert runserver[-2:] == ["runserver", "127.0.0.1:8123"]
    assert worker[-1] == "run_worker"

    call_command("serve", "--no-worker", stdout=io.StringIO())
    assert len(seen["commands"]) == 1


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_ctrl_c_stops_the_server_and_the_worker(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("copies the SQLite test database to a file")
    marker = f"DVC_SERVE_TEST_{os.getpid()}_{time.monotonic_ns()}"
    environment = _environment(
        SQLITE_PATH=str(tmp_path / "db.sqlite3"), DVC_TEST_MARKER=marker, PAGE_CACHE_SECONDS="0"
    )
    # The test database, migrated, copied to a file that the server and the worker open (a transactional test: no
    # transaction of ours holds the database while it is copied).
    connection.ensure_connection()
    copy = sqlite3.connect(tmp_path / "db.sqlite3")
    connection.connection.backup(copy)
    copy.close()
    port = _free_port()
    serve = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "serve", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 90
        status = None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=5) as response:  # noqa: S310
                    status = response.status
            except OSError:
                time.sleep(0.1)
        assert status == 200
        # The demo serves the site's own Vietnamese 404 page, not Django's English debug page with every URL pattern.
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/huong-dan/khong-co-trang-nay/", timeout=30)  # noqa: S310
        assert missing.value.code == 404
        body = missing.value.read().decode()
        assert "Không tìm thấy trang" in body
        assert "URLconf" not in body
        commands = [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in _processes_with(marker)]
        assert any(b"runserver" in command for command in commands)
        assert any(b"run_worker" in command for command in commands)
        assert serve.poll() is None

        serve.send_signal(signal.SIGINT)
        serve.wait(timeout=30)
        deadline = time.monotonic() + 15
        while _processes_with(marker) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert _processes_with(marker) == []
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=2):
            pass
    finally:
        if serve.poll() is None:
            serve.kill()


@pytest.mark.parametrize(("value", "debug"), [(None, False), ("1", True), ("false", False)])
def test_the_demo_shows_debug_pages_only_when_asked(value, debug):
    extra = {"DJANGO_DEBUG": value} if value is not None else {}
    result = subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=_environment(**extra),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == str(debug), result.stderr
