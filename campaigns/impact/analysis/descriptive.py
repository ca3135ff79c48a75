"""Descriptive statistics for the campaign impact report: before/after differences, correlation, dose bins.

Pure Python plus numpy/scipy (no Django), like :mod:`campaigns.core.intervals`. Everything here describes
associations in the data; nothing here estimates a causal effect. See docs/analysis-descriptive.md for the
formulas and references.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from campaigns.core.intervals import NO_INTERVAL, Interval, _z

BIN_NOT_REACHED = "not_reached"
BIN_DOSE = "dose"


# --- helpers -------------------------------------------------------------------------------------------------------


def _finite_vector(values, name: str) -> np.ndarray:
    """A one-dimensional float array with only finite values, or a ValueError naming ``name``."""
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a sequence of numbers") from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}")
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        raise ValueError(f"{name} must contain only finite numbers, got {array[bad[0]]!r} at index {bad[0]}")
    return array


def _check_non_negative_pair(values: np.ndarray, name: str, other: np.ndarray, other_name: str) -> None:
    """A ValueError unless ``values`` is as long as ``other`` and has no negative value."""
    if values.size != other.size:
        raise ValueError(f"{name} and {other_name} must have the same length, got {values.size} and {other.size}")
    if values.size and values.min() < 0:
        raise ValueError(f"{name} must not be negative, got {values.min()!r}")


def _check_interval(interval: Interval, name: str) -> None:
    if interval.estimate is None or interval.low is None or interval.high is None:
        return
    if not interval.low <= interval.estimate <= interval.high:
        raise ValueError(
            f"{name} must satisfy low <= estimate <= high, got "
            f"low={interval.low!r}, estimate={interval.estimate!r}, high={interval.high!r}"
        )


# --- difference of two independent rates ---------------------------------------------------------------------------


def newcombe_difference(before: Interval, after: Interval, *, confidence: float = 0.95) -> Interval:
    """Interval for the change ``after − before`` from two intervals computed on independent samples.

    This is the MOVER construction (method of variance estimates recovery, Zou & Donner 2008). Given Wilson
    intervals it is exactly Newcombe's (1998) hybrid score method 10; it works unchanged with any pair of
    intervals that are sensible for their own estimate, e.g. the cluster-robust roll-up intervals of
    :func:`campaigns.core.intervals.ratio_interval_clustered`. With d = a − b:

        low  = d − sqrt((a − low_a)² + (high_b − b)²)
        high = d + sqrt((high_a − a)² + (b − low_b)²)

    The result has the confidence level at which both input intervals were computed; ``confidence`` states that
    level (it is validated, and the inputs must have been computed at it), it does not rescale anything.
    If either interval has no data, every field of the result is None.
    """
    _z(confidence)
    _check_interval(before, "before")
    _check_interval(after, "after")
    if None in (before.estimate, before.low, before.high, after.estimate, after.low, after.high):
        return NO_INTERVAL
    difference = after.estimate - before.estimate
    low = difference - math.hypot(after.estimate - after.low, before.high - before.estimate)
    high = difference + math.hypot(after.high - after.estimate, before.estimate - before.low)
    return Interval(difference, low, high)


# --- correlation ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CorrelationInterval:
    """Pearson's r with a Fisher-z confidence interval over ``n`` pairs."""

    r: float
    low: float
    high: float
    n: int


def correlation_interval(x: Sequence[float], y: Sequence[float], *, confidence: float = 0.95) -> CorrelationInterval:
    """Pearson correlation of ``x`` and ``y`` with the Fisher z interval tanh(atanh(r) ± z/sqrt(n − 3)).

    Needs at least 4 pairs (n − 3 must be positive) and some variation in both ``x`` and ``y``. When r is ±1
    exactly the Fisher transform is infinite and the interval collapses to the point r.
    """
    z = _z(confidence)
    x_values = _finite_vector(x, "x")
    y_values = _finite_vector(y, "y")
    if x_values.size != y_values.size:
        raise ValueError(f"x and y must have the same length, got {x_values.size} and {y_values.size}")
    n = int(x_values.size)
    if n < 4:
        raise ValueError(f"correlation_interval needs at least 4 pairs, got {n}")
    if np.ptp(x_values) == 0:
        raise ValueError(f"x is constant ({x_values[0]!r}); the correlation is undefined")
    if np.ptp(y_values) == 0:
        raise ValueError(f"y is constant ({y_values[0]!r}); the correlation is undefined")
    dx = x_values - x_values.mean()
    dy = y_values - y_values.mean()
    sxx = float(dx @ dx)
    syy = float(dy @ dy)
    if sxx == 0 or syy == 0:  # values so close together that centring wipes the variation out
        raise ValueError("x or y has no variation left after centring; the correlation is undefined")
    r = max(-1.0, min(1.0, float(dx @ dy) / math.sqrt(sxx * syy)))
    if abs(r) == 1.0:
        return CorrelationInterval(r, r, r, n)
    centre = math.atanh(r)
    half_width = z / math.sqrt(n - 3)
    return CorrelationInterval(r, math.tanh(centre - half_width), math.tanh(centre + half_width), n)


