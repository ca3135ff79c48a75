"""Helpers for the file-import tests: the files as offices write them, a refused import writes nothing, and the
cells its errors name."""

import csv
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
from openpyxl import Workbook


def csv_file(tmp_path: Path, rows: list[list], name: str, *, bom: bool = False, delimiter: str = ",") -> Path:
    """``rows`` written as a CSV file (with a byte-order mark, as Excel saves it, when ``bom``)."""
    path = tmp_path / name
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


def xlsx_file(tmp_path: Path, rows: list[list], name: str, *, merges=()) -> Path:
    """``rows`` written on the first sheet of a workbook, with the cell ranges ``merges`` merged."""
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    path = tmp_path / name
    workbook.save(path)
    return path


@contextmanager
def unchanged(snapshot: Callable[[], object]):
    """Asserts that ``snapshot()`` reads the same after the block as before it: nothing was written."""
    before = snapshot()
    yield
    assert snapshot() == before


def refused(run: Callable, error_class: type[Exception], snapshot: Callable[[], object], **kwargs):
    """``run(**kwargs)`` expecting ``error_class`` with errors in its report and nothing written; returns the error."""
    with unchanged(snapshot), pytest.raises(error_class) as caught:
        run(**kwargs)
    assert caught.value.report.errors
    return caught.value


def cells(error) -> list[tuple]:
    """(row, column) of each error in the report of a refused import."""
    return [(item.row, item.column) for item in error.report.errors]
