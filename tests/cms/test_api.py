"""The read-only content API (Wagtail API v2) at /api/v2/."""

import pytest

from cms.models import GuideIndexPage, GuidePage, HomePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def guides():
    index = GuideIndexPage(title="Hướng dẫn", slug="huong-dan")
    HomePage.objects.get().add_child(instance=index)
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
