"""Statistics exports in the import format: export then import changes nothing.

Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) get a leading apostrophe; the import removes it again.

Exports stream at constant memory whatever their size: rows are read with ``.iterator(chunk_size=…)``, CSV goes
out in chunks (``csv_chunks``, a streamed response) and XLSX is written by openpyxl's write-only workbook into a
temporary file that the response then streams.
"""

import datetime
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from campaigns.core import spreadsheets
from campaigns.core.months import month_bounds
from campaigns.statistics.models import COUNT_FIELD_NAMES
from campaigns.statistics.reader import VIETNAMESE_HEADERS

EXPORT_FIELDS = ("unit_code", "unit_name", "period", "period_start", "period_end", "source", *COUNT_FIELD_NAMES)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    return "'" + text if text and text.startswith(FORMULA_START) else text


def _period(start: datetime.date, end: datetime.date) -> str:
    return f"{start:%m/%Y}" if (start, end) == month_bounds(start.year, start.month) else ""


def export_row(statistic) -> list:
    return [
        statistic.unit.code,
        escape_formula(statistic.unit.name),
        _period(statistic.period_start, statistic.period_end),
        statistic.period_start.strftime("%d/%m/%Y"),
        statistic.period_end.strftime("%d/%m/%Y"),
        escape_formula(statistic.source),
        *(getattr(statistic, name) for name in COUNT_FIELD_NAMES),
    ]


def header() -> list[str]:
    return [VIETNAMESE_HEADERS[name] for name in EXPORT_FIELDS]


SHEET_TITLE = "Thống kê hồ sơ"


def _rows(statistics: Iterable) -> Iterator[list]:
    return (export_row(statistic) for statistic in statistics)


def write_csv(statistics: Iterable, path: Path) -> int:
    return spreadsheets.write_csv(header(), _rows(statistics), path)


def csv_chunks(statistics: Iterable, *, rows_per_chunk: int = 500) -> Iterator[bytes]:
    """The CSV export (UTF-8 with BOM, for Excel) as byte chunks, for a streamed response: constant memory."""
    return spreadsheets.csv_chunks(header(), _rows(statistics), rows_per_chunk=rows_per_chunk)


def write_xlsx(statistics: Iterable, path: Path | BinaryIO) -> int:
    return spreadsheets.write_xlsx(header(), _rows(statistics), path, sheet_title=SHEET_TITLE)


XLSX_CONTENT_TYPE = spreadsheets.XLSX_CONTENT_TYPE
EXPORT_CHUNK_ROWS = 2000


def export_queryset(queryset):
    """The rows of an export in the file's order, read from the database in chunks (never all at once)."""
    return (
        queryset.select_related("unit")
        .order_by("period_start", "unit__code", "source")
        .iterator(chunk_size=EXPORT_CHUNK_ROWS)
    )


def spreadsheet_response(queryset, file_format: str, filename: str):
    """A download of ``queryset`` as CSV (streamed as it is read) or XLSX (a temporary file, then streamed)."""
    return spreadsheets.download(
        file_format, header(), _rows(export_queryset(queryset)), filename, sheet_title=SHEET_TITLE
    )
