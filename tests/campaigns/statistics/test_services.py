"""The statistics import contract (PRODUCT.md, "Statistics import"): headers, values, units, modes, commands.

Every rejected case asserts that the stored statistics and their history are exactly as before.
"""

import datetime
import re
import threading
import unicodedata
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from campaigns.models import DossierStatistic, DossierStatisticRevision
from campaigns.statistics.models import COUNT_FIELD_NAMES
from campaigns.statistics.reader import VIETNAMESE_HEADERS
from campaigns.statistics.services import StatisticsImportError, statistics_import
from tests.factories.office_sheets import coded_report_workbook
from tests.factories.users import UserFactory, unit
from tests.import_checks import cells, csv_file, refused, unchanged, xlsx_file

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]

# The columns the export writes: English name -> Vietnamese header (the combined direct-or-postal column apart).
VI = {name: header for name, header in VIETNAMESE_HEADERS.items() if name != "received_direct_or_postal"}
EN = {name: name for name in VI}
FIELDS = [name for name in VI if name not in ("period_start", "period_end")]
DATE_FIELDS = ["unit_code", "unit_name", "period_start", "period_end", *FIELDS[3:]]
COUNTS = {
    "received_online": 120,
    "received_online_full": 40,
    "received_direct": 300,
    "received_postal": 15,
    "carried_over": 10,
    "received_total": 445,  # 10 + 120 + 300 + 15
    "resolved_early": 200,
    "resolved_on_time": 150,
    "resolved_late": 5,
    "pending_in_time": 60,
    "pending_overdue": 3,
    "results_postal": 20,
    "paid_online": 30,
    "digitized": 90,
}
STORED_COUNTS = {name: COUNTS.get(name) for name in COUNT_FIELD_NAMES}
JULY = (datetime.date(2025, 7, 1), datetime.date(2025, 7, 31))


# -- helpers ---------------------------------------------------------------------------------------
def record(code="23149", name="Xã Tánh Linh", period="07/2025", **values) -> dict:
    return {"unit_code": code, "unit_name": name, "period": period, "source": "", **COUNTS, **values}


def write_csv(tmp_path: Path, rows: list[list], name="thong-ke.csv", **options) -> Path:
    return csv_file(tmp_path, rows, name, **options)


def write_xlsx(tmp_path: Path, rows: list[list], name="thong-ke.xlsx", **options) -> Path:
    return xlsx_file(tmp_path, rows, name, **options)


def table(records: list[dict], fields=FIELDS, labels=VI) -> list[list]:
    return [[labels[name] for name in fields], *([item.get(name, "") for name in fields] for item in records)]


def statistics_file(tmp_path, records, name="thong-ke.csv", **kwargs) -> Path:
    return write_csv(tmp_path, table(records, **kwargs), name)


def statistic(code: str, year: int, month: int, source: str = "") -> DossierStatistic:
    return DossierStatistic.objects.get(unit__code=code, period_start=datetime.date(year, month, 1), source=source)


def counts_of(item: DossierStatistic) -> dict:
    return {name: getattr(item, name) for name in COUNT_FIELD_NAMES}


def snapshot():
    rows = list(
        DossierStatistic.objects.order_by("pk").values_list(
            "pk", "unit_id", "period_start", "period_end", "source", "updated_at", *COUNT_FIELD_NAMES
        )
    )
    return rows, DossierStatistic.objects.count(), DossierStatisticRevision.objects.count()


def database_unchanged():
    return unchanged(snapshot)


def rejected(path: Path, **kwargs) -> StatisticsImportError:
    """Import expecting nothing to be written; returns the error (``code`` and ``report``)."""
    return refused(statistics_import, StatisticsImportError, snapshot, path=path, **kwargs)


@pytest.fixture
def baseline(catalogue):
    """A stored row that any good row for Tánh Linh 07/2025 in a rejected file would have changed."""
    return DossierStatistic.objects.create(
        unit=unit("23149"), period_start=JULY[0], period_end=JULY[1], received_online=1, received_direct=2
    )


# -- headers -----------------------------------------------------------------------------------------
def test_csv_with_vietnamese_headers_is_imported(tmp_path):
    path = statistics_file(tmp_path, [record(), record("23152", "Xã Bắc Ruộng", "08/2025", source="Sở Nội vụ")])
    report = statistics_import(path=path)
    assert (report.rows_read, report.created, report.updated, report.unchanged) == (2, 2, 0, 0)
    assert report.errors == [] and report.error_count == 0
    tanh_linh = statistic("23149", 2025, 7)
    assert tanh_linh.unit == unit("23149")
    assert (tanh_linh.period_start, tanh_linh.period_end) == JULY
    assert counts_of(tanh_linh) == STORED_COUNTS
    assert statistic("23152", 2025, 8, "Sở Nội vụ").period_end == datetime.date(2025, 8, 31)
    assert DossierStatisticRevision.objects.count() == 0


