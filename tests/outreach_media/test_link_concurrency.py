"""Many people scanning one QR code at the same moment: every scan is counted, on SQLite and PostgreSQL.

Each thread sends one request through the whole stack with its own test client and database
connection (Django's connections are per thread) and closes the connection at the end. The
database set-up is the ``shared_database`` fixture of tests/conftest.py. The control test shows that the race
is real: "read the count, write count + 1", with every thread reading before any writes, loses scans.
"""

import threading

import pytest
from django.db.models import QuerySet
from django.test import Client
from django.urls import reverse

from outreach_media.choices import MediaKind
from outreach_media.links import record_scan, scan_day
from outreach_media.models import LinkScan, MediaItem, TrackedLink

from ..concurrency import at_once
from ..factories.users import unit

pytestmark = [
    pytest.mark.usefixtures("catalogue"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SCANS = 100


@pytest.fixture
def link(shared_database):
    item = MediaItem.objects.create(kind=MediaKind.POSTER, title="Áp phích quét mã QR", unit=unit("23149"))
    return TrackedLink.objects.create(media_item=item, code="apqr26", target_url="/huong-dan/")


def test_a_hundred_scans_at_once_are_all_counted(link):
    url = reverse("outreach_media:scan", args=[link.code])

    def one_scan(number):
        response = Client().get(url)
        return response.status_code, response["Location"]

    results, errors = at_once(SCANS, one_scan)

    assert errors == []
    assert set(results.values()) == {(302, "/huong-dan/")}
    assert len(results) == SCANS
    # The day's row did not exist: the first scans raced to create it; one row, every scan in it.
    assert list(LinkScan.objects.values_list("link_id", "day", "count")) == [(link.pk, scan_day(), SCANS)]

    # A second wave finds the row and only increments it.
    results, errors = at_once(SCANS, one_scan)
    assert errors == []
    assert LinkScan.objects.get(link=link).count == 2 * SCANS


def test_first_scans_of_the_day_that_all_miss_the_row_are_all_counted(link, monkeypatch):
    """Force the race on the day's row: every thread finds no row to increment before any creates it."""
    threads = 20
    all_missed = threading.Barrier(threads, timeout=120)
    original_update = QuerySet.update
    waited = threading.local()

    def update_then_wait(queryset, **kwargs):
        updated = original_update(queryset, **kwargs)
        if queryset.model is LinkScan and not updated and not getattr(waited, "done", False):
            waited.done = True
            all_missed.wait()
        return updated

    monkeypatch.setattr(QuerySet, "update", update_then_wait)
    results, errors = at_once(threads, lambda number: record_scan(link), limit=threads)

    assert errors == []
    assert list(LinkScan.objects.values_list("day", "count")) == [(scan_day(), threads)]


# -- control: reading the count and writing it back loses scans ---------------------------------------------------
def test_control_read_then_write_loses_scans(link):
    threads = 20
    day = scan_day()
    LinkScan.objects.create(link=link, day=day, count=0)
    read_together = threading.Barrier(threads, timeout=120)

    def naive_scan(number):
        row = LinkScan.objects.get(link=link, day=day)
        read_together.wait()  # everyone has read 0
        row.count += 1
        row.save(update_fields=["count"])

    results, errors = at_once(threads, naive_scan, limit=threads)

    assert errors == []
    assert LinkScan.objects.get(link=link, day=day).count == 1  # 19 scans lost
