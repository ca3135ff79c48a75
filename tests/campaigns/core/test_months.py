"""Month arithmetic with known answers: year ends, leap Februaries, the 15th-to-14th report periods."""

import datetime

import pytest

from campaigns.core.months import (
    PeriodKind,
    add_months,
    classify_period,
    first_day,
    index_label,
    label_index,
    last_day,
    month_bounds,
    month_count,
    month_from_index,
    month_index,
    months_between,
    official_bounds,
    parse_month,
)

D = datetime.date


def test_month_index_is_consecutive_across_the_new_year():
    assert month_index(D(2025, 1, 1)) - month_index(D(2024, 12, 31)) == 1
    assert month_index(D(2024, 12, 1)) == 2024 * 12 + 11
    assert month_from_index(month_index(D(2024, 12, 25))) == D(2024, 12, 1)
    assert month_from_index(2025 * 12) == D(2025, 1, 1)


def test_labels_of_month_indexes():
    assert index_label(month_index(D(2022, 4, 15))) == "2022-04"
    assert index_label(month_index(D(2021, 12, 1))) == "2021-12"
    assert label_index("2022-04") == month_index(D(2022, 4, 1))
    assert label_index("2021-12-31") == month_index(D(2021, 12, 1))


def test_parse_month():
    assert parse_month("2024-02") == D(2024, 2, 1)
    assert parse_month("2024-12") == D(2024, 12, 1)
    for wrong in ("2024-13", "2024-00", "2024-2", "02/2024", "", None):
        assert parse_month(wrong) is None


def test_first_day_of_a_date_and_of_a_moment():
    assert first_day(D(2024, 2, 29)) == D(2024, 2, 1)
    assert first_day(datetime.datetime(2024, 12, 31, 23, 59)) == D(2024, 12, 1)


@pytest.mark.parametrize(
    ("month", "count", "expected"),
    [
        (D(2024, 12, 1), 1, D(2025, 1, 1)),
        (D(2025, 1, 1), -1, D(2024, 12, 1)),
        (D(2024, 1, 31), 1, D(2024, 2, 1)),  # the day is dropped, never 31/02
        (D(2024, 11, 15), 14, D(2026, 1, 1)),
        (D(2024, 3, 1), -12, D(2023, 3, 1)),
        (D(2024, 3, 1), 0, D(2024, 3, 1)),
    ],
)
def test_add_months(month, count, expected):
    assert add_months(month, count) == expected


def test_last_day_and_bounds_of_february_in_leap_and_common_years():
    assert last_day(D(2024, 2, 10)) == D(2024, 2, 29)
    assert last_day(D(2023, 2, 1)) == D(2023, 2, 28)
    assert last_day(D(2000, 2, 1)) == D(2000, 2, 29)
    assert last_day(D(1900, 2, 1)) == D(1900, 2, 28)
    assert last_day(D(2024, 12, 5)) == D(2024, 12, 31)
    assert month_bounds(2024, 2) == (D(2024, 2, 1), D(2024, 2, 29))
    assert month_bounds(2024, 12) == (D(2024, 12, 1), D(2024, 12, 31))


def test_month_count_counts_both_ends():
    assert month_count(D(2024, 12, 1), D(2024, 12, 31)) == 1
    assert month_count(D(2024, 12, 1), D(2025, 1, 1)) == 2
    assert month_count(D(2024, 1, 1), D(2024, 12, 1)) == 12
    assert month_count(D(2025, 3, 1), D(2025, 1, 1)) == -1


def test_months_between_crosses_the_year_and_ignores_days():
    assert months_between(D(2024, 11, 20), D(2025, 2, 3)) == [
        D(2024, 11, 1),
        D(2024, 12, 1),
        D(2025, 1, 1),
        D(2025, 2, 1),
    ]
    assert months_between(D(2024, 2, 1), D(2024, 2, 29)) == [D(2024, 2, 1)]
    assert months_between(D(2024, 3, 1), D(2024, 2, 1)) == []


def test_official_periods_run_from_the_15th_to_the_14th():
    assert official_bounds(D(2024, 11, 1)) == (D(2024, 10, 15), D(2024, 11, 14))
    assert official_bounds(D(2025, 1, 1)) == (D(2024, 12, 15), D(2025, 1, 14))
    assert official_bounds(D(2024, 3, 20)) == (D(2024, 2, 15), D(2024, 3, 14))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (D(2024, 10, 15), D(2024, 11, 14), (PeriodKind.MONTH, D(2024, 11, 1))),
        (D(2024, 12, 15), D(2025, 1, 14), (PeriodKind.MONTH, D(2025, 1, 1))),
        (D(2024, 2, 1), D(2024, 2, 29), (PeriodKind.MONTH, D(2024, 2, 1))),
        (D(2023, 2, 1), D(2023, 2, 28), (PeriodKind.MONTH, D(2023, 2, 1))),
        (D(2024, 2, 1), D(2024, 2, 28), (PeriodKind.OTHER, None)),  # a day short in a leap year
        (D(2024, 4, 1), D(2024, 6, 30), (PeriodKind.QUARTER, None)),
        (D(2024, 3, 15), D(2024, 6, 14), (PeriodKind.QUARTER, None)),
        (D(2024, 1, 1), D(2024, 6, 30), (PeriodKind.HALF_YEAR, None)),
        (D(2023, 12, 15), D(2024, 12, 14), (PeriodKind.YEAR, None)),
        (D(2024, 1, 1), D(2024, 12, 31), (PeriodKind.YEAR, None)),
        (D(2024, 2, 1), D(2024, 4, 30), (PeriodKind.OTHER, None)),  # three months, not a quarter
        (D(2021, 7, 25), D(2021, 8, 25), (PeriodKind.OTHER, None)),
    ],
)
def test_classify_period(start, end, expected):
    assert classify_period(start, end) == expected
