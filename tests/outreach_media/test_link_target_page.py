"""A tracked QR link's target is a page chosen in the page chooser: renaming or moving it never breaks the code."""

import pytest
from django.urls import reverse

from campaigns.access.roles import Role
from cms.models import GuideIndexPage, GuidePage, HomePage
from outreach_media.choices import MediaKind
from outreach_media.models import MediaItem, TrackedLink

from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


@pytest.fixture
def guide():
    index = HomePage.objects.get().add_child(instance=GuideIndexPage(title="Hướng dẫn", slug="huong-dan"))
    return index.add_child(instance=GuidePage(title="Nộp hồ sơ trực tuyến", slug="nop-ho-so"))


@pytest.fixture
def item():
    return MediaItem.objects.create(kind=MediaKind.HANDBOOK, title="Sổ tay", unit=unit("23149"))


def test_a_scan_follows_the_page_after_it_is_renamed(client, guide, item):
    link = TrackedLink.objects.create(media_item=item, code="sotay1", target_page=guide)
    assert client.get("/q/sotay1/")["Location"] == "/huong-dan/nop-ho-so/"
    guide.slug = "nop-ho-so-truc-tuyen"
    guide.save_revision().publish()
    response = client.get("/q/sotay1/")
    assert response.status_code == 302
    assert response["Location"] == "/huong-dan/nop-ho-so-truc-tuyen/"
    assert link.scans.get().count == 2


def test_a_link_to_an_unpublished_page_falls_back_to_its_address_or_a_friendly_404(client, guide, item):
    with_fallback = TrackedLink.objects.create(media_item=item, code="sotay2", target_page=guide, target_url="/")
    without = TrackedLink.objects.create(media_item=item, code="sotay3", target_page=guide)
    guide.unpublish()
    assert client.get(f"/q/{with_fallback.code}/")["Location"] == "/"
    assert client.get(f"/q/{without.code}/").status_code == 404


def test_the_form_offers_a_page_chooser_and_needs_a_page_or_an_address(client, guide, item):
    client.force_login(UserFactory(role=Role.COMMUNICATIONS, scopes=[unit("23149")]))
    add = reverse("tracked_links:add")
    html = client.get(add).content.decode()
    assert 'name="target_page"' in html and "page-chooser" in html
    response = client.post(add, {"media_item": item.pk, "target_page": "", "target_url": "", "active": "on"})
    assert response.status_code == 200
    assert not TrackedLink.objects.exists()
    for hostile in ("javascript:alert(1)", "//evil.example/", "http://plain.example/", "/a b", "x" * 600):
        response = client.post(add, {"media_item": item.pk, "target_page": "", "target_url": hostile, "active": "on"})
        assert response.status_code == 200, hostile
    response = client.post(add, {"media_item": item.pk, "target_page": "999999", "target_url": "", "active": "on"})
    assert response.status_code == 200
    assert not TrackedLink.objects.exists()
    response = client.post(add, {"media_item": item.pk, "target_page": guide.pk, "target_url": "", "active": "on"})
    assert response.status_code == 302
    link = TrackedLink.objects.get()
    assert link.target_page_id == guide.pk and link.target() == "/huong-dan/nop-ho-so/"


def test_the_listing_shows_the_target_and_a_yes_no_column_not_true(client, guide, item):
    TrackedLink.objects.create(media_item=item, code="sotay4", target_page=guide)
    client.force_login(UserFactory(role=Role.COMMUNICATIONS, scopes=[unit("23149")]))
    html = client.get(reverse("tracked_links:index")).content.decode()
    assert "/huong-dan/nop-ho-so/" in html
    assert ">True<" not in html and "True</td>" not in html
    assert "Đích đến" in html and "Đang hoạt động" in html and ">Active<" not in html


def test_the_demo_handbook_qr_code_opens_a_guide(client, guide, item):
    from cms.demo.outreach import DEMO_QR_GUIDE_SLUG, demo_link_targets

    guide.slug = DEMO_QR_GUIDE_SLUG
    guide.save_revision().publish()
    TrackedLink.objects.create(media_item=item, code="stdvc22", target_url="/huong-dan/")
    assert demo_link_targets() == 1
    assert client.get("/q/stdvc22/")["Location"] == f"/huong-dan/{DEMO_QR_GUIDE_SLUG}/"
    assert demo_link_targets() == 0  # run again: nothing to change