def test_csv_with_english_names_is_imported(tmp_path):
    path = statistics_file(tmp_path, [record()], labels=EN)
    report = statistics_import(path=path)
    assert (report.created, report.error_count) == (1, 0)
    assert counts_of(statistic("23149", 2025, 7)) == STORED_COUNTS


def test_headers_match_ignoring_case_accents_and_spacing(tmp_path):
    labels = {name: f"  {label.upper()} " for name, label in VI.items()}
    labels["received_online"] = "tiep nhan truc tuyen"
    labels["received_direct"] = "Tiếp  nhận\u00a0trực tiếp"
    path = statistics_file(tmp_path, [record()], labels=labels)
    assert statistics_import(path=path).created == 1
    assert counts_of(statistic("23149", 2025, 7)) == STORED_COUNTS


def test_semicolon_separated_csv_is_read(tmp_path):
    path = write_csv(tmp_path, table([record()]), delimiter=";")
    assert statistics_import(path=path).created == 1
    assert counts_of(statistic("23149", 2025, 7)) == STORED_COUNTS


def test_form_06_wording_is_accepted_as_aliases(tmp_path):
    header = [
        "Mã ĐVHC",
        "Kỳ",
        "Từ kỳ trước",
        "Trực tuyến",
        "Trực tiếp, dịch vụ bưu chính",
        "Trước hạn",
        "Đúng hạn",
        "Trong hạn",
    ]
    path = write_csv(tmp_path, [header, ["23149", "07/2025", "7", "120", "300", "200", "150", "60"]])
    assert statistics_import(path=path).created == 1
    assert counts_of(statistic("23149", 2025, 7)) == {
        **dict.fromkeys(COUNT_FIELD_NAMES),
        "carried_over": 7,
        "received_online": 120,
        # Form 06 joins in-person and postal receipts: kept as one count, neither part guessed.
        "received_direct_or_postal": 300,
        "resolved_early": 200,
        "resolved_on_time": 150,
        "pending_in_time": 60,
    }


FORM_06_GROUPS = ["Mã ĐVHC", "Kỳ", "Số hồ sơ nhận giải quyết", "", "", "Đã giải quyết", "", "", "Đang giải quyết", ""]


def form_06_details(late: str) -> list[str]:
    """The second header row of form 06: the columns under their groups, with the word the office uses for late."""
    return [
        "",
        "",
        "Từ kỳ trước",
        "Trực tuyến",
        "Trực tiếp, dịch vụ bưu chính",
        "Trước hạn",
        "Đúng hạn",
        late,
        "Trong hạn",
        late,
    ]


@pytest.mark.parametrize("late", ["Quá hạn", "Trễ hạn"])
def test_form_06_two_row_header_reads_late_by_its_group(tmp_path, late):
    # Saved from the official form: "Mã ĐVHC" and "Kỳ" span both header rows, the groups span their columns.
    details = form_06_details(late)
    path = write_csv(tmp_path, [FORM_06_GROUPS, details, ["23149", "07/2025", 7, 120, 300, 200, 150, 5, 60, 3]])
    report = statistics_import(path=path)
    assert (report.created, report.error_count) == (1, 0)
    stored = statistic("23149", 2025, 7)
    assert (stored.resolved_late, stored.pending_overdue) == (5, 3)
    assert (stored.carried_over, stored.received_online, stored.received_direct_or_postal) == (7, 120, 300)
    assert (stored.received_direct, stored.received_postal) == (None, None)
    assert (stored.resolved_early, stored.resolved_on_time, stored.pending_in_time) == (200, 150, 60)


def test_form_06_errors_name_the_column_under_its_group(tmp_path):
    details = form_06_details("Quá hạn")
    rows = [FORM_06_GROUPS, details, ["23149", "07/2025", 7, 120, 300, 200, 150, 5, 60, "x"]]
    error = rejected(write_csv(tmp_path, rows))
    assert error.code == "invalid_rows"
    assert cells(error) == [(3, "Quá hạn")]
    assert error.report.errors[0].value == "x"


