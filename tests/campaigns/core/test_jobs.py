"""Background export jobs: queued above the threshold, run by the worker with progress, opened by their owner only,
refused once the owner lost the right or changed scope, erased after the retention period."""

import csv
import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, connections, transaction
from django.http import StreamingHttpResponse
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from campaigns.access.models import UserScope
from campaigns.access.roles import Role
from campaigns.core import jobs
from campaigns.core.job_models import AdminJob
from campaigns.models import DossierStatistic

from ...factories.users import UserFactory, unit

pytestmark = pytest.mark.django_db
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IN_SCOPE = ("23149", "23152")


@pytest.fixture
def statistics():
    """Six months of two communes of the officer's province and one of another province."""
    for code in (*IN_SCOPE, "00004"):
        for month in range(1, 7):
            DossierStatistic.objects.create(
                unit=unit(code),
                period_start=datetime.date(2025, month, 1),
                period_end=datetime.date(2025, month, 28),
                received_online=month,
                received_direct=10,
            )


@pytest.fixture
def small_threshold(settings):
    settings.ADMIN_EXPORT_DIRECT_MAX_ROWS = 5


def export(client, file_format="csv", **query):
    return client.get(reverse("statistics:index"), {"export": file_format, **query})


def downloaded_rows(client, job) -> list[list[str]]:
    response = client.get(reverse("admin_job_download", args=[job.pk]))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def refused(response) -> bool:
    """Wagtail answers a refused admin URL with a redirect to the dashboard (and a message), or 403."""
    return response.status_code in (302, 403) and not hasattr(response, "streaming_content")


def test_below_the_threshold_the_export_streams_at_once(client, officer, statistics, settings):
    settings.ADMIN_EXPORT_DIRECT_MAX_ROWS = 12
    response = export(client)
    assert isinstance(response, StreamingHttpResponse)
    assert len(b"".join(response.streaming_content).decode("utf-8-sig").splitlines()) == 13  # header + 12 in scope
    assert not AdminJob.objects.exists()


