"""Accent- and case-insensitive search over guides, news and documents, on whichever database runs the tests.

The search index is filled by a background task after each save; the test settings run tasks immediately.
"""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents import get_document_model

from cms.models import GuidePage, NewsPage
from outreach_media.models import MediaItem
from tests.factories.pages import GuideIndexPageFactory, NewsIndexPageFactory
from tests.factories.users import unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


@pytest.fixture
def content():
    guides = GuideIndexPageFactory()
    online = GuidePage(
        title="Dịch vụ công trực tuyến cho mọi nhà",
        slug="dvc",
        intro="Làm thủ tục tại nhà.",
        steps=[
            {
                "type": "step",
                "value": {
                    "heading": "Nộp hồ sơ",
                    "text": "<p>Bấm nộp hồ sơ trực tuyến.</p>",
                    "image": None,
                    "alt": "",
                },
            }
        ],
    )
    guides.add_child(instance=online)
    # "Hòa" (accent on o) and "Hoà" (accent on a) are both in use; neither should matter.
    hoa_old = GuidePage(title="Đăng ký khai sinh ở xã Hòa Bình", slug="hoa-binh")
    guides.add_child(instance=hoa_old)
    draft = GuidePage(title="Bản nháp dịch vụ công trực tuyến", slug="nhap", live=False)
    guides.add_child(instance=draft)
    news = NewsIndexPageFactory()
    hoa_new = NewsPage(
        title="Tập huấn tại phường Thanh Hoà",
        slug="thanh-hoa",
        date=datetime.date(2022, 8, 25),
        body=[{"type": "paragraph", "value": "<p>Người dân học nộp hồ sơ qua bưu điện.</p>"}],
    )
    news.add_child(instance=hoa_new)
    document = get_document_model().objects.create(
        title="so-tay.pdf", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="so-tay.pdf")
    )
    handbook = MediaItem.objects.create(
        kind="handbook", title="Sổ tay Dịch vụ công xã Hoà Thuận", unit=unit("23149"), document=document, live=True
    )
    return {"online": online, "hoa_old": hoa_old, "hoa_new": hoa_new, "draft": draft, "handbook": handbook}


def _search(client, query):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return response.context, response.content.decode()


@pytest.mark.parametrize("query", ["dich vu cong truc tuyen", "DỊCH VỤ CÔNG TRỰC TUYẾN", "Dich Vu Cong"])
def test_query_without_accents_finds_the_guide(client, content, query):
    context, html = _search(client, query)
    assert content["online"] in context["guides"]
    assert content["draft"] not in context["guides"]
    assert "Dịch vụ công trực tuyến cho mọi nhà" in html


@pytest.mark.parametrize("query", ["hoa", "Hòa", "Hoà", "HOA"])
def test_hoa_finds_hoa_with_either_accent_placement(client, content, query):
    context, _html = _search(client, query)
    assert content["hoa_old"] in context["guides"]
    assert content["hoa_new"] in context["news"]
    assert content["handbook"] in context["documents"]


def test_body_text_is_searched_too(client, content):
    context, _html = _search(client, "buu dien")
    assert content["hoa_new"] in context["news"]
    context, _html = _search(client, "nop ho so truc tuyen")
    assert content["online"] in context["guides"]


def test_every_word_must_match(client, content):
    context, _html = _search(client, "hoa truc tuyen")
    assert context["guides"] == [] and context["news"] == []


def test_empty_and_hostile_queries_are_harmless(client, content):
    context, _html = _search(client, "")
    assert context["count"] == 0
    for query in ['"', "hoa*", "NOT OR AND", "'); DROP TABLE x; --", "x" * 500, "(((", "a:b"]:
        _context, html = _search(client, query)
        assert html.count("<script") == 1  # the site's own script file only


def test_search_page_is_vietnamese_and_not_indexed(client, content):
    _context, html = _search(client, "hoa")
    assert 'lang="vi"' in html and 'name="robots" content="noindex"' in html
    assert html.count("<h1") == 1


def test_type_filters_show_counts_and_narrow_the_results(client, content):
    from tests.factories.trainings import TrainingSessionFactory

    session = TrainingSessionFactory(title="Lớp nộp hồ sơ tại xã Hòa Thắng")
    TrainingSessionFactory(title="Lớp riêng ở Hòa Thắng", is_public=False)
    context, html = _search(client, "hoa")
    assert [found for found, _seats in context["sessions"]] == [session]  # each class with its seats left
    counts = {key: number for key, _label, number in context["filters"]}
    assert counts == {"guides": 1, "news": 1, "classes": 1, "documents": 1}
    assert "Hướng dẫn (1)" in html and "Lớp học (1)" in html and "Tất cả (4)" in html
    response = client.get(reverse("search"), {"q": "hoa", "type": "classes"})
    assert [found for found, _seats in response.context["sessions"]] == [session]
    assert response.context["guides"] == [] and response.context["documents"] == []
    assert response.context["count"] == 1 and response.context["total"] == 4
    assert '<span aria-current="page">Lớp học (1)</span>' in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"q": "hoa", "type": "<script>alert(1)</script>"},
        {"q": "hoa", "type": "guides' OR 1=1 --"},
        {"q": "\x00hoa\x00", "type": "news"},
        {"q": "%00%27%22<svg onload=alert(1)>", "type": "documents"},
        {"q": "hoa " * 300, "type": "guides"},
        {"q": "∑∞ 😀 \u202ehoa", "type": ""},
    ],
)
def test_hostile_query_strings_and_types_are_harmless(client, content, params):
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert" not in html and "<svg onload" not in html
    assert response.context["kind"] in ("", "guides", "news", "classes", "documents")
    if params["type"] not in ("guides", "news", "classes", "documents"):
        assert response.context["kind"] == ""
