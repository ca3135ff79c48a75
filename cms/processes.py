"""Run several long-lived processes together: the web server and the task worker of `make run`.

One command starts them; when one of them stops, or on Ctrl-C (SIGINT) or SIGTERM, every other one is asked to
stop (SIGTERM), then killed if it has not stopped within the grace period. The exit code is the first non-zero one.
Each process runs in its own process group and the signal goes to the whole group, so that the child that
runserver's autoreloader starts stops with it instead of keeping the port.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence


class _Stop(Exception):
    """Raised by the signal handler: stop every process."""


def _raise_stop(signum, frame):
    raise _Stop(signum)


def run_together(
    commands: Sequence[Sequence[str]],
    *,
    grace_seconds: float = 10.0,
    poll_seconds: float = 0.2,
    on_start: Callable[[subprocess.Popen], None] | None = None,
) -> int:
    """Start every command, wait until one stops or a stop signal arrives, then stop the others."""
    previous = {sig: signal.signal(sig, _raise_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    processes: list[subprocess.Popen] = []
    exit_code = 0
    try:
        for command in commands:
            process = subprocess.Popen(list(command), start_new_session=True)  # noqa: S603 (our own commands)
            processes.append(process)
            if on_start:
                on_start(process)
        while all(process.poll() is None for process in processes):
            time.sleep(poll_seconds)
        exit_code = next((process.returncode for process in processes if process.returncode), 0)
    except _Stop:
        pass
    finally:
        # A second Ctrl-C while stopping must not leave children behind.
        for sig in previous:
            signal.signal(sig, signal.SIG_IGN)
        try:
            _stop_all(processes, grace_seconds)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    return exit_code


def _stop_all(processes: list[subprocess.Popen], grace_seconds: float) -> None:
    for process in processes:
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + grace_seconds
    for process in processes:
        try:
            process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(process, signal.SIGKILL)
            process.wait()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def manage_py_command(*arguments: str) -> list[str]:
    """The command line of `manage.py <arguments>` with this interpreter."""
    import django.conf

    manage_py = str(django.conf.settings.BASE_DIR / "manage.py")
    return [sys.executable, manage_py, *arguments]