def test_bom_and_decomposed_headers_are_accepted(tmp_path):
    rows = table([record(name=unicodedata.normalize("NFD", "Xã Tánh Linh"))])
    rows[0] = [unicodedata.normalize("NFD", label) for label in rows[0]]
    assert rows[0][0] != "Mã ĐVHC"  # really decomposed
    path = write_csv(tmp_path, rows, bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    report = statistics_import(path=path)
    assert (report.created, report.error_count) == (1, 0)
    assert counts_of(statistic("23149", 2025, 7)) == STORED_COUNTS


# -- periods ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("period", ["07/2025", "7/2025", "2025-07"])
def test_month_periods(tmp_path, period):
    assert statistics_import(path=statistics_file(tmp_path, [record(period=period)])).created == 1
    stored = DossierStatistic.objects.get()
    assert (stored.period_start, stored.period_end) == JULY


@pytest.mark.parametrize(
    ("start", "end"),
    [("01/07/2025", "31/07/2025"), ("1/7/2025", "31/7/2025"), ("2025-07-01", "2025-07-31")],
)
def test_start_and_end_dates(tmp_path, start, end):
    path = statistics_file(tmp_path, [record(period_start=start, period_end=end)], fields=DATE_FIELDS)
    assert statistics_import(path=path).created == 1
    stored = DossierStatistic.objects.get()
    assert (stored.period_start, stored.period_end) == JULY


def test_quarter_given_by_dates(tmp_path):
    path = statistics_file(tmp_path, [record(period_start="01/07/2025", period_end="30/09/2025")], fields=DATE_FIELDS)
    assert statistics_import(path=path).created == 1
    stored = DossierStatistic.objects.get()
    assert (stored.period_start, stored.period_end) == (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))


def test_xlsx_date_cells(tmp_path):
    header = ["Mã ĐVHC", "Kỳ", "Từ ngày", "Đến ngày", "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp"]
    rows = [
        header,
        ["23149", datetime.date(2025, 7, 1), None, None, 120, 300],
        ["23149", None, datetime.datetime(2025, 8, 1), datetime.datetime(2025, 8, 31), 121, 301],
        ["23149", "09/2025", datetime.date(2025, 9, 1), datetime.date(2025, 9, 30), 122, 302],
    ]
    report = statistics_import(path=write_xlsx(tmp_path, rows))
    assert (report.created, report.error_count) == (3, 0)
    assert statistic("23149", 2025, 7).period_end == datetime.date(2025, 7, 31)
    assert statistic("23149", 2025, 8).received_online == 121
    assert statistic("23149", 2025, 9).received_direct == 302


@pytest.mark.usefixtures("baseline")
@pytest.mark.parametrize(
    ("values", "column"),
    [
        ({"period": "", "period_start": "31/02/2022", "period_end": "28/02/2022"}, "Từ ngày"),
        ({"period": "", "period_start": "01/02/2022", "period_end": "31/02/2022"}, "Đến ngày"),
        ({"period": "13/2025"}, "Kỳ"),
        ({"period": "tháng 7"}, "Kỳ"),
        ({"period": "", "period_start": "01/08/2025", "period_end": "31/07/2025"}, "Đến ngày"),
        ({"period": "07/2025", "period_start": "01/08/2025", "period_end": ""}, "Từ ngày"),
    ],
    ids=["31-02-start", "31-02-end", "month-13", "words", "end-before-start", "disagrees-with-period"],
)
def test_impossible_dates_are_rejected(tmp_path, values, column):
    fields = ["unit_code", "unit_name", "period", "period_start", "period_end", *FIELDS[3:]]
    path = statistics_file(tmp_path, [record(), record("23152", "Xã Bắc Ruộng", **values)], fields=fields)
    error = rejected(path)
    assert error.code == "invalid_rows"
    assert (3, column) in cells(error)
    assert {row for row, _column in cells(error)} == {3}


# -- XLSX layout ---------------------------------------------------------------------------------------
def test_xlsx_with_title_rows_merged_header_and_unit_rows(tmp_path):
    # The provincial export with unit codes as an office saves it: title rows, form 06's two merged header rows,
    # the numbering row, an area subtotal above the units and a total below (the sheet pictured in the docs).
    path = tmp_path / "thong-ke-thang-7.xlsx"
    coded_report_workbook().save(path)
    report = statistics_import(path=path)
    assert report.errors == []
    assert (report.rows_read, report.created) == (2, 2)
    assert report.rows_skipped == 3
    tanh_linh = statistic("23149", 2025, 7)
    assert counts_of(tanh_linh) == {
        **dict.fromkeys(COUNT_FIELD_NAMES),
        "carried_over": 7,
        "received_online": 120,
        "received_online_full": 40,
        "received_direct_or_postal": 300,
        "resolved_early": 200,
        "resolved_on_time": 150,
        "resolved_late": 5,
        "pending_in_time": 60,
        "pending_overdue": 3,
    }
    assert statistic("23152", 2025, 7).carried_over == 10


def test_xlsx_is_recognised_by_its_content_whatever_its_name(tmp_path):
    # Uploads are stored under temporary names; a workbook saved as .csv is still a workbook.
    for name in ("upload.tmp", "thong-ke.csv"):
        report = statistics_import(path=write_xlsx(tmp_path, table([record()]), name=name))
        assert report.error_count == 0
    assert counts_of(statistic("23149", 2025, 7)) == STORED_COUNTS


