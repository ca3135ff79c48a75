"""Rates with confidence intervals and a verdict against a target.

Pure Python (standard library only, no Django) so that it can be tested and reused without a database.
All rates are fractions in [0, 1]; formatting as percentages is the caller's business.
"""

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

REACHED = "reached"
NOT_REACHED = "not_reached"
TOO_CLOSE = "too_close"
NO_DATA = "no_data"
NOT_YET_DUE = "not_yet_due"


@dataclass(frozen=True)
class Interval:
    """A point estimate with a two-sided confidence interval; all three are None when there is no data."""

    estimate: float | None
    low: float | None
    high: float | None


NO_INTERVAL = Interval(None, None, None)


def _z(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")
    return NormalDist().inv_cdf(1 - (1 - confidence) / 2)


def _integer(value, name: str, kind: str = "an integer") -> int:
    """An integer (ints and numpy integers; bools and floats are refused, naming ``name`` and what it must be)."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be {kind}, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be {kind}, got {value!r}") from None


def _count(value, name: str) -> int:
    """An integer count (ints and numpy integers; bools, floats and negative numbers are refused)."""
    count = _integer(value, name)
    if count < 0:
        raise ValueError(f"{name} must not be negative, got {count}")
    return count


def _clip(value: float) -> float:
    return min(1.0, max(0.0, value))


def wilson_interval(successes: int, trials: int, *, confidence: float = 0.95) -> Interval:
    """Wilson score interval for ``successes`` out of ``trials``; the estimate is the plain share successes/trials."""
    z = _z(confidence)
    successes = _count(successes, "successes")
    trials = _count(trials, "trials")
    if successes > trials:
        raise ValueError(f"successes ({successes}) must not exceed trials ({trials})")
    if trials == 0:
        return NO_INTERVAL
    p = successes / trials
    z2 = z * z
    denominator = 1 + z2 / trials
    centre = (p + z2 / (2 * trials)) / denominator
    half_width = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / denominator
    # At p = 0 (or 1) the bound is exactly 0 (or 1) in exact arithmetic; don't let rounding say otherwise.
    low = 0.0 if successes == 0 else _clip(centre - half_width)
    high = 1.0 if successes == trials else _clip(centre + half_width)
    return Interval(p, low, high)


def ratio_interval_clustered(
    numerators: Sequence[int], denominators: Sequence[int], *, confidence: float = 0.95
) -> Interval:
    """Roll-up rate Σy/Σx over several units, with a cluster-robust (units as clusters) confidence interval.

    The estimate is the ratio of the totals, never the mean of the units' rates. The standard error is the
    linearisation (delta-method) one for a ratio estimator: with r = Σy/Σx, residuals e_i = y_i − r·x_i and
    n units, SE = sqrt(n/(n−1) · Σe_i²) / Σx, and the interval is r ± z·SE clipped to [0, 1].

    Units whose denominator is 0 carry no information and are left out altogether (they do not count
    towards n). With a single remaining unit this falls back to the Wilson interval of its counts;
    with none, every field is None.
    """
    _z(confidence)  # rejects a bad confidence level before anything else
    if len(numerators) != len(denominators):
        raise ValueError(
            f"numerators and denominators must have the same length, got {len(numerators)} and {len(denominators)}"
        )
    pairs = []
    for index, (numerator, denominator) in enumerate(zip(numerators, denominators, strict=True)):
        y = _count(numerator, f"numerators[{index}]")
        x = _count(denominator, f"denominators[{index}]")
        if y > x:
            raise ValueError(f"numerators[{index}] ({y}) must not exceed denominators[{index}] ({x})")
        if x > 0:
            pairs.append((y, x))
    if not pairs:
        return NO_INTERVAL
    total_y = sum(y for y, _ in pairs)
    total_x = sum(x for _, x in pairs)
    if len(pairs) == 1:
        return wilson_interval(total_y, total_x, confidence=confidence)
    return ratio_interval_from_sums(
        sum_y=total_y,
        sum_x=total_x,
        sum_yy=sum(y * y for y, _ in pairs),
        sum_xy=sum(y * x for y, x in pairs),
        sum_xx=sum(x * x for _, x in pairs),
        units=len(pairs),
        confidence=confidence,
    )


def ratio_interval_from_sums(
    *, sum_y: int, sum_x: int, sum_yy: int, sum_xy: int, sum_xx: int, units: int, confidence: float = 0.95
) -> Interval:
    """The same cluster-robust interval from sums a database can aggregate in one query.

    Σe² = Σ(y − r·x)² = Σy² − 2r·Σxy + r²·Σx², so a roll-up over thousands of units needs
    only these six sums per period, not one row per unit. ``units`` counts units with x > 0.
    """
    z = _z(confidence)
    if sum_x <= 0 or units <= 0:
        return NO_INTERVAL
    if units == 1:
        return wilson_interval(sum_y, sum_x, confidence=confidence)
    r = sum_y / sum_x
    sum_sq = max(0.0, sum_yy - 2 * r * sum_xy + r * r * sum_xx)
    se = math.sqrt(units / (units - 1) * sum_sq) / sum_x
    # Never narrower than the Wilson interval of the totals: with few units that all share one
    # rate the cluster residuals vanish and the linearised interval would claim certainty.
    floor = wilson_interval(sum_y, sum_x, confidence=confidence)
    return Interval(r, min(_clip(r - z * se), floor.low), max(_clip(r + z * se), floor.high))


def target_verdict(interval: Interval, target: float) -> str:
    """REACHED if the whole interval is at or above ``target``, NOT_REACHED if it is wholly below, else TOO_CLOSE.

    NO_DATA when there is no estimate. ``target`` is a fraction like the rates (0.3 for 30 %).
    """
    if not 0 <= target <= 1:
        raise ValueError(f"target must be a fraction between 0 and 1, got {target!r}")
    if interval.estimate is None or interval.low is None or interval.high is None:
        return NO_DATA
    if interval.low >= target:
        return REACHED
    if interval.high < target:
        return NOT_REACHED
    return TOO_CLOSE


def target_status(interval: Interval, target: float, *, due: bool) -> str:
    """The one verdict of a rate against its target, used by the dashboard, the report and the public page.

    Before the deadline the verdict is NOT_YET_DUE, whatever the current rate (the current value and its interval
    are still shown beside it); from the deadline on it is :func:`target_verdict`. The interval is the one of
    :func:`cell_interval`: the range of the rate the area sustains from month to month over the months judged.
    """
    if not due:
        if interval.estimate is None:
            return NO_DATA
        return NOT_YET_DUE
    return target_verdict(interval, target)


def cell_interval(numerators: Sequence[int], denominators: Sequence[int], *, confidence: float = 0.95) -> Interval:
    """The rate Σy/Σx of unit × report-month cells, with the cluster-robust interval over the cells.

    One definition for every verdict against a target: each reported unit-month is a cluster, so the interval
    says how far the rate moves from one unit-month to another over the months judged (every dossier was counted;
    there is no sampling error), never narrower than the Wilson interval of the totals.
    """
    return ratio_interval_clustered(numerators, denominators, confidence=confidence)
