"""Statistics exports use the import format: export then import changes nothing (PRODUCT.md, Commands)."""

import csv
import datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.access.roles import Role
from campaigns.models import DossierStatistic, DossierStatisticRevision
from campaigns.statistics.exports import write_csv, write_xlsx
from campaigns.statistics.models import COUNT_FIELD_NAMES
from campaigns.statistics.selectors import statistics_for_export
from campaigns.statistics.services import statistics_import
from tests.factories.office_sheets import EXPORT_HEADER
from tests.factories.users import UserFactory, unit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

# The export's columns, pinned here as written out (the same list the docs' picture of the format shows).
HEADER = EXPORT_HEADER
FULL = dict(zip(COUNT_FIELD_NAMES, (120, 40, 300, 15, 10, 200, 150, 5, 60, 3, 20, 30, 90, None), strict=True))


def month(year: int, number: int) -> tuple[datetime.date, datetime.date]:
    following = datetime.date(year + (number == 12), number % 12 + 1, 1)
    return datetime.date(year, number, 1), following - datetime.timedelta(days=1)


def add(code: str, period: tuple, *, current=True, source="", **counts) -> DossierStatistic:
    values = counts or FULL
    return DossierStatistic.objects.create(
        unit=unit(code, current=current), period_start=period[0], period_end=period[1], source=source, **values
    )


def snapshot():
    rows = list(
        DossierStatistic.objects.order_by("pk").values_list(
            "pk", "unit_id", "period_start", "period_end", "source", "updated_at", *COUNT_FIELD_NAMES
        )
    )
    return rows, DossierStatisticRevision.objects.count()


@pytest.fixture
def stored():
    """A mix: full and sparse rows, today's and old units, a quarter, a formula-like source."""
    return [
        add("23149", month(2025, 7)),
        add("23149", month(2025, 7), source="Bưu điện tỉnh", received_online=3, received_direct=0),
        add("23152", month(2025, 12), received_online=0, received_direct=7, digitized=0),
        add("23176", month(2025, 6), current=False, received_online=11, received_direct=12, carried_over=None),
        add("23149", month(2025, 6), current=False, **{**FULL, "received_online_full": None, "resolved_late": 0}),
        add("06978", (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)), received_online=9, received_direct=9),
        add("00004", month(2026, 1), source="=SUM(A1:A9)", received_online=1, received_direct=2),
        add("00004", month(2026, 1), source="+84 912 345 678", received_online=1, received_direct=2),
    ]


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def read_xlsx(path: Path) -> list[list]:
    workbook = load_workbook(path, read_only=True)
    try:
        return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def reimport_changes_nothing(path: Path, rows: int | None = None):
    """Re-import an export of ``rows`` statistics (default: all of them): nothing may change."""
    before = snapshot()
    report = statistics_import(path=path)
    assert report.errors == []
    assert (report.created, report.updated, report.unchanged) == (0, 0, len(before[0]) if rows is None else rows)
    assert snapshot() == before


# -- files ---------------------------------------------------------------------------------------------
def test_csv_export_uses_the_import_headers(tmp_path, stored):
    path = tmp_path / "xuat.csv"
    assert write_csv(statistics_for_export(), path) == len(stored)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = read_csv(path)
    assert rows[0] == HEADER
    by_key = {(row[0], row[2], row[5]): row for row in rows[1:]}
    assert by_key[("23149", "07/2025", "")] == [
        "23149",
        "Xã Tánh Linh",
        "07/2025",
        "01/07/2025",
        "31/07/2025",
        "",
        *("" if value is None else str(value) for value in FULL.values()),
    ]
    sparse = by_key[("23152", "12/2025", "")]
    assert sparse[6:] == ["0", "", "7", "", "", "", "", "", "", "", "", "", "0", ""]
    quarter = by_key[("06978", "", "")]
    assert quarter[3:5] == ["01/01/2026", "31/03/2026"]


def test_csv_export_then_import_changes_nothing(tmp_path, stored):
    path = tmp_path / "xuat.csv"
    write_csv(statistics_for_export(), path)
    reimport_changes_nothing(path)