# --- dose bins -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DoseBin:
    """Units whose intensity lies in [low, high], with the (possibly volume-weighted) mean change.

    ``kind`` is BIN_NOT_REACHED for the bin of units with zero intensity, BIN_DOSE otherwise. ``units`` counts
    every unit in the bin. ``interval`` is the confidence interval for the mean change; its estimate equals
    ``mean_change``. With a single informative unit the interval has the estimate but no bounds (None).
    """

    kind: str
    low: float
    high: float
    units: int
    mean_change: float | None
    interval: Interval


def _quantile_groups(values: np.ndarray, bins: int) -> list[np.ndarray]:
    """Split the sorted distinct values into at most ``bins`` contiguous groups of roughly equal unit counts.

    Each distinct value goes wholly to one group, chosen by the mid-rank of its units: a value whose units occupy
    ranks [a, a + c) (0-based, n units) goes to group floor((a + c/2) / n · bins). Groups are contiguous and
    non-overlapping in value; empty groups are dropped, so ties and few distinct values give fewer groups.
    Returns, per group, the distinct values it holds.
    """
    distinct, counts = np.unique(values, return_counts=True)
    n = values.size
    before = np.concatenate(([0], np.cumsum(counts)[:-1]))
    group = np.minimum(((before + counts / 2) * bins // n).astype(int), bins - 1)
    return [distinct[group == g] for g in np.unique(group)]


def _mean_interval(change: np.ndarray, weight: np.ndarray | None, confidence: float) -> tuple[float | None, Interval]:
    """Mean of ``change`` (weighted by ``weight`` if given) with a t interval on n − 1 degrees of freedom."""
    if weight is not None:
        informative = weight > 0
        change = change[informative]
        weight = weight[informative]
    n = change.size
    if n == 0:
        return None, NO_INTERVAL
    if weight is None:
        mean = float(change.mean())
        se = float(np.std(change, ddof=1)) / math.sqrt(n) if n > 1 else None
    else:
        # A weighted mean is the ratio Σw·c / Σw; its linearisation standard error with units as clusters
        # (the same formula as rates.ratio_interval_clustered) is sqrt(n/(n−1) · Σ w²(c − m)²) / Σw.
        total = float(weight.sum())
        mean = float(weight @ change) / total
        residual = weight * (change - mean)
        se = math.sqrt(n / (n - 1) * float(residual @ residual)) / total if n > 1 else None
    if se is None:
        return mean, Interval(mean, None, None)
    t = float(stats.t.ppf(1 - (1 - confidence) / 2, n - 1))
    return mean, Interval(mean, mean - t * se, mean + t * se)


def dose_bins(
    intensity: Sequence[float],
    change: Sequence[float],
    *,
    bins: int = 4,
    volume: Sequence[float] | None = None,
    confidence: float = 0.95,
) -> list[DoseBin]:
    """Mean change per quantile bin of intensity (the "dose-response" table of the impact report).

    Units with zero intensity, if any, form the first bin (kind BIN_NOT_REACHED). The others are split into at
    most ``bins`` quantile bins by :func:`_quantile_groups`: units with the same intensity always share a bin, no
    bin is empty, and fewer distinct intensities than ``bins`` give fewer bins. Each bin reports its observed
    lowest and highest intensity, its number of units, and the mean change with a t interval (n − 1 degrees of
    freedom). When ``volume`` is given the mean is weighted by volume and its standard error is the cluster
    (unit) linearisation one; units with zero volume count in ``units`` but carry no weight.

    An empty input gives an empty list.
    """
    _z(confidence)
    if isinstance(bins, bool) or not isinstance(bins, int | np.integer) or bins < 1:
        raise ValueError(f"bins must be a positive integer, got {bins!r}")
    intensity_values = _finite_vector(intensity, "intensity")
    change_values = _finite_vector(change, "change")
    _check_non_negative_pair(intensity_values, "intensity", change_values, "change")
    weights = None
    if volume is not None:
        weights = _finite_vector(volume, "volume")
        _check_non_negative_pair(weights, "volume", intensity_values, "intensity")

    result = []

    def add(kind: str, members: np.ndarray) -> None:
        mean, interval = _mean_interval(
            change_values[members], None if weights is None else weights[members], confidence
        )
        values = intensity_values[members]
        result.append(DoseBin(kind, float(values.min()), float(values.max()), int(members.sum()), mean, interval))

    zero = intensity_values == 0
    if zero.any():
        add(BIN_NOT_REACHED, zero)
    positive = intensity_values[~zero]
    if positive.size:
        for group in _quantile_groups(positive, int(bins)):
            add(BIN_DOSE, ~zero & np.isin(intensity_values, group))
    return result
