"""Guides as good as GOV.UK's: last updated date, contents list, print, attachments, 'Was this page useful?'."""

import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfWriter
from wagtail.documents import get_document_model

from cms.attachments import attachment_for
from cms.feedback import LIMIT, FeedbackError, clean_comment
from cms.models import GuideIndexPage, GuidePage, HomePage, PageFeedback
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db


def _pdf(pages: int) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _step(heading):
    return {"type": "step", "value": {"heading": heading, "text": "<p>Làm theo.</p>", "image": None, "alt": ""}}


@pytest.fixture
def guides():
    index = GuideIndexPage(title="Hướng dẫn", slug="huong-dan")
    HomePage.objects.get().add_child(instance=index)
    return index


@pytest.fixture
def long_guide(guides):
    document = get_document_model().objects.create(
        title="Sổ tay khai tử", file=ContentFile(_pdf(3), name="so-tay-khai-tu.pdf")
    )
    page = GuidePage(
        title="Đăng ký khai tử trực tuyến",
        slug="dang-ky-khai-tu-truc-tuyen",
        steps=[_step("Mở cổng dịch vụ công"), _step("Khai thông tin"), _step("Nộp lệ phí")],
        handbook=document,
    )
    guides.add_child(instance=page)
    page.save_revision().publish()
    return page


def test_long_guide_has_last_updated_contents_print_and_attachment(client, long_guide):
    html = client.get(long_guide.url).content.decode()
    long_guide.refresh_from_db()
    assert f"Cập nhật lần cuối {timezone.localtime(long_guide.last_published_at):%d/%m/%Y}" in html
    assert 'aria-labelledby="contents-heading"' in html and ">Mục lục<" in html
    for number, heading in enumerate(("Mở cổng dịch vụ công", "Khai thông tin", "Nộp lệ phí"), start=1):
        assert f'<a href="#buoc-{number}">' in html and f'id="buoc-{number}"' in html and heading in html
    assert "In hướng dẫn này" in html and "data-print" in html and "js/site.js" in html.split("</head>")[0]
    assert "(PDF, " in html and "3 trang" in html


def test_short_guide_has_no_contents_list(client, guides):
    page = GuidePage(title="Tra cứu hồ sơ", slug="tra-cuu", steps=[_step("Mở cổng")])
    guides.add_child(instance=page)
    assert "contents-heading" not in client.get(page.url).content.decode()


def test_attachment_of_a_broken_or_other_file_has_no_page_count():
    broken = get_document_model().objects.create(title="Hỏng", file=ContentFile(b"%PDF-1.4 garbage", name="hong.pdf"))
    assert attachment_for(broken).pages is None and attachment_for(broken).format == "PDF"
    sheet = get_document_model().objects.create(title="Bảng", file=ContentFile(b"a,b\n1,2\n", name="bang.csv"))
    info = attachment_for(sheet)
    assert info.pages is None and info.format == "CSV" and info.size == 8
    assert attachment_for(None) is None


def _answer(client, page, answer="yes", comment="", address="203.0.113.9"):
    return client.post(
        reverse("page_feedback"), {"page": page.pk, "answer": answer, "comment": comment}, REMOTE_ADDR=address
    )


def test_feedback_is_counted_per_page_without_personal_data(client, long_guide):
    html = client.get(long_guide.url).content.decode()
    assert "Trang này có hữu ích không?" in html and 'name="csrfmiddlewaretoken"' not in html
    response = _answer(client, long_guide, "no", "  Thiếu hướng dẫn cho người cao tuổi.  ")
    assert response.status_code == 200 and "Cảm ơn" in response.content.decode()
    _answer(client, long_guide, "yes", address="198.51.100.7")
    feedback = PageFeedback.objects.filter(page=long_guide)
    assert feedback.count() == 2 and feedback.filter(is_useful=True).count() == 1
    assert feedback.get(is_useful=False).comment == "Thiếu hướng dẫn cho người cao tuổi."
    stored = {field.name for field in PageFeedback._meta.get_fields()}
    assert stored == {"id", "page", "is_useful", "comment", "created_at"}  # no address, account or cookie


@pytest.mark.parametrize(
    ("answer", "comment", "code"),
    [
        ("", "", "answer_missing"),
        ("maybe", "", "answer_missing"),
        ("yes", "x" * 501, "comment_too_long"),
        ("yes", "<script>alert(1)</script>", "comment_markup"),
        ("no", "Xem <a href='x'>đây</a>", "comment_markup"),
        ("no", "[url=http://spam]mua[/url]", "comment_markup"),
        ("no", "Mua thuốc tại https://spam.example", "comment_link"),
        ("no", "vào www.spam.ru nhé", "comment_link"),
        ("no", "chữ\x00ẩn", "comment_control"),
        ("no", "đảo\u202echiều", "comment_control"),
    ],
)
def test_bad_feedback_is_refused_and_nothing_is_written(client, long_guide, answer, comment, code):
    with pytest.raises(FeedbackError) as refused:
        from cms.feedback import feedback_record

        feedback_record(page=long_guide, answer=answer, comment=comment, address="203.0.113.9")
    assert refused.value.code == code
    response = _answer(client, long_guide, answer, comment)
    assert response.status_code == 400
    assert "Ý kiến của bạn chưa được gửi" in response.content.decode()
    assert "<script>alert" not in response.content.decode()
    assert not PageFeedback.objects.exists()


def test_feedback_is_rate_limited_per_address(client, long_guide):
    for _ in range(LIMIT):
        assert _answer(client, long_guide).status_code == 200
    refused = _answer(client, long_guide)
    assert refused.status_code == 429
    assert PageFeedback.objects.count() == LIMIT
    assert _answer(client, long_guide, address="198.51.100.7").status_code == 200


@pytest.mark.parametrize("page_value", ["", "abc", "-1", "999999999", "1" * 40, "１２"])
def test_feedback_for_an_unknown_page_is_404(client, long_guide, page_value):
    response = client.post(reverse("page_feedback"), {"page": page_value, "answer": "yes"})
    assert response.status_code == 404
    assert client.get(reverse("page_feedback")).status_code == 405


def test_feedback_for_a_draft_page_is_404(client, guides):
    draft = GuidePage(title="Nháp", slug="nhap", live=False)
    guides.add_child(instance=draft)
    assert _answer(client, draft).status_code == 404


def test_clean_comment_normalises_to_nfc():
    assert clean_comment("Hoa\u0300") == "Hoà"


def test_feedback_report_for_page_editors_only(client, long_guide):
    _answer(client, long_guide, "no", "Thiếu bước ký số.")
    _answer(client, long_guide, "yes", address="198.51.100.7")
    url = reverse("page_feedback_report")
    editor = UserFactory(username="bientap", role="communications")
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Đăng ký khai tử trực tuyến" in html and "Thiếu bước ký số." in html
    row = response.context["object_list"][0]
    assert (row.useful, row.not_useful, row.comments) == (1, 1, 1)
    export = client.get(url, {"export": "csv"})
    assert export.status_code == 200
    assert "Đăng ký khai tử trực tuyến,1,1,1" in b"".join(export.streaming_content).decode("utf-8-sig")
    trainer = UserFactory(username="giangvien", role="trainer")
    client.force_login(trainer)
    assert client.get(url).status_code in (302, 403)