def test_above_the_threshold_a_job_writes_the_file_of_the_owners_scope(
    client, officer, statistics, small_threshold, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = export(client)
    job = AdminJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("admin_job", args=[job.pk])
    assert (job.owner, job.kind, job.state) == (officer, AdminJob.Kind.EXPORT, AdminJob.State.DONE)
    assert (job.done_rows, job.total_rows) == (12, 12)
    assert job.result_file.startswith(f"jobs/results/{officer.pk}-") and job.result_name.endswith(".csv")
    rows = downloaded_rows(client, job)
    assert len(rows) == 13
    assert {row[0] for row in rows[1:]} == set(IN_SCOPE)  # the other province's rows never leave the database
    page = client.get(reverse("admin_jobs")).content.decode()
    assert "Tệp xuất/nhập của tôi" in page and reverse("admin_job_download", args=[job.pk]) in page
    assert 'http-equiv="refresh"' not in page  # nothing left to wait for


def test_the_job_exports_the_listing_as_filtered(
    client, officer, statistics, small_threshold, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export(client, q="23149")
    rows = downloaded_rows(client, AdminJob.objects.get())
    assert len(rows) == 7 and {row[0] for row in rows[1:]} == {"23149"}


def test_an_xlsx_export_job_gives_a_workbook(
    client, officer, statistics, small_threshold, django_capture_on_commit_callbacks
):
    from openpyxl import load_workbook

    with django_capture_on_commit_callbacks(execute=True):
        export(client, "xlsx")
    job = AdminJob.objects.get()
    response = client.get(reverse("admin_job_download", args=[job.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert len(list(workbook.active.iter_rows(values_only=True))) == 13


def test_progress_is_stored_as_rows_go_by(
    client, officer, statistics, small_threshold, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(jobs, "PROGRESS_EVERY", 5)
    seen = []
    real_flush = jobs.Progress.flush

    def flush(progress):
        real_flush(progress)
        seen.append(AdminJob.objects.get(pk=progress.job_id).done_rows)

    monkeypatch.setattr(jobs.Progress, "flush", flush)
    with django_capture_on_commit_callbacks(execute=True):
        export(client)
    assert seen == [5, 10]  # stored every 5 rows while the file is written
    assert AdminJob.objects.get().done_rows == 12  # and the last count with the end


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # the worker closes its connections
def test_a_queued_job_waits_on_a_page_that_reloads_itself_until_the_worker_runs_it(
    client, officer, statistics, small_threshold
):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DATABASE_TASKS):
        export(client)  # no transaction around the request: queued at once
        job = AdminJob.objects.get()
        assert DBTaskResult.objects.filter(task_path__endswith="run_admin_job").count() == 1
        page = client.get(reverse("admin_job", args=[job.pk])).content.decode()
        assert job.state == AdminJob.State.QUEUED and 'http-equiv="refresh"' in page
        assert "Đang chờ" in page
        assert client.get(reverse("admin_job_download", args=[job.pk])).status_code == 404  # nothing yet
        call_command("run_worker", "--batch")
    job.refresh_from_db()
    assert job.state == AdminJob.State.DONE and job.finished_at is not None
    assert len(downloaded_rows(client, job)) == 13
    # Delivered twice (a retry), it runs once.
    assert jobs.run_admin_job.call(job.pk) == "skipped"


def test_another_user_sees_nothing_of_the_job(
    client, officer, statistics, small_threshold, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export(client)
    job = AdminJob.objects.get()
    for other in (
        UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("68")]),  # same scope
        UserFactory(role=Role.ADMINISTRATOR),  # even an administrator
    ):
        client.force_login(other)
        assert client.get(reverse("admin_job", args=[job.pk])).status_code == 404
        assert client.get(reverse("admin_job_download", args=[job.pk])).status_code == 404
        assert job.title not in client.get(reverse("admin_jobs")).content.decode()
    client.logout()
    assert client.get(reverse("admin_job_download", args=[job.pk])).status_code == 302  # to the login page


def test_the_owner_who_lost_the_scope_or_the_right_is_refused(
    client, officer, statistics, small_threshold, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        export(client)
    job = AdminJob.objects.get()
    url = reverse("admin_job_download", args=[job.pk])
    UserScope.objects.filter(user=officer).update(unit=unit("23149"))  # moved to one commune
    assert refused(client.get(url))
    assert refused(client.get(reverse("admin_job", args=[job.pk])))
    UserScope.objects.filter(user=officer).update(unit=unit("68"))
    assert client.get(url).status_code == 200
    officer.groups.clear()  # no longer a unit officer
    assert refused(client.get(url))


def test_a_job_run_after_the_owner_lost_the_scope_exports_nothing(
    client, officer, statistics, small_threshold, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        export(client)
    UserScope.objects.filter(user=officer).update(unit=unit("23149"))
    for callback in callbacks:
        callback()
    job = AdminJob.objects.get()
    assert job.state == AdminJob.State.FAILED and not job.result_file
    assert "không còn được xem" in job.message


def test_old_jobs_and_their_files_are_erased(client, officer, statistics, small_threshold, settings):
    settings.ADMIN_JOB_RETENTION_DAYS = 7
    old = AdminJob.objects.create(owner=officer, kind="export", title="cu.csv", runner="x")
    name = default_storage.save(f"jobs/results/{officer.pk}-{'a' * 32}.csv", ContentFile(b"x"))
    AdminJob.objects.filter(pk=old.pk).update(result_file=name, created_at=timezone.now() - datetime.timedelta(days=8))
    recent = AdminJob.objects.create(owner=officer, kind="export", title="moi.csv", runner="x")
    from cms.retention import purge_stale_data

    assert purge_stale_data()["admin_jobs"] == 1
    assert list(AdminJob.objects.all()) == [recent]
    assert not default_storage.exists(name)


def test_a_row_naming_another_runner_is_refused():
    with pytest.raises(TypeError):
        jobs.load_runner("django.contrib.auth.models.User")


@pytest.mark.parametrize(
    ("hostile", "expected"),
    [
        ('..\\..\\"<img src=x onerror=alert(1)>".csv', "img src=x onerror=alert(1)_.csv"),
        ("../../etc/passwd", "passwd"),
        ("tháng 7\r\nSet-Cookie: a=b.csv", "tháng 7_Set-Cookie_ a=b.csv"),
        ("\x00\x01", "tep"),
        ("a" * 300 + ".xlsx", "a" * 111 + ".xlsx"),  # at most 120 characters, the suffix kept
    ],
)
def test_hostile_file_names_are_made_harmless(hostile, expected):
    assert jobs.clean_file_name(hostile) == expected


def test_on_sqlite_progress_inside_a_transaction_waits_for_its_end(officer):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's single writer")
    job = AdminJob.objects.create(owner=officer, kind="import", title="x.csv", runner="x")
    progress = jobs.Progress(job, every=1)
    with transaction.atomic():
        progress(5)
        assert progress.stored == 0  # not written by a second connection that would wait for the lock
    progress.flush()
    job.refresh_from_db()
    assert job.done_rows == 5


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_on_postgresql_progress_inside_the_import_transaction_is_seen_at_once():
    if connection.vendor != "postgresql":
        pytest.skip("a second connection during the transaction is PostgreSQL's")
    job = AdminJob.objects.create(owner=UserFactory(), kind="import", title="x.csv", runner="x")
    progress = jobs.Progress(job, every=1)
    other = connections.create_connection("default")
    try:
        with transaction.atomic():
            progress(7)
            with other.cursor() as cursor:
                cursor.execute("SELECT done_rows FROM cms_adminjob WHERE id = %s", [job.pk])
                assert cursor.fetchone()[0] == 7
    finally:
        other.close()
        progress.close()
