"""The PostgreSQL fast path (raw COPY, set-wise validation) gives exactly what the row-by-row path gives.

On SQLite every file goes row by row; the equivalence tests run there too and compare the path with itself.
"""

import pytest
from django.db import connection

from campaigns.models import DossierStatistic
from campaigns.statistics import copy as statistics_copy
from campaigns.statistics.models import COUNT_FIELD_NAMES
from campaigns.statistics.reader import StatisticsReader
from campaigns.statistics.services import StatisticsImportError, statistics_import
from tests.factories.users import unit

from .test_services import COUNTS, FIELDS, VI, record, statistic, table, write_csv

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("catalogue")]
postgresql_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the fast path is PostgreSQL's")

WITH_DATES = ["unit_code", "unit_name", "period", "period_start", "period_end", *FIELDS[3:]]


def mixed_rows() -> list[list]:
    """A file with every kind of row: plain, exotic-but-valid, invalid, skipped, repeated, out of scope."""
    good = record()
    rows = table(
        [
            good,
            record("23176", "Xã Gia An", "06/2025"),
            record("23149", "Thị trấn Lạc Tánh", "2025-06", received_online="1.200", received_total=1525),
            record("23149", "tanh linh", "08/2025", received_online="1 200", received_total=1525),  # spaces: Python
            record("23149", "Xã Tánh Linh", "09/2025", received_online="1\u00a0200", received_total=1525),
            record("23149", "Xã Tánh Linh", "10/2025", received_online=" 120 "),  # stripped by Python
            record("23149", "Xã Tánh Linh", "11/2025", received_online="1,5"),
            record("23149", "Xã Tánh Linh", "12/2025", received_online="-3"),
            record("23149", "Xã Tánh Linh", "13/2025"),
            record("23149", "Xã Tánh Linh", "01/2026", received_total=1),
            record("23149", "Xã Tánh Linh", "02/2026", received_online_full=500),
            record("23149", "Xã Tánh Linh", "03/2026", received_direct=""),
            record("23149", "Xã Bắc Ruộng", "04/2026"),
            record("99999", "", "04/2026"),
            record("23176", "Xã Gia An", "04/2026"),  # ended 01/07/2025
            record("06978", "Xã Ba Chẽ", "04/2026"),  # outside the scope below
            record("23149", "Xã Tánh Linh", "05/2026", received_online="3000000000"),
            record("23149", "Xã Tánh Linh", "06/2026", source="=SUM(A1)", received_online="999.999.999"),
            record("23149", "Xã Tánh Linh", "07/2026", source="x" * 101),
            record("23149", "Xã Tánh Linh", "08/2026", source="Sở TTTT"),
            record("23149", "Xã Tánh Linh", "08/2026", source="Sở TTTT", received_online=121),  # conflicting repeat
            record("23149", "Xã Tánh Linh", "09/2026", source="Sở TTTT"),
            record("23149", "Xã Tánh Linh", "09/2026", source="Sở TTTT"),  # identical repeat
            record("", "Khối xã", "", received_online="", received_direct=""),  # group row: skipped
            record("(1)", "(2)", "(3)"),  # unit-of-measure row: skipped
            record("23149", "Xã Tánh Linh", "10/2026", received_online="0012"),
            record("1234", "", "10/2026"),  # a lost leading zero
        ]
    )
    return rows


def run(path, *, fast: bool, monkeypatch, staged_in_sql=None, **options):
    """The import's report and what it stored, on the fast path or forced row by row."""
    with monkeypatch.context() as patch:
        if not fast:
            patch.setattr(statistics_copy, "csv_layout", lambda reader, path: None)
        elif staged_in_sql is not None:
            stage = statistics_copy.stage_plain_rows

            def counting(*args, **kwargs):
                staged_in_sql.append(stage(*args, **kwargs))
                return staged_in_sql[-1]

            patch.setattr(statistics_copy, "stage_plain_rows", counting)
        try:
            report = statistics_import(path=path, **options)
            outcome = "written"
        except StatisticsImportError as exc:
            report, outcome = exc.report, exc.code
    stored = sorted(
        DossierStatistic.objects.values_list("unit__code", "period_start", "period_end", "source", *COUNT_FIELD_NAMES)
    )
    summary = (
        outcome,
        report.rows_read,
        report.rows_skipped,
        report.created,
        report.updated,
        report.unchanged,
        report.rejected_rows,
        report.error_count,
        [(error.row, error.column, error.value, error.message) for error in report.errors],
    )
    DossierStatistic.objects.all().delete()
    return summary, stored


