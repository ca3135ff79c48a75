"""Known answers for campaigns.core.intervals, computed by hand (no database needed).

z for 95 % is 1.959964 (z² = 3.841459).
"""

import math

import numpy as np
import pytest

from campaigns.core.intervals import (
    NO_DATA,
    NOT_REACHED,
    REACHED,
    TOO_CLOSE,
    Interval,
    ratio_interval_clustered,
    ratio_interval_from_sums,
    target_verdict,
    wilson_interval,
)

Z95 = 1.959963984540054


# --- wilson_interval ---------------------------------------------------------------------------------------------


def test_wilson_338_of_856():
    # p = 338/856 = 0.394860 (39,5 %)
    # denominator = 1 + z²/n = 1 + 3.841459/856 = 1.004488
    # centre = (p + z²/2n) / denominator = (0.394860 + 0.002244) / 1.004488 = 0.395330
    # half = z·sqrt(p(1−p)/n + z²/4n²) / denominator
    #      = 1.959964 · sqrt(0.00027914 + 0.0000013107) / 1.004488 = 0.032676
    # interval = 0.395330 ± 0.032676 = [0.362653, 0.428006]
    interval = wilson_interval(338, 856)
    assert interval.estimate == pytest.approx(0.394860, abs=1e-6)
    assert interval.low == pytest.approx(0.362653, abs=1e-6)
    assert interval.high == pytest.approx(0.428006, abs=1e-6)


def test_wilson_0_of_10():
    # p = 0: denominator = 1 + 3.841459/10 = 1.384146, centre = half = (3.841459/20) / 1.384146 = 0.138766
    # interval = [0, 0.277533]
    interval = wilson_interval(0, 10)
    assert interval.estimate == 0.0
    assert interval.low == 0.0
    assert interval.high == pytest.approx(0.277533, abs=1e-6)


def test_wilson_10_of_10():
    # mirror image of 0 of 10: [1 − 0.277533, 1] = [0.722467, 1]
    interval = wilson_interval(10, 10)
    assert interval.estimate == 1.0
    assert interval.low == pytest.approx(0.722467, abs=1e-6)
    assert interval.high == 1.0


def test_wilson_0_of_0_is_no_data():
    assert wilson_interval(0, 0) == Interval(None, None, None)


def test_wilson_wider_at_higher_confidence():
    at_95 = wilson_interval(338, 856)
    at_99 = wilson_interval(338, 856, confidence=0.99)
    assert at_99.low < at_95.low < at_95.high < at_99.high


def test_wilson_accepts_numpy_integers():
    assert wilson_interval(np.int64(338), np.int64(856)) == wilson_interval(338, 856)


def test_interval_is_frozen():
    interval = wilson_interval(1, 2)
    with pytest.raises(AttributeError):
        interval.estimate = 0.9


@pytest.mark.parametrize(
    ("successes", "trials"),
    [(11, 10), (-1, 10), (1, -1), (1.5, 10), (1, 10.0), (True, 10), ("1", 10)],
)
def test_wilson_rejects_bad_counts(successes, trials):
    with pytest.raises(ValueError):
        wilson_interval(successes, trials)


@pytest.mark.parametrize("confidence", [0, 1, 95, -0.5])
def test_wilson_rejects_bad_confidence(confidence):
    with pytest.raises(ValueError):
        wilson_interval(1, 10, confidence=confidence)


# --- ratio_interval_clustered ------------------------------------------------------------------------------------


def test_clustered_three_units_by_hand():
    # y = [20, 60, 240], x = [100, 200, 300]: units far apart (20 %, 30 %, 80 %)
    # r = Σy/Σx = 320/600 = 8/15 = 0.533333
    # e = y − r·x = [20 − 53.333, 60 − 106.667, 240 − 160] = [−33.333, −46.667, 80]
    # Σe² = 1111.111 + 2177.778 + 6400 = 9688.889
    # SE = sqrt(n/(n−1) · Σe²) / Σx = sqrt(1.5 · 9688.889) / 600 = 120.554 / 600 = 0.200925
    # CI = 0.533333 ± 1.959964 · 0.200925 = [0.139529, 0.927138] — far wider than Wilson's ±0.04
    interval = ratio_interval_clustered([20, 60, 240], [100, 200, 300])
    assert interval.estimate == pytest.approx(8 / 15)
    se = math.sqrt(1.5 * (10000 / 9 + 19600 / 9 + 6400)) / 600
    assert interval.low == pytest.approx(8 / 15 - Z95 * se)
    assert interval.high == pytest.approx(8 / 15 + Z95 * se)
    assert interval.low == pytest.approx(0.139529, abs=1e-5)
    assert interval.high == pytest.approx(0.927138, abs=1e-5)


def test_clustered_interval_falls_back_to_wilson_when_that_is_wider():
    # y = [2, 6, 12], x = [10, 20, 30]: the linearised interval is [0.233537, 0.433130]
    # (SE = sqrt(3/2 · 56/9) / 60 = 0.050918) but Wilson of 20/60 is wider, so Wilson's bounds stand.
    interval = ratio_interval_clustered([2, 6, 12], [10, 20, 30])
    wilson = wilson_interval(20, 60)
    assert wilson.low < 0.233537 and wilson.high > 0.433130
    assert (interval.low, interval.high) == (pytest.approx(wilson.low), pytest.approx(wilson.high))


def test_clustered_roll_up_is_ratio_of_totals_not_mean_of_rates():
    # rates 2/10 = 0.2, 6/20 = 0.3, 12/30 = 0.4: their mean is 0.3, but Σy/Σx = 20/60 = 0.333…
    interval = ratio_interval_clustered([2, 6, 12], [10, 20, 30])
    assert interval.estimate == pytest.approx(20 / 60)
    assert interval.estimate != pytest.approx(0.3)


