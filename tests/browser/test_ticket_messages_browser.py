"""A villager on a phone: the calendar shows the seats, the ticket arrives by e-mail through a real SMTP server and
opens from the e-mail; in a full class the next person waits with their position, and when a seat is freed the
message reaches them. "Tìm vé của tôi" sends the link again. Screenshots of each screen at 390 × 844."""

import re

import pytest
from django.utils.translation import gettext

from trainings.sms import LocmemSmsBackend

from ..factories.trainings import TrainingSessionFactory
from .conftest import BROWSER_MARKS, SCREENSHOTS, chromium
from .test_public_site_browser import AXE_JS, AXE_RUN

PHONE_VIEWPORT = {"width": 390, "height": 844}
pytestmark = [*BROWSER_MARKS, pytest.mark.usefixtures("catalogue")]
TICKET_LINK = re.compile(r"https?://\S+/lop-tap-huan/ve/[A-Za-z0-9_-]+/")


@pytest.fixture
def calendar_url(units):
    from cms.models import HomePage, TrainingCalendarPage

    page = TrainingCalendarPage(title="Lịch tập huấn", slug="lich-tap-huan")
    HomePage.objects.first().add_child(instance=page)
    TrainingSessionFactory(
        title="Hướng dẫn dùng VNeID cho người dân",
        venue="Hội trường UBND xã Tánh Linh",
        capacity=1,
    )
    TrainingSessionFactory(title="Nộp hồ sơ trực tuyến cho hộ kinh doanh", capacity=25)
    return page.url


def phone_page(browser):
    # bypass_csp: axe-core is injected as an inline script, which the site's CSP rightly refuses.
    context = browser.new_context(
        viewport=PHONE_VIEWPORT, locale="vi-VN", is_mobile=True, has_touch=True, bypass_csp=AXE_JS.is_file()
    )
    return context.new_page()


def shot(page, name):
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"], name
    page.screenshot(path=str(SCREENSHOTS / f"ticket-{name}-390.png"), full_page=True)
    if AXE_JS.is_file():  # axe-core, when installed (make install): no serious or critical violation
        page.add_script_tag(path=str(AXE_JS))
        results = page.evaluate(AXE_RUN)
        serious = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
        assert results["passes"] > 0 and serious == [], f"{name}: {serious}"


def register(page, *, name, phone, email):
    page.fill("input[name=full_name]", name)
    page.fill("input[name=phone]", phone)
    page.fill("input[name=email]", email)
    page.check("input[name=consent_training]")
    page.locator("form.pub-form").get_by_role("button", name=gettext("Register")).click()
    page.wait_for_url("**/lop-tap-huan/xac-nhan/**")
    code = re.search(r"\b(\d{6})\b", LocmemSmsBackend.outbox[-1][1]).group(1)
    page.fill("input[name=code]", code)
    page.locator("form.pub-form").get_by_role("button", name=gettext("Confirm")).click()
    page.wait_for_url("**/lop-tap-huan/ve/**")


def ticket_link(inbox, message) -> str:
    return TICKET_LINK.search(inbox.body(message)).group()


def test_ticket_by_e_mail_waiting_list_position_and_the_freed_seat_message(
    live_server, settings, smtp_server, calendar_url
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    LocmemSmsBackend.outbox.clear()
    with chromium() as browser:
        mai = phone_page(browser)
        mai.goto(live_server.url + calendar_url)
        assert mai.get_by_text("Còn 1 chỗ").is_visible()
        shot(mai, "calendar")
        mai.locator("li.session", has_text="VNeID").get_by_role("link", name=gettext("Register")).click()
        mai.wait_for_url("**/dang-ky/")
        shot(mai, "registration")
        register(mai, name="Trần Thị Mai", phone="0912 345 678", email="mai@example.vn")

        # The ticket arrives by e-mail at the local SMTP server and opens from the link in it.
        message = smtp_server.wait_for(2)[-1]
        assert message["To"] == "mai@example.vn"
        assert "Vé của bạn" in str(message["Subject"])
        link = ticket_link(smtp_server, message)
        from_mail = phone_page(browser)
        from_mail.goto(link)
        assert from_mail.locator("img[data-check-in-url]").is_visible()
        assert from_mail.get_by_role("link", name="Thêm vào lịch").is_visible()
        assert "openstreetmap.org/search" in from_mail.get_by_role(
            "link", name="Xem địa điểm trên bản đồ"
        ).get_attribute("href")
        shot(from_mail, "ticket")

        # The class is full: the next person waits, number 1.
        binh = phone_page(browser)
        binh.goto(live_server.url + calendar_url)
        assert binh.get_by_text("Hết chỗ — còn danh sách chờ").is_visible()
        binh.locator("li.session", has_text="VNeID").get_by_role("link", name="Đăng ký vào danh sách chờ").click()
        binh.wait_for_url("**/dang-ky/")
        register(binh, name="Phạm Văn Bình", phone="0987 654 321", email="binh@example.vn")
        assert binh.get_by_text("Đang trong danh sách chờ – số 1").is_visible()
        shot(binh, "waiting-list")
        waiting_mail = smtp_server.wait_for(4)[-1]
        assert waiting_mail["To"] == "binh@example.vn" and "số 1" in smtp_server.body(waiting_mail)

        # Mai cannot come and cancels: the seat goes to Bình, who is told by e-mail and text message.
        from_mail.get_by_role("link", name="Hủy đăng ký của tôi").click()
        from_mail.get_by_role("button", name="Đồng ý hủy đăng ký").click()
        freed = smtp_server.wait_for(5)[-1]
        assert freed["To"] == "binh@example.vn"
        assert "Lớp “Hướng dẫn dùng VNeID cho người dân” vừa có chỗ trống" in smtp_server.body(freed)
        assert any(phone == "+84987654321" and "có chỗ" in text for phone, text in LocmemSmsBackend.outbox)
        binh.goto(ticket_link(smtp_server, freed))
        assert binh.get_by_text("Đã đăng ký – chỗ số 1").is_visible()
        assert binh.locator("img[data-check-in-url]").is_visible()

        # Search without accents finds the calendar and the classes.
        finder = phone_page(browser)
        finder.goto(live_server.url + "/tim-kiem/?q=tap+huan")
        assert finder.get_by_role("link", name="Lịch tập huấn").is_visible()
        assert finder.get_by_role("heading", name="Hướng dẫn dùng VNeID cho người dân").is_visible()
        shot(finder, "search")

        # Lost the link: "Tìm vé của tôi" sends it to the phone on record; the page shows no ticket.
        finder.goto(live_server.url + "/lop-tap-huan/tim-ve/")
        shot(finder, "find-my-ticket")
        sent_before = len(LocmemSmsBackend.outbox)
        finder.fill("input[name=contact]", "0987654321")
        finder.get_by_role("button", name="Gửi đường dẫn cho tôi").click()
        finder.wait_for_url("**/tim-ve/?da-gui=1")
        assert finder.get_by_role("status").is_visible()
        assert "/lop-tap-huan/ve/" not in finder.content()
        shot(finder, "find-my-ticket-sent")
        assert len(LocmemSmsBackend.outbox) == sent_before + 1
        assert "/lop-tap-huan/ve/" in LocmemSmsBackend.outbox[-1][1]
