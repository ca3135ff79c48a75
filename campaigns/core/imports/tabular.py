"""Streaming readers for CSV (UTF-8, with or without BOM) and XLSX files: rows of cell values.

Neither reader loads the whole file: CSV is decoded line by line and XLSX is opened read-only.
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from campaigns.core.imports.safe_xlsx import UnsafeArchive, check_xlsx_archive
from campaigns.core.text import first_control_character

XLSX_MAGIC = b"PK\x03\x04"


class UnreadableFile(Exception):
    """The file is not a CSV or XLSX file we can read; ``reason`` is a translated sentence."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _looks_binary(sample: bytes) -> bool:
    return b"\x00" in sample


def iter_rows(path: Path) -> Iterator[list]:
    from django.utils.translation import gettext as _

    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        raise UnreadableFile(_("the file cannot be opened")) from exc
    if not head.strip():
        raise UnreadableFile(_("the file is empty"))
    if head.startswith(XLSX_MAGIC):
        yield from _iter_xlsx(path)
        return
    if _looks_binary(head):
        raise UnreadableFile(_("the file is neither a CSV nor an XLSX file"))
    yield from _iter_csv(path)


def sniff_delimiter(sample: str) -> str:
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def is_csv(path: Path) -> bool:
    """A file the CSV reader would read (not XLSX, not binary, not empty)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return bool(head.strip()) and not head.startswith(XLSX_MAGIC) and not _looks_binary(head)


def _refuse_control_characters(row, number) -> None:
    """A NUL byte (PostgreSQL refuses it) or another control character anywhere refuses the file, naming the row."""
    from django.utils.translation import gettext as _

    for value in row:
        if isinstance(value, str):
            character = first_control_character(value)
            if character:
                raise UnreadableFile(
                    _("row %(row)s contains an invisible control character (%(character)s): remove it and try again")
                    % {"row": number, "character": character}
                )


def _iter_csv(path: Path) -> Iterator[list]:
    from django.utils.translation import gettext as _

    with path.open("rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
        try:
            delimiter = sniff_delimiter(text.read(8192))
            text.seek(0)
            for number, row in enumerate(csv.reader(text, delimiter=delimiter), start=1):
                _refuse_control_characters(row, number)
                yield row
        except UnicodeDecodeError as exc:
            raise UnreadableFile(_("the file is not encoded in UTF-8")) from exc
        except csv.Error as exc:
            raise UnreadableFile(_("the CSV file is malformed (%(error)s)") % {"error": exc}) from exc


def _iter_xlsx(path: Path) -> Iterator[list]:
    from django.utils.translation import gettext as _
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        check_xlsx_archive(path)  # declared sizes, entry count and ratio: before any XML is parsed
    except UnsafeArchive as exc:
        raise UnreadableFile(exc.reason) from exc
    # Opened from a file object: openpyxl would refuse a path whose extension is not .xlsx (uploads, .csv).
    with path.open("rb") as handle:
        try:
            workbook = load_workbook(handle, read_only=True, data_only=True)
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
            raise UnreadableFile(_("the XLSX file is damaged")) from exc
        try:
            sheet = workbook.worksheets[0]
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                _refuse_control_characters(row, number)
                yield list(row)
        finally:
            workbook.close()
