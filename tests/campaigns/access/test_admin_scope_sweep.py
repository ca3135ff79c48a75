"""The role sweep: every admin URL pattern that names an object of a scoped model (Wagtail's generated
ones included: history, usage, revisions, revision compare, workflow…) is opened with an object outside
the user's scope, by every role, with two different scopes. None may answer with the object's page.

A new URL pattern that names an object of an unknown model fails the sweep until it is accounted for.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.exceptions import NoReverseMatch

from campaigns.access.roles import Role
from campaigns.models import AdministrativeUnit, Campaign, DossierStatistic
from campaigns.plans.channels import Channel
from outreach_media.choices import Platform
from outreach_media.models import Airing, Distribution, MediaItem, OutreachEvent, Post, TrackedLink
from tests.factories.campaigns import CampaignFactory
from tests.factories.trainings import RegistrationFactory, TrainingSessionFactory
from tests.factories.units import other_province
from tests.factories.users import UserFactory
from trainings.models import DataRequest, TrainingSession

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

# The objects are in the small tree's Xã Đồi Thông; the scopes are a neighbouring ward of the same province and
# another province (the small tree, not the real catalogue: a scope over hundreds of real communes made every
# request of the sweep expand it, and the sweep's point is only that the object is outside).
SCOPES = {
    "neighbour commune": lambda tree, other: [tree.new_ward],
    "another province": lambda tree, other: [other.province],
}

# Admin URLs of our own whose view has no ``model``: the model their ``pk`` names.
CUSTOM_URL_MODELS = {
    "trainings_roster": TrainingSession,
    "trainings_add_attendee": TrainingSession,
    "trainings_roster_import": TrainingSession,
    "trainings_roster_export": TrainingSession,
    "trainings_roster_template": TrainingSession,
    "trainings_session_feedback": TrainingSession,
    "trainings_room_poster": TrainingSession,
    "trainings_sign_in_sheet": TrainingSession,
    "trainings_purge_spam": TrainingSession,
    "campaign_impact": Campaign,
    "campaign_impact_chart": Campaign,
    "campaign_impact_download": Campaign,
    "campaign_rollout_plan": Campaign,
    "outreach_media_item_links": MediaItem,
    "outreach_media_link_qr_png": TrackedLink,
    "outreach_media_link_qr_svg": TrackedLink,
}
# Wagtail's own areas whose objects are not tied to units (pages, documents, images, workflows, settings).
UNSCOPED_PREFIXES = ("admin/api/main/", "admin/pages/", "admin/workflows/", "admin/settings/", "admin/documents/")
# Other values the patterns need.
OTHER_KWARGS = {
    "revision_id_a": "earliest",
    "revision_id_b": "latest",
    "action_name": "approve",
    "file_format": "xlsx",
    "kind": "xlsx",
    "task_state_id": 1,
    "workflow_state_id": 1,
    "task_id": 1,
}


def _walk(resolver, prefix="", namespace=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), namespace, pattern


def _model_of(pattern):
    callback = pattern.callback
    model = (getattr(callback, "view_initkwargs", None) or {}).get("model")
    if model is None:
        model = getattr(getattr(callback, "view_class", None), "model", None)
    if not isinstance(model, type):
        model = None
    return model or CUSTOM_URL_MODELS.get(pattern.name)


def _is_scoped(model) -> bool:
    return model is not None and (issubclass(model, AdministrativeUnit) or hasattr(model, "scope_unit_path"))


def object_urls(objects):
    """(url name, URL) of every admin pattern whose ``pk`` names an object of a scoped model."""
    found, unknown = [], []
    for route, namespace, pattern in _walk(get_resolver()):
        if not route.startswith(("admin/", "^admin/")):
            continue
        groups = pattern.pattern.regex.groupindex
        if "pk" not in groups:
            continue
        model = _model_of(pattern)
        if model is None:
            if not route.startswith(UNSCOPED_PREFIXES):
                unknown.append(route)
            continue
        if not _is_scoped(model):
            continue
        obj = objects[model]
        kwargs = {"pk": obj.pk}
        for group in groups:
            if group == "pk":
                continue
            if group == "revision_id":
                kwargs[group] = obj.revisions.first().pk if hasattr(obj, "revisions") else 1
            else:
                kwargs[group] = OTHER_KWARGS.get(group, "x")
        name = f"{namespace}:{pattern.name}" if namespace else pattern.name
        try:
            found.append((name, reverse(name, kwargs=kwargs)))
        except NoReverseMatch:
            unknown.append(route)
    return found, unknown


@pytest.fixture
def other():
    return other_province()


@pytest.fixture
def objects(admin_user, tree):
    place = tree.new_commune
    item = MediaItem.objects.create(kind="leaflet", title="Tờ rơi Đồi Thông", unit=place, live=True)
    item.save_revision(user=admin_user)
    item.title = "Tờ rơi Đồi Thông (bản 2)"
    item.save_revision(user=admin_user)
    session = TrainingSessionFactory(unit=place)
    RegistrationFactory(session=session)
    campaign = CampaignFactory(unit=place)
    return {
        AdministrativeUnit: place,
        MediaItem: item,
        TrainingSession: session,
        Campaign: campaign,
        DossierStatistic: DossierStatistic.objects.create(
            unit=place,
            period_start="2025-07-15",
            period_end="2025-08-14",
            source="Cổng DVC",
            received_online=10,
            received_direct=5,
        ),
        Distribution: Distribution.objects.create(media_item=item, unit=place, date="2026-03-01", copies=10),
        Airing: Airing.objects.create(media_item=item, unit=place, date="2026-03-05", count=2, station="Đài xã"),
        Post: Post.objects.create(platform=Platform.ZALO, unit=place, date="2026-03-07", count=3, reach=900),
        OutreachEvent: OutreachEvent.objects.create(
            channel=Channel.CONFERENCE, unit=place, date="2026-04-10", quantity=1, people=120
        ),
        TrackedLink: TrackedLink.objects.create(media_item=item, target_url="/huong-dan/"),
    }


def leaked(response, obj) -> bool:
    """The object's page (or file) was served: 200 with content that is not a refusal."""
    return response.status_code == 200


