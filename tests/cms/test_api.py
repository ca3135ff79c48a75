"""The read-only content API (Wagtail API v2) at /api/v2/."""

import pytest

from cms.models import GuidePage
from tests.factories.pages import GuideIndexPageFactory, NewsIndexPageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def guides():
    index = GuideIndexPageFactory()
    live = GuidePage(title="Nộp hồ sơ trực tuyến", slug="nop-ho-so", search_description="Các bước nộp hồ sơ.")
    index.add_child(instance=live)
    live.save_revision().publish()
    draft = GuidePage(title="Bản nháp chưa đăng", slug="ban-nhap", live=False)
    index.add_child(instance=draft)
    draft.save_revision()
    return live, draft


def test_guides_are_listed_with_the_requested_fields(client, guides):
    live, _draft = guides
    response = client.get(
        "/api/v2/pages/", {"type": "cms.GuidePage", "fields": "search_description,first_published_at"}
    )
    assert response.status_code == 200
    data = response.json()
    assert data["meta"]["total_count"] == 1
    (item,) = data["items"]
    assert item["id"] == live.pk
    assert item["title"] == "Nộp hồ sơ trực tuyến"
    assert item["meta"]["type"] == "cms.GuidePage"
    assert item["meta"]["search_description"] == "Các bước nộp hồ sơ."
    assert item["meta"]["html_url"].endswith("/huong-dan/nop-ho-so/")
    assert item["meta"]["first_published_at"]


def test_a_draft_is_neither_listed_nor_served(client, guides):
    _live, draft = guides
    titles = [item["title"] for item in client.get("/api/v2/pages/", {"limit": 20}).json()["items"]]
    assert "Bản nháp chưa đăng" not in titles
    assert "Nộp hồ sơ trực tuyến" in titles
    assert client.get(f"/api/v2/pages/{draft.pk}/").status_code == 404


@pytest.mark.parametrize("endpoint", ["pages", "images", "documents"])
def test_the_api_is_read_only(client, guides, endpoint):
    assert client.get(f"/api/v2/{endpoint}/").status_code == 200
    response = client.post(f"/api/v2/{endpoint}/", {"title": "x"}, content_type="application/json")
    assert response.status_code == 405
    live, _draft = guides
    if endpoint == "pages":
        for method in (client.put, client.patch, client.delete):
            assert method(f"/api/v2/pages/{live.pk}/", {}, content_type="application/json").status_code == 405


def test_a_guide_carries_its_steps_handbook_and_related_guides(client, guides):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    from cms.models import GuideRelatedLink

    live, _draft = guides
    handbook = get_document_model().objects.create(title="Sổ tay", file=ContentFile(b"%PDF-1.4\n", name="so-tay.pdf"))
    other = GuidePage(title="Thanh toán phí", slug="phi")
    live.get_parent().add_child(instance=other)
    page = GuidePage.objects.get(pk=live.pk)
    page.intro = "Tóm tắt các bước."
    page.applies_to = "Đăng ký khai sinh"
    page.audience = "Cha mẹ"
    page.handbook = handbook
    page.steps = [
        {"type": "step", "value": {"heading": "Mở cổng", "text": "<p>Vào trang.</p>", "image": None, "alt": ""}}
    ]
    page.related_guides = [GuideRelatedLink(guide=other)]
    page.save_revision().publish()

    data = client.get(f"/api/v2/pages/{live.pk}/").json()
    assert data["intro"] == "Tóm tắt các bước."
    assert data["applies_to"] == "Đăng ký khai sinh" and data["audience"] == "Cha mẹ"
    (step,) = data["steps"]
    assert step["type"] == "step" and step["value"]["heading"] == "Mở cổng"
    assert data["handbook"]["id"] == handbook.pk and data["handbook"]["meta"]["download_url"].endswith(".pdf")
    (related,) = data["related_guides"]
    assert related["guide"]["id"] == other.pk and related["guide"]["title"] == "Thanh toán phí"

    listing = client.get("/api/v2/pages/", {"type": "cms.GuidePage", "fields": "intro,applies_to"}).json()
    by_id = {item["id"]: item for item in listing["items"]}
    assert by_id[live.pk]["intro"] == "Tóm tắt các bước."


def test_news_items_carry_their_byline_tags_and_body(client):
    import datetime

    news = NewsPageFactory(
        parent=NewsIndexPageFactory(),
        date=datetime.date(2025, 8, 25),
        author="Ban biên tập",
        source="Báo tỉnh",
        source_url="https://example.org/bai-viet",
        intro="120 đại biểu dự.",
        body=[{"type": "paragraph", "value": "<p>Nội dung.</p>"}],
    )
    news.tags.add("tập huấn")
    news.save_revision().publish()
    fields = "date,author,source,source_url,intro,body,tags,image,image_thumbnail"
    (item,) = client.get("/api/v2/pages/", {"type": "cms.NewsPage", "fields": fields}).json()["items"]
    assert item["date"] == "2025-08-25" and item["author"] == "Ban biên tập"
    assert item["source"] == "Báo tỉnh" and item["source_url"] == "https://example.org/bai-viet"
    assert item["intro"] == "120 đại biểu dự." and item["tags"] == ["tập huấn"]
    assert item["body"][0]["type"] == "paragraph" and "Nội dung." in item["body"][0]["value"]
    assert item["image"] is None and item["image_thumbnail"] is None
