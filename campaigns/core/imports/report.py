"""What an import reports: rows read, created, updated, unchanged and rejected, and each error by row, column and value.

Every import (statistics, activity logs, rosters) says what is wrong the same way: the row as the spreadsheet
numbers it, the column as written in the file, the value (cut to 80 characters) and the reason in Vietnamese.
"""

from dataclasses import dataclass, field
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.core.errors import DomainError, RowError

SHOWN_VALUE_LENGTH = 80


def shown_value(value) -> str:
    """A cell's value as an error shows it: empty for None, cut to 80 characters."""
    return ("" if value is None else str(value))[:SHOWN_VALUE_LENGTH]


class CellError(NamedTuple):
    """One problem of one cell, without the file's name: (row, column, value, message)."""

    row: int | None
    column: str | None
    value: str
    message: str


@dataclass
class ImportReport:
    """The outcome of one import (or of its dry run, with ``preview`` rows to show before confirming)."""

    rows_read: int = 0
    rows_skipped: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    dry_run: bool = False
    preview: list = field(default_factory=list)

    @property
    def written(self) -> int:
        return 0 if self.dry_run else self.created + self.updated

    @property
    def valid_rows(self) -> int:
        return self.created + self.updated + self.unchanged

    def fail(self, errors: list[RowError]) -> "ImportReport":
        """The whole file is refused for ``errors``."""
        self.errors, self.error_count = errors, len(errors)
        return self

    def summary(self) -> str:
        return _(
            "%(read)s data rows: %(created)s new, %(updated)s changed, %(unchanged)s unchanged, %(rejected)s rejected."
        ) % {
            "read": self.rows_read,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected_rows,
        }

    def error_lines(self, headline: str) -> str:
        """The headline, then one line per reported error (and how many more there are)."""
        lines = [headline + " " + _("%(count)s error(s):") % {"count": self.error_count}]
        lines += [f"  - {error}" for error in self.errors]
        if self.error_count > len(self.errors):
            lines.append("  " + _("… and %(more)s more.") % {"more": self.error_count - len(self.errors)})
        return "\n".join(lines)


class ImportFailed(DomainError):
    """Nothing was written. ``code``: ``unreadable_file`` or ``invalid_rows``; ``report`` lists every bad row."""

    code = "invalid_rows"
    messages = {
        "unreadable_file": gettext_lazy("The file cannot be read: nothing was written."),
        "invalid_rows": gettext_lazy("Rows rejected: %(rejected)s. Nothing was written."),
    }

    def __init__(self, code: str, report: ImportReport):
        self.report = report
        super().__init__(code, {"rejected": report.rejected_rows})


class RowErrorLog:
    """Collects a reader's row errors: every error is counted, the first ``max_reported_errors`` are kept.

    The reader sets ``file_label``, ``errors``, ``error_count`` and ``labels`` ({field: header as written}).
    """

    max_reported_errors = 1000
    file_label: str
    errors: list[RowError]
    error_count: int
    labels: dict[str, str]

    def error(self, row, field, value, message) -> None:
        self.error_count += 1
        if len(self.errors) < self.max_reported_errors:
            column = self.labels.get(field, field) if field else None
            self.errors.append(RowError(self.file_label, row, column, shown_value(value), message))
