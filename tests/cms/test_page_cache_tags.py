"""The page cache is purged per page and per thing a page shows, never the whole site for one page's change."""

import datetime

import pytest
from django.test import Client

from campaigns.models import Campaign
from cms.models import GuideIndexPage, GuidePage, HomePage, SiteSettings
from cms.page_cache import page_tags

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

STEPS = [{"type": "step", "value": {"heading": "Mở cổng", "text": "<p>Vào trang.</p>", "image": None, "alt": ""}}]


@pytest.fixture
def guides():
    home = HomePage.objects.get()
    index = GuideIndexPage(title="Hướng dẫn", slug="huong-dan")
    home.add_child(instance=index)
    pages = []
    for slug, title in (("a", "Nộp hồ sơ trực tuyến"), ("b", "Thanh toán trực tuyến")):
        page = GuidePage(title=title, slug=slug, intro=f"Bản đầu tiên {slug}.", steps=STEPS)
        index.add_child(instance=page)
        page.save_revision().publish()
        pages.append(page)
    SiteSettings.for_site(home.get_site())
    return home, index, *pages


def _state(client, page) -> str:
    return client.get(page.url)["X-Page-Cache"]


def _warm(client, *pages):
    for page in pages:
        client.get(page.url)
    assert [_state(client, page) for page in pages] == ["hit"] * len(pages)


@pytest.fixture
def warmed(guides):
    """A client that has every page of the guides in the cache, and guide A as read afresh from the database."""
    home, index, a, b = guides
    client = Client()
    _warm(client, home, index, a, b)
    return client, home, index, GuidePage.objects.get(pk=a.pk), b


def test_saving_a_draft_of_guide_a_purges_nothing(warmed):
    client, home, index, a, b = warmed
    a.intro = "Bản nháp chưa xuất bản."
    a.save_revision()
    assert [_state(client, page) for page in (home, index, a, b)] == ["hit"] * 4
    assert "Bản nháp" not in client.get(a.url).content.decode()


def test_publishing_guide_a_refreshes_a_and_the_listings_and_leaves_b_cached(warmed):
    client, home, index, a, b = warmed
    a.intro = "Bản mới đã xuất bản."
    a.save_revision().publish()
    assert _state(client, b) == "hit"  # another guide stays cached
    response = client.get(a.url)
    assert response["X-Page-Cache"] == "miss" and "Bản mới đã xuất bản." in response.content.decode()
    assert _state(client, index) == "miss"  # the index lists it
    assert _state(client, home) == "miss"  # the home page shows the latest guides
    assert _state(client, b) == "hit"


def test_a_new_title_reaches_every_page_that_shows_it(warmed):
    """Titles appear in menus, breadcrumbs and related links: a title change purges the whole site."""
    client, home, index, a, b = warmed
    a.title = "Nộp hồ sơ trực tuyến (bản 2026)"
    a.save_revision().publish()
    assert [_state(client, page) for page in (home, index, a, b)] == ["miss"] * 4


def test_a_site_wide_change_purges_every_page(warmed):
    client, home, index, a, b = warmed
    settings_row = SiteSettings.for_site(home.get_site())
    settings_row.save()
    assert [_state(client, page) for page in (home, index, a, b)] == ["miss"] * 4


def test_a_campaign_saved_purges_its_pages_not_the_guides(guides):
    home, index, a, b = guides
    client = Client()
    _warm(client, a, b)
    from tests.factories.users import unit

    Campaign.objects.create(
        name="Tánh Linh 2022",
        slug="tanh-linh-2022",
        unit=unit("23149"),
        starts_on=datetime.date(2022, 1, 1),
        ends_on=datetime.date(2022, 12, 31),
    )
    assert [_state(client, page) for page in (a, b)] == ["hit", "hit"]


def test_a_page_change_names_the_page_its_index_and_its_type(guides):
    _home, index, a, _b = guides
    assert page_tags(a) == [f"page:{a.pk}", "list:cms.guidepage", f"children:{index.path}"]
    assert f"children:{index.path}" in index.specific.cache_tags()
