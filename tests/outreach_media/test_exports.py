"""The outreach listings' exports stream: rows come out as they are read (a generator behind a streamed response), in
the listing's scope and filter, formula-safe, and above the threshold the task worker writes the same file."""

import csv
import io
from decimal import Decimal

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse

from campaigns.access.roles import Role
from campaigns.core.job_models import AdminJob
from outreach_media import exports
from outreach_media.choices import MediaKind, Platform
from outreach_media.models import Distribution, MediaItem, Post

from ..factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]


@pytest.fixture
def distributions():
    inside = MediaItem.objects.create(kind=MediaKind.LEAFLET, title="=Tờ rơi DVCTT", unit=unit("23149"), live=True)
    outside = MediaItem.objects.create(kind=MediaKind.LEAFLET, title="Tờ rơi Hà Nội", unit=unit("00004"), live=True)
    for day in range(1, 8):
        Distribution.objects.create(
            media_item=inside, unit=unit("23149"), date=f"2026-03-0{day}", copies=100 * day, cost=Decimal("1500000")
        )
    Distribution.objects.create(media_item=outside, unit=unit("00004"), date="2026-03-01", copies=5)


@pytest.fixture
def editor(client):
    user = UserFactory(role=Role.COMMUNICATIONS, scopes=[unit("68")])
    client.force_login(user)
    return user


def read_csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_csv_export_is_a_stream_of_the_scope(client, editor, distributions):
    response = client.get(reverse("distributions:index"), {"export": "csv"})
    assert isinstance(response, StreamingHttpResponse)
    rows = read_csv(b"".join(response.streaming_content))
    assert rows[0][:4] == ["Sản phẩm truyền thông", "Đơn vị", "Đơn vị", "Ngày"]
    assert len(rows) == 8  # the other province's row is not there
    assert {row[0] for row in rows[1:]} == {"'=Tờ rơi DVCTT"}  # formula-safe
    assert {row[3] for row in rows[1:]} == {f"0{day}/03/2026" for day in range(1, 8)}  # dd/mm/yyyy


def test_rows_are_read_and_written_incrementally(distributions, monkeypatch):
    """The CSV comes out chunk by chunk while the rows are read, never as one list of every row."""
    monkeypatch.setattr("campaigns.core.spreadsheets.ROWS_PER_CHUNK", 2)
    from campaigns.core import spreadsheets

    read = []

    def rows():
        for row in exports.rows(Distribution.objects.order_by("date"), ["unit__code", "date", "copies"]):
            read.append(row)
            yield row

    chunks = spreadsheets.csv_chunks(["a", "b", "c"], rows(), rows_per_chunk=2)
    next(chunks)  # the header: nothing read yet
    assert read == []
    next(chunks)
    assert len(read) == 2  # two rows read for the first chunk, the other six still in the database
    assert len(list(chunks)) == 3


def test_the_xlsx_export_is_written_to_a_temporary_file_and_streamed(client, editor, distributions):
    from openpyxl import load_workbook

    response = client.get(reverse("distributions:index"), {"export": "xlsx"})
    assert isinstance(response, FileResponse)
    content = b"".join(response.streaming_content)
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert len(rows) == 8
    assert rows[1][-1] == 1500000 and sorted(row[4] for row in rows[1:]) == [100 * day for day in range(1, 8)]


def test_choices_are_written_as_their_labels(client, editor):
    Post.objects.create(
        platform=Platform.ZALO, unit=unit("23149"), date="2026-03-07", count=3, reach=900, title="@cmd"
    )
    rows = read_csv(b"".join(client.get(reverse("posts:index"), {"export": "csv"}).streaming_content))
    assert rows[1][0] == "'@cmd" and rows[1][1] == str(Platform.ZALO.label)


def test_a_large_export_is_a_job_with_the_same_file(
    client, editor, distributions, settings, django_capture_on_commit_callbacks
):
    direct = b"".join(client.get(reverse("distributions:index"), {"export": "csv"}).streaming_content)
    settings.ADMIN_EXPORT_DIRECT_MAX_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(reverse("distributions:index"), {"export": "csv"})
    job = AdminJob.objects.get()
    assert response.url == reverse("admin_job", args=[job.pk])
    assert (job.state, job.done_rows, job.total_rows, job.result_name) == ("done", 7, 7, "phan-phat.csv")
    download = client.get(reverse("admin_job_download", args=[job.pk]))
    assert b"".join(download.streaming_content) == direct
