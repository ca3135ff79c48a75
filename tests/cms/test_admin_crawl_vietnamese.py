"""As each demo role, with the admin in Vietnamese: no English in what the admin shows (visible text, title,
aria-label, placeholder, alt), on the home page, every menu item, and each listing's add and edit forms."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse

from cms.demo.campaigns import DEMO_USERS
from cms.permission_names import translate_permission_names

from .admin_crawl import crawl_admin, english_in_html, english_words

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

# The least a role's crawl must reach: the crawl would otherwise pass by checking nothing.
MIN_PAGES = {"admin": 40, "bientap": 20, "giangvien": 5, "motcua": 15, "lanhdao": 15}


@pytest.fixture
def demo():
    call_command("load_demo", stdout=io.StringIO())
    translate_permission_names()  # as after ``migrate`` (the test database is built without the signal's data)


# The image listing makes thumbnails of the demo images; Pillow leaves a spooled temporary file to the collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_no_english_in_the_admin_for_any_demo_role(client, demo, capsys):
    usernames = ["admin", *(entry[0] for entry in DEMO_USERS)]
    report, findings = [], []
    for username in usernames:
        client.force_login(get_user_model().objects.get(username=username))
        result = crawl_admin(client)
        report.append(f"{username}: {len(result.checked)} pages: {' '.join(result.checked)}")
        findings += [f"{username}: {finding}" for finding in result.findings]
        assert len(result.checked) >= MIN_PAGES[username], (username, result.checked)
        client.logout()
    with capsys.disabled():
        print("\nAdmin pages checked for English, per role:\n" + "\n".join(report))
    assert not findings, "\n".join(dict.fromkeys(findings))


def test_the_crawl_finds_english_when_there_is_some():
    """The detector itself: English interface text is found, Vietnamese, names and codes are not."""
    html = """
    <nav aria-label="Actions"></nav><td>True</td><button title="Collapse all"></button>
    <p>Lõi Wagtail | trang | Can add page</p><input type="submit" value="Search">
    <p>Xã Gia An (23176)</p><p>Tỉnh An Giang</p><p>Đợt in</p><p>Bản in 2022</p><p>sổ-tay-2022.pdf</p>
    <p>Zalo</p><p>3510/KH-UBND</p><a title="Sửa">x</a><script>var Search = "Actions";</script>
    <div data-side-panel-toggle-counter hidden>None</div>
    """
    found = [finding.text for finding in english_in_html(html, "/x/")]
    assert found == ["Actions", "True", "Collapse all", "Lõi Wagtail | trang | Can add page", "Search"]
    assert english_words("Tìm kiếm tất cả các trang…") == []


def test_javascript_strings_of_the_admin_are_vietnamese(client, admin_user):
    client.force_login(admin_user)
    catalogue = client.get("/admin/jsi18n/").content.decode()  # JSON with \\u escapes
    for english, vietnamese in {
        "Collapse all": "Thu gọn tất cả",
        "Main menu": "Trình đơn chính",
        "Toggle sidebar": "Ẩn/hiện thanh bên",
        "Insert a block": "Chèn một khối",
        "Search options…": "Tùy chọn tìm kiếm…",
    }.items():
        assert f"{json.dumps(english)}: {json.dumps(vietnamese)}" in catalogue, english


def test_help_menu_and_dashboard_do_not_send_to_the_english_guide(client, admin_user):
    client.force_login(admin_user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "guide.wagtail.org" not in html


def test_permission_names_are_vietnamese_after_migrate():
    translate_permission_names()
    names = set(Permission.objects.values_list("name", flat=True))
    assert "Thêm trang" in names and "Xuất bản mọi trang" in names and "Xem báo cáo tác động" in names
    assert not [name for name in names if name.startswith("Can ")]


def test_wagtail_starter_workflow_and_source_descriptions_are_vietnamese():
    from wagtail.models import Task, Workflow

    from campaigns.models import StatisticSource
    from campaigns.statistics.sources import translate_default_descriptions
    from cms.workflow import ensure_moderation_workflow

    Workflow.objects.create(name="Moderators approval")
    StatisticSource.objects.filter(rank=3).update(description="figures typed in the back office")
    ensure_moderation_workflow()
    translate_default_descriptions()
    assert not Workflow.objects.filter(name="Moderators approval").exists()
    assert not Task.objects.filter(name="Moderators approval").exists()
    assert StatisticSource.objects.get(rank=3).description == "số liệu nhập tay trong trang quản trị"


def test_spreadsheet_sheets_are_named_in_vietnamese():
    from openpyxl import load_workbook

    from campaigns.models import DossierStatistic
    from campaigns.statistics.exports import export_queryset, write_xlsx
    from tests.factories.trainings import TrainingSessionFactory
    from trainings.roster import export_roster

    written = io.BytesIO()
    write_xlsx(export_queryset(DossierStatistic.objects.all()), written)  # the admin's streamed export
    statistics = load_workbook(io.BytesIO(written.getvalue()))
    roster = load_workbook(io.BytesIO(export_roster(TrainingSessionFactory(), "xlsx")))
    assert statistics.sheetnames == ["Thống kê hồ sơ"]
    assert roster.sheetnames == ["Danh sách học viên"]
