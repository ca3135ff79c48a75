"""Drives the system Chromium through Playwright: the back office as a Vietnamese user sees it."""

import pytest

from campaigns.access.roles import Role

from ..factories.users import PASSWORD, UserFactory, unit
from .conftest import BROWSER_MARKS, SCREENSHOTS, chromium

pytestmark = [*BROWSER_MARKS, pytest.mark.usefixtures("catalogue")]


@pytest.fixture
def page():
    with chromium() as browser:
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
        yield context.new_page()


@pytest.fixture
def officer(units):
    # Created before the browser starts: Playwright's event loop forbids ORM calls afterwards.
    return UserFactory(username="mot.cua", role=Role.UNIT_OFFICER, scopes=[unit("23149")])


def test_officer_signs_in_and_sees_only_their_units(live_server, officer, page):
    page.goto(f"{live_server.url}/admin/login/")
    assert page.get_by_role("button", name="Đăng nhập").is_visible()
    page.fill("input[name=username]", "mot.cua")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/units/")
    rows = page.locator("table.listing tbody tr")
    names = sorted(rows.nth(i).locator("td").first.inner_text().split("\n")[0].strip() for i in range(rows.count()))
    # Today's commune and the three old units that went into it (one shares its code).
    assert names == ["Thị trấn Lạc Tánh", "Xã Gia An", "Xã Tánh Linh", "Xã Đức Thuận"]
    assert "01/07/2025" in page.content()
    assert "Phường Ba Đình" not in page.content()
    page.screenshot(path=str(SCREENSHOTS / "admin-units-officer-phone.png"), full_page=True)
