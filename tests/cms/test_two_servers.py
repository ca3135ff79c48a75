"""Two app servers (two gunicorn processes on two ports) sharing the database and Redis, as behind a load balancer.

A page published is served new by the other server within seconds (the delay is measured); an import previewed on
one server is confirmed on the other. Skipped when Redis is not reachable; on SQLite the test database is copied
to a file both servers open (``file_database``), on PostgreSQL they use the test database itself.
"""

import os
import re
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from ..concurrency import database_url

requests = pytest.importorskip("requests")

ROOT = Path(__file__).resolve().parents[2]
REDIS_TEST_URL = os.environ.get("REDIS_TWO_SERVERS_URL", "redis://127.0.0.1:6379/13")
STEPS = [{"type": "step", "value": {"heading": "Mở cổng", "text": "<p>Vào trang.</p>", "image": None, "alt": ""}}]
PASSWORD = "hai-may-chu-2026"  # noqa: S105 - a test account's password


def _redis_reachable() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=0.5).ping())
    except Exception:  # noqa: BLE001
        return False


pytestmark = [
    pytest.mark.usefixtures("catalogue"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(not _redis_reachable(), reason="Redis is not reachable"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def servers(shared_database, tmp_path, settings):
    """Two gunicorn servers on the same database, Redis (a database number and a key prefix of their own) and
    media storage; yields their base URLs."""
    prefix = f"test-two-servers-{uuid.uuid4().hex[:8]}"
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")},
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DJANGO_SECRET_KEY": "two-servers-test-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "DATABASE_URL": database_url(shared_database),
        "REDIS_URL": REDIS_TEST_URL,
        "CACHE_KEY_PREFIX": prefix,
        "MEDIA_ROOT": str(tmp_path / "media"),  # the S3 bucket of a real installation
        "TASKS_BACKEND": "immediate",
        "PAGE_CACHE_SECONDS": "600",
    }
    # This test's process writes like a third server (the editor's): the same caches as the two servers.
    redis_cache = {"BACKEND": "cms.cache.TolerantRedisCache", "LOCATION": REDIS_TEST_URL}
    settings.CACHES = {
        "default": {**redis_cache, "KEY_PREFIX": prefix},
        "pages": {**redis_cache, "KEY_PREFIX": f"{prefix}-pages"},
    }
    processes, urls, logs = [], [], []
    for name in ("a", "b"):
        port = _free_port()
        log = (tmp_path / f"server-{name}.log").open("w")  # noqa: SIM115 - closed after the servers stop
        logs.append(log)
        command = [sys.executable, "-m", "gunicorn", "cms.wsgi:application", "--bind", f"127.0.0.1:{port}"]
        command += ["--workers", "1", "--timeout", "120"]
        processes.append(
            subprocess.Popen(command, cwd=ROOT, env=environment, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        )  # noqa: S603
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, process in zip(urls, processes, strict=True):
            deadline = time.monotonic() + 90
            while True:
                assert process.poll() is None, (tmp_path / "server-a.log").read_text()
                try:
                    requests.get(url + "/admin/login/", timeout=60)
                    break
                except requests.RequestException:
                    assert time.monotonic() < deadline, "server did not start"
                    time.sleep(0.3)
        yield urls, environment
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
        import redis

        client = redis.Redis.from_url(REDIS_TEST_URL)
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


def _guide():
    from cms.models import GuideIndexPage, GuidePage, HomePage, SiteSettings

    home = HomePage.objects.first()
    if home is None:  # a transactional test before this one emptied the database
        from wagtail.models import Locale, Page, Site

        Locale.objects.get_or_create(language_code="vi")
        root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
        home = root.add_child(instance=HomePage(title="Trang chủ", slug="trang-chu"))
        Site.objects.update_or_create(
            is_default_site=True, defaults={"hostname": "localhost", "port": 80, "root_page": home}
        )
    index = GuideIndexPage(title="Hướng dẫn", slug="huong-dan")
    home.add_child(instance=index)
    page = GuidePage(title="Nộp hồ sơ trực tuyến", slug="nop-ho-so", intro="Bản đầu tiên.", steps=STEPS)
    index.add_child(instance=page)
    page.save_revision().publish()
    SiteSettings.for_site(page.get_site())  # created by the first request otherwise (a site-wide change)
    return page


def test_a_page_published_is_served_new_by_the_other_server_within_seconds(servers, units, capsys):
    from cms.models import GuidePage

    (server_a, server_b), _environment = servers
    guide = _guide()
    path = guide.url
    for base in (server_a, server_b):
        requests.get(base + path, timeout=30)
        cached = requests.get(base + path, timeout=30)
        assert cached.status_code == 200 and cached.headers["X-Page-Cache"] == "hit"
    page = GuidePage.objects.get(pk=guide.pk)
    page.intro = "Bản mới đã xuất bản."
    page.save_revision().publish()  # committed: this test's connection stands for the editor's server
    published = time.monotonic()
    while "Bản mới đã xuất bản." not in requests.get(server_b + path, timeout=30).text:
        assert time.monotonic() - published < 5, "the other server still serves the old page"
        time.sleep(0.05)
    delay = time.monotonic() - published
    assert "Bản mới đã xuất bản." in requests.get(server_a + path, timeout=30).text
    with capsys.disabled():
        print(f"\npublish-to-visible delay on the other server: {delay * 1000:.0f} ms")


def _login(session, base) -> None:
    session.get(base + "/admin/login/", timeout=30)
    response = session.post(
        base + "/admin/login/",
        data={"username": "hai-may", "password": PASSWORD, "csrfmiddlewaretoken": session.cookies["csrftoken"]},
        timeout=30,
    )
    assert response.status_code == 200 and "/admin/login/" not in response.url, re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", response.text)
    )[-1500:]


def test_an_import_previewed_on_one_server_is_confirmed_on_the_other(servers, units, settings):
    from campaigns.access.roles import Role
    from campaigns.models import DossierStatistic
    from tests.factories.users import UserFactory, unit

    (server_a, server_b), _environment = servers
    user = UserFactory(username="hai-may", role=Role.UNIT_OFFICER, scopes=[unit("68")])
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]  # the servers' hasher
    user.set_password(PASSWORD)
    user.save()
    browser = requests.Session()
    _login(browser, server_a)
    text = "Mã ĐVHC,Kỳ,Tiếp nhận trực tuyến,Tiếp nhận trực tiếp\n23149,07/2025,40,60\n"
    preview = browser.post(
        server_a + "/admin/statistics/import/",
        data={"source": "", "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        files={"file": ("thang-7.csv", text.encode(), "text/csv")},
        timeout=60,
    )
    assert preview.status_code == 200
    token = re.search(r'name="token" value="([0-9a-f]{32})"', preview.text)
    assert token is not None, preview.text[-2000:]
    assert not DossierStatistic.objects.exists()
    confirmed = browser.post(
        server_b + "/admin/statistics/import/",
        data={"confirm": "1", "token": token.group(1), "csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        timeout=60,
    )
    assert confirmed.status_code == 200
    statistic = DossierStatistic.objects.get()
    assert (statistic.unit.code, statistic.received_online, statistic.received_direct) == ("23149", 40, 60)
    assert "hết hạn" not in confirmed.text
