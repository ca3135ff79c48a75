import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.access.roles import Role
from campaigns.models import DossierStatistic, DossierStatisticRevision
from tests.factories.statistics import statistics_upload
from tests.factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
HEADER = "Mã ĐVHC,Kỳ,Tiếp nhận trực tuyến,Tiếp nhận trực tiếp\n"


upload = statistics_upload


def test_preview_writes_nothing_then_confirm_writes(client, officer):
    DossierStatistic.objects.create(
        unit=unit("23149"),
        period_start="2025-07-01",
        period_end="2025-07-31",
        received_online=1,
        received_direct=1,
    )
    response = upload(client, HEADER + "23149,07/2025,40,60\n24820,07/2025,1.234,10\n")
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created, report.updated, report.unchanged) == (1, 1, 0)
    assert [(row.row, row.status) for row in report.preview] == [(2, "changed"), (3, "new")]
    assert DossierStatistic.objects.count() == 1  # nothing written yet
    text = response.content.decode()
    assert "Xác nhận" in text and "Xã Tánh Linh (23149)" in text

    token = response.context["token"]
    response = client.post(reverse("statistics_import"), {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert DossierStatistic.objects.get(unit__code="24820").received_online == 1234
    revision = DossierStatisticRevision.objects.get()
    assert revision.changed_by == officer
    assert revision.old_values["received_online"] == 1 and revision.new_values["received_online"] == 40


def test_rows_outside_the_scope_are_refused(client, officer):
    response = upload(client, HEADER + "23149,07/2025,40,60\n00004,07/2025,1,1\n")
    report = response.context["report"]
    assert [(error.row, error.column) for error in report.errors] == [(3, "Mã ĐVHC")]
    assert "token" not in response.context
    assert not DossierStatistic.objects.exists()


def test_invalid_file_lists_every_bad_row_and_writes_nothing(client, officer):
    response = upload(client, HEADER + "23149,07/2025,1,5;\n23149,08/2025,abc,-1\n")
    report = response.context["report"]
    assert {error.row for error in report.errors} == {2, 3}
    assert "Không ghi dữ liệu nào" in response.content.decode()
    assert not DossierStatistic.objects.exists()


def test_skip_invalid_keeps_the_good_rows_after_confirm(client, officer):
    response = upload(client, HEADER + "23149,07/2025,40,60\n23149,08/2025,abc,1\n", skip_invalid="on")
    assert response.context["report"].rejected_rows == 1
    client.post(reverse("statistics_import"), {"confirm": "1", "token": response.context["token"]})
    assert DossierStatistic.objects.count() == 1


def test_cancel_and_replayed_tokens_write_nothing(client, officer):
    response = upload(client, HEADER + "23149,07/2025,40,60\n")
    token = response.context["token"]
    client.post(reverse("statistics_import"), {"cancel": "1", "token": token})
    client.post(reverse("statistics_import"), {"confirm": "1", "token": token})
    assert not DossierStatistic.objects.exists()


def test_another_users_token_is_useless(client, officer):
    response = upload(client, HEADER + "23149,07/2025,40,60\n")
    token = response.context["token"]
    client.force_login(UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("68")]))
    client.post(reverse("statistics_import"), {"confirm": "1", "token": token})
    assert not DossierStatistic.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [("script.exe", b"MZ\x90\x00"), ("notes.txt", b"hello"), ("thang-7.csv", b"\x00\x01\x02binary")],
)
def test_wrong_or_hostile_files_are_refused(client, officer, name, content):
    data = {"file": SimpleUploadedFile(name, content), "source": ""}
    response = client.post(reverse("statistics_import"), data)
    assert response.status_code == 200
    assert response.context.get("form") is not None
    assert "token" not in response.context
    assert not DossierStatistic.objects.exists()


@pytest.mark.parametrize("role", [Role.TRAINER, Role.LEADER, Role.COMMUNICATIONS])
def test_roles_without_import_rights_are_refused(client, role, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(UserFactory(role=role, scopes=[unit("68")]))
    assert client.get(reverse("statistics_import")).status_code in (302, 403)
    response = upload(client, HEADER + "23149,07/2025,40,60\n")
    assert response.status_code in (302, 403)
    assert not DossierStatistic.objects.exists()


def test_listing_shows_the_import_button_only_to_those_who_may_import(client, officer):
    assert reverse("statistics_import") in client.get(reverse("statistics:index")).content.decode()
    client.force_login(UserFactory(role=Role.LEADER, scopes=[unit("68")]))
    assert reverse("statistics_import") not in client.get(reverse("statistics:index")).content.decode()
