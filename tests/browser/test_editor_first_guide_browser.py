"""An editor's first guide: created, previewed and published with an ASCII slug, then found by a citizen."""

import pytest

from campaigns.access.roles import Role

from ..factories.users import UserFactory
from .conftest import BROWSER_MARKS, SCREENSHOTS, chromium, sign_in

pytestmark = BROWSER_MARKS

TITLE = "Đăng ký khai tử trực tuyến"
SLUG = "dang-ky-khai-tu-truc-tuyen"


@pytest.fixture
def guide_index():
    # Created before the browser starts: Playwright's event loop forbids ORM calls afterwards.
    from cms.models import GuideIndexPage, HomePage

    UserFactory(username="bien.tap", role=Role.ADMINISTRATOR)
    return HomePage.objects.get().add_child(instance=GuideIndexPage(title="Hướng dẫn", slug="huong-dan"))


def test_editor_creates_previews_and_publishes_a_guide_that_a_citizen_then_finds(live_server, guide_index):
    with chromium() as browser:
        # The test waits with page-side conditions, which the admin's Content-Security-Policy (no eval) would refuse.
        editor = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="vi-VN", bypass_csp=True
        ).new_page()
        sign_in(editor, f"{live_server.url}/admin/pages/add/cms/guidepage/{guide_index.pk}/", "bien.tap")
        editor.wait_for_load_state("networkidle")
        editor.locator("#id_title").press_sequentially(TITLE)
        editor.locator("#id_title").blur()
        editor.fill("#id_intro", "Khai tử cho người thân mà không phải đến Ủy ban nhân dân xã.")
        editor.wait_for_function("document.querySelector('#id_slug').value !== ''", timeout=15_000)
        # The slug fills itself from the title, readable ASCII (Wagtail alone would give "djang-ky-khai-t-trc-tuyn").
        assert editor.input_value("#id_slug") == SLUG

        # Preview in the side panel.
        editor.locator("[data-side-panel-toggle='preview']").click()
        # Wagtail swaps two preview frames; the shown one carries the guide's heading.
        editor.wait_for_function(
            "title => [...document.querySelectorAll('iframe.w-preview__iframe')].some("
            "frame => frame.contentDocument?.querySelector('h1')?.textContent.includes(title))",
            arg=TITLE,
            timeout=30_000,
        )
        editor.screenshot(path=str(SCREENSHOTS / "editor-guide-preview.png"))

        # Publish: the action menu's "Xuất bản".
        editor.locator("footer .w-dropdown__toggle").first.click()
        editor.locator("footer button[name='action-publish']").click()
        editor.wait_for_url(f"{live_server.url}/admin/pages/{guide_index.pk}/")
        assert TITLE in editor.content()

        citizen = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN").new_page()
        citizen.goto(f"{live_server.url}/tim-kiem/?q=dang+ky+khai+tu")
        link = citizen.get_by_role("link", name=TITLE)
        assert link.get_attribute("href").endswith(f"/huong-dan/{SLUG}/")
        citizen.screenshot(path=str(SCREENSHOTS / "citizen-finds-guide.png"), full_page=True)
        link.click()
        citizen.wait_for_url(f"{live_server.url}/huong-dan/{SLUG}/")
        assert citizen.get_by_role("heading", level=1).inner_text() == TITLE
