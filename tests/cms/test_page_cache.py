"""Wagtail's page cache (cms.page_cache) and the memoised routing (cms.routing)."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.template import engines
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from cms.cache import TolerantRedisCache
from cms.models import GuideIndexPage, GuidePage, HomePage, SiteSettings
from tests.factories.users import UserFactory

pytestmark = pytest.mark.django_db

STEPS = [{"type": "step", "value": {"heading": "Mở cổng", "text": "<p>Vào trang.</p>", "image": None, "alt": ""}}]


@pytest.fixture
def guide():
    index = GuideIndexPage(title="Hướng dẫn", slug="huong-dan")
    HomePage.objects.get().add_child(instance=index)
    page = GuidePage(title="Nộp hồ sơ trực tuyến", slug="nop-ho-so", intro="Bản đầu tiên.", steps=STEPS)
    index.add_child(instance=page)
    page.save_revision().publish()
    SiteSettings.for_site(page.get_site())  # created by the first request otherwise (which purges the cache)
    return page


def test_an_anonymous_second_request_is_served_from_the_cache_without_queries(
    client, guide, django_assert_num_queries
):
    first = client.get(guide.url)
    assert first.status_code == 200 and first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(guide.url)
    assert second.status_code == 200 and second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert "X-Frame-Options" in second  # headers of the inner middleware are kept


def test_the_uncached_guide_needs_few_queries(client, guide, settings, django_assert_max_num_queries):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(guide.url)  # warms the memos (site, route, contact settings) as a running server has them
    with django_assert_max_num_queries(4):
        response = client.get(guide.url)
    assert response.status_code == 200 and "X-Page-Cache" not in response
    html = response.content.decode()
    assert 'aria-label="Breadcrumb"' in html or 'class="breadcrumb"' in html
    assert '<a href="/">' in html and '<a href="/huong-dan/">Hướng dẫn</a>' in html


def test_logged_in_users_never_get_or_fill_the_cache(client, guide, django_assert_max_num_queries):
    editor = Client()
    editor.force_login(UserFactory(is_superuser=True, is_staff=True))
    response = editor.get(guide.url)
    assert response.status_code == 200 and "X-Page-Cache" not in response
    assert client.get(guide.url)["X-Page-Cache"] == "miss"  # the editor's visit stored nothing
    assert client.get(guide.url)["X-Page-Cache"] == "hit"
    again = editor.get(guide.url)  # an anonymous copy exists now: still not for the editor
    assert "X-Page-Cache" not in again


def test_a_session_cookie_or_a_post_bypasses_the_cache(client, guide):
    client.get(guide.url)
    assert client.get(guide.url)["X-Page-Cache"] == "hit"
    client.cookies[django_settings.SESSION_COOKIE_NAME] = "anything"
    assert "X-Page-Cache" not in client.get(guide.url)
    del client.cookies[django_settings.SESSION_COOKIE_NAME]
    assert "X-Page-Cache" not in client.post(guide.url)


def test_publishing_shows_the_new_content_at_once(client, guide):
    assert "Bản đầu tiên." in client.get(guide.url).content.decode()
    assert client.get(guide.url)["X-Page-Cache"] == "hit"
    guide.intro = "Bản đã sửa."
    guide.save_revision().publish()
    response = client.get(guide.url)
    assert response["X-Page-Cache"] == "miss"
    assert "Bản đã sửa." in response.content.decode() and "Bản đầu tiên." not in response.content.decode()


def test_unpublishing_moving_and_deleting_purge_the_cache(client, guide):
    index = guide.get_parent()
    home_html = client.get("/").content.decode()
    client.get(guide.url)
    guide.unpublish()
    assert client.get(guide.url).status_code == 404
    guide.save_revision().publish()
    assert client.get(guide.url).status_code == 200
    other = GuideIndexPage(title="Thủ tục khác", slug="thu-tuc", show_in_menus=True)
    HomePage.objects.get().add_child(instance=other)
    assert client.get("/").content.decode() != home_html  # a new section on the home page
    GuidePage.objects.get(pk=guide.pk).move(other, pos="last-child")
    moved = client.get("/huong-dan/nop-ho-so/")  # Wagtail leaves a redirect behind
    assert moved.status_code == 301 and moved["Location"].endswith("/thu-tuc/nop-ho-so/")
    assert client.get("/thu-tuc/nop-ho-so/").status_code == 200
    GuidePage.objects.get(pk=guide.pk).delete()
    assert client.get("/thu-tuc/nop-ho-so/").status_code == 404
    assert client.get(index.url).status_code == 200


def test_contact_settings_change_shows_at_once(client, guide):
    client.get(guide.url)
    contact = SiteSettings.for_site(guide.get_site())
    contact.hotline = "1900 1234"
    contact.save()
    assert "1900 1234" in client.get(guide.url).content.decode()


def test_language_versions_do_not_mix(client, guide):
    vietnamese = client.get(guide.url).content.decode()
    assert 'lang="vi"' in vietnamese and "Bước 1" in vietnamese
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(guide.url)
    assert english["X-Page-Cache"] == "miss"
    assert 'lang="en"' in english.content.decode() and "Step 1" in english.content.decode()
    assert client.get(guide.url)["X-Page-Cache"] == "hit"
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "vi"
    again = client.get(guide.url)
    assert again["X-Page-Cache"] == "hit" and 'lang="vi"' in again.content.decode()


def test_query_strings_are_cached_apart(client, guide):
    client.get(guide.url)
    response = client.get(guide.url, {"utm_source": "to-roi"})
    assert response["X-Page-Cache"] == "miss"
    assert "utm_source=to-roi" in response.content.decode()  # the language form returns to the same URL


def test_cached_pages_carry_no_csrf_token_and_the_language_switch_needs_none(guide):
    client = Client(enforce_csrf_checks=True)
    html = client.get(guide.url).content.decode()
    assert "csrfmiddlewaretoken" not in html and not client.cookies.get(django_settings.CSRF_COOKIE_NAME)
    response = client.post(reverse("set_language"), {"language": "en", "next": guide.url})
    assert response.status_code == 302 and response["Location"] == guide.url
    assert 'lang="en"' in client.get(guide.url).content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"language": "en", "next": "https://evil.example/lua-dao"},
        {"language": "en", "next": "//evil.example/"},
        {"language": "en", "next": "javascript:alert(1)"},
        {"language": "xx-evil", "next": "/"},
        {"language": "<script>", "next": "/"},
    ],
)
def test_the_tokenless_language_switch_refuses_foreign_redirects_and_unknown_languages(guide, data):
    # Without a CSRF token, the worst a forged request may do is change a visitor's language to one we offer.
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), data)
    assert response.status_code in (302, 204)
    assert "evil" not in response.get("Location", "") and "javascript" not in response.get("Location", "")
    cookie = client.cookies.get(django_settings.LANGUAGE_COOKIE_NAME)
    assert cookie is None or cookie.value in {code for code, _name in django_settings.LANGUAGES}
    assert 'lang="vi"' in client.get(guide.url).content.decode() or data["language"] == "en"


def test_a_view_restriction_added_later_applies_at_once(client, guide):
    assert client.get(guide.url).status_code == 200
    restriction = PageViewRestriction.objects.create(
        page=guide.get_parent(),
        restriction_type=PageViewRestriction.PASSWORD,
        password="bí mật",  # noqa: S106
    )
    response = client.get(guide.url)
    assert response.status_code == 200 and "Nộp hồ sơ trực tuyến" not in response.content.decode()
    assert "X-Page-Cache" not in response and "no-cache" in response["Cache-Control"]
    restriction.delete()
    assert "Bản đầu tiên." in client.get(guide.url).content.decode()


@pytest.fixture
def broken_cache(settings):
    """Both caches in a Redis that is not there (nothing listens on port 1)."""
    broken = {"BACKEND": "cms.cache.TolerantRedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    settings.CACHES = {"default": dict(broken), "pages": dict(broken)}
    TolerantRedisCache._down_until = 0.0
    yield
    TolerantRedisCache._down_until = 0.0


def test_a_broken_cache_backend_still_serves_pages(client, guide, broken_cache):
    assert isinstance(caches["pages"], TolerantRedisCache)
    for _ in range(2):
        response = client.get(guide.url)
        assert response.status_code == 200 and "X-Page-Cache" not in response
        assert "Nộp hồ sơ trực tuyến" in response.content.decode()
    assert client.get("/").status_code == 200
    guide.intro = "Sửa khi không có bộ đệm."
    guide.save_revision().publish()  # purging a missing cache must not fail either
    assert "Sửa khi không có bộ đệm." in client.get(guide.url).content.decode()


def test_the_template_loader_is_cached_when_debug_is_off():
    engine = engines["django"].engine
    assert not engine.debug
    assert [loader.__class__.__name__ for loader in engine.template_loaders] == ["Loader"]
    assert engine.template_loaders[0].__module__ == "django.template.loaders.cached"
