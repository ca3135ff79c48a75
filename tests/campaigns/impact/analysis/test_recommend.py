"""Known answers for campaigns.impact.analysis.recommend, computed by hand (no database needed)."""

from dataclasses import dataclass

import numpy as np
import pytest

from campaigns.impact.analysis.recommend import (
    NOT_AT_CURRENT_PACE,
    PROJECTED,
    REACHED,
    TOO_LITTLE_DATA,
    Candidate,
    Projection,
    next_units,
    projected_month,
)

# --- next_units ----------------------------------------------------------------------------------------------------


def _row(unit, rate, volume, reached=False):
    return {"unit": unit, "rate": rate, "volume": volume, "reached": reached}


def test_next_units_ranked_by_dossiers_still_offline():
    rows = [
        _row("A", 0.2, 100),  # (1 − 0.2) · 100 = 80
        _row("B", 0.5, 200),  # 100
        _row("C", 0.1, 1000, reached=True),  # reached: left out
        _row("D", None, 500),  # no rate: left out
        _row("E", 0.0, 0),  # no volume: left out
        _row("F", 0.6, 200),  # 80, ties with A: A first by key
        _row("G", 0.9, 50),  # 5
    ]
    result = next_units(rows)
    assert [(c.unit, c.score) for c in result] == [
        ("B", pytest.approx(100)),
        ("A", pytest.approx(80)),
        ("F", pytest.approx(80)),
        ("G", pytest.approx(5)),
    ]
    assert result[0] == Candidate("B", 0.5, 200.0, pytest.approx(100))


def test_next_units_limit():
    rows = [_row(i, 0.1, 10 * i) for i in range(1, 21)]
    assert [c.unit for c in next_units(rows, limit=3)] == [20, 19, 18]
    assert len(next_units(rows)) == 10
    assert len(next_units(rows, limit=None)) == 20
    assert next_units(rows, limit=0) == []


def test_next_units_accepts_objects_and_numpy_values():
    @dataclass
    class Row:
        unit: str
        rate: float
        volume: int
        reached: bool

    rows = [Row("x", np.float64(0.5), np.int64(10), np.bool_(False)), Row("y", 0.25, 10, False)]
    assert [c.unit for c in next_units(rows)] == ["y", "x"]


def test_next_units_mixed_key_types_do_not_crash():
    result = next_units([_row(2, 0.5, 10), _row("1", 0.5, 10)])
    assert [c.unit for c in result] == ["1", 2]


def test_next_units_empty():
    assert next_units([]) == []


@pytest.mark.parametrize(
    "rows, kwargs, message",
    [
        ([_row("A", 1.5, 10)], {}, "rate must be a fraction"),
        ([_row("A", -0.1, 10)], {}, "rate must be a fraction"),
        ([_row("A", 0.5, -10)], {}, "volume must not be negative"),
        ([_row("A", float("nan"), 10)], {}, "finite"),
        ([_row("A", 0.5, "10")], {}, "volume must be a number"),
        ([_row("A", 0.5, 10, reached="no")], {}, "reached must be a bool"),
        ([{"unit": "A", "rate": 0.5, "volume": 10}], {}, "no 'reached'"),
        ([object()], {}, "no attribute 'unit'"),
        ([_row("A", 0.5, 10), _row("A", 0.4, 10)], {}, "repeats unit"),
        ([_row("A", 0.5, 10)], {"limit": -1}, "limit"),
    ],
)
def test_next_units_rejects_bad_input(rows, kwargs, message):
    with pytest.raises(ValueError, match=message):
        next_units(rows, **kwargs)


# --- projected_month -----------------------------------------------------------------------------------------------


def test_projected_month_linear_series_by_hand():
    # months 1..12, rate 0.10, 0.12, …, 0.32 (online 10..32 of 100): rate = 0.10 + 0.02 (m − 1)
    # 0.10 + 0.02 (m − 1) = 0.5 ⇔ m = 21
    months = list(range(1, 13))
    online = [10 + 2 * i for i in range(12)]
    result = projected_month(months, online, [100] * 12, target=0.5)
    assert _exact(result, 21)


def _exact(result, month) -> bool:
    """An exact straight line: the month is known, and its range is that one month."""
    return (
        result.status == PROJECTED
        and result.month == month
        and result.slope_per_month == pytest.approx(0.02)
        and result.earliest == result.latest == month
    )


def test_projected_month_is_a_range_that_holds_the_crossing():
    """Persistent monthly shocks: the range holds the month the expected rate crosses the target ≥ 93 % of the time
    (a single month missed it by 13 months at the median); fixed seed, 300 simulated communes."""
    import numpy as np

    rng = np.random.default_rng(0)
    held = projected = 0
    for _ in range(300):
        slope, level, size = rng.uniform(0.003, 0.012), rng.uniform(0.05, 0.2), rng.integers(20, 300)
        shock = np.zeros(12)
        for t in range(1, 12):
            shock[t] = 0.7 * shock[t - 1] + rng.normal(0, 0.04 * np.sqrt(1 - 0.49))
        rate = np.clip(level + slope * np.arange(12) + shock, 0.001, 0.999)
        totals = rng.poisson(size, 12).clip(1)
        result = projected_month(list(range(12)), rng.binomial(totals, rate).tolist(), totals.tolist(), target=0.5)
        if result.status != PROJECTED:
            continue
        projected += 1
        truth = int(np.ceil((0.5 - level) / slope))
        held += result.earliest <= truth <= (result.latest if result.latest is not None else 10**6)
    assert projected > 150
    assert held / projected >= 0.93


