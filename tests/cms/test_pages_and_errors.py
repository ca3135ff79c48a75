import pytest
from django.db import OperationalError
from django.urls import reverse

from cms.models import HomePage

pytestmark = pytest.mark.django_db


def test_home_page_is_served_in_vietnamese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert HomePage.objects.count() == 1
    text = response.content.decode()
    assert 'lang="vi"' in text
    assert "Dịch vụ công trực tuyến" in text
    assert "Bỏ qua, đến nội dung chính" in text


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_database_outage_gives_a_friendly_503_page(client, monkeypatch):
    # Transactional: the middleware closes the broken connection, as it would between real requests.
    def broken(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("wagtail.models.Site.find_for_request", broken)
    response = client.get("/")
    assert response.status_code == 503
    text = response.content.decode()
    assert "tạm thời gián đoạn" in text
    assert "server closed" not in text
    assert response["Retry-After"] == "30"
    # The next request works again once the database answers.
    monkeypatch.undo()
    assert client.get("/").status_code == 200


def test_admin_requires_login(client):
    response = client.get(reverse("wagtailadmin_home"))
    assert response.status_code == 302
