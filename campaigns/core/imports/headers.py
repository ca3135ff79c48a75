"""Finding and reading the header row of an import file (statistics, activity logs, rosters).

Office spreadsheets put title lines, the issuing body and merged cells above the header row, and a
"Tổng cộng" row under the data. Headers are compared by ``header_key``: NFC-normalised, case- and
accent-folded, punctuation collapsed, so "Mã ĐVHC", "MÃ ĐVHC:" and "ma dvhc" are the same column.
Each import keeps its own alias tables (but for the unit code column they share, in ``unit_column``); this module
only matches them.
"""

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from campaigns.core.errors import RowError
from campaigns.core.text import fold, normalize_text

_PUNCTUATION = re.compile(r"[\s:;,.()\[\]*/\\_\-–—]+")
# How far down a file the header row may sit.
HEADER_SCAN_ROWS = 25
# Folded labels of a total row ("Tổng cộng", "Cộng", "Tổng số").
TOTAL_LABELS = ("tong cong", "tong so", "cong", "tong")


class HeaderError(Exception):
    """The file cannot be read at all (no header row, unreadable file); ``errors`` say why."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(error) for error in errors))
        self.errors = errors

    @classmethod
    def of_file(cls, file_label: str, message: str) -> "HeaderError":
        """One problem of the whole file (no row, no column)."""
        return cls([RowError(file_label, None, None, None, message)])


def header_key(text) -> str:
    """The form in which headers and aliases are compared (see the module's docstring)."""
    return _PUNCTUATION.sub(" ", fold(str(text))).strip() if text not in (None, "") else ""


def alias_table(labels: Mapping[str, object], extra: Mapping[str, Iterable[str]] | None = None) -> dict[str, str]:
    """{header key: field} of each field's label, its own name and its extra aliases."""
    aliases: dict[str, str] = {}
    for name, label in labels.items():
        aliases[header_key(label)] = name
        aliases[header_key(name)] = name
        for alias in (extra or {}).get(name, []):
            aliases[header_key(alias)] = name
    return aliases


def is_total_label(text: str) -> bool:
    """A row named "Tổng cộng", "Cộng", "Tổng số"…: a sum of the rows above, not data."""
    key = header_key(text)
    return key in TOTAL_LABELS or key.startswith("tong cong")


@dataclass
class ColumnMap:
    """Where each field stands in a header row, its header as written, and the headers naming a field twice."""

    positions: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)

    def has(self, *names: str) -> bool:
        return all(name in self.positions for name in names)


def map_columns(cells: Iterable, aliases: Mapping[str, str]) -> ColumnMap:
    """Match a row's cells against ``aliases`` ({header key: field}); the first column naming a field wins."""
    columns = ColumnMap()
    for position, cell in enumerate(cells or []):
        name = aliases.get(header_key(cell))
        if name is None:
            continue
        label = normalize_text(str(cell))
        if name in columns.positions:
            columns.duplicates.append(label)
            continue
        columns.positions[name] = position
        columns.labels[name] = label
    return columns


def find_header_row(rows: Iterable[list], accept: Callable[[list[list]], bool], *, limit: int = HEADER_SCAN_ROWS):
    """(rows read, accepted?) scanning down for the header row below any title rows.

    ``accept(head)`` is asked for each row in turn with every row read so far (the candidate is the
    last one; those above it are its title and group rows). Stops at the first accepted row, or after
    ``limit`` rows. ``rows`` may be an iterator: the data rows below the header stay in it.
    """
    head: list[list] = []
    for row in rows:
        head.append(row)
        if accept(head):
            return head, True
        if len(head) >= limit:
            break
    return head, False
