"""Statistics exports in the import format: export then import changes nothing.

Text cells that a spreadsheet would run as a formula (starting with = + - @, tab or carriage
return) get a leading apostrophe; the import removes it again.

Exports stream at constant memory whatever their size: rows are read with ``.iterator(chunk_size=…)``, CSV goes
out in chunks (``csv_chunks``, a streamed response) and XLSX is written by openpyxl's write-only workbook into a
temporary file that the response then streams.
"""

import csv
import datetime
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

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


def write_csv(statistics: Iterable, path: Path) -> int:
    count = 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header())
        for statistic in statistics:
            writer.writerow(["" if value is None else value for value in export_row(statistic)])
            count += 1
    return count


class _Line:
    """A file-like object that hands back what ``csv.writer`` writes (one line at a time)."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(statistics: Iterable, *, rows_per_chunk: int = 500) -> Iterator[bytes]:
    """The CSV export (UTF-8 with BOM, for Excel) as byte chunks, for a streamed response: constant memory."""
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow(header())).encode()
    lines: list[str] = []
    for statistic in statistics:
        lines.append(writer.writerow(["" if value is None else value for value in export_row(statistic)]))
        if len(lines) >= rows_per_chunk:
            yield "".join(lines).encode()
            lines.clear()
    if lines:
        yield "".join(lines).encode()


def write_xlsx(statistics: Iterable, path: Path | BinaryIO) -> int:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Thống kê hồ sơ")
    sheet.append(header())
    count = 0
    for statistic in statistics:
        sheet.append(export_row(statistic))
        count += 1
    workbook.save(path)
    return count


XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
    import tempfile

    from django.http import FileResponse, StreamingHttpResponse

    rows = export_queryset(queryset)
    if file_format == "csv":
        response = StreamingHttpResponse(csv_chunks(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # Not a context manager: the response streams the file, then closes it (and the system removes it).
    handle = tempfile.TemporaryFile(prefix="dvc-export-")  # noqa: SIM115
    try:
        write_xlsx(rows, handle)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
