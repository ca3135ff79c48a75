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
    # Even the right password is refused while this address and account back off.
    assert authenticate(_request(), username="can.bo", password=PASSWORD) is None
    # The real user, from their own address, is not locked out by someone else's failures.
    assert authenticate(_request("198.51.100.9"), username="can.bo", password=PASSWORD) == user
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
    # The pair's counter starts again (each address keeps its own count).
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


def test_back_off_doubles_and_ends_by_itself(settings):
    import datetime

    from django.utils import timezone

    from cms.auth import backoff_seconds, login_is_throttled, record_login_failure

    limit = settings.LOGIN_FAILURE_LIMIT
    assert backoff_seconds(limit - 1, limit) == 0
    assert backoff_seconds(limit, limit) == settings.LOGIN_BACKOFF_SECONDS
    assert backoff_seconds(limit + 2, limit) == 4 * settings.LOGIN_BACKOFF_SECONDS
    assert backoff_seconds(limit + 50, limit) == settings.LOGIN_BACKOFF_MAX_SECONDS
    now = timezone.now()
    for _attempt in range(limit):
        record_login_failure("thu.ky", _request(), now=now)
    assert login_is_throttled("thu.ky", _request(), now=now)
    later = now + datetime.timedelta(seconds=settings.LOGIN_BACKOFF_SECONDS + 1)
    assert not login_is_throttled("thu.ky", _request(), now=later)
    # One more failure after the pause: twice as long.
    record_login_failure("thu.ky", _request(), now=later)
    assert login_is_throttled(
        "thu.ky", _request(), now=later + datetime.timedelta(seconds=settings.LOGIN_BACKOFF_SECONDS + 1)
    )


def test_one_address_guessing_many_accounts_backs_off(settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    UserFactory(username="nhan.vien")
    for number in range(6):
        authenticate(_request("203.0.113.50"), username=f"khong.co.{number}", password="wrong")
    assert authenticate(_request("203.0.113.50"), username="nhan.vien", password=PASSWORD) is None
    assert authenticate(_request("203.0.113.51"), username="nhan.vien", password=PASSWORD) is not None


def test_throttling_holds_without_the_cache(settings):
    """With Redis gone, failures are still counted (in the database): no fail-open after 30 guesses."""
    settings.CACHES = {
        "default": {"BACKEND": "cms.cache.TolerantRedisCache", "LOCATION": "redis://127.0.0.1:1/5"},
    }
    user = UserFactory(username="khong.redis")
    for _attempt in range(30):
        authenticate(_request(), username="khong.redis", password="wrong")
    assert authenticate(_request(), username="khong.redis", password=PASSWORD) is None
    assert authenticate(_request("198.51.100.20"), username="khong.redis", password=PASSWORD) == user


def test_counters_hold_no_address_or_user_name():
    from cms.models import LoginThrottle

    authenticate(_request("203.0.113.99"), username="bi.mat", password="wrong")
    keys = " ".join(LoginThrottle.objects.values_list("key", flat=True))
    assert keys and "203.0.113.99" not in keys and "bi.mat" not in keys
