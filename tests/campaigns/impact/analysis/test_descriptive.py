"""Known answers for campaigns.impact.analysis.descriptive, computed by hand (no database needed).

z for 95 % is 1.959964; t(0.975, 1) = 12.706205, t(0.975, 2) = 4.302653.
"""

import math

import numpy as np
import pytest
from scipy import stats

from campaigns.core.intervals import Interval, ratio_interval_clustered, wilson_interval
from campaigns.impact.analysis.descriptive import (
    BIN_DOSE,
    BIN_NOT_REACHED,
    CorrelationInterval,
    correlation_interval,
    dose_bins,
    newcombe_difference,
)

T1 = 12.706204736174694
T2 = 4.302652729749462

# --- newcombe_difference -------------------------------------------------------------------------------------------


def test_newcombe_published_example():
    # Newcombe (1998), Statistics in Medicine 17:873-890, first worked example: 56/70 − 48/80.
    # Wilson 56/70 = [0.691834, 0.876953], Wilson 48/80 = [0.490455, 0.700382]
    # low  = 0.2 − sqrt((0.8 − 0.691834)² + (0.700382 − 0.6)²) = 0.2 − 0.147569 = 0.0524
    # high = 0.2 + sqrt((0.876953 − 0.8)² + (0.6 − 0.490455)²) = 0.2 + 0.133873 = 0.3339
    interval = newcombe_difference(wilson_interval(48, 80), wilson_interval(56, 70))
    assert interval.estimate == pytest.approx(0.2000, abs=5e-5)
    assert round(interval.low, 4) == 0.0524
    assert round(interval.high, 4) == 0.3339


def test_newcombe_swapping_before_and_after_mirrors_the_interval():
    forward = newcombe_difference(wilson_interval(48, 80), wilson_interval(56, 70))
    backward = newcombe_difference(wilson_interval(56, 70), wilson_interval(48, 80))
    assert backward.estimate == pytest.approx(-forward.estimate)
    assert backward.low == pytest.approx(-forward.high)
    assert backward.high == pytest.approx(-forward.low)


def test_newcombe_mover_by_hand_with_any_intervals():
    # d = 0.5 − 0.3 = 0.2
    # low  = 0.2 − sqrt((0.5 − 0.42)² + (0.36 − 0.3)²) = 0.2 − sqrt(0.0064 + 0.0036) = 0.2 − 0.1 = 0.1
    # high = 0.2 + sqrt((0.57 − 0.5)² + (0.3 − 0.25)²) = 0.2 + sqrt(0.0049 + 0.0025) = 0.2 + 0.086023 = 0.286023
    interval = newcombe_difference(Interval(0.3, 0.25, 0.36), Interval(0.5, 0.42, 0.57))
    assert interval.estimate == pytest.approx(0.2)
    assert interval.low == pytest.approx(0.1)
    assert interval.high == pytest.approx(0.286023, abs=1e-6)


def test_newcombe_with_cluster_robust_intervals():
    before = ratio_interval_clustered([10, 20, 30], [100, 100, 100])
    after = ratio_interval_clustered([30, 35, 60], [100, 100, 100])
    interval = newcombe_difference(before, after)
    assert interval.estimate == pytest.approx(after.estimate - before.estimate)
    assert interval.low < interval.estimate < interval.high
    # never narrower than either input's own half width on the relevant side
    assert interval.estimate - interval.low >= after.estimate - after.low
    assert interval.high - interval.estimate >= before.estimate - before.low


def test_newcombe_no_data_on_either_side():
    empty = Interval(None, None, None)
    assert newcombe_difference(empty, wilson_interval(1, 2)) == empty
    assert newcombe_difference(wilson_interval(1, 2), empty) == empty


@pytest.mark.parametrize(
    "before, after",
    [
        (Interval(0.3, 0.35, 0.4), Interval(0.5, 0.4, 0.6)),  # low above the estimate
        (Interval(0.3, 0.2, 0.4), Interval(0.5, 0.4, 0.45)),  # high below the estimate
    ],
)
def test_newcombe_rejects_inconsistent_intervals(before, after):
    with pytest.raises(ValueError, match="low <= estimate <= high"):
        newcombe_difference(before, after)


def test_newcombe_rejects_bad_confidence():
    with pytest.raises(ValueError, match="confidence"):
        newcombe_difference(wilson_interval(1, 2), wilson_interval(1, 2), confidence=1.5)


# --- correlation_interval ------------------------------------------------------------------------------------------


