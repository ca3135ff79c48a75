"""Requests per second for a guide page on gunicorn, against a static file served by the same server in the same run.

A temporary SQLite database (or the PostgreSQL database of ``--database-url``) gets the migrations, the
administrative units and the demo content; gunicorn (2 workers, production settings, DEBUG off) serves it on a free
local port. Each URL is warmed up, then loaded for a few seconds by 8 keep-alive HTTP/1.1 client threads. The guide
is measured in each mode on a fresh server:

  uncached  the page cache off (PAGE_CACHE_SECONDS=0): the page is routed and rendered on every request; the
            production caches otherwise (local memory per worker and a file cache, or Redis with --redis-url)
  cached    the page cache on (production default): anonymous requests are answered from the whole-page cache
  nocache   (only with --modes ...,nocache) every cache a dummy: what the site does with no working cache at all

Budget (issue 6): uncached >= 200 req/s, cached >= 1,500 req/s. The static file's rate is the reference: the ratio
page/static says how far the page is from what this machine and server can do at all.

    .venv/bin/python bench/site_pages.py [--seconds 5] [--connections 8] [--modes uncached,cached,nocache]
        [--database-url postgres://postgres@127.0.0.1:5432/site_bench] [--redis-url redis://127.0.0.1:6379/15]

``--database-url`` (or BENCH_DATABASE_URL) names a PostgreSQL database of its own: it is migrated and gets the demo
content (left in place afterwards). ``--redis-url`` (or BENCH_REDIS_URL) puts both caches in Redis (a database of
its own: the run's keys are left there).
"""

import argparse
import http.client
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
GUIDE_SLUG = "dang-ky-tai-khoan-vneid"  # any live guide of the demo content will do; the first one is used if absent
BUDGETS = {"uncached": 200, "cached": 1500}
NOCACHE_SETTINGS = """from cms.settings.production import *  # noqa: F401,F403

CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
"""
MODES = {
    # mode: (settings module, extra environment)
    "uncached": ("cms.settings.production", {"PAGE_CACHE_SECONDS": "0"}),
    "cached": ("cms.settings.production", {}),
    "nocache": ("bench_nocache", {}),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def manage(*args, env) -> str:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    return done.stdout


def prepare(workdir: Path, database_url: str | None, redis_url: str | None) -> dict:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.pop("PAGE_CACHE_SECONDS", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    if redis_url:
        env["REDIS_URL"] = redis_url
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="false",
        SQLITE_PATH=str(workdir / "db.sqlite3"),
        MEDIA_ROOT=str(workdir / "media"),
        PAGE_CACHE_DIR=str(workdir / "page-cache"),
        STATIC_ROOT=str(workdir / "static"),
        WAGTAILADMIN_BASE_URL="https://dichvucong.example.invalid",  # production wants the public https address
        SMS_BACKEND="trainings.sms.DisabledSmsBackend",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",  # required by production; the bench sends none
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join(filter(None, [str(workdir), str(ROOT), env.get("PYTHONPATH")])),
    )
    for step in (["migrate", "--noinput"], ["load_units"], ["load_demo"], ["collectstatic", "--noinput"]):
        manage(*step, env=env)
    (workdir / "bench_nocache.py").write_text(NOCACHE_SETTINGS, encoding="utf-8")
    return env


def guide_path(env) -> str:
    script = (
        "from cms.models import GuidePage\n"
        f"page = GuidePage.objects.live().filter(slug={GUIDE_SLUG!r}).first() or GuidePage.objects.live().first()\n"
        "print(page.get_url_parts()[2])\n"
    )
    return manage("shell", "-c", script, env=env).strip().splitlines()[-1]


class Server:
    def __init__(self, env, settings_module: str, extra_env: dict):
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cms.wsgi",
                "--workers",
                "2",
                "--bind",
                f"{HOST}:{self.port}",
                "--log-level",
                "warning",
            ],  # fmt: skip
            cwd=ROOT,
            env={**env, **extra_env, "DJANGO_SETTINGS_MODULE": settings_module},
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/robots.txt")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def get(port: int, path: str, connection=None, with_headers=False):
    conn = connection or http.client.HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", path, headers={"Host": HOST, "Accept-Language": "vi"})
    response = conn.getresponse()
    body = response.read()
    if connection is None:
        conn.close()
    if with_headers:
        return response.status, body, response
    return response.status, body


