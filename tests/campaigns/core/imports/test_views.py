"""The confirmation of a large import queues a background job: it writes everything or, refused, nothing and says
why by row, column and value; small files are still imported in the request."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.access.models import UserScope
from campaigns.core.imports import uploads
from campaigns.core.job_models import AdminJob
from campaigns.models import DossierStatistic
from outreach_media.models import Distribution

from ....factories.statistics import statistics_upload
from ....factories.users import unit

pytestmark = pytest.mark.django_db
HEADER = "Mã ĐVHC,Kỳ,Tiếp nhận trực tuyến,Tiếp nhận trực tiếp\n"
ROWS = "23149,07/2025,40,60\n23152,07/2025,5,10\n24820,07/2025,1.234,10\n"


@pytest.fixture
def small_threshold(settings):
    settings.ADMIN_IMPORT_DIRECT_MAX_ROWS = 2


def confirm(client, response, url_name="statistics_import"):
    return client.post(reverse(url_name), {"confirm": "1", "token": response.context["token"]})


def test_a_file_below_the_threshold_is_imported_in_the_request(client, officer, settings):
    settings.ADMIN_IMPORT_DIRECT_MAX_ROWS = 3
    response = confirm(client, statistics_upload(client, HEADER + ROWS))
    assert response.url == reverse("statistics:index")
    assert DossierStatistic.objects.count() == 3 and not AdminJob.objects.exists()


def test_a_large_file_is_imported_by_a_job_with_its_counts(
    client, officer, small_threshold, django_capture_on_commit_callbacks
):
    preview = statistics_upload(client, HEADER + ROWS)
    assert not DossierStatistic.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, preview)
    job = AdminJob.objects.get()
    assert response.url == reverse("admin_job", args=[job.pk])
    assert (job.kind, job.state, job.total_rows, job.done_rows) == (AdminJob.Kind.IMPORT, "done", 3, 3)
    assert DossierStatistic.objects.count() == 3
    assert DossierStatistic.objects.get(unit__code="24820").received_online == 1234
    assert job.message.startswith("3 dòng dữ liệu: thêm mới 3,")
    # The uploaded file and the job's copy are gone; the page says it is done, without a download.
    assert not uploads.pending_names()
    assert not default_storage.exists(job.source_file)
    page = client.get(reverse("admin_job", args=[job.pk])).content.decode()
    assert "3 dòng dữ liệu: thêm mới 3," in page and "Tải về" not in page


def test_a_refused_import_job_writes_nothing_and_names_the_row_column_and_value(
    client, officer, small_threshold, django_capture_on_commit_callbacks
):
    preview = statistics_upload(client, HEADER + ROWS)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirm(client, preview)
    # Before the worker takes it, the officer is moved to one commune: two rows are now outside the scope.
    UserScope.objects.filter(user=officer).update(unit=unit("23149"))
    for callback in callbacks:
        callback()
    job = AdminJob.objects.get()
    assert job.state == AdminJob.State.FAILED
    assert not DossierStatistic.objects.exists()  # the in-scope row was rolled back with the others
    assert job.message == "Số dòng bị từ chối: 2. Chưa ghi dữ liệu nào."
    assert [(error["row"], error["column"], error["value"]) for error in job.errors] == [
        (3, "Mã ĐVHC", "23152"),
        (4, "Mã ĐVHC", "24820"),
    ]
    page = client.get(reverse("admin_job", args=[job.pk])).content.decode()
    assert "24820" in page and "Mã ĐVHC" in page and "Không ghi dữ liệu nào" in page


def test_a_job_whose_file_is_unreadable_fails_with_the_message(
    client, officer, small_threshold, django_capture_on_commit_callbacks
):
    preview = statistics_upload(client, HEADER + ROWS)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        confirm(client, preview)
    job = AdminJob.objects.get()
    with default_storage.open(job.source_file, "wb") as handle:  # the stored copy was damaged meanwhile
        handle.write(b"\x00\x01PK\x03\x04 garbage")
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.state == AdminJob.State.FAILED and job.message
    assert not DossierStatistic.objects.exists()


def test_an_activity_log_above_the_threshold_is_a_job_too(
    client, officer, small_threshold, django_capture_on_commit_callbacks
):
    lines = ["Mã ĐVHC,Ngày,Hình thức,Số lượng,Nội dung"]
    lines += [f"23149,0{day}/03/2026,tờ rơi,100,Tờ rơi DVCTT" for day in range(1, 5)]
    upload = SimpleUploadedFile("nhat-ky.csv", "\n".join(lines).encode(), content_type="text/csv")
    preview = client.post(reverse("outreach_media_import"), {"file": upload})
    assert preview.context["report"].rows_read == 4
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm(client, preview, "outreach_media_import")
    job = AdminJob.objects.get()
    assert response.url == reverse("admin_job", args=[job.pk])
    assert job.state == AdminJob.State.DONE and (job.done_rows, job.total_rows) == (4, 4)
    assert Distribution.objects.count() == 4


def test_a_hostile_file_name_is_harmless_on_the_job_page(
    client, officer, small_threshold, django_capture_on_commit_callbacks
):
    hostile = '"><script>alert(1)</script>.csv'
    preview = statistics_upload(client, HEADER + ROWS, name=hostile)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, preview)
    job = AdminJob.objects.get()
    assert job.state == AdminJob.State.DONE
    assert "<" not in job.title and '"' not in job.title
    assert job.source_file.startswith(f"jobs/sources/{officer.pk}-")  # the stored name never comes from the upload
    page = client.get(reverse("admin_jobs")).content.decode()
    assert "<script>alert(1)" not in page


def test_a_replayed_confirmation_queues_nothing(client, officer, small_threshold, django_capture_on_commit_callbacks):
    preview = statistics_upload(client, HEADER + ROWS)
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, preview)
        confirm(client, preview)
    assert AdminJob.objects.count() == 1 and DossierStatistic.objects.count() == 3


def test_an_office_report_by_unit_name_goes_through_a_job_like_the_request(
    client, officer, small_threshold, tmp_path, django_capture_on_commit_callbacks
):
    # A district's report as an office exports it: title rows, merged headers, a total row, units by name.
    from tests.factories.office_sheets import names_report_workbook

    rows = [("TT. Lạc Tánh", 300, 200, 20), ("xã bắc ruộng", 50, 30, 5), ("Nghị Đức", 40, 60, 0)]
    path = tmp_path / "bao-cao-huyen.xlsx"
    names_report_workbook(rows).save(path)
    upload = SimpleUploadedFile(path.name, path.read_bytes(), content_type="application/vnd.ms-excel")
    preview = client.post(reverse("statistics_import"), {"file": upload, "source": "Hệ thống", "scope": "599"})
    assert preview.status_code == 200 and "token" in preview.context, preview.content.decode()[:2000]
    with django_capture_on_commit_callbacks(execute=True):
        confirm(client, preview)
    job = AdminJob.objects.get()
    assert (job.state, job.total_rows) == ("done", 3), job.message
    assert sorted(DossierStatistic.objects.values_list("received_online", flat=True)) == [40, 50, 300]