def test_clustered_low_is_clipped_at_zero():
    # y = [0, 0, 5], x = [10, 10, 5]: r = 5/25 = 0.2, e = [−2, −2, 4], Σe² = 24
    # SE = sqrt(3/2 · 24) / 25 = 6/25 = 0.24; CI = 0.2 ± 0.470391 = [−0.270391 → 0, 0.670391]
    interval = ratio_interval_clustered([0, 0, 5], [10, 10, 5])
    assert interval.estimate == pytest.approx(0.2)
    assert interval.low == 0.0
    assert interval.high == pytest.approx(0.2 + Z95 * 0.24)


def test_clustered_high_is_clipped_at_one():
    # mirror image of the previous case (successes ↔ failures): y = [10, 10, 0], x = [10, 10, 5]
    # r = 20/25 = 0.8, e = [2, 2, −4], same SE 0.24; CI = [0.8 − 0.470391, 1.270391 → 1]
    interval = ratio_interval_clustered([10, 10, 0], [10, 10, 5])
    assert interval.estimate == pytest.approx(0.8)
    assert interval.low == pytest.approx(0.8 - Z95 * 0.24)
    assert interval.high == 1.0


def test_clustered_units_without_denominator_contribute_nothing():
    assert ratio_interval_clustered([2, 0, 6, 12, 0], [10, 0, 20, 30, 0]) == ratio_interval_clustered(
        [2, 6, 12], [10, 20, 30]
    )


def test_clustered_single_unit_falls_back_to_wilson():
    assert ratio_interval_clustered([338], [856]) == wilson_interval(338, 856)
    assert ratio_interval_clustered([0, 338, 0], [0, 856, 0]) == wilson_interval(338, 856)


def test_clustered_no_denominator_is_no_data():
    assert ratio_interval_clustered([0, 0], [0, 0]) == Interval(None, None, None)
    assert ratio_interval_clustered([], []) == Interval(None, None, None)


def test_clustered_accepts_numpy_arrays():
    interval = ratio_interval_clustered(np.array([2, 6, 12]), np.array([10, 20, 30]))
    assert interval == ratio_interval_clustered([2, 6, 12], [10, 20, 30])


@pytest.mark.parametrize(
    ("numerators", "denominators"),
    [
        ([1, 2], [10]),  # unequal lengths
        ([1, -2], [10, 10]),  # negative numerator
        ([1, 2], [10, -10]),  # negative denominator
        ([1, 11], [10, 10]),  # numerator above denominator
        ([1, 1], [10, 0]),  # numerator above a zero denominator
        ([1, 2.5], [10, 10]),  # not a count
    ],
)
def test_clustered_rejects_bad_input(numerators, denominators):
    with pytest.raises(ValueError):
        ratio_interval_clustered(numerators, denominators)


# --- target_verdict ----------------------------------------------------------------------------------------------

# Wilson for 338 of 856: [0.362653, 0.428006]
INTERVAL = Interval(0.394860, 0.362653, 0.428006)


@pytest.mark.parametrize(
    ("target", "verdict"),
    [
        (0.30, REACHED),  # 0.362653 ≥ 0.30
        (0.362653, REACHED),  # low exactly on the target counts as reached
        (0.45, NOT_REACHED),  # 0.428006 < 0.45
        (0.40, TOO_CLOSE),  # target inside the interval, above the estimate
        (0.38, TOO_CLOSE),  # target inside the interval, below the estimate
        (0.428006, TOO_CLOSE),  # high exactly on the target is not "below"
    ],
)
def test_target_verdict(target, verdict):
    assert target_verdict(INTERVAL, target) == verdict


def test_target_verdict_no_data():
    assert target_verdict(Interval(None, None, None), 0.3) == NO_DATA
    assert target_verdict(ratio_interval_clustered([0], [0]), 0.3) == NO_DATA


def test_target_verdict_from_computed_intervals():
    assert target_verdict(wilson_interval(338, 856), 0.30) == REACHED
    assert target_verdict(wilson_interval(0, 10), 0.30) == NOT_REACHED
    assert target_verdict(wilson_interval(3, 10), 0.30) == TOO_CLOSE


@pytest.mark.parametrize("target", [30, -0.1, 1.5])
def test_target_verdict_rejects_target_that_is_not_a_fraction(target):
    with pytest.raises(ValueError):
        target_verdict(INTERVAL, target)


def test_clustered_interval_is_never_narrower_than_wilson_of_the_totals():
    # Three units all at exactly 0 %: the cluster residuals are all 0, yet 0 of 30 is not certainty.
    interval = ratio_interval_clustered([0, 0, 0], [10, 10, 10])
    wilson = wilson_interval(0, 30)
    assert interval.estimate == 0
    assert interval.low == 0 and interval.high == wilson.high > 0.1


def test_interval_from_sums_equals_the_interval_from_unit_rows():
    ys, xs = [20, 60, 240, 7], [100, 200, 300, 50]
    from_rows = ratio_interval_clustered(ys, xs)
    from_sums = ratio_interval_from_sums(
        sum_y=sum(ys),
        sum_x=sum(xs),
        sum_yy=sum(y * y for y in ys),
        sum_xy=sum(y * x for y, x in zip(ys, xs, strict=True)),
        sum_xx=sum(x * x for x in xs),
        units=4,
    )
    assert from_sums.estimate == pytest.approx(from_rows.estimate)
    assert from_sums.low == pytest.approx(from_rows.low)
    assert from_sums.high == pytest.approx(from_rows.high)
