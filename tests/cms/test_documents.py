"""Documents: a size limit and a content check, in the admin's single and multiple upload."""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model

from campaigns.access.roles import Role
from cms.documents import check_document

from ..factories.users import UserFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def editor(client):
    client.force_login(UserFactory(role=Role.COMMUNICATIONS))
    return client


def _add(client, name, content):
    return client.post(
        reverse("wagtaildocs:add"),
        {"title": name, "file": SimpleUploadedFile(name, content), "collection": 1},
    )


def test_random_bytes_are_not_accepted_as_a_pdf(editor):
    response = _add(editor, "so-tay.pdf", os.urandom(64 * 1024))
    assert response.status_code == 200
    assert "không phải tệp PDF" in response.content.decode()
    assert not get_document_model().objects.exists()


def test_a_real_pdf_is_accepted(editor):
    response = _add(editor, "so-tay.pdf", PDF)
    assert response.status_code == 302
    assert get_document_model().objects.count() == 1


def test_a_document_over_the_size_limit_is_refused(editor, settings):
    settings.DOCUMENT_MAX_UPLOAD_BYTES = 1024 * 1024
    response = _add(editor, "lon.pdf", PDF + b"0" * (2 * 1024 * 1024))
    assert "1 MB" in response.content.decode()
    assert not get_document_model().objects.exists()


def test_the_multiple_upload_checks_too(editor):
    response = editor.post(
        reverse("wagtaildocs:add_multiple"),
        {"files[]": SimpleUploadedFile("to-roi.pdf", os.urandom(4096)), "collection": 1},
    )
    assert not get_document_model().objects.exists()
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    ("name", "content", "accepted"),
    [
        ("bang.xlsx", b"PK\x03\x04rest", True),
        ("bang.xlsx", b"%PDF-1.4", False),
        ("van-ban.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", True),
        ("danh-sach.csv", "Họ tên,Điện thoại\n".encode(), True),
        ("danh-sach.csv", b"\x00\x01\x02binary", False),
        ("ghi-chu.txt", b"\xff\xfe\xfa", False),
    ],
)
def test_content_matches_the_extension(name, content, accepted):
    from django import forms

    upload = SimpleUploadedFile(name, content)
    if accepted:
        check_document(upload)
    else:
        with pytest.raises(forms.ValidationError):
            check_document(upload)
