"""Drives the system Chromium through Playwright: the back office as a Vietnamese user sees it."""

import shutil

import pytest

from campaigns.roles import Role

from ..factories.users import PASSWORD, UserFactory, unit

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(CHROMIUM is None, reason="the system Chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture
def page():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
        yield context.new_page()
        browser.close()


def test_officer_signs_in_and_sees_only_their_units(live_server, page):
    UserFactory(username="mot.cua", role=Role.UNIT_OFFICER, scopes=[unit("23149")])
    page.goto(f"{live_server.url}/admin/login/")
    assert page.get_by_role("button", name="Đăng nhập").is_visible()
    page.fill("input[name=username]", "mot.cua")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/units/")
    rows = page.locator("table.listing tbody tr")
    assert rows.count() == 3
    assert "Xã Tánh Linh" in page.content()
    assert "Phường Ba Đình" not in page.content()