def test_correlation_by_hand():
    # x − x̄ = (−2, −1, 0, 1, 2), y − ȳ = (−1, −2, 1, 0, 2): Σxy = 8, Σxx = Σyy = 10, r = 0.8
    # atanh(0.8) = ln(9)/2 = 1.098612; half width = 1.959964/sqrt(5 − 3) = 1.385904
    # [tanh(−0.287292), tanh(2.484516)] = [−0.279640, 0.986196]
    result = correlation_interval([1, 2, 3, 4, 5], [2, 1, 4, 3, 5])
    assert result == CorrelationInterval(
        pytest.approx(0.8), pytest.approx(-0.279640, abs=1e-6), pytest.approx(0.986196, abs=1e-6), 5
    )


def test_correlation_matches_scipy():
    rng = np.random.default_rng(7)
    x = rng.normal(size=50)
    y = 0.4 * x + rng.normal(size=50)
    result = correlation_interval(x, y)
    assert result.r == pytest.approx(stats.pearsonr(x, y).statistic, abs=1e-12)
    assert result.n == 50
    half_width = 1.959963984540054 / math.sqrt(47)
    assert result.low == pytest.approx(math.tanh(math.atanh(result.r) - half_width))
    assert result.high == pytest.approx(math.tanh(math.atanh(result.r) + half_width))


def test_correlation_perfect_collapses_to_a_point():
    result = correlation_interval([1, 2, 3, 4], [8, 6, 4, 2])
    assert (result.r, result.low, result.high) == (-1.0, -1.0, -1.0)


def test_correlation_wider_at_higher_confidence():
    x, y = [1, 2, 3, 4, 5, 6], [2, 1, 4, 3, 6, 5]
    narrow = correlation_interval(x, y, confidence=0.8)
    wide = correlation_interval(x, y, confidence=0.99)
    assert wide.low < narrow.low < narrow.high < wide.high


@pytest.mark.parametrize(
    "x, y, message",
    [
        ([1, 2, 3], [1, 2, 3], "at least 4"),
        ([1, 1, 1, 1], [1, 2, 3, 4], "x is constant"),
        ([1, 2, 3, 4], [5, 5, 5, 5], "y is constant"),
        ([1, 2, 3, 4], [1, 2, 3], "same length"),
        ([1, 2, float("nan"), 4], [1, 2, 3, 4], "finite"),
        ([1, 2, 3, 4], [1, float("inf"), 3, 4], "finite"),
        ([[1, 2], [3, 4]], [1, 2, 3, 4], "one-dimensional"),
        (["a", "b", "c", "d"], [1, 2, 3, 4], "numbers"),
    ],
)
def test_correlation_rejects_bad_input(x, y, message):
    with pytest.raises(ValueError, match=message):
        correlation_interval(x, y)


# --- dose_bins -----------------------------------------------------------------------------------------------------


def test_dose_bins_by_hand():
    intensity = [0, 0, 1, 2, 3, 4, 5, 6, 7, 8]
    change = [0.0, 0.2, 0.1, 0.3, 0.2, 0.4, 0.9, 0.3, 0.5, 0.5]
    result = dose_bins(intensity, change)
    assert [(b.kind, b.low, b.high, b.units) for b in result] == [
        (BIN_NOT_REACHED, 0, 0, 2),
        (BIN_DOSE, 1, 2, 2),
        (BIN_DOSE, 3, 4, 2),
        (BIN_DOSE, 5, 6, 2),
        (BIN_DOSE, 7, 8, 2),
    ]
    # bin 1: changes 0.1, 0.3: mean 0.2, sd 0.141421, se 0.1, t(1) = 12.706205 → 0.2 ± 1.270620
    first_dose = result[1]
    assert first_dose.mean_change == pytest.approx(0.2)
    assert first_dose.interval.estimate == pytest.approx(0.2)
    assert first_dose.interval.low == pytest.approx(0.2 - T1 * 0.1)
    assert first_dose.interval.high == pytest.approx(0.2 + T1 * 0.1)
    # last bin: 0.5, 0.5: no spread, a zero-width interval (and no warning)
    assert result[-1].interval == Interval(0.5, 0.5, 0.5)


def test_dose_bins_uneven_split_by_mid_rank():
    # 10 units, 4 bins: mid ranks (i + 0.5)/10 · 4 → groups 0,0,1,1,1,2,2,3,3,3
    result = dose_bins(range(1, 11), [0.0] * 10)
    assert [(b.low, b.high, b.units) for b in result] == [(1, 2, 2), (3, 5, 3), (6, 7, 2), (8, 10, 3)]


def test_dose_bins_ties_never_split_or_empty():
    # value 1 holds ranks 0-4 (mid rank 2.5 → group 1), 2 → mid 5.5 → group 3, 3 → mid 6.5 → group 3
    intensity = [1, 1, 1, 1, 1, 2, 3]
    result = dose_bins(intensity, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7])
    assert [(b.low, b.high, b.units) for b in result] == [(1, 1, 5), (2, 3, 2)]
    assert result[0].mean_change == pytest.approx(0.3)
    # t interval on 4 degrees of freedom: sd of 0.1…0.5 = 0.158114, se = 0.070711
    assert result[0].interval.high == pytest.approx(0.3 + stats.t.ppf(0.975, 4) * 0.158114 / math.sqrt(5), abs=1e-6)


