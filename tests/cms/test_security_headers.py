"""Security headers, the language cookie, no outside avatar service, and the 503 page for a database outage
that happens outside a view (issue: the session middleware failing while a signed-in user browses)."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_public_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "object-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy
    script = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script
    assert "camera=(self)" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_admin_pages_carry_a_policy_too(client):
    response = client.get(reverse("wagtailadmin_login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "Permissions-Policy" in response


def test_language_cookie_is_same_site_and_http_only(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    cookie = response.cookies["django_language"]
    assert cookie["samesite"] == "Lax"
    assert cookie["httponly"]


def test_admin_sends_no_e_mail_hash_to_an_avatar_service(admin_client):
    response = admin_client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 200
    assert "gravatar" not in response.content.decode().lower()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("step", ["load", "save"])
def test_database_outage_while_signed_in_gives_the_503_page(admin_user, monkeypatch, step):
    """The session is loaded by the session middleware (through the authentication middleware), outside any view,
    and saved after it: an outage at either step gives the 503 page."""
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)

    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(f"django.contrib.sessions.backends.db.SessionStore.{step}", broken)
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 503
    assert "tạm thời gián đoạn" in response.content.decode()
    assert response["Retry-After"] == "30"
    monkeypatch.undo()
    assert client.get(reverse("wagtailadmin_home")).status_code == 200


def test_other_errors_still_give_the_500_page(rf):
    from cms.middleware import server_error

    try:
        raise ValueError("boom")
    except ValueError:
        response = server_error(rf.get("/"))
    assert response.status_code == 500
