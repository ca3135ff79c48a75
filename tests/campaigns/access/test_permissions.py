import logging

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied

from campaigns.access import permissions
from campaigns.access.roles import Role
from campaigns.models import AdministrativeUnit
from tests.factories.units import other_province
from tests.factories.users import UserFactory

# On the small tree of tests/factories/units.py and a second province: the same scope rules, a few rows.
pytestmark = pytest.mark.django_db


@pytest.fixture
def far():
    return other_province()


@pytest.fixture
def commune_a(tree):
    return tree.new_commune  # Xã Đồi Thông (Tỉnh Sông Mây)


@pytest.fixture
def commune_b(far):
    return far.ward  # Phường Đá Mây (Tỉnh Núi Xa)


def test_unit_officer_of_commune_a_cannot_read_commune_b(commune_a, commune_b):
    officer = UserFactory(role=Role.UNIT_OFFICER, scopes=[commune_a])
    assert permissions.user_can(officer, "view", commune_a)
    assert not permissions.user_can(officer, "view", commune_b)
    with pytest.raises(PermissionDenied):
        permissions.require(officer, "view", commune_b)


def test_denials_are_logged_without_personal_data(commune_a, commune_b, caplog):
    officer = UserFactory(username="officer.a", role=Role.UNIT_OFFICER, scopes=[commune_a])
    with caplog.at_level(logging.WARNING, logger="campaigns.access"), pytest.raises(PermissionDenied):
        permissions.require(officer, "view", commune_b)
    assert f"user_id={officer.pk}" in caplog.text
    assert "officer.a" not in caplog.text


def test_scope_includes_all_units_below(commune_a, tree, far):
    leader = UserFactory(role=Role.LEADER, scopes=[tree.province])
    assert permissions.user_can(leader, "view", commune_a)
    assert not permissions.user_can(leader, "view", far.province)


def test_scope_includes_old_units_that_went_into_it(commune_a, tree):
    officer = UserFactory(role=Role.UNIT_OFFICER, scopes=[commune_a])
    assert permissions.user_can(officer, "view", tree.old_township)  # Thị trấn Đồi Thông, merged in
    assert not permissions.user_can(officer, "view", tree.old_ward)  # went into the neighbouring ward


def test_old_district_scope_covers_its_old_communes(tree):
    trainer = UserFactory(role=Role.TRAINER, scopes=[tree.district])
    scope = permissions.scope_unit_ids(trainer)
    old_communes = AdministrativeUnit.objects.filter(parent=tree.district)
    assert set(old_communes.values_list("pk", flat=True)) == {tree.old_commune.pk, tree.old_township.pk}
    assert set(old_communes.values_list("pk", flat=True)) <= scope
    assert tree.district.pk in scope
    assert tree.old_ward.pk not in scope


def test_filter_for_user_narrows_listings(commune_a, tree):
    officer = UserFactory(role=Role.UNIT_OFFICER, scopes=[commune_a])
    visible = permissions.filter_for_user(officer, AdministrativeUnit.objects.all())
    assert set(visible) == {tree.new_commune, tree.old_commune, tree.old_township}


def test_user_without_scope_sees_nothing():
    officer = UserFactory(role=Role.UNIT_OFFICER)
    assert permissions.filter_for_user(officer, AdministrativeUnit.objects.all()).count() == 0


def test_model_permission_is_required_even_in_scope(commune_a):
    no_role = UserFactory(scopes=[commune_a])
    assert not permissions.user_can(no_role, "view", commune_a)
    assert permissions.filter_for_user(no_role, AdministrativeUnit.objects.all()).count() == 0


def test_change_needs_the_change_permission(commune_a):
    officer = UserFactory(role=Role.UNIT_OFFICER, scopes=[commune_a])
    assert not permissions.user_can(officer, "change", commune_a)
    officer.user_permissions.add(Permission.objects.get(codename="change_administrativeunit"))
    officer = type(officer).objects.get(pk=officer.pk)  # fresh permission cache
    assert permissions.user_can(officer, "change", commune_a)


def test_administrators_and_superusers_are_not_restricted(commune_b):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    superuser = UserFactory(is_superuser=True)
    for user in (administrator, superuser):
        assert permissions.scope_unit_ids(user) is None
        assert permissions.user_can(user, "change", commune_b)


def test_inactive_and_anonymous_users_may_do_nothing(commune_a):
    from django.contrib.auth.models import AnonymousUser

    inactive = UserFactory(role=Role.ADMINISTRATOR, is_active=False, scopes=[commune_a])
    assert not permissions.user_can(inactive, "view", commune_a)
    assert not permissions.user_can(AnonymousUser(), "view", commune_a)
    assert permissions.filter_for_user(AnonymousUser(), AdministrativeUnit.objects.all()).count() == 0
