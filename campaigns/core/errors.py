from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RowError:
    """One problem in one cell of an input file (row numbers count the header as row 1)."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str

    def __str__(self):
        if self.row is None:
            return _("%(file)s: %(message)s") % {"file": self.file, "message": self.message}
        return _("%(file)s, row %(row)s, column %(column)s, value “%(value)s”: %(message)s") % {
            "file": self.file,
            "row": self.row,
            "column": self.column or "—",
            "value": "" if self.value is None else self.value,
            "message": self.message,
        }


@dataclass
class DataFileError(Exception):
    """Input files that cannot be loaded; nothing was written. ``code`` is stable for callers."""

    code: str
    errors: list[RowError] = field(default_factory=list)

    def __str__(self):
        return "\n".join(str(error) for error in self.errors)


class DomainError(Exception):
    """An action refused by a rule. ``code`` is stable (callers and tests branch on it, never on the text);
    ``params`` fill the message. A subclass gives the message of each code in ``messages`` (marked with
    ``gettext_lazy``), so the message is translated in the language active when it is read."""

    messages: dict = {}

    def __init__(self, code: str, params: dict | None = None):
        self.code: str = code
        self.params: dict = dict(params or {})
        super().__init__(code)

    @property
    def message(self) -> str:
        template = self.messages.get(self.code)
        if template is None:
            return self.code
        return str(template) % self.params if self.params else str(template)

    def __str__(self):
        return self.message
