import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from campaigns.access.roles import ROLE_GROUP_NAMES, Role, sync_role_groups

pytestmark = pytest.mark.django_db


def _perms(role):
    group = Group.objects.get(name=ROLE_GROUP_NAMES[role])
    return {
        f"{perm.content_type.app_label}.{perm.codename}" for perm in group.permissions.select_related("content_type")
    }


def test_all_five_role_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= set(ROLE_GROUP_NAMES.values())


def test_every_role_may_enter_the_back_office():
    for role in Role:
        assert "wagtailadmin.access_admin" in _perms(role)


def test_communications_staff_write_pages_for_moderation_and_edit_images_and_documents():
    """They write and submit; the moderation workflow's approvers (leaders, administrators) publish."""
    group = Group.objects.get(name=ROLE_GROUP_NAMES[Role.COMMUNICATIONS])
    page_perms = set(GroupPagePermission.objects.filter(group=group).values_list("permission__codename", flat=True))
    assert {"add_page", "change_page"} <= page_perms
    assert "publish_page" not in page_perms
    collection_perms = set(
        GroupCollectionPermission.objects.filter(group=group).values_list("permission__codename", flat=True)
    )
    assert {"add_image", "change_document"} <= collection_perms


def test_trainers_and_officers_cannot_edit_pages():
    for role in (Role.TRAINER, Role.UNIT_OFFICER):
        group = Group.objects.get(name=ROLE_GROUP_NAMES[role])
        assert not GroupPagePermission.objects.filter(group=group).exists()


def test_leaders_review_pages_in_the_moderation_workflow():
    group = Group.objects.get(name=ROLE_GROUP_NAMES[Role.LEADER])
    page_perms = set(GroupPagePermission.objects.filter(group=group).values_list("permission__codename", flat=True))
    assert page_perms == {"change_page", "publish_page"}


def test_reference_data_is_read_only_for_every_role_but_administrators():
    for role in (Role.COMMUNICATIONS, Role.TRAINER, Role.UNIT_OFFICER, Role.LEADER):
        perms = _perms(role)
        assert "campaigns.view_administrativeunit" in perms
        assert "campaigns.change_administrativeunit" not in perms
        assert "campaigns.change_userscope" not in perms
    assert {"campaigns.change_administrativeunit", "campaigns.add_userscope", "auth.change_user"} <= _perms(
        Role.ADMINISTRATOR
    )


def test_sync_is_idempotent_and_repairs_drift():
    group = Group.objects.get(name=ROLE_GROUP_NAMES[Role.LEADER])
    group.permissions.clear()
    first = sync_role_groups()
    second = sync_role_groups()
    assert first == second
    assert "wagtailadmin.access_admin" in _perms(Role.LEADER)


def test_wagtails_english_starter_groups_are_removed_unless_someone_is_in_them():
    from tests.factories.users import UserFactory

    Group.objects.get_or_create(name="Editors")
    moderators, _created = Group.objects.get_or_create(name="Moderators")
    UserFactory().groups.add(moderators)
    sync_role_groups()
    names = set(Group.objects.values_list("name", flat=True))
    assert "Editors" not in names
    assert "Moderators" in names  # someone was put in it: left to the administrators
    assert set(ROLE_GROUP_NAMES.values()) <= names
