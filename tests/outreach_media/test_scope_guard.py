"""Every admin URL that names an object checks the user's scope, not only edit (review findings)."""

import pytest
from django.urls import reverse

from campaigns.access.roles import Role
from outreach_media.models import Distribution, MediaItem, TrackedLink

from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


@pytest.fixture
def outside():
    item = MediaItem.objects.create(kind="leaflet", title="Tờ rơi Tánh Linh", unit=unit("23149"), live=True)
    distribution = Distribution.objects.create(media_item=item, unit=unit("23149"), date="2026-03-01", copies=10)
    link = TrackedLink.objects.create(media_item=item, target_url="/huong-dan/")
    return item, distribution, link


@pytest.fixture
def officer(client):
    client.force_login(UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("23152")]))


def refused(response):
    return response.status_code in (302, 403)


def test_media_item_delete_history_and_usage_outside_the_scope_are_refused(client, outside, officer):
    item = outside[0]
    for name in ("delete", "history", "usage"):
        assert refused(client.get(reverse(f"wagtailsnippets_outreach_media_mediaitem:{name}", args=[item.pk]))), name
    client.post(reverse("wagtailsnippets_outreach_media_mediaitem:delete", args=[item.pk]))
    assert MediaItem.objects.filter(pk=item.pk).exists()


def test_distribution_history_and_usage_outside_the_scope_are_refused(client, outside, officer):
    distribution = outside[1]
    for name in ("history", "usage", "delete"):
        assert refused(client.get(reverse(f"distributions:{name}", args=[distribution.pk]))), name


def test_tracked_links_are_scoped_by_their_items_unit(client, outside):
    link = outside[2]
    client.force_login(UserFactory(role=Role.COMMUNICATIONS, scopes=[unit("23152")]))
    assert link.code not in client.get(reverse("tracked_links:index")).content.decode()
    response = client.post(
        reverse("tracked_links:edit", args=[link.pk]),
        {"media_item": link.media_item_id, "target_url": "https://evil.example/", "active": "on"},
    )
    assert refused(response)
    link.refresh_from_db()
    assert link.target_url == "/huong-dan/"
    assert client.get(reverse("outreach_media_link_qr_png", args=[link.pk])).status_code == 403


def test_the_summary_resolves_a_code_to_todays_unit(client, outside):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    response = client.get(reverse("outreach_media_summary"), {"unit": "23149"})
    assert "10 tờ rơi" in response.content.decode()
