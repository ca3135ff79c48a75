"""Zip-bomb defence for every XLSX file the product reads (statistics and activity imports, roster imports).

An XLSX file is a ZIP archive. Before any XML is parsed, the archive's central directory is read
(a few kilobytes whatever the file) and the file is refused when it declares too many entries, too
much unpacked data in total or in one entry, or an entry that unpacks to far more than it takes in
the archive. Python's ``zipfile`` then never inflates more than an entry's declared size (a lying
entry ends in a CRC error), so the declared sizes bound the memory and time of the parse.
"""

import io
import zipfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# An entry must be at least this big before its compression ratio is judged (small XML compresses very well).
RATIO_FLOOR_BYTES = 1024 * 1024


class UnsafeArchive(Exception):
    """The XLSX file is refused before parsing; ``reason`` is a translated sentence."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f}"


def check_xlsx_archive(source: Path | bytes) -> None:
    """Raise ``UnsafeArchive`` unless the archive's declared sizes stay within the limits (settings ``XLSX_…``)."""
    max_entries = settings.XLSX_MAX_ENTRIES
    max_total = settings.XLSX_MAX_UNPACKED_BYTES
    max_entry = settings.XLSX_MAX_ENTRY_BYTES
    max_ratio = settings.XLSX_MAX_RATIO
    target = io.BytesIO(source) if isinstance(source, bytes | bytearray) else Path(source)
    try:
        archive = zipfile.ZipFile(target)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnsafeArchive(_("the XLSX file is damaged")) from exc
    with archive:
        entries = archive.infolist()
    if len(entries) > max_entries:
        raise UnsafeArchive(
            _("the XLSX file holds %(count)s parts, more than the %(limit)s a spreadsheet needs")
            % {"count": len(entries), "limit": max_entries}
        )
    total = 0
    for entry in entries:
        total += entry.file_size
        if entry.file_size > max_entry or total > max_total:
            raise UnsafeArchive(
                _("the XLSX file would unpack to more than %(limit)s MB; split it into smaller files")
                % {"limit": _megabytes(max_entry if entry.file_size > max_entry else max_total)}
            )
        if entry.file_size > RATIO_FLOOR_BYTES and entry.file_size > max_ratio * max(entry.compress_size, 1):
            raise UnsafeArchive(
                _(
                    "the XLSX file is refused: one of its parts unpacks to %(ratio)s times its size, "
                    "which no real spreadsheet does"
                )
                % {"ratio": entry.file_size // max(entry.compress_size, 1)}
            )
