"""Exports of the outreach listings (distributions, airings, posts, events): streamed at constant memory.

The columns are the viewset's ``list_export`` (field paths such as ``unit__code``), headed by the fields' names;
rows are read 2.000 at a time (``.iterator``), the CSV goes out 500 rows at a time and the XLSX is written by
openpyxl's write-only workbook (campaigns.core.spreadsheets). Choices are written as their labels, days as
dd/mm/yyyy, and text a spreadsheet would run as a formula gets a leading apostrophe. Above
``ADMIN_EXPORT_DIRECT_MAX_ROWS`` rows the task worker writes the same file (``OutreachExportRunner``).
"""

import datetime
from collections.abc import Iterator, Sequence
from decimal import Decimal

from campaigns.access.jobs import ScopedExportRunner
from campaigns.core import spreadsheets
from campaigns.statistics.exports import escape_formula

CHUNK_ROWS = 2000


def _field(model, path: str):
    field = None
    for name in path.split("__"):
        field = model._meta.get_field(name)
        model = field.related_model or model
    return field


def header(model, fields: Sequence[str]) -> list[str]:
    return [str(model._meta.get_field(path.split("__")[0]).verbose_name).capitalize() for path in fields]


def _cell(value, field):
    if value is None:
        return None
    if field.choices:
        return escape_formula(str(dict(field.flatchoices).get(value, value)))
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, bool | int | float):
        return value
    return escape_formula(str(value))


def _value(obj, path: str):
    for name in path.split("__"):
        obj = getattr(obj, name, None)
        if obj is None:
            return None
    return obj


def rows(queryset, fields: Sequence[str]) -> Iterator[list]:
    """One list per record, in the listing's order, read from the database in chunks."""
    model = queryset.model
    columns = [(path, _field(model, path)) for path in fields]
    related = sorted({path.rsplit("__", 1)[0] for path in fields if "__" in path})
    if related:
        queryset = queryset.select_related(*related)
    for record in queryset.iterator(chunk_size=CHUNK_ROWS):
        yield [_cell(_value(record, path), field) for path, field in columns]


def sheet_title(model) -> str:
    return str(model._meta.verbose_name_plural).capitalize()


def export_response(model, queryset, fields: Sequence[str], spreadsheet_format: str, filename: str):
    """The download of the listing: CSV streamed as it is read, XLSX through a temporary file."""
    return spreadsheets.download(
        spreadsheet_format,
        header(model, fields),
        rows(queryset, fields),
        f"{filename}.{spreadsheet_format}",
        sheet_title=sheet_title(model),
    )


class OutreachExportRunner(ScopedExportRunner):
    def table(self, queryset, params: dict):
        model = queryset.model
        return header(model, params["fields"]), rows(queryset, params["fields"]), sheet_title(model)
