"""Helpers for the file-import tests: a refused import writes nothing, and the cells its errors name."""

from collections.abc import Callable
from contextlib import contextmanager

import pytest


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
