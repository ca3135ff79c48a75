"""A trainer on a phone: check-in with the network switched off, then synchronised without double check-ins; a
roster imported from an office spreadsheet with title rows, a certificate for an imported attendee, verified by a
stranger who is not signed in."""

import datetime
import io
import json
import re
import shutil
import subprocess

import pytest
from django.utils import timezone
from openpyxl import Workbook

from campaigns.access.roles import Role
from trainings.choices import Status
from trainings.models import Certificate, Registration

from ..factories.trainings import AttendeeFactory, RegistrationFactory, TrainingSessionFactory
from ..factories.users import UserFactory, unit
from .conftest import BROWSER_MARKS, SCREENSHOTS, chromium, sign_in

PHONE = {"width": 390, "height": 844}
pytestmark = [*BROWSER_MARKS, pytest.mark.usefixtures("catalogue")]


def _wait_for_service_worker(page, seconds: float = 20):
    """The page's service worker controls it. (Not ``wait_for_function``: Playwright evaluates its string with
    eval, which the page's Content-Security-Policy refuses, as it should.)"""
    import time

    deadline = time.monotonic() + seconds
    while not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        assert time.monotonic() < deadline, "the service worker never took control of the page"
        page.wait_for_timeout(200)


@pytest.fixture
def trainer(units):
    return UserFactory(username="giang.vien", role=Role.TRAINER, scopes=[unit("23149")])