def test_dose_bins_heavy_ties_property():
    rng = np.random.default_rng(3)
    intensity = rng.choice([1, 2, 2, 2, 3, 5, 5, 8], size=200)
    result = dose_bins(intensity, rng.normal(size=200), bins=5)
    assert sum(b.units for b in result) == 200
    assert all(b.units > 0 for b in result)
    assert all(a.high < b.low for a, b in zip(result, result[1:], strict=False))
    for value in np.unique(intensity):
        assert sum(b.low <= value <= b.high for b in result) == 1


def test_dose_bins_fewer_distinct_values_than_bins():
    result = dose_bins([5, 5, 7, 7], [0.1, 0.2, 0.3, 0.4], bins=4)
    assert [(b.low, b.high, b.units) for b in result] == [(5, 5, 2), (7, 7, 2)]


def test_dose_bins_single_unit_has_estimate_but_no_bounds():
    result = dose_bins([0, 3], [0.1, 0.4])
    assert result[0].kind == BIN_NOT_REACHED
    assert result[0].interval == Interval(0.1, None, None)
    assert result[1].interval == Interval(0.4, None, None)


def test_dose_bins_without_zero_intensity_has_no_not_reached_bin():
    result = dose_bins([1, 2, 3, 4], [0.1, 0.2, 0.3, 0.4], bins=2)
    assert [b.kind for b in result] == [BIN_DOSE, BIN_DOSE]


def test_dose_bins_volume_weighted_by_hand():
    # informative units: changes 0.1 (volume 1) and 0.3 (volume 3); the third has volume 0 and no weight
    # m = (0.1 + 0.9)/4 = 0.25; w(c − m) = (−0.15, 0.15); SE = sqrt(2/1 · 0.045)/4 = 0.075
    # interval 0.25 ± 12.706205 · 0.075 = 0.25 ± 0.952965
    (result,) = dose_bins([2, 2, 2], [0.1, 0.3, 0.2], bins=1, volume=[1, 3, 0])
    assert result.units == 3
    assert result.mean_change == pytest.approx(0.25)
    assert result.interval.low == pytest.approx(0.25 - T1 * 0.075)
    assert result.interval.high == pytest.approx(0.25 + T1 * 0.075)


def test_dose_bins_bin_with_no_volume_is_no_data():
    result = dose_bins([0, 0, 4, 5], [0.1, 0.2, 0.3, 0.4], bins=1, volume=[0, 0, 10, 10])
    assert result[0].mean_change is None
    assert result[0].interval == Interval(None, None, None)
    assert result[1].mean_change == pytest.approx(0.35)


def test_dose_bins_three_units_t_interval():
    # changes 0.2, 0.4, 0.9: mean 0.5, sd 0.360555, se 0.208167, t(2) = 4.302653 → 0.5 ± 0.895668
    (result,) = dose_bins([1, 1, 1], [0.2, 0.4, 0.9], bins=3)
    assert result.interval.low == pytest.approx(0.5 - T2 * 0.2081666, abs=1e-6)
    assert result.interval.high == pytest.approx(0.5 + T2 * 0.2081666, abs=1e-6)


def test_dose_bins_empty_input():
    assert dose_bins([], []) == []


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"intensity": [1, 2], "change": [0.1]}, "same length"),
        ({"intensity": [-1, 2], "change": [0.1, 0.2]}, "intensity must not be negative"),
        ({"intensity": [1, float("nan")], "change": [0.1, 0.2]}, "finite"),
        ({"intensity": [1, 2], "change": [0.1, float("inf")]}, "finite"),
        ({"intensity": [1, 2], "change": [0.1, 0.2], "bins": 0}, "bins"),
        ({"intensity": [1, 2], "change": [0.1, 0.2], "bins": 2.5}, "bins"),
        ({"intensity": [1, 2], "change": [0.1, 0.2], "bins": True}, "bins"),
        ({"intensity": [1, 2], "change": [0.1, 0.2], "volume": [1]}, "same length"),
        ({"intensity": [1, 2], "change": [0.1, 0.2], "volume": [1, -1]}, "volume must not be negative"),
        ({"intensity": [1, 2], "change": [0.1, 0.2], "confidence": 0}, "confidence"),
    ],
)
def test_dose_bins_rejects_bad_input(kwargs, message):
    with pytest.raises(ValueError, match=message):
        dose_bins(**kwargs)
