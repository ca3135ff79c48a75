"""A citizen on a phone: search a guide, download its handbook, find a class and reach its registration form.

Each page on the way is checked for horizontal scrolling at 360 px and by axe-core (installed by `make install`
from npm into node_modules/, or found through AXE_CORE_JS) for serious or critical accessibility violations.
"""

import os
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from .conftest import BROWSER_MARKS, SCREENSHOTS, chromium

PHONE_VIEWPORT = {"width": 360, "height": 780}
AXE_JS = Path(os.environ.get("AXE_CORE_JS", Path(django_settings.BASE_DIR) / "node_modules/axe-core/axe.min.js"))
AXE_RUN = """async () => {
    const results = await axe.run();
    return {
        passes: results.passes.length,
        violations: results.violations.map(v => ({
            id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help,
            targets: v.nodes.slice(0, 3).map(n => n.target.join(' ')),
        })),
    };
}"""

pytestmark = [
    *BROWSER_MARKS,
    pytest.mark.skipif(
        not AXE_JS.is_file(),
        reason="axe-core is not installed: run `make install` (needs npm) or "
        "`npm install --no-save axe-core@4.10`, or point AXE_CORE_JS at axe.min.js",
    ),
]


@pytest.fixture
def public_site(units, settings, tmp_path):
    # The test settings keep uploads in memory, which Wagtail's document view cannot send: files go to disk here.
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    settings.MEDIA_ROOT = tmp_path
    # Everything is created before the browser starts: Playwright's event loop forbids ORM calls afterwards.
    from cms.demo.campaigns import demo_load
    from cms.demo.content import demo_pages_load
    from cms.demo.outreach import demo_outreach_load
    from cms.demo.statistics import demo_statistics_load
    from cms.demo.trainings import demo_trainings_load
    from cms.models import CampaignPage, GuidePage

    demo_load()
    demo_statistics_load()
    demo_trainings_load()
    demo_outreach_load()
    demo_pages_load()
    if not GuidePage.objects.search("nop ho so truc tuyen"):
        call_command("update_index", verbosity=0)
    campaign = CampaignPage.objects.live().get(campaign__slug="tanh-linh-2022")
    return {"campaign_url": campaign.url}


def check_page(page, name):
    """No horizontal scrolling at phone width, a screenshot, and no serious or critical axe-core violation."""
    page.wait_for_load_state("load")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    page.screenshot(path=str(SCREENSHOTS / f"public-{name}-360.png"), full_page=True)
    assert scroll_width <= PHONE_VIEWPORT["width"], f"{name}: the page scrolls sideways ({scroll_width} px)"
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(AXE_RUN)
    assert results["passes"] > 0, f"{name}: axe-core did not run"
    serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{name}: axe-core reports {serious}"


def test_phone_search_guide_handbook_calendar_and_registration(live_server, public_site):
    with chromium() as browser:
        # The accessibility checker is injected as an inline script, which the site's Content-Security-Policy
        # rightly blocks: the test's own context bypasses it (tests/cms/test_security_headers.py checks the policy).
        context = browser.new_context(
            viewport=PHONE_VIEWPORT, locale="vi-VN", is_mobile=True, has_touch=True, bypass_csp=True
        )
        page = context.new_page()

        # Home.
        page.goto(f"{live_server.url}/")
        check_page(page, "home")

        # Search without accents, from the home page's search box.
        page.fill("#home-search-q", "nop ho so truc tuyen")
        page.locator("form.search-big button[type=submit]").click()
        page.wait_for_url(re.compile(r"[?&]q=nop"))
        assert page.locator("#guides-heading + ul a").count() >= 1
        guide_link = page.get_by_role("link", name="Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công")
        assert guide_link.is_visible()
        check_page(page, "search")

        # The guide.
        guide_link.click()
        page.wait_for_url("**/huong-dan/nop-ho-so-truc-tuyen/")
        assert page.get_by_role("heading", level=1, name="Nộp hồ sơ trực tuyến trên Cổng Dịch vụ công").is_visible()
        check_page(page, "guide")

        # The downloadable handbook is a PDF.
        handbook = page.locator(".attachments a[download]")
        href = handbook.get_attribute("href")
        with page.expect_download() as download_info:
            handbook.click()
        download = download_info.value
        assert download.suggested_filename.endswith(".pdf")
        assert download.failure() is None
        response = page.request.get(f"{live_server.url}{href}" if href.startswith("/") else href)
        assert response.status == 200
        assert response.headers["content-type"].startswith("application/pdf")
        assert response.body().startswith(b"%PDF")

        # The training calendar, through the home page's sections.
        page.goto(f"{live_server.url}/")
        page.locator("nav.sections").get_by_role("link", name="Lịch tập huấn").click()
        page.wait_for_url("**/lich-tap-huan/")
        assert page.get_by_role("heading", level=1, name="Lịch tập huấn").is_visible()
        check_page(page, "calendar")

        # A class's "Đăng ký" link leads to its registration form.
        register = page.locator("ul.sessions a.button").filter(has_text="Đăng ký").first
        assert register.is_visible()
        register.click()
        page.wait_for_url("**/lop-tap-huan/*/dang-ky/")
        form = page.locator("form.pub-form")
        assert form.is_visible()
        assert page.locator("input[name=full_name]").is_visible()
        assert page.locator("form.pub-form button[type=submit]").is_visible()
        check_page(page, "registration")

        # A campaign page with its progress and upcoming classes.
        page.goto(f"{live_server.url}{public_site['campaign_url']}")
        assert page.locator("#progress-heading").is_visible()
        check_page(page, "campaign")