@pytest.fixture
def orm_in_playwright(monkeypatch):
    # Playwright's sync API runs an event loop in this thread; the test reads the database between steps.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def trainer_on_a_phone(browser, url):
    """The trainer's phone (every wait up to 20 seconds), signed in and showing ``url``."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    sign_in(page, url, "giang.vien")
    return page


def test_check_in_offline_then_synchronise_without_double_check_in(live_server, settings, trainer, orm_in_playwright):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    now = timezone.now()
    session = TrainingSessionFactory(
        title="Lớp hướng dẫn VNeID thôn Bàu Chèo",
        trainers=[trainer],
        starts_at=now - datetime.timedelta(minutes=30),
        ends_at=now + datetime.timedelta(hours=2),
    )
    names = ["Trần Thị Mai", "K'Điểu", "Lê Văn Bình"]
    registrations = [
        RegistrationFactory(session=session, seat=seat, attendee=AttendeeFactory(full_name=name))
        for seat, name in enumerate(names, start=1)
    ]
    url = f"{live_server.url}/admin/trainings/check-in/offline/"

    with chromium() as browser:
        page = trainer_on_a_phone(browser, url)
        # The worker takes control of the open page once installed; reloaded through it, the page is kept.
        _wait_for_service_worker(page)
        page.reload()
        _wait_for_service_worker(page)
        assert page.get_by_text("Lớp hướng dẫn VNeID thôn Bàu Chèo").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "check-in-online-phone.png"), full_page=True)

        page.context.set_offline(True)
        page.reload()  # the kept copy opens without a network
        assert page.get_by_text("Mất kết nối").is_visible()
        # A scanned ticket (the QR code holds the check-in address) and a tap on the list.
        page.fill("#code", f"{live_server.url}/admin/trainings/check-in/{registrations[0].token}/")
        page.locator("#scan button[type=submit]").click()
        assert page.get_by_text("Đã điểm danh: Trần Thị Mai").is_visible()
        page.locator(f'li[data-token="{registrations[1].token}"] button').click()
        page.fill("#code", "ma-khong-co-trong-danh-sach")
        page.locator("#scan button[type=submit]").click()
        assert page.get_by_text("Mã này không có trong danh sách các lớp hôm nay.").is_visible()
        assert page.get_by_text("Đang chờ gửi: 2 lượt").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path=str(SCREENSHOTS / "check-in-offline-phone.png"), full_page=True)
        queue = page.evaluate(f"localStorage.getItem('dvc-check-in-queue:{trainer.pk}')")
        assert len(json.loads(queue)) == 2
        assert Registration.objects.filter(status=Status.ATTENDED).count() == 0  # nothing reached the server yet

        page.context.set_offline(False)
        page.wait_for_selector("body[data-pending='0']", timeout=20_000)
        assert page.get_by_text("Đã gửi hết các lượt điểm danh.").is_visible()
        page.screenshot(path=str(SCREENSHOTS / "check-in-synchronised-phone.png"), full_page=True)
        stored = {item.pk: item.checked_in_at for item in Registration.objects.filter(status=Status.ATTENDED)}
        assert set(stored) == {registrations[0].pk, registrations[1].pk}

        # The same queue sent again (a phone that lost the answer) changes nothing.
        page.evaluate(f"localStorage.setItem('dvc-check-in-queue:{trainer.pk}', {json.dumps(queue)})")
        page.reload()
        page.wait_for_selector("body[data-pending='0']", timeout=20_000)

    again = {item.pk: item.checked_in_at for item in Registration.objects.filter(status=Status.ATTENDED)}
    assert again == stored
    assert Registration.objects.get(pk=registrations[2].pk).status == Status.REGISTERED


def office_roster() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["ỦY BAN NHÂN DÂN XÃ TÁNH LINH"])
    sheet.append(["DANH SÁCH HỌC VIÊN LỚP TẬP HUẤN DỊCH VỤ CÔNG TRỰC TUYẾN"])
    sheet.merge_cells("A1:D1")
    sheet.merge_cells("A2:F2")
    sheet.append([])
    sheet.append(
        ["STT", "Họ và tên", "Số điện thoại", "Cơ quan, đơn vị", "Chức vụ", "Đồng ý in tên trên giấy chứng nhận"]
    )
    sheet.append([1, "Nguyễn Thị Hồng Nhung", "0912 345 678", "Thôn 3", "Hội viên", "x"])
    sheet.append([2, "Phạm Văn Tú", "0912000002", "Thôn 3", "Trưởng thôn", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_roster_import_then_certificate_then_verification_by_a_stranger(
    live_server, settings, trainer, orm_in_playwright, tmp_path
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    held = timezone.now() - datetime.timedelta(days=1)
    session = TrainingSessionFactory(
        title="Lớp hướng dẫn nộp hồ sơ trực tuyến",
        trainers=[trainer],
        starts_at=held,
        ends_at=held + datetime.timedelta(hours=3),
        signer_title="KT. Chủ tịch / Phó Chủ tịch",
        signer_name="Nguyễn Văn Bình",
    )
    (tmp_path / "danh-sach-lop.xlsx").write_bytes(office_roster())
    import_url = f"{live_server.url}/admin/trainings/sessions/{session.pk}/roster/import/"

    with chromium() as browser:
        page = trainer_on_a_phone(browser, import_url)
        page.set_input_files("input[name=file]", str(tmp_path / "danh-sach-lop.xlsx"))
        page.get_by_role("button", name="Kiểm tra tệp").click()
        page.wait_for_selector("[data-roster-preview]")
        assert page.get_by_text("Đã tìm thấy dòng tên cột ở dòng 4").is_visible()
        preview = page.locator("[data-roster-preview]").inner_text()
        assert "0912 ••• 678" in preview and "0912345678" not in preview
        page.screenshot(path=str(SCREENSHOTS / "roster-preview-phone.png"), full_page=True)
        page.check("input[name=attest]")
        page.get_by_role("button", name="Nhập 2 học viên vào lớp “Lớp hướng dẫn nộp hồ sơ trực tuyến”").click()
        page.wait_for_url(f"**/sessions/{session.pk}/roster/")
        assert page.get_by_text("Nguyễn Thị Hồng Nhung").first.is_visible()

        nhung = Registration.objects.get(attendee__full_name="Nguyễn Thị Hồng Nhung")
        page.check(f"input[name=present][value='{nhung.pk}']")
        page.get_by_role("button", name=re.compile("Lưu điểm danh")).click()
        page.wait_for_load_state()
        with page.expect_download() as download_info:
            page.locator(f"button[name=certificate][value='{nhung.pk}']").click()
        download = download_info.value
        download.save_as(tmp_path / "giay-chung-nhan.pdf")
        verify_path = re.search(r"/chung-nhan/[A-Za-z0-9_-]+/", download.url).group(0)

        stranger = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True)
        public = stranger.new_page()
        public.goto(live_server.url + verify_path)
        text = public.content()
        assert "Nguyễn Thị Hồng Nhung" in text and "01/GCN-UBND" in text
        assert "Đăng nhập" not in public.title()
        public.screenshot(path=str(SCREENSHOTS / "certificate-verification-phone.png"), full_page=True)

    certificate = Certificate.objects.get()
    assert certificate.registration.pk == nhung.pk
    assert certificate.registration.source == "import"
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-singlefile",
                str(tmp_path / "giay-chung-nhan.pdf"),
                str(SCREENSHOTS / "certificate-imported-attendee"),
            ],
            check=True,
        )