def test_xlsx_export_then_import_changes_nothing(tmp_path, stored):
    path = tmp_path / "xuat.xlsx"
    assert write_xlsx(statistics_for_export(), path) == len(stored)
    rows = read_xlsx(path)
    assert rows[0] == HEADER
    assert len(rows) == len(stored) + 1
    reimport_changes_nothing(path)


def test_export_after_a_changed_import_still_round_trips(tmp_path, stored):
    path = tmp_path / "xuat.csv"
    write_csv(statistics_for_export(), path)
    rows = read_csv(path)
    rows[1][6] = str(int(rows[1][6]) + 1)
    with (tmp_path / "sua.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    assert statistics_import(path=tmp_path / "sua.csv").updated == 1
    write_csv(statistics_for_export(), path)
    reimport_changes_nothing(path)


@pytest.mark.parametrize("source", ["=SUM(A1:A9)", "+84 912 345 678", "-", "@user", "=1+2"])
def test_formula_like_text_is_escaped_and_round_trips(tmp_path, source):
    add("23149", month(2025, 7), source=source, received_online=1, received_direct=2)
    csv_path, xlsx_path = tmp_path / "xuat.csv", tmp_path / "xuat.xlsx"
    write_csv(statistics_for_export(), csv_path)
    write_xlsx(statistics_for_export(), xlsx_path)
    assert read_csv(csv_path)[1][5] == "'" + source
    assert read_xlsx(xlsx_path)[1][5] == "'" + source
    reimport_changes_nothing(csv_path)
    reimport_changes_nothing(xlsx_path)
    assert DossierStatistic.objects.get().source == source


def test_formula_typed_in_an_import_is_stored_exactly_and_exported_escaped(tmp_path):
    path = tmp_path / "nhap.csv"
    path.write_text(
        "Mã ĐVHC,Kỳ,Nguồn số liệu,Tiếp nhận trực tuyến,Tiếp nhận trực tiếp\n"
        '23149,07/2025,"=HYPERLINK(""http://x.invalid"",""Bấm"")",5,6\n',
        encoding="utf-8",
    )
    assert statistics_import(path=path).created == 1
    assert DossierStatistic.objects.get().source == '=HYPERLINK("http://x.invalid","Bấm")'
    out = tmp_path / "xuat.csv"
    write_csv(statistics_for_export(), out)
    assert read_csv(out)[1][5] == '\'=HYPERLINK("http://x.invalid","Bấm")'
    reimport_changes_nothing(out)


# -- command -------------------------------------------------------------------------------------------
def test_command_exports_a_province_and_months_as_xlsx(tmp_path, stored):
    add("23149", month(2026, 1))  # after the range
    add("00004", month(2025, 8))  # Hà Nội, outside the scope
    path = tmp_path / "lam-dong.xlsx"
    call_command("export_statistics", scope="68", start="2025-07", end="2025-12", format="xlsx", output=str(path))
    rows = read_xlsx(path)
    assert rows[0] == HEADER
    assert sorted((row[0], row[2], row[5] or "") for row in rows[1:]) == [
        ("23149", "07/2025", ""),
        ("23149", "07/2025", "Bưu điện tỉnh"),
        ("23152", "12/2025", ""),
    ]
    reimport_changes_nothing(path, rows=3)


def test_command_scope_includes_the_old_units_of_the_area(tmp_path, stored):
    path = tmp_path / "lam-dong.csv"
    call_command("export_statistics", "--scope", "68", "--end", "2025-06", "--output", str(path))
    assert sorted((row[0], row[1], row[2]) for row in read_csv(path)[1:]) == [
        ("23149", "Thị trấn Lạc Tánh", "06/2025"),
        ("23176", "Xã Gia An", "06/2025"),
    ]


def test_command_writes_csv_to_standard_output(capsys, stored):
    call_command("export_statistics", "--start", "2026-01")
    rows = list(csv.reader(capsys.readouterr().out.splitlines()))
    assert rows[0] == HEADER
    assert len(rows) == 4


@pytest.mark.parametrize(
    "options",
    [
        {"start": "07/2025"},
        {"start": "2025-13"},
        {"end": "2025-7"},
        {"start": "2025-12", "end": "2025-07"},
        {"scope": "99"},
        {"format": "xlsx"},  # without --output
    ],
    ids=["start-mm-yyyy", "start-month-13", "end-one-digit", "end-before-start", "unknown-scope", "xlsx-stdout"],
)
def test_command_refuses_bad_options(tmp_path, stored, options):
    with pytest.raises(CommandError):
        call_command("export_statistics", **options)
    assert not list(tmp_path.iterdir())


# -- admin export (django-import-export resource) ------------------------------------------------------
def admin_download(client, user, tmp_path: Path, file_format: str, **filters) -> Path:
    client.force_login(user)
    response = client.get(reverse("statistics:index"), {"export": file_format, **filters})
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="so-lieu-ho-so.{file_format}"'
    # Streamed, never built in memory: CSV chunk by chunk, XLSX from a temporary file.
    assert response.streaming
    path = tmp_path / f"admin.{file_format}"
    # Reading the streamed content to its end closes the response (the test client's wrapper); closing it again
    # would send request_finished outside the client, which closes the test's database connection.
    path.write_bytes(b"".join(response.streaming_content))
    return path


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_admin_export_then_import_changes_nothing(client, tmp_path, stored, file_format):
    path = admin_download(client, UserFactory(role=Role.ADMINISTRATOR), tmp_path, file_format)
    rows = read_csv(path) if file_format == "csv" else read_xlsx(path)
    assert rows[0] == HEADER
    assert len(rows) == 1 + len(stored)
    assert sorted(row[5] for row in rows[1:] if row[5] and row[5][0] == "'") == ["'+84 912 345 678", "'=SUM(A1:A9)"]
    reimport_changes_nothing(path)


def test_admin_export_is_limited_to_the_scope_and_the_filters(client, tmp_path, stored):
    officer = UserFactory(role=Role.UNIT_OFFICER, scopes=[unit("68")])  # Lâm Đồng: Tánh Linh's communes
    rows = read_csv(admin_download(client, officer, tmp_path, "csv"))
    assert {row[0] for row in rows[1:]} == {"23149", "23152", "23176"}
    filtered = read_csv(admin_download(client, officer, tmp_path, "csv", source="Bưu điện tỉnh"))
    assert [(row[0], row[5]) for row in filtered[1:]] == [("23149", "Bưu điện tỉnh")]


def test_admin_listing_offers_the_downloads(client, stored):
    client.force_login(UserFactory(role=Role.ADMINISTRATOR))
    text = client.get(reverse("statistics:index")).content.decode()
    assert "export=xlsx" in text and "export=csv" in text


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_admin_export_reads_rows_in_chunks_with_a_fixed_number_of_queries(
    client, tmp_path, django_assert_max_num_queries, file_format, monkeypatch
):
    from campaigns.statistics import exports

    monkeypatch.setattr(exports, "EXPORT_CHUNK_ROWS", 7)  # several chunks even for a small test
    units = ["23149", "23152", "24820"]
    for year in (2023, 2024):
        for number in range(1, 13):
            for code in units:
                add(code, month(year, number), received_online=number, received_direct=1)
    user = UserFactory(role=Role.ADMINISTRATOR)
    client.force_login(user)
    with django_assert_max_num_queries(25):  # session, user, scopes… and the rows: never one query per row
        response = client.get(reverse("statistics:index"), {"export": file_format})
        content = b"".join(response.streaming_content)
    path = tmp_path / f"chunks.{file_format}"
    path.write_bytes(content)
    rows = read_csv(path) if file_format == "csv" else read_xlsx(path)
    assert len(rows) == 1 + 72
    assert [row[0] for row in rows[1:4]] == units  # the file's order: period, then unit code


def test_the_csv_chunks_carry_every_row_once_whatever_the_chunk_size():
    from campaigns.statistics.exports import csv_chunks

    add("23149", month(2024, 1), received_online=1, received_direct=1)
    add("23152", month(2024, 1), received_online=2, received_direct=1, source="=cmd|' /C calc'!A0")
    statistics = list(DossierStatistic.objects.select_related("unit").order_by("unit__code"))
    for size in (1, 2, 500):
        text = b"".join(csv_chunks(statistics, rows_per_chunk=size)).decode("utf-8")
        assert text.startswith("\ufeff")
        lines = list(csv.reader(text[1:].splitlines()))
        assert [line[0] for line in lines[1:]] == ["23149", "23152"]
        assert lines[2][5].startswith("'=")  # a formula is never handed to a spreadsheet
