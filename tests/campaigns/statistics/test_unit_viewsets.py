import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from campaigns.access.roles import Role
from campaigns.models import UserScope
from tests.factories.users import UserFactory, unit

# The unit screens on the small tree of tests/factories/units.py; the real catalogue only for the query counts,
# which need many rows.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


@pytest.fixture
def officer(client, tree):
    user = UserFactory(role=Role.UNIT_OFFICER, scopes=[tree.new_commune])
    client.force_login(user)
    return user


def test_officer_listing_shows_only_units_in_scope(client, officer, tree):
    response = client.get(reverse("units:index"))
    assert response.status_code == 200
    # Today's Xã Đồi Thông and the two old units that went wholly into it.
    assert set(response.context["object_list"]) == {tree.new_commune, tree.old_commune, tree.old_township}


def test_officer_can_inspect_own_unit_but_not_another(client, officer, tree):
    own = client.get(reverse("units:inspect", args=[tree.new_commune.pk]))
    assert own.status_code == 200
    assert "Xã Đồi Thông" in own.text
    other = client.get(reverse("units:inspect", args=[tree.new_ward.pk]))
    assert other.status_code in (302, 403)
    assert "Phường Mây Trắng" not in other.text


def test_officer_cannot_open_the_edit_form(client, officer, tree):
    response = client.get(reverse("units:edit", args=[tree.new_commune.pk]))
    assert response.status_code in (302, 403)


def test_listing_search_ignores_diacritics(client, officer):
    response = client.get(reverse("units:index"), {"q": "suoi may"})
    assert [obj.name for obj in response.context["object_list"]] == ["Xã Suối Mây"]


def test_user_without_admin_access_is_refused(client):
    client.force_login(UserFactory())
    response = client.get(reverse("units:index"))
    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response["Location"]


def test_unit_chooser_is_scoped_and_accent_insensitive(client, officer):
    response = client.get(reverse("unit_chooser:choose_results"), {"q": "thi tran doi", "include_former": "on"})
    assert response.status_code == 200
    assert "Thị trấn Đồi Thông" in response.text
    response = client.get(reverse("unit_chooser:choose_results"), {"q": "may trang", "include_former": "on"})
    assert "Phường Mây Trắng" not in response.text


def test_only_administrators_manage_scopes_and_the_change_is_audited(client, officer, tree):
    target = UserFactory()
    refused = client.post(reverse("user_scopes:add"), {"user": target.pk, "unit": tree.new_commune.pk})
    assert refused.status_code in (302, 403)
    assert not UserScope.objects.filter(user=target).exists()

    administrator = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(administrator)
    response = client.post(reverse("user_scopes:add"), {"user": target.pk, "unit": tree.new_commune.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    scope = UserScope.objects.get(user=target)
    entry = ModelLogEntry.objects.get(object_id=str(scope.pk), action="wagtail.create")
    assert entry.user_id == administrator.pk


def test_duplicate_scope_gets_a_form_error_not_a_crash(client, tree):
    administrator = UserFactory(role=Role.ADMINISTRATOR)
    target = UserFactory(scopes=[tree.new_commune])
    client.force_login(administrator)
    response = client.post(reverse("user_scopes:add"), {"user": target.pk, "unit": tree.new_commune.pk})
    assert response.status_code == 200
    assert UserScope.objects.filter(user=target).count() == 1
    assert response.context["form"].errors


def test_succession_search_ignores_diacritics(client, tree):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    response = client.get(reverse("unit_successions:index"), {"q": "suoi may"})
    assert response.status_code == 200
    assert {(link.old_unit.name, link.new_unit.name) for link in response.context["object_list"]} == {
        ("Xã Suối Mây", "Xã Đồi Thông")
    }


def test_succession_listing_is_refused_to_unit_officers(client, officer):
    assert client.get(reverse("unit_successions:index")).status_code in (302, 403)


@pytest.mark.parametrize(
    ("url_name", "small", "large"),
    [
        ("units:index", {"q": "tanh linh"}, {"level": "commune"}),
        ("unit_successions:index", {"q": "lac tanh"}, {}),
        ("user_scopes:index", {"q": "scoped29"}, {}),
    ],
)
def test_listing_query_count_does_not_grow_with_rows(client, django_assert_max_num_queries, url_name, small, large):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    for index in range(30):
        UserFactory(username=f"scoped{index}", scopes=[unit("23149")])
    with django_assert_max_num_queries(25) as few_rows:
        client.get(reverse(url_name), small)
    with django_assert_max_num_queries(25) as full_page:
        client.get(reverse(url_name), large)
    assert len(full_page.captured_queries) == len(few_rows.captured_queries)
