from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _


class DomainError(Exception):
    """A refusal of the domain: ``code`` is stable for callers and tests, ``params`` the values it names, and
    ``message`` the sentence a person reads, in the active language.

    The message is either given when raising (already translated), or built from the class's ``messages``
    (code -> gettext_lazy template with ``%(name)s`` placeholders filled from ``params``)."""

    code: str = "domain_error"
    messages: Mapping[str, str] = {}

    def __init__(self, code: str | None = None, params: Mapping | None = None, *, message: str | None = None):
        self.code = code or type(self).code
        self.params = dict(params or {})
        self._message = message
        super().__init__(self.code)

    @property
    def message(self) -> str:
        if self._message is not None:
            return str(self._message)
        template = self.messages.get(self.code)
        if template is None:
            return self.code
        return str(template) % self.params if self.params else str(template)

    def __str__(self):
        return self.message


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


class DataFileError(DomainError):
    """Input files that cannot be loaded; nothing was written. The message lists every problem."""

    code = "invalid_data_file"

    def __init__(self, code: str | None = None, errors: list[RowError] | None = None):
        self.errors = list(errors or [])
        super().__init__(code, {"count": len(self.errors)})

    @property
    def message(self) -> str:
        return "\n".join(str(error) for error in self.errors)