@pytest.mark.parametrize(
    "options",
    [
        {"skip_invalid": True},
        {"skip_invalid": False},
        {"skip_invalid": True, "dry_run": True},
        {"skip_invalid": True, "scoped": True},
    ],
    ids=["skip-invalid", "all-or-nothing", "dry-run", "scoped"],
)
@pytest.mark.parametrize("fields", [FIELDS, WITH_DATES], ids=["period", "period-and-dates"])
def test_fast_path_and_row_by_row_path_agree(tmp_path, monkeypatch, options, fields):
    rows = table([], fields=fields)[:1] + [
        [dict(zip(FIELDS, row, strict=False)).get(name, "") for name in fields] for row in mixed_rows()[1:]
    ]
    path = write_csv(tmp_path, rows)
    if options.pop("scoped", False):
        options["allowed_unit_ids"] = frozenset({unit("23149").pk, unit("23149", current=False).pk})
    staged_in_sql = []
    fast = run(
        path, fast=True, monkeypatch=monkeypatch, staged_in_sql=staged_in_sql, default_source="Bưu điện", **options
    )
    slow = run(path, fast=False, monkeypatch=monkeypatch, default_source="Bưu điện", **options)
    assert fast == slow
    if connection.vendor == "postgresql":
        assert staged_in_sql and staged_in_sql[0] >= 5  # the comparison really exercised the fast path
    summary, stored = fast
    assert summary[7] > 10  # the file really holds many kinds of bad rows
    if options.get("skip_invalid") and not options.get("dry_run"):
        assert len(stored) >= 5


@postgresql_only
def test_a_plain_file_is_validated_in_sql(tmp_path, monkeypatch):
    python_rows = []
    validate = StatisticsReader.validate

    def spy(self, numbered_rows):
        for item in validate(self, numbered_rows):
            python_rows.append(item[0])
            yield item

    monkeypatch.setattr(StatisticsReader, "validate", spy)
    path = write_csv(
        tmp_path,
        table([record(), record("23149", "Xã Tánh Linh", "08/2025", received_online="1 200", received_total=1525)]),
    )
    report = statistics_import(path=path)
    assert (report.created, report.rows_read) == (2, 2)
    assert python_rows == [3]  # only the row with a space in a number went through Python
    assert statistic("23149", 2025, 8).received_online == 1200


def test_a_quote_inside_a_field_is_read_as_python_reads_it(tmp_path):
    """PostgreSQL would read 2"3"149 as 23149; the row-by-row path sees the quotes and refuses the code."""
    path = tmp_path / "thong-ke.csv"
    header = ",".join(VI[name] for name in FIELDS)
    counts = ",".join(str(COUNTS[name]) for name in FIELDS[4:])
    path.write_text(f'{header}\n23149,Xã Tánh Linh,07/2025,,{counts}\n2"3"149,Xã Tánh Linh,08/2025,,{counts}\n')
    with pytest.raises(StatisticsImportError) as caught:
        statistics_import(path=path)
    assert [(error.row, error.column, error.value) for error in caught.value.report.errors] == [
        (3, "Mã ĐVHC", '2"3"149')
    ]
    assert not DossierStatistic.objects.exists()


def test_quoted_fields_with_separators_are_read(tmp_path):
    path = write_csv(tmp_path, table([record(source="Sở TTTT, Lâm Đồng"), record(period="08/2025", source='"A"')]))
    report = statistics_import(path=path)
    assert report.created == 2
    assert statistic("23149", 2025, 7, "Sở TTTT, Lâm Đồng").received_online == 120
    assert statistic("23149", 2025, 8, '"A"').received_online == 120


def test_an_end_of_data_marker_line_does_not_end_the_file(tmp_path):
    path = tmp_path / "thong-ke.csv"
    rows = table([record(), record(period="08/2025")])
    lines = [",".join(str(cell) for cell in row) for row in rows]
    path.write_text("\n".join([lines[0], lines[1], "\\.", lines[2]]) + "\n")
    report = statistics_import(path=path, skip_invalid=True)
    assert (report.created, report.rows_skipped) == (2, 1)


def test_rows_of_another_width_are_validated_row_by_row(tmp_path):
    rows = table([record(), record(period="08/2025")])
    rows[2] = rows[2][:5]  # cut short: the counts after online/direct are missing
    path = write_csv(tmp_path, rows)
    with pytest.raises(StatisticsImportError) as caught:
        statistics_import(path=path)
    assert {error.row for error in caught.value.report.errors} == {3}


@pytest.mark.parametrize("text", ["3000000000", "3.000.000.000", "99999999999999999999"])
def test_counts_beyond_the_column_are_rejected(tmp_path, text):
    path = write_csv(tmp_path, table([record(received_online=text, received_total="")]))
    with pytest.raises(StatisticsImportError) as caught:
        statistics_import(path=path)
    (error,) = caught.value.report.errors
    assert (error.row, error.column, error.value) == (2, VI["received_online"], text)
    assert not DossierStatistic.objects.exists()


def test_the_largest_count_is_accepted(tmp_path):
    path = write_csv(tmp_path, table([record(received_online="2.147.483.647", received_total="")]))
    statistics_import(path=path)
    assert statistic("23149", 2025, 7).received_online == 2_147_483_647


def test_rows_after_a_file_of_only_bad_rows_are_all_reported(tmp_path):
    """More bad rows than a fetch batch: every one is read back from the server and reported."""
    rows = table([record(period=f"{month:02d}/2030", received_online="x") for month in range(1, 13)] * 600)
    path = write_csv(tmp_path, rows)
    with pytest.raises(StatisticsImportError) as caught:
        statistics_import(path=path)
    assert caught.value.report.error_count == 7200
    assert caught.value.report.rejected_rows == 7200
