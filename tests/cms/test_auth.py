import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse

from ..factories.users import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _request(address="203.0.113.7"):
    return RequestFactory().post("/admin/login/", REMOTE_ADDR=address)


def test_login_is_throttled_after_repeated_failures(settings):
    user = UserFactory(username="can.bo")
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT):
        assert authenticate(_request(), username="can.bo", password="wrong password") is None
    # Even the right password is refused while throttled.
    assert authenticate(_request(), username="can.bo", password=PASSWORD) is None
    # The same user name from elsewhere is refused too (per-name counter).
    assert authenticate(_request("198.51.100.9"), username="can.bo", password=PASSWORD) is None
    assert user.is_active


def test_successful_login_below_the_limit_resets_the_counter(client, settings):
    UserFactory(username="giang.vien")
    url = reverse("wagtailadmin_login")

    def attempt(password, address):
        client.post(url, {"username": "giang.vien", "password": password}, REMOTE_ADDR=address)
        signed_in = "_auth_user_id" in client.session
        client.logout()
        return signed_in

    for _attempt in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert not attempt("wrong", "192.0.2.1")
    assert attempt(PASSWORD, "192.0.2.1")
    # The user name's counter starts again (each address keeps its own count).
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT - 1):
        assert not attempt("wrong", "192.0.2.2")
    assert attempt(PASSWORD, "192.0.2.2")


def test_throttled_login_page_shows_a_form_error_not_a_crash(client, settings):
    UserFactory(username="lanh.dao")
    url = reverse("wagtailadmin_login")
    for _attempt in range(settings.LOGIN_FAILURE_LIMIT + 1):
        response = client.post(url, {"username": "lanh.dao", "password": "nope"})
        assert response.status_code == 200
    response = client.post(url, {"username": "lanh.dao", "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("password", ["short-1", "123456789012", "password1234"])
def test_weak_passwords_are_rejected(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_password_is_accepted():
    validate_password("hoa-sen-nở-giữa-đầm-2026")
