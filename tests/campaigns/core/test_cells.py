"""The cell parsers every import shares (campaigns.core.imports.cells): good, wrong and hostile cells.

Each parser returns (value, message): a wrong cell gives no value and a Vietnamese reason, never a guess.
"""

import datetime

import pytest
from django.utils import translation

from campaigns.core.imports.cells import (
    AMOUNT_WORDING,
    MAX_COUNT,
    parse_code,
    parse_count,
    parse_day,
    parse_period,
    parse_text,
    period_of,
)


@pytest.fixture(autouse=True)
def vietnamese():
    with translation.override("vi"):
        yield


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (None, None),
        ("", None),
        ("  ", None),
        (0, 0),
        (1234, 1234),
        (1234.0, 1234),
        ("1234", 1234),
        ("1.234", 1234),
        ("1 234", 1234),
        ("1\u00a0234\u00a0567", 1234567),
        (" 12 ", 12),
        (str(MAX_COUNT), MAX_COUNT),
    ],
)
def test_counts_in_the_shapes_offices_write_them(cell, expected):
    assert parse_count(cell) == (expected, None)


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("1,5", "không phải số nguyên"),
        ("1.5", "không phải số nguyên"),
        ("1.23", "không phải số nguyên"),
        (1.5, "không phải số nguyên"),
        (float("nan"), "không phải số nguyên"),
        (float("inf"), "không phải số nguyên"),
        (True, "không phải số nguyên"),
        ("=1+1", "không phải số nguyên"),
        ("12\x00", "không phải số nguyên"),
        ("١٢٣", "không phải số nguyên"),  # Arabic-Indic digits are digits to Python, not to an office
        ("-3", "âm"),
        (-3, "âm"),
        (MAX_COUNT + 1, "quá lớn"),
        ("9" * 31, "quá lớn"),
        ("9" * 5000, "quá lớn"),
    ],
)
def test_wrong_and_hostile_counts_are_refused_with_a_reason(cell, reason):
    value, message = parse_count(cell)
    assert value is None
    assert reason in message.lower()


def test_an_activity_amount_has_its_own_maximum_and_wording():
    assert parse_count("101", 100, wording=AMOUNT_WORDING)[0] is None
    assert parse_count("-1", 100, wording=AMOUNT_WORDING)[1] == str(AMOUNT_WORDING.negative)
    assert parse_count("100", 100, wording=AMOUNT_WORDING) == (100, None)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("15/03/2025", datetime.date(2025, 3, 15)),
        ("2025-03-15", datetime.date(2025, 3, 15)),
        (datetime.datetime(2025, 3, 15, 8, 30), datetime.date(2025, 3, 15)),
        ("29/02/2024", datetime.date(2024, 2, 29)),
    ],
)
def test_days(cell, expected):
    assert parse_day(cell) == (expected, None)


@pytest.mark.parametrize("cell", ["29/02/2025", "31/04/2025", "00/01/2025", "15.03.2025", "03/15/2025x", "hôm qua"])
def test_days_that_do_not_exist_or_are_not_dates(cell):
    value, message = parse_day(cell)
    assert value is None and message


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("03/2025", (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))),
        ("2024-02", (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))),
        ("12/2025", (datetime.date(2025, 12, 1), datetime.date(2025, 12, 31))),
        (datetime.date(2025, 3, 1), (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))),
    ],
)
def test_periods_are_whole_months(cell, expected):
    assert parse_period(cell) == (expected, None)


@pytest.mark.parametrize("cell", ["13/2025", "00/2025", "03/1899", "Q1/2025", datetime.date(2025, 3, 15)])
def test_periods_that_are_not_months(cell):
    value, message = parse_period(cell)
    assert value is None and message


def test_a_15th_to_14th_period_is_given_by_its_two_dates():
    start, end, problems = period_of(None, "15/02/2025", "14/03/2025")
    assert (start, end, problems) == (datetime.date(2025, 2, 15), datetime.date(2025, 3, 14), [])


def test_period_cells_that_contradict_each_other_name_the_field():
    _start, _end, problems = period_of("03/2025", "15/02/2025", None)
    assert [field for field, _value, _message in problems] == ["period_start"]
    _start, _end, problems = period_of(None, "14/03/2025", "15/02/2025")
    assert [field for field, _value, _message in problems] == ["period_end"]
    _start, _end, problems = period_of(None, "15/02/2025", None)
    assert [field for field, _value, _message in problems] == ["period_end"]
    _start, _end, problems = period_of(None, None, None)
    assert [field for field, _value, _message in problems] == ["period"]


def test_codes_get_back_the_zeros_spreadsheets_drop():
    assert parse_code(1) == "01"
    assert parse_code(1234) == "01234"
    assert parse_code(23149.0) == "23149"
    assert parse_code(" 23149 ") == "23149"


def test_text_undoes_the_apostrophe_the_exports_put_before_a_formula():
    assert parse_text("'=SUM(A1)") == "=SUM(A1)"
    assert parse_text(None) == ""
    assert parse_text(12.0) == "12"