def test_projected_month_weights_do_not_move_an_exact_line():
    # the same exact line with unequal volumes: rate = 0.20 + 0.05 (m − 100); 0.20 + 0.05 k ≥ 0.62 ⇔ k ≥ 8.4 → m = 109
    months = list(range(100, 106))
    totals = [20, 40, 60, 20, 100, 40]
    online = [round((0.20 + 0.05 * k) * t) for k, t in enumerate(totals)]
    result = projected_month(months, online, totals, target=0.62)
    assert result.status == PROJECTED
    assert result.month == 109
    assert result.slope_per_month == pytest.approx(0.05)


def test_projected_month_crossing_before_the_latest_month_is_the_next_month():
    # line rate = 0.1 + 0.02 (m − 1) crosses 0.3 at month 11, but the pooled rate of months 10-12 is
    # (28 + 30 + 32)/300 = 0.3 ≥ 0.3 → reached; with target 0.31 the line crosses at 11.5, before the latest month 12
    months = list(range(1, 13))
    online = [10 + 2 * i for i in range(12)]
    assert projected_month(months, online, [100] * 12, target=0.3).status == REACHED
    assert _exact(projected_month(months, online, [100] * 12, target=0.31), 13)


def test_projected_month_uses_only_the_window():
    # 12 old months at 90 % then 12 months of the linear series above: only the latter are fitted
    months = list(range(-11, 13))
    online = [90] * 12 + [10 + 2 * i for i in range(12)]
    result = projected_month(months, online, [100] * 24, target=0.5, window=12)
    assert _exact(result, 21)


def test_projected_month_skips_months_without_dossiers_and_accepts_any_order():
    months = [12, 3, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 13]
    online = [32, 14, 10, 12, 16, 18, 20, 22, 24, 26, 28, 30, 0]
    totals = [100] * 12 + [0]
    assert _exact(projected_month(months, online, totals, target=0.5), 21)


def test_projected_month_reached_on_the_latest_three_months():
    # pooled latest 3 months: (25 + 35 + 40)/(100 + 100 + 100) = 0.333 ≥ 0.3, although the trend is flat-ish
    months = list(range(1, 9))
    online = [40, 20, 30, 40, 30, 25, 35, 40]
    result = projected_month(months, online, [100] * 8, target=0.3)
    assert result.status == REACHED
    assert result.month is None


def test_projected_month_flat_series():
    result = projected_month(list(range(1, 13)), [20] * 12, [100] * 12, target=0.5)
    assert result.status == NOT_AT_CURRENT_PACE
    assert result.month is None
    assert result.slope_per_month == pytest.approx(0.0, abs=1e-12)


def test_projected_month_falling_series():
    result = projected_month(list(range(1, 13)), [40 - 2 * i for i in range(12)], [100] * 12, target=0.5)
    assert result == Projection(NOT_AT_CURRENT_PACE, None, pytest.approx(-0.02))


def test_projected_month_too_slow_is_not_at_current_pace():
    # rate = 0.10 + 0.005 (m − 1) (online 20, 21, … of 200): reaches 0.5 at month 81, 69 months after month 12 (> 60)
    online = [20 + i for i in range(12)]
    result = projected_month(list(range(1, 13)), online, [200] * 12, target=0.5)
    assert result == Projection(NOT_AT_CURRENT_PACE, None, pytest.approx(0.005))
    # target 0.4 is reached at month 61, 49 months ahead: still projected
    assert projected_month(list(range(1, 13)), online, [200] * 12, target=0.4).month == 61


def test_projected_month_too_little_data():
    assert projected_month([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], [10] * 5, target=0.9) == Projection(
        TOO_LITTLE_DATA, None, None
    )
    # six months, but one without dossiers
    assert projected_month(range(1, 7), [1, 2, 3, 4, 5, 0], [10] * 5 + [0], target=0.9).status == TOO_LITTLE_DATA
    assert projected_month([], [], [], target=0.5).status == TOO_LITTLE_DATA


def test_projected_month_accepts_numpy_integers():
    months = np.arange(1, 13)
    online = np.array([10 + 2 * i for i in range(12)])
    assert projected_month(months, online, np.full(12, 100), target=0.5).month == 21


@pytest.mark.parametrize(
    "periods, online, total, kwargs, message",
    [
        ([1, 2], [1], [2, 2], {}, "same length"),
        ([1, 1], [1, 1], [2, 2], {}, "repeats month 1"),
        ([1.5, 2], [1, 1], [2, 2], {}, "integer month ordinal"),
        ([True, 2], [1, 1], [2, 2], {}, "integer month ordinal"),
        ([1, 2], [3, 1], [2, 2], {}, "must not exceed"),
        ([1, 2], [-1, 1], [2, 2], {}, "must not be negative"),
        ([1, 2], [1.0, 1], [2, 2], {}, "online\\[0\\] must be an integer"),
        ([1, 2], [1, 1], [2, 2], {"target": 1.5}, "target"),
        ([1, 2], [1, 1], [2, 2], {"target": float("nan")}, "target"),
        ([1, 2], [1, 1], [2, 2], {"target": 0.5, "window": 3}, "window"),
    ],
)
def test_projected_month_rejects_bad_input(periods, online, total, kwargs, message):
    kwargs = {"target": 0.5} | kwargs
    with pytest.raises(ValueError, match=message):
        projected_month(periods, online, total, **kwargs)
