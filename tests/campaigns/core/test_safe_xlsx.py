"""Hostile files: zip bombs in every XLSX reader, control characters and NUL bytes in CSV and XLSX files."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from campaigns.core.imports.safe_xlsx import UnsafeArchive, check_xlsx_archive
from campaigns.models import DossierStatistic
from trainings import roster

pytestmark = pytest.mark.django_db


def zip_bomb(megabytes: int = 64) -> bytes:
    """An XLSX-looking archive of a few kilobytes whose shared strings unpack to ``megabytes`` MB."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as entry:
            chunk = b"<si><t>a</t></si>" * 65536
            for _ in range(megabytes * 1024 * 1024 // len(chunk)):
                entry.write(chunk)
    return buffer.getvalue()


def many_entries(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in range(count):
            archive.writestr(f"xl/part{number}.xml", "<x/>")
    return buffer.getvalue()


def real_xlsx(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb():
    return zip_bomb()


def test_a_zip_bomb_is_refused_before_parsing_quickly_and_in_little_memory(bomb):
    assert len(bomb) < 1024 * 1024
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(UnsafeArchive) as caught:
        check_xlsx_archive(bomb)
    elapsed = time.monotonic() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 2 and peak < 20 * 1024 * 1024
    assert "giải nén" in caught.value.reason


def test_declared_sizes_and_entry_counts_have_limits(settings):
    settings.XLSX_MAX_ENTRIES = 50
    with pytest.raises(UnsafeArchive, match="50"):
        check_xlsx_archive(many_entries(60))
    settings.XLSX_MAX_UNPACKED_BYTES = 10_000
    with pytest.raises(UnsafeArchive, match="MB"):
        check_xlsx_archive(real_xlsx([["x" * 100] for _ in range(500)]))


def test_a_real_spreadsheet_passes():
    check_xlsx_archive(real_xlsx([["Mã ĐVHC", "Kỳ"], ["23149", "07/2025"]]))


def test_the_statistics_command_refuses_a_zip_bomb_with_a_clear_message(tmp_path, bomb):
    path = tmp_path / "thong-ke.xlsx"
    path.write_bytes(bomb)
    started = time.monotonic()
    with pytest.raises(CommandError) as caught:
        call_command("import_statistics", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert time.monotonic() - started < 5
    assert "giải nén" in str(caught.value)
    assert not DossierStatistic.objects.exists()


def test_the_activity_import_refuses_a_zip_bomb(tmp_path, bomb):
    path = tmp_path / "hoat-dong.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(CommandError) as caught:
        call_command("import_activities", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert "giải nén" in str(caught.value)


def test_the_roster_import_refuses_a_zip_bomb(bomb):
    with pytest.raises(ValidationError) as caught:
        roster.read_dataset(bomb, "danh-sach.xlsx")
    assert "giải nén" in caught.value.messages[0]


# -- control characters ----------------------------------------------------------------------------------------
def test_a_csv_with_a_nul_byte_after_the_first_4_kb_is_refused_naming_the_row(tmp_path):
    header = "Mã ĐVHC,Tên đơn vị,Kỳ,Tiếp nhận trực tuyến,Tiếp nhận trực tiếp\n"
    good = "".join(f"23149,Xã Tánh Linh {n},07/2025,1,1\n" for n in range(200))
    path = tmp_path / "thong-ke.csv"
    path.write_bytes((header + good + "23149,Xã Tánh\x00Linh,08/2025,1,1\n").encode())
    assert path.read_bytes().index(b"\x00") > 4096
    with pytest.raises(CommandError) as caught:
        call_command("import_statistics", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    message = str(caught.value)
    assert "202" in message and "U+0000" in message and "ký tự điều khiển" in message
    assert not DossierStatistic.objects.exists()


def test_a_csv_with_an_escape_character_in_a_name_is_refused_on_every_path(tmp_path):
    """On PostgreSQL the COPY fast path leaves such files to the row-by-row reader, which refuses them."""
    header = "Mã ĐVHC,Tên đơn vị,Kỳ,Tiếp nhận trực tuyến,Tiếp nhận trực tiếp\n"
    path = tmp_path / "thong-ke.csv"
    path.write_bytes((header + "23149,Xã Tánh\x1b[2JLinh,07/2025,1,1\n").encode())
    with pytest.raises(CommandError) as caught:
        call_command("import_statistics", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert "U+001B" in str(caught.value)
    assert not DossierStatistic.objects.exists()


def test_a_roster_with_control_characters_is_refused():
    with pytest.raises(ValidationError) as caught:
        roster.read_dataset("Họ và tên,Số điện thoại\nNguyễn\x07 Mai,0912000001\n".encode(), "danh-sach.csv")
    assert "U+0007" in caught.value.messages[0]
    with pytest.raises(ValidationError):
        roster.read_dataset("Họ và tên,Số điện thoại\nNguyễn Mai,0912\x00000001\n".encode(), "danh-sach.csv")
