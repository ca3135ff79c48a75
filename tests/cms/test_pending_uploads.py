"""Pending import files live in the default storage, named by an unguessable token bound to the uploader:
another server, with no local copy, confirms what one server previewed; nobody else opens it."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.access.roles import Role
from campaigns.core.imports import uploads
from campaigns.models import DossierStatistic

from ..factories.statistics import statistics_upload
from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
HEADER = "Mã ĐVHC,Kỳ,Tiếp nhận trực tuyến,Tiếp nhận trực tiếp\n"


@pytest.fixture
def officer(db):
    return UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("68")])


def _preview(client, text=HEADER + "23149,07/2025,40,60\n"):
    return statistics_upload(client, text)


def test_the_file_is_kept_in_the_default_storage_under_a_token_bound_to_the_user(client, media, officer):
    client.force_login(officer)
    response = _preview(client)
    token = response.context["token"]
    [name] = uploads.pending_names()
    assert name == f"imports/pending/{officer.pk}-{token}.csv"
    assert len(token) == 32 and client.session["statistics_import"]["stored"] == name
    with default_storage.open(name) as handle:
        assert handle.read().decode().startswith("Mã ĐVHC")
    assert (media / name).is_file()  # the file system storage of a single server: read in place


class RemoteStorage(Storage):
    """A storage without local paths, like an S3 bucket (``Storage.path`` raises NotImplementedError)."""

    def __init__(self, location):
        self.inner = FileSystemStorage(location=location)

    def _open(self, name, mode="rb"):
        return self.inner._open(name, mode)

    def _save(self, name, content):
        return self.inner._save(name, content)

    def exists(self, name):
        return self.inner.exists(name)

    def delete(self, name):
        self.inner.delete(name)

    def listdir(self, path):
        return self.inner.listdir(path)

    def get_modified_time(self, name):
        return self.inner.get_modified_time(name)


def test_a_server_without_the_file_on_its_disk_confirms_the_preview(client, media, officer, monkeypatch, tmp_path):
    """Preview and confirmation on different servers: only the storage and the session are shared."""
    remote = RemoteStorage(location=tmp_path / "bucket")
    monkeypatch.setattr(uploads, "default_storage", remote)
    client.force_login(officer)
    token = _preview(client).context["token"]
    assert remote.listdir("imports/pending")[1] == [f"{officer.pk}-{token}.csv"]
    response = client.post(reverse("statistics_import"), {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert DossierStatistic.objects.get().received_online == 40
    assert remote.listdir("imports/pending")[1] == []  # erased once confirmed


def test_another_user_cannot_open_a_pending_file(media, officer):
    other = UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("68")])
    token, name = uploads.keep(SimpleUploadedFile("a.csv", b"x"), user=officer)
    with pytest.raises(uploads.PendingUploadError), uploads.open_pending(name, user=other):
        pass
    wrong_token = uploads.open_pending(name, user=officer, token="0" * 32)
    with pytest.raises(uploads.PendingUploadError), wrong_token:  # the right user, a wrong token
        pass
    with uploads.open_pending(name, user=officer, token=token) as path:
        assert path.read_bytes() == b"x"


@pytest.mark.parametrize(
    "name",
    [
        "",
        "../../etc/passwd",
        "imports/pending/../../settings.py",
        "imports/pending/1-abc.csv",
        "imports/pending/1-" + "g" * 32 + ".csv",
        "documents/report.pdf",
        "imports/pending/1-" + "a" * 32 + ".csv/../x",
    ],
)
def test_a_malformed_or_hostile_name_is_refused_and_never_deleted(media, officer, name):
    officer.pk = 1
    default_storage.save("documents/report.pdf", ContentFile(b"keep"))
    with pytest.raises(uploads.PendingUploadError), uploads.open_pending(name, user=officer):
        pass
    uploads.discard(name)
    assert default_storage.exists("documents/report.pdf")


def test_a_confirmation_with_a_session_pointing_at_another_users_file_writes_nothing(client, media, officer):
    other = UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("68")])
    _token, foreign = uploads.keep(SimpleUploadedFile("b.csv", (HEADER + "23149,07/2025,1,1\n").encode()), user=other)
    client.force_login(officer)
    token = _preview(client).context["token"]
    session = client.session
    session["statistics_import"]["stored"] = foreign  # a forged session value
    session.save()
    response = client.post(reverse("statistics_import"), {"confirm": "1", "token": token}, follow=True)
    assert not DossierStatistic.objects.exists()
    assert "hết hạn" in response.content.decode()


def test_a_file_gone_from_the_storage_is_a_clear_expiry_not_an_error(client, media, officer):
    client.force_login(officer)
    token = _preview(client).context["token"]
    default_storage.delete(client.session["statistics_import"]["stored"])
    response = client.post(reverse("statistics_import"), {"confirm": "1", "token": token}, follow=True)
    assert response.status_code == 200
    assert not DossierStatistic.objects.exists()
    assert "hết hạn" in response.content.decode()
