"""The multiple unit chooser in a real browser: a leader adds a former commune to a campaign's units and saves."""

import pytest

from campaigns.access.roles import Role
from campaigns.models import Campaign

from ..factories.campaigns import campaign_of_2026
from ..factories.users import UserFactory, unit
from .conftest import BROWSER_MARKS, SCREENSHOTS, chromium, sign_in

pytestmark = [*BROWSER_MARKS, pytest.mark.usefixtures("catalogue")]


@pytest.fixture
def campaign(units):
    # Created before the browser starts: Playwright's event loop forbids ORM calls afterwards.
    UserFactory(username="lanh.dao", role=Role.LEADER, scopes=[unit("23149").parent])
    return campaign_of_2026("23149", "tanh-linh-trinh-duyet", name="Tánh Linh (trình duyệt)")


def test_leader_adds_a_former_commune_with_the_chooser_and_saves(live_server, campaign):
    with chromium() as browser:
        page = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN").new_page()
        sign_in(page, f"{live_server.url}/admin/campaigns/edit/{campaign.pk}/", "lanh.dao")
        assert page.locator("select[name=scope_units]").count() == 0
        page.locator("#id_scope_units-chooser [data-unit-multi-choose]").click()
        modal = page.locator(".modal-dialog")
        modal.locator("input[name=q]").fill("gia an")
        modal.locator("input[name=include_former]").check()
        modal.get_by_text("Xã Gia An (23176) · hiệu lực đến 30/06/2025").wait_for()
        page.screenshot(path=str(SCREENSHOTS / "admin-unit-chooser-former.png"))
        modal.locator("input[data-multiple-choice-select]").first.check()
        modal.locator("input[data-multiple-choice-submit]").click()
        chosen = page.locator("#id_scope_units-chooser [data-unit-id]")
        chosen.first.wait_for()
        assert chosen.count() == 1
        assert "Xã Gia An (23176)" in chosen.first.inner_text()
        page.get_by_role("button", name="Lưu", exact=True).click()
        page.wait_for_url(f"{live_server.url}/admin/campaigns/")
    campaign = Campaign.objects.get(pk=campaign.pk)
    assert [scope_unit.code for scope_unit in campaign.scope_units.all()] == ["23176"]