def test_every_object_url_of_every_scoped_model_refuses_every_role_outside_the_scope(client, objects, tree, other):
    urls, unknown = object_urls(objects)
    assert not unknown, f"admin URLs naming an object of an unknown model: {unknown}"
    names = {name for name, _ in urls}
    # Wagtail's generated patterns are part of the sweep.
    for expected in (
        "wagtailsnippets_outreach_media_mediaitem:revisions_compare",
        "wagtailsnippets_outreach_media_mediaitem:history_results",
        "training_sessions:history",
        "training_sessions:usage",
        "campaigns:history",
        "distributions:usage",
        "trainings_roster",
        "campaign_impact",
        "campaign_rollout_plan",
    ):
        assert expected in names, expected
    leaks = []
    for scope_name, scope_units in SCOPES.items():
        scopes = scope_units(tree, other)
        assert objects[AdministrativeUnit] not in scopes
        for role in (Role.COMMUNICATIONS, Role.TRAINER, Role.UNIT_OFFICER, Role.LEADER):
            user = UserFactory(role=role, scopes=scopes)
            client.force_login(user)
            for name, url in urls:
                response = client.get(url)
                if leaked(response, None):
                    leaks.append((scope_name, role.value, name, url))
    assert not leaks, sorted({(leak[1], leak[2]) for leak in leaks})


def test_the_sweep_reaches_real_views(client, objects):
    """An administrator opens the same URLs: the sweep's URLs are real pages, not 404s that prove nothing."""
    urls, _ = object_urls(objects)
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    served = {name for name, url in urls if client.get(url).status_code == 200}
    for expected in (
        "wagtailsnippets_outreach_media_mediaitem:revisions_compare",
        "wagtailsnippets_outreach_media_mediaitem:history",
        "training_sessions:history",
        "training_sessions:usage",
        "distributions:history",
        "trainings_roster",
    ):
        assert expected in served, expected


def test_a_pk_that_is_not_a_number_is_not_found(client, objects):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    url = reverse("wagtailsnippets_outreach_media_mediaitem:revisions_compare", args=["1%2F2", "earliest", "latest"])
    url = re.sub(r"history/[^/]+/", "history/abc/", url)
    assert client.get(url).status_code == 404


def test_a_scoped_user_opens_objects_inside_the_scope(client, objects):
    place = objects[AdministrativeUnit]
    client.force_login(UserFactory(role=Role.COMMUNICATIONS, scopes=[place]))
    item = objects[MediaItem]
    url = reverse("wagtailsnippets_outreach_media_mediaitem:revisions_compare", args=[item.pk, "earliest", "latest"])
    assert client.get(url).status_code == 200
    session = objects[TrainingSession]
    trainer = UserFactory(role=Role.TRAINER, scopes=[place])
    session.trainers.add(trainer)
    client.force_login(trainer)
    assert client.get(reverse("training_sessions:history", args=[session.pk])).status_code == 200


def test_data_requests_are_for_administrators():
    assert not hasattr(DataRequest, "scope_unit_path")