def load(port: int, path: str, seconds: float, connections: int) -> float:
    """Requests per second over `seconds`, after a one-second warm-up, with `connections` client threads."""
    counts = [0] * connections
    errors = []
    state = {"counting": False, "stop": False}

    def worker(slot: int) -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=10)
        while not state["stop"]:
            try:
                status, _body = get(port, path, conn)
            except (OSError, http.client.HTTPException) as error:  # a closed keep-alive connection: reconnect
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=10)
                errors.append(error)
                continue
            if status != 200:
                errors.append(status)
            elif state["counting"]:
                counts[slot] += 1
        conn.close()

    threads = [threading.Thread(target=worker, args=(slot,)) for slot in range(connections)]
    for thread in threads:
        thread.start()
    time.sleep(1.0)
    state["counting"] = True
    started = time.perf_counter()
    time.sleep(seconds)
    state["counting"] = False
    elapsed = time.perf_counter() - started
    state["stop"] = True
    for thread in threads:
        thread.join()
    bad = [error for error in errors if not isinstance(error, (OSError, http.client.HTTPException))]
    if bad:
        raise RuntimeError(f"{path}: {len(bad)} bad responses, e.g. {bad[0]}")
    return sum(counts) / elapsed


def static_path(port: int, page: str) -> str:
    status, body = get(port, page)
    if status != 200:
        raise RuntimeError(f"{page} answered {status}")
    match = re.search(rb'href="(/static/[^"]+\.css)"', body)
    if not match:
        raise RuntimeError("no stylesheet link on the guide page")
    return match.group(1).decode()


def cache_state(port: int, path: str) -> str:
    """What the page cache said about a second request of the page (X-Page-Cache: hit/miss, or none)."""
    get(port, path)
    _status, _body, response = get(port, path, with_headers=True)
    return response.getheader("X-Page-Cache") or "none"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--modes", default="uncached,cached", help="comma-separated: uncached, cached, nocache")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL"), help="a PostgreSQL database")
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL"), help="Redis for the caches")
    args = parser.parse_args()
    modes = [mode.strip() for mode in args.modes.split(",") if mode.strip()]
    unknown = set(modes) - set(MODES)
    if unknown:
        parser.error(f"unknown mode(s): {', '.join(sorted(unknown))}")

    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        workdir = Path(tmp)
        database = "PostgreSQL" if args.database_url else "SQLite"
        print(f"preparing a {database} database (migrations, units, demo content) …", flush=True)
        env = prepare(workdir, args.database_url, args.redis_url)
        guide = guide_path(env)
        results, states = {}, {}
        for label in modes:
            settings_module, extra_env = MODES[label]
            server = Server(env, settings_module, extra_env)
            try:
                static = static_path(server.port, guide)
                states[label] = cache_state(server.port, guide)
                results[f"static ({label} run)"] = load(server.port, static, args.seconds, args.connections)
                results[f"guide {label}"] = load(server.port, guide, args.seconds, args.connections)
            finally:
                server.stop()

    caches = "Redis" if args.redis_url else "local memory + file page cache"
    print(f"gunicorn, 2 workers, {args.connections} keep-alive connections, {args.seconds:g} s per URL")
    print(f"database: {database}; caches: {caches}; guide: {guide}")
    for name, rate in results.items():
        print(f"  {name:<24} {rate:9.0f} req/s")
    ok = True
    for label in modes:
        rate, static = results[f"guide {label}"], results[f"static ({label} run)"]
        line = f"guide {label}: {rate:.0f} req/s = {rate / static:.2f} x static file (X-Page-Cache: {states[label]})"
        if label in BUDGETS:
            passed = rate >= BUDGETS[label]
            ok &= passed
            line += f"; budget >= {BUDGETS[label]} req/s: {'OK' if passed else 'NOT MET'}"
        print(line)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