def test_csv_unit_of_measure_and_group_rows_are_skipped(tmp_path):
    rows = table([record()])
    rows.insert(1, [f"({number})" for number in range(1, len(FIELDS) + 1)])
    rows.insert(2, ["", "Tỉnh Lâm Đồng", "", ""])
    rows.insert(3, ["", "Các xã khu vực Tánh Linh", "07/2025", "", *(["hồ sơ"] * (len(FIELDS) - 4))])
    report = statistics_import(path=write_csv(tmp_path, rows))
    assert report.errors == []
    assert (report.rows_read, report.rows_skipped, report.created) == (1, 3, 1)
    assert counts_of(statistic("23149", 2025, 7)) == STORED_COUNTS


# -- numbers -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "value"),
    [("1.234", 1234), ("1 234", 1234), ("1\u00a0234", 1234), ("1.234.567", 1234567), (" 42 ", 42), ("0", 0)],
)
def test_grouped_numbers_are_read(tmp_path, text, value):
    path = statistics_file(tmp_path, [record(received_online=text, received_online_full="", received_total="")])
    report = statistics_import(path=path)
    assert report.errors == []
    assert statistic("23149", 2025, 7).received_online == value


@pytest.mark.usefixtures("baseline")
@pytest.mark.parametrize("text", ["1,5", "1.5", "1,234", "12.34", "abc", "-3", "+3", "1e3", "3 hồ sơ"])
def test_ambiguous_fractional_or_negative_numbers_are_rejected(tmp_path, text):
    path = statistics_file(
        tmp_path, [record(), record("23152", "Xã Bắc Ruộng", received_online=text, received_total="")]
    )
    error = rejected(path)
    assert error.code == "invalid_rows"
    assert cells(error) == [(3, "Tiếp nhận trực tuyến")]
    assert error.report.errors[0].value == text
    assert error.report.rejected_rows == 1


@pytest.mark.usefixtures("baseline")
@pytest.mark.parametrize("field", ["received_online", "received_direct"])
def test_a_required_count_left_empty_is_rejected(tmp_path, field):
    path = statistics_file(tmp_path, [record(), record("23152", "Xã Bắc Ruộng", **{field: "", "received_total": ""})])
    error = rejected(path)
    assert cells(error) == [(3, VI[field])]


def _xlsx_with_online(tmp_path, value) -> Path:
    header = ["Mã ĐVHC", "Kỳ", "Tiếp nhận trực tuyến", "Tiếp nhận trực tiếp"]
    return write_xlsx(tmp_path, [header, ["23149", "07/2025", 120, 300], ["23152", "07/2025", value, 300]])


@pytest.mark.parametrize("value", [12, 12.0])
def test_xlsx_whole_number_cells_are_accepted(tmp_path, value):
    report = statistics_import(path=_xlsx_with_online(tmp_path, value))
    assert (report.created, report.error_count) == (2, 0)
    assert statistic("23152", 2025, 7).received_online == 12


@pytest.mark.usefixtures("baseline")
@pytest.mark.parametrize("value", [12.5, -3, -3.0, True])
def test_xlsx_fractional_negative_or_boolean_cells_are_rejected(tmp_path, value):
    error = rejected(_xlsx_with_online(tmp_path, value))
    assert cells(error) == [(3, "Tiếp nhận trực tuyến")]


# -- consistency rules ---------------------------------------------------------------------------------
@pytest.mark.usefixtures("baseline")
def test_received_total_that_does_not_add_up_is_rejected(tmp_path):
    path = statistics_file(tmp_path, [record(), record("23152", "Xã Bắc Ruộng", received_total=444)])
    error = rejected(path)
    assert cells(error) == [(3, "Tổng số hồ sơ nhận giải quyết")]
    assert error.report.errors[0].value == "444"


def test_received_total_that_adds_up_is_accepted_with_missing_counts_as_zero(tmp_path):
    path = statistics_file(
        tmp_path,
        [
            record(),
            record("23152", "Xã Bắc Ruộng", received_postal="", carried_over="", received_total=420),
        ],
    )
    report = statistics_import(path=path)
    assert (report.created, report.error_count) == (2, 0)
    stored = statistic("23152", 2025, 7)
    assert (stored.received_postal, stored.carried_over) == (None, None)


@pytest.mark.usefixtures("baseline")
def test_full_process_online_above_online_is_rejected(tmp_path):
    path = statistics_file(tmp_path, [record(), record("23152", "Xã Bắc Ruộng", received_online_full=121)])
    error = rejected(path)
    assert cells(error) == [(3, "Trong đó: trực tuyến toàn trình")]


