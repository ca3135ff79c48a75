"""A citizen registers on a phone, gets a ticket with a QR code; the trainer scans it and checks them in."""

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.access.roles import Role
from trainings.choices import Status
from trainings.models import Registration
from trainings.sms import LocmemSmsBackend

from ..factories.trainings import TrainingSessionFactory
from ..factories.users import UserFactory, unit
from .conftest import BROWSER_MARKS, SCREENSHOTS, chromium, sign_in

PHONE_VIEWPORT = {"width": 390, "height": 844}
pytestmark = [*BROWSER_MARKS, pytest.mark.usefixtures("catalogue")]


@pytest.fixture
def trainer(units):
    return UserFactory(username="giang.vien", role=Role.TRAINER, scopes=[unit("23149")])


@pytest.fixture
def session(trainer):
    # Under way (check-in is only open around the class), registration still open until it ends.
    starts = timezone.now() - datetime.timedelta(minutes=5)
    ends = starts + datetime.timedelta(hours=3)
    return TrainingSessionFactory(
        title="Lớp hướng dẫn dùng VNeID",
        trainers=[trainer],
        capacity=30,
        starts_at=starts,
        ends_at=ends,
        registration_closes_at=ends,
    )


def test_register_on_a_phone_then_the_trainer_checks_in_by_the_qr_code(live_server, settings, session):
    # The QR code points at the admin of this very server.
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    register_button = gettext("Register")
    confirm_button = gettext("Confirm attendance")
    attended = gettext("Attended")
    url = f"{live_server.url}/lop-tap-huan/{session.public_token}/dang-ky/"

    with chromium() as browser:
        citizen = browser.new_context(viewport=PHONE_VIEWPORT, locale="vi-VN", is_mobile=True, has_touch=True)
        page = citizen.new_page()
        page.goto(url)
        assert page.get_by_role("heading", name="Lớp hướng dẫn dùng VNeID").is_visible()
        # Nothing is wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
        page.screenshot(path=str(SCREENSHOTS / "registration-form-phone.png"), full_page=True)
        page.fill("input[name=full_name]", "Trần Thị Mai")
        page.fill("input[name=phone]", "0912 345 678")
        page.fill("input[name=organisation]", "Chi hội Nông dân thôn 2")
        page.check("input[name=consent_training]")
        page.get_by_role("button", name=register_button).click()
        # The seat is held once the code sent by text message is typed.
        page.wait_for_url("**/lop-tap-huan/xac-nhan/**")
        code = re.search(r"\b(\d{6})\b", LocmemSmsBackend.outbox[-1][1]).group(1)
        page.fill("input[name=code]", code)
        page.locator("form.pub-form").get_by_role("button", name=gettext("Confirm")).click()
        page.wait_for_url("**/lop-tap-huan/ve/**")

        qr = page.locator("img[data-check-in-url]")
        qr.wait_for()
        assert qr.is_visible()
        assert page.evaluate("document.querySelector('img[data-check-in-url]').naturalWidth") > 100
        assert "T. T. Mai" in page.content()  # the ticket shows the name masked
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE_VIEWPORT["width"]
        page.screenshot(path=str(SCREENSHOTS / "registration-ticket-phone.png"), full_page=True)
        check_in_url = qr.get_attribute("data-check-in-url")
        assert check_in_url.startswith(f"{live_server.url}/admin/trainings/check-in/")

        # The trainer, signed in on their own phone, opens the scanned address.
        staff = browser.new_context(viewport=PHONE_VIEWPORT, locale="vi-VN")
        trainer_page = staff.new_page()
        sign_in(trainer_page, check_in_url, "giang.vien")
        assert "Trần Thị Mai" in trainer_page.content()
        trainer_page.locator("form").get_by_role("button", name=confirm_button).click()
        trainer_page.wait_for_load_state()
        assert trainer_page.get_by_role("button", name=confirm_button).count() == 0

        # The citizen's ticket now says they attended and offers the feedback form.
        page.reload()
        assert page.locator(".pub-status").get_by_text(attended, exact=True).is_visible()
        assert page.locator("a[href*='/lop-tap-huan/phan-hoi/']").is_visible()

    # Playwright's event loop has ended: the ORM may be used again.
    registration = Registration.objects.select_related("attendee").get()
    assert registration.status == Status.ATTENDED
    assert registration.checked_in_at is not None
    assert registration.attendee.phone == "+84912345678"
