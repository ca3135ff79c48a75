import pytest
from django.urls import reverse

from campaigns.access.roles import Role

from ..factories.users import UserFactory
from .admin_crawl import sidebar_labels

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("wagtailadmin_login"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Đăng nhập" in text
    assert "Quên mật khẩu?" in text
    assert "Mật khẩu" in text and "Password" not in text
    assert 'lang="vi"' in text


def menu_labels(html: str) -> set[str]:
    """Labels of the sidebar menu."""
    return set(sidebar_labels(html))


def test_browser_language_does_not_override_vietnamese(client):
    text = client.get(reverse("wagtailadmin_login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Đăng nhập" in text and "Sign in" not in text


def test_visitor_can_choose_english_with_the_language_switcher(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Sign in" in client.get(reverse("wagtailadmin_login")).content.decode()
    client.cookies["django_language"] = "xx-evil"
    assert "Đăng nhập" in client.get(reverse("wagtailadmin_login")).content.decode()


def test_admin_menu_and_dashboard_are_vietnamese(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    labels = menu_labels(client.get(reverse("wagtailadmin_home")).content.decode())
    expected = {"Trang", "Hình ảnh", "Tài liệu", "Báo cáo", "Cài đặt", "Người dùng", "Đơn vị hành chính", "Trợ giúp"}
    assert expected <= labels, expected - labels
    assert not {"Images", "Documents", "Reports", "Settings", "Users", "Help"} & labels


def test_unit_listing_is_vietnamese_with_day_first_dates(client, catalogue):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    response = client.get(reverse("units:index"), {"q": "lac tanh"})
    text = response.content.decode()
    assert "Hiệu lực đến" in text
    assert "01/07/2025" in text


def test_english_is_available_as_second_language(client):
    user = UserFactory(is_superuser=True)
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)
    assert "Images" in menu_labels(client.get(reverse("wagtailadmin_home")).content.decode())