def test_full_process_online_equal_to_online_is_accepted(tmp_path):
    assert statistics_import(path=statistics_file(tmp_path, [record(received_online_full=120)])).created == 1


# -- units ---------------------------------------------------------------------------------------------
@pytest.mark.usefixtures("baseline")
@pytest.mark.parametrize(
    ("code", "name", "period"),
    [
        ("99999", "", "07/2025"),  # no such unit
        ("23176", "Xã Gia An", "01/2026"),  # old commune, ended 01/07/2025
        ("23176", "Xã Gia An", "07/2025"),  # the first month after the reform
        ("06978", "Xã Ba Chẽ", "03/2024"),  # today's commune, did not exist in 2024
    ],
    ids=["unknown", "old-commune-2026", "old-commune-reform-month", "new-commune-2024"],
)
def test_unit_not_in_force_during_the_period_is_rejected(tmp_path, code, name, period):
    path = statistics_file(tmp_path, [record(), record(code, name, period)])
    error = rejected(path)
    assert cells(error) == [(3, "Mã ĐVHC")]
    assert error.report.errors[0].value == code


def test_units_are_identified_by_code_and_period(tmp_path):
    path = statistics_file(
        tmp_path,
        [
            record("23176", "Xã Gia An", "06/2025"),
            record("23149", "Thị trấn Lạc Tánh", "06/2025"),
            record("23149", "Xã Tánh Linh", "07/2025"),
            record("06978", "Xã Ba Chẽ", "01/2026"),
        ],
    )
    report = statistics_import(path=path)
    assert (report.created, report.error_count) == (4, 0)
    assert statistic("23176", 2025, 6).unit == unit("23176", current=False)
    assert statistic("23149", 2025, 6).unit == unit("23149", current=False)
    assert statistic("23149", 2025, 7).unit == unit("23149")


@pytest.mark.parametrize("name", ["Xã Tánh Linh", "xa tanh linh", "XÃ TÁNH LINH", "Tánh Linh", "tanh linh", ""])
def test_unit_name_matching_the_code_is_accepted(tmp_path, name):
    assert statistics_import(path=statistics_file(tmp_path, [record(name=name)])).created == 1


@pytest.mark.usefixtures("baseline")
@pytest.mark.parametrize("name", ["Xã Bắc Ruộng", "Thị trấn Lạc Tánh", "Phường Tánh Linh", "Linh", "Tánh"])
def test_unit_name_not_matching_the_code_is_rejected(tmp_path, name):
    path = statistics_file(tmp_path, [record(), record(name=name, period="08/2025")])
    error = rejected(path)
    assert cells(error) == [(3, "Tên đơn vị")]
    assert error.report.errors[0].value == name


# -- duplicates ----------------------------------------------------------------------------------------
@pytest.mark.usefixtures("baseline")
def test_conflicting_repeats_in_one_file_are_all_reported(tmp_path):
    path = statistics_file(
        tmp_path,
        [
            record(),  # row 2
            record("23152", "Xã Bắc Ruộng"),  # row 3
            record(received_online=121, received_total=446),  # row 4: Tánh Linh again, other figures
            record("23152", "Xã Bắc Ruộng", digitized=1),  # row 5: Bắc Ruộng again, other figures
            record("23152", "Xã Bắc Ruộng", period="08/2025"),  # row 6: another month
            record(source="Bưu điện tỉnh"),  # row 7: another source
        ],
    )
    error = rejected(path)
    assert error.code == "invalid_rows"
    assert sorted(row for row, _column in cells(error)) == [2, 3, 4, 5]
    # Each report names the rows of the same unit, period and source, and only those.
    named = {item.row: set(re.findall(r"\d+", item.message)) for item in error.report.errors}
    assert named == {2: {"2", "4"}, 4: {"2", "4"}, 3: {"3", "5"}, 5: {"3", "5"}}


def test_conflicting_repeats_are_skipped_with_skip_invalid(tmp_path):
    path = statistics_file(
        tmp_path, [record(), record("23152", "Xã Bắc Ruộng"), record(received_online=121, received_total=446)]
    )
    report = statistics_import(path=path, skip_invalid=True)
    assert (report.created, report.rejected_rows) == (1, 2)
    assert sorted(item.row for item in report.errors) == [2, 4]
    assert list(DossierStatistic.objects.values_list("unit__code", flat=True)) == ["23152"]


def test_identical_repeats_are_written_once(tmp_path):
    path = statistics_file(tmp_path, [record(), record(), record("23152", "Xã Bắc Ruộng"), record()])
    report = statistics_import(path=path)
    assert (report.rows_read, report.created, report.error_count) == (4, 2, 0)
    assert DossierStatistic.objects.count() == 2


