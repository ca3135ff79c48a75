"""Spreadsheets written at constant memory whatever their size: CSV in chunks, XLSX through openpyxl's write-only
workbook (it keeps one row), for a streamed download or a file a background job stores.

Rows are plain lists of values; ``None`` is an empty cell. The caller escapes text a spreadsheet would run as a
formula (campaigns.statistics.exports.escape_formula) before it reaches these writers.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE}
ROWS_PER_CHUNK = 500


class _Line:
    """A file-like object that hands back what ``csv.writer`` writes (one line at a time)."""

    def write(self, value: str) -> str:
        return value


def _cells(row: Iterable) -> list:
    return ["" if value is None else value for value in row]


def csv_chunks(
    header: Sequence[str], rows: Iterable[Sequence], *, rows_per_chunk: int = ROWS_PER_CHUNK
) -> Iterator[bytes]:
    """The CSV (UTF-8 with BOM, for Excel) as byte chunks of ``rows_per_chunk`` rows: constant memory."""
    writer = csv.writer(_Line())
    yield ("\ufeff" + writer.writerow(list(header))).encode()
    lines: list[str] = []
    for row in rows:
        lines.append(writer.writerow(_cells(row)))
        if len(lines) >= rows_per_chunk:
            yield "".join(lines).encode()
            lines.clear()
    if lines:
        yield "".join(lines).encode()


def write_csv(header: Sequence[str], rows: Iterable[Sequence], path: Path) -> int:
    """Write the CSV to ``path``; returns the number of data rows."""
    count = 0
    with Path(path).open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(list(header))
        for row in rows:
            writer.writerow(_cells(row))
            count += 1
    return count


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence], target: Path | BinaryIO, *, sheet_title: str) -> int:
    """Write a one-sheet workbook (write-only: one row in memory at a time); returns the number of data rows."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.append(list(header))
    count = 0
    for row in rows:
        sheet.append(list(row))
        count += 1
    workbook.save(target)
    return count


def write_file(
    file_format: str, header: Sequence[str], rows: Iterable[Sequence], path: Path, *, sheet_title: str
) -> int:
    """The CSV or XLSX file at ``path``; returns the number of data rows."""
    if file_format == "csv":
        return write_csv(header, rows, path)
    return write_xlsx(header, rows, path, sheet_title=sheet_title)


def download(file_format: str, header: Sequence[str], rows: Iterable[Sequence], filename: str, *, sheet_title: str):
    """A download as CSV (a streamed response, written as it is read) or XLSX (a temporary file, then streamed)."""
    from django.http import FileResponse, StreamingHttpResponse

    if file_format == "csv":
        response = StreamingHttpResponse(csv_chunks(header, rows), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # Not a context manager: the response streams the file, then closes it (and the system removes it).
    handle = tempfile.TemporaryFile(prefix="dvc-export-")  # noqa: SIM115
    try:
        write_xlsx(header, rows, handle, sheet_title=sheet_title)
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)