# A legacy Windows-1258 file: the header is plain ASCII, the unit name is not UTF-8.
WINDOWS_1258 = "unit_code,unit_name,period,received_online,received_direct\n23149,Tánh Linh,07/2025,12,1\n".encode(
    "cp1258"
)


# -- unreadable files ----------------------------------------------------------------------------------
@pytest.mark.usefixtures("baseline")
@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "unreadable_file"),
        (b"  \r\n\r\n", "unreadable_file"),
        (b"\x00\x01\x02PK\xff\xfe\x00\x00garbage\x00" * 50, "unreadable_file"),
        (b"PK\x03\x04 not really a zip file", "unreadable_file"),
        ("Kính gửi: Ủy ban nhân dân xã\nBáo cáo tháng 7 như sau.\nTrân trọng.\n".encode(), "unreadable_file"),
        ("Mã ĐVHC;Tiếp nhận\n23149;120\n".encode(), "unreadable_file"),
        ("Mã ĐVHC,Tên đơn vị,Kỳ\n23149,Xã Tánh Linh,07/2025\n".encode(), "unreadable_file"),
        (WINDOWS_1258, "unreadable_file"),
        ("Mã ĐVHC,Kỳ,Tiếp nhận trực tuyến,Tiếp nhận trực tiếp\n".encode(), "invalid_rows"),
        ("Mã ĐVHC,Kỳ,Tiếp nhận trực tuyến,Tiếp nhận trực tiếp\n,,,\n,Cộng,,\n".encode(), "invalid_rows"),
    ],
    ids=[
        "empty",
        "blank",
        "binary",
        "fake-zip",
        "letter",
        "missing-columns",
        "no-counts",
        "not-utf8",
        "header-only",
        "no-data-rows",
    ],
)
def test_files_without_readable_statistics_are_refused(tmp_path, content, code):
    path = tmp_path / "thong-ke.csv"
    path.write_bytes(content)
    error = rejected(path)
    assert error.code == code
    assert len(error.report.errors) == 1
    assert error.report.errors[0].row is None
    assert error.report.errors[0].file == "thong-ke.csv"
    assert error.report.created == error.report.updated == 0


def test_missing_file_is_refused(tmp_path):
    error = rejected(tmp_path / "khong-co.csv")
    assert error.code == "unreadable_file"


# -- text values ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("source", ['=HYPERLINK("http://x.invalid")', "+84 912 345 678", "@Sở TTTT", "-"])
def test_formula_like_source_is_stored_as_text(tmp_path, source):
    statistics_import(path=statistics_file(tmp_path, [record(source=source)]))
    assert DossierStatistic.objects.get().source == source


def test_default_source_applies_to_rows_without_one(tmp_path):
    path = statistics_file(tmp_path, [record(), record("23152", "Xã Bắc Ruộng", source="Bưu điện")])
    statistics_import(path=path, default_source="  Cổng DVC  quốc gia ")
    assert sorted(DossierStatistic.objects.values_list("source", flat=True)) == ["Bưu điện", "Cổng DVC quốc gia"]


@pytest.mark.usefixtures("baseline")
def test_source_longer_than_the_field_is_rejected(tmp_path):
    error = rejected(statistics_file(tmp_path, [record(), record("23152", "Xã Bắc Ruộng", source="x" * 101)]))
    assert cells(error) == [(3, "Nguồn số liệu")]


# -- idempotency and history ---------------------------------------------------------------------------
def test_importing_the_same_file_twice_changes_nothing(tmp_path):
    path = statistics_file(
        tmp_path, [record(), record("23152", "Xã Bắc Ruộng", received_postal="", received_total="")]
    )
    first = statistics_import(path=path)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    with database_unchanged():
        second = statistics_import(path=path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert DossierStatisticRevision.objects.count() == 0


def test_a_changed_value_updates_the_row_and_keeps_history(tmp_path):
    statistics_import(path=statistics_file(tmp_path, [record(), record("23152", "Xã Bắc Ruộng")], "thang-7.csv"))
    stored = statistic("23149", 2025, 7)
    officer = UserFactory(username="mot.cua")
    path = statistics_file(
        tmp_path,
        [record(received_online=125, received_total=450, digitized=""), record("23152", "Xã Bắc Ruộng")],
        "thang-7-sua.csv",
    )
    report = statistics_import(path=path, actor=officer)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    stored.refresh_from_db()
    assert (stored.received_online, stored.digitized) == (125, None)
    assert DossierStatistic.objects.count() == 2
    revision = DossierStatisticRevision.objects.get()
    assert revision.statistic == stored
    assert revision.old_values == STORED_COUNTS
    assert revision.new_values == {**STORED_COUNTS, "received_online": 125, "digitized": None}
    assert revision.changed_by == officer
    assert revision.origin == "thang-7-sua.csv"
    assert revision.changed_at is not None


# -- modes ---------------------------------------------------------------------------------------------
BAD_ROWS = [
    record(),  # row 2, good
    record("23152", "Xã Bắc Ruộng", received_online="1,5", received_total=""),  # row 3
    record("23173", "Xã Đồng Kho"),  # row 4, good
    record("23176", "Xã Gia An", "02/2026"),  # row 5
    record("23152", "Xã Bắc Ruộng", "08/2025", received_direct="abc", received_total=999),  # row 6, two cells
]


@pytest.mark.usefixtures("baseline")
def test_default_mode_writes_nothing_and_lists_every_bad_row(tmp_path):
    error = rejected(statistics_file(tmp_path, BAD_ROWS))
    assert error.code == "invalid_rows"
    report = error.report
    assert cells(error) == [
        (3, "Tiếp nhận trực tuyến"),
        (5, "Mã ĐVHC"),
        (6, "Tiếp nhận trực tiếp"),
    ]
    assert [item.value for item in report.errors] == ["1,5", "23176", "abc"]
    assert all(item.file == "thong-ke.csv" and item.message for item in report.errors)
    assert (report.rejected_rows, report.error_count) == (3, 3)
    assert report.written == 0


def test_skip_invalid_writes_the_good_rows_and_reports_the_rest(tmp_path, baseline):
    report = statistics_import(path=statistics_file(tmp_path, BAD_ROWS), skip_invalid=True)
    assert (report.rows_read, report.created, report.updated, report.rejected_rows) == (5, 1, 1, 3)
    assert [(item.row, item.column) for item in report.errors] == [
        (3, "Tiếp nhận trực tuyến"),
        (5, "Mã ĐVHC"),
        (6, "Tiếp nhận trực tiếp"),
    ]
    assert sorted(DossierStatistic.objects.values_list("unit__code", "period_start")) == [
        ("23149", JULY[0]),
        ("23173", JULY[0]),
    ]
    baseline.refresh_from_db()
    assert counts_of(baseline) == STORED_COUNTS
    assert DossierStatisticRevision.objects.get().old_values["received_online"] == 1


def test_rejected_rows_are_all_counted_however_many(tmp_path):
    bad = [
        record("23152", "Xã Bắc Ruộng", f"{number % 12 + 1:02d}/2024", received_online="x") for number in range(1200)
    ]
    report = statistics_import(path=statistics_file(tmp_path, [*bad, record()]), skip_invalid=True)
    assert (report.rows_read, report.created) == (1201, 1)
    assert (report.error_count, report.rejected_rows) == (1200, 1200)


def test_dry_run_counts_but_writes_nothing(tmp_path, baseline):
    path = statistics_file(tmp_path, [record(), record("23152", "Xã Bắc Ruộng"), record("23173", "Xã Đồng Kho")])
    with database_unchanged():
        report = statistics_import(path=path, dry_run=True)
    assert (report.rows_read, report.created, report.updated, report.unchanged) == (3, 2, 1, 0)
    assert report.dry_run and report.written == 0


def test_dry_run_with_skip_invalid_reports_both(tmp_path, baseline):
    with database_unchanged():
        report = statistics_import(path=statistics_file(tmp_path, BAD_ROWS), dry_run=True, skip_invalid=True)
    assert (report.created, report.updated, report.rejected_rows) == (1, 1, 3)


def test_a_failed_import_leaves_the_connection_usable(tmp_path):
    rejected(statistics_file(tmp_path, BAD_ROWS, "sai.csv"))
    report = statistics_import(path=statistics_file(tmp_path, [record()], "dung.csv"))
    assert report.created == 1


# -- management command --------------------------------------------------------------------------------
def test_command_imports_and_summarises(tmp_path, capsys):
    call_command("import_statistics", str(statistics_file(tmp_path, [record(), record("23152", "Xã Bắc Ruộng")])))
    assert DossierStatistic.objects.count() == 2
    captured = capsys.readouterr()
    assert captured.out and not captured.err


def test_command_applies_the_source_option(tmp_path):
    call_command("import_statistics", str(statistics_file(tmp_path, [record()])), source="Cổng DVC tỉnh")
    assert DossierStatistic.objects.get().source == "Cổng DVC tỉnh"


@pytest.mark.usefixtures("baseline")
def test_command_fails_in_vietnamese_naming_row_and_column(tmp_path):
    path = statistics_file(tmp_path, BAD_ROWS)
    with database_unchanged(), pytest.raises(CommandError) as caught:
        call_command("import_statistics", str(path))
    message = str(caught.value)
    assert "thong-ke.csv, dòng 3, cột Tiếp nhận trực tuyến" in message
    assert "dòng 5, cột Mã ĐVHC" in message
    assert "dòng 6, cột Tiếp nhận trực tiếp" in message


@pytest.mark.usefixtures("baseline")
def test_command_exit_status_is_not_zero_when_nothing_was_written(tmp_path):
    path = statistics_file(tmp_path, BAD_ROWS)
    with database_unchanged(), pytest.raises(CommandError) as caught:
        call_command("import_statistics", str(path))
    # run_from_argv (manage.py) exits with this status.
    assert caught.value.returncode != 0


@pytest.mark.usefixtures("baseline")
def test_command_refuses_an_unreadable_file(tmp_path):
    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    with database_unchanged(), pytest.raises(CommandError) as caught:
        call_command("import_statistics", str(path))
    assert "rong.csv" in str(caught.value)


def test_command_skip_invalid_writes_good_rows(tmp_path, capsys, baseline):
    call_command("import_statistics", str(statistics_file(tmp_path, BAD_ROWS)), skip_invalid=True)
    assert DossierStatistic.objects.count() == 2
    baseline.refresh_from_db()
    assert baseline.received_online == 120
    assert "dòng 3, cột Tiếp nhận trực tuyến" in capsys.readouterr().err


@pytest.mark.usefixtures("baseline")
def test_command_skip_invalid_with_no_good_row_fails(tmp_path, capsys):
    path = statistics_file(tmp_path, BAD_ROWS[1:2] + BAD_ROWS[3:])
    with database_unchanged(), pytest.raises(CommandError) as caught:
        call_command("import_statistics", str(path), skip_invalid=True)
    assert caught.value.returncode != 0
    errors = capsys.readouterr().err
    assert "dòng 2, cột Tiếp nhận trực tuyến" in errors
    assert "dòng 3, cột Mã ĐVHC" in errors


@pytest.mark.usefixtures("baseline")
def test_command_dry_run_writes_nothing(tmp_path, capsys):
    path = statistics_file(tmp_path, [record(), record("23152", "Xã Bắc Ruộng")])
    with database_unchanged():
        call_command("import_statistics", str(path), dry_run=True)
    assert capsys.readouterr().out


def test_command_second_run_of_the_same_file_succeeds(tmp_path):
    path = str(statistics_file(tmp_path, [record()]))
    call_command("import_statistics", path)
    with database_unchanged():
        call_command("import_statistics", path)


# -- concurrency ---------------------------------------------------------------------------------------
CONCURRENT_UNITS = [("23149", "Xã Tánh Linh"), ("23152", "Xã Bắc Ruộng"), ("23173", "Xã Đồng Kho")]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_imports_of_the_same_month_at_once_never_mix(tmp_path, shared_database):
    from django.utils import translation

    def figures(base: int) -> dict:
        return {
            name: base + offset
            for offset, name in enumerate(COUNT_FIELD_NAMES)
            if name not in ("received_online_full", "received_direct_or_postal")
        } | {"received_online_full": base, "received_direct_or_postal": None}

    files = {}
    expected = {}
    for name, base in (("a.csv", 1000), ("b.csv", 5000)):
        per_unit = {code: figures(base + 100 * index) for index, (code, _name) in enumerate(CONCURRENT_UNITS)}
        expected[name] = per_unit
        rows = [
            {"unit_code": code, "unit_name": unit_name, "period": "03/2026", "source": "", **per_unit[code]}
            for code, unit_name in CONCURRENT_UNITS
        ]
        files[name] = statistics_file(tmp_path, rows, name, fields=[f for f in FIELDS if f != "received_total"])

    barrier = threading.Barrier(2)
    reports, failures = {}, []

    def run(name):
        try:
            with translation.override("vi"):
                barrier.wait()
                reports[name] = statistics_import(path=files[name])
        except StatisticsImportError as exc:  # a normal outcome, reported below
            reports[name] = exc
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(name,)) for name in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert not any(isinstance(report, Exception) for report in reports.values()), reports
    # Serialised: the first creates every row, the second updates every row.
    order = sorted(reports, key=lambda name: reports[name].created, reverse=True)
    assert [(reports[name].created, reports[name].updated) for name in order] == [(3, 0), (0, 3)]
    first, second = order
    stored = {
        item.unit.code: counts_of(item)
        for item in DossierStatistic.objects.filter(period_start=datetime.date(2026, 3, 1)).select_related("unit")
    }
    assert DossierStatistic.objects.count() == 3
    assert stored == expected[second]
    revisions = DossierStatisticRevision.objects.select_related("statistic__unit")
    assert {item.statistic.unit.code: (item.old_values, item.new_values) for item in revisions} == {
        code: (expected[first][code], expected[second][code]) for code, _name in CONCURRENT_UNITS
    }
