"""Where to go next: which units to reach, and when each unit reaches its target at its current pace.

Pure Python plus numpy (no Django), like :mod:`campaigns.core.intervals`. See docs/analysis-descriptive.md.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import t as student_t

from campaigns.core.intervals import _count, _integer

# Statuses of projected_month.
PROJECTED = "projected"
REACHED = "reached"
NOT_AT_CURRENT_PACE = "not_at_current_pace"
TOO_LITTLE_DATA = "too_little_data"

MIN_MONTHS = 6  # months with data needed to fit a trend
RECENT_MONTHS = 3  # months pooled to decide whether the target is already reached
HORIZON_MONTHS = 60  # a crossing further away than this is "not at the current pace"


# --- next units ----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A unit worth reaching next. ``score`` = (1 − rate) × volume: its dossiers that are not online yet."""

    unit: object
    rate: float
    volume: float
    score: float


def _field(row, name: str, index: int):
    if isinstance(row, Mapping):
        if name not in row:
            raise ValueError(f"rows[{index}] has no {name!r}")
        return row[name]
    if not hasattr(row, name):
        raise ValueError(f"rows[{index}] has no attribute {name!r}")
    return getattr(row, name)


def _optional_number(value, name: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise ValueError(f"{name} must be a number or None, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return float(value)


def next_units(rows: Iterable, *, limit: int | None = 10) -> list[Candidate]:
    """Units not yet at their target, ranked by the online dossiers they would add at a 100 % rate.

    Each row is a mapping or an object with ``unit`` (a key; keys should be mutually comparable, e.g. all
    strings), ``rate`` (a fraction, None when unknown), ``volume`` (dossiers over the window or per month, used
    as given; None when unknown) and ``reached`` (bool). Rows with reached true, no rate, or no (zero) volume are
    left out. The rest are ranked by score = (1 − rate) × volume, highest first, ties by unit key ascending,
    and the first ``limit`` are returned (all of them when ``limit`` is None).
    """
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int | np.integer) or limit < 0):
        raise ValueError(f"limit must be a non-negative integer or None, got {limit!r}")
    candidates = []
    seen = set()
    for index, row in enumerate(rows):
        unit = _field(row, "unit", index)
        if unit in seen:
            raise ValueError(f"rows[{index}] repeats unit {unit!r}")
        seen.add(unit)
        reached = _field(row, "reached", index)
        if not isinstance(reached, bool | np.bool_):
            raise ValueError(f"rows[{index}].reached must be a bool, got {reached!r}")
        rate = _optional_number(_field(row, "rate", index), f"rows[{index}].rate")
        volume = _optional_number(_field(row, "volume", index), f"rows[{index}].volume")
        if rate is not None and not 0 <= rate <= 1:
            raise ValueError(f"rows[{index}].rate must be a fraction between 0 and 1, got {rate!r}")
        if volume is not None and volume < 0:
            raise ValueError(f"rows[{index}].volume must not be negative, got {volume!r}")
        if reached or rate is None or not volume:
            continue
        candidates.append(Candidate(unit, rate, volume, (1 - rate) * volume))
    try:
        candidates.sort(key=lambda c: (-c.score, c.unit))
    except TypeError:  # keys of mixed types: fall back to their text
        candidates.sort(key=lambda c: (-c.score, str(c.unit)))
    return candidates if limit is None else candidates[:limit]


# --- projected month -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """When a unit's fitted trend reaches the target.

    ``status`` is PROJECTED (``month`` is the first month ordinal at which the line is at or above the target),
    REACHED, NOT_AT_CURRENT_PACE or TOO_LITTLE_DATA (``month`` None). ``slope_per_month`` is the fitted change of
    the rate per month (a fraction), None when there was too little data to fit.
    """

    status: str
    month: int | None
    slope_per_month: float | None
    earliest: int | None = None  # the range of months in which the target is reached (95 %), when PROJECTED
    latest: int | None = None  # None: possibly never at the current pace (the slope's range reaches zero)


def projected_month(
    periods: Sequence[int], online: Sequence[int], total: Sequence[int], *, target: float, window: int = 12
) -> Projection:
    """Project when one unit's online rate reaches ``target`` at its current pace.

    ``periods`` are integer month ordinals (e.g. year · 12 + month − 1), one per month, in any order, with the
    unit's online and total dossiers. Months with total 0 carry no data and are skipped. Using the last
    ``window`` months with data:

    * fewer than 6 such months → TOO_LITTLE_DATA;
    * pooled rate Σonline/Σtotal of the latest 3 months with data ≥ target → REACHED;
    * otherwise a straight line rate = a + b · month is fitted by least squares weighted by each month's total
      (the binomial variance of a monthly rate is inversely proportional to its total); b ≤ 0, or a crossing
      more than 60 months after the latest month → NOT_AT_CURRENT_PACE; else PROJECTED with the first integer
      month after the latest one at which a + b · month ≥ target.
    """
    if isinstance(target, bool) or not isinstance(target, int | float | np.integer | np.floating):
        raise ValueError(f"target must be a fraction between 0 and 1, got {target!r}")
    if not 0 <= target <= 1:  # also refuses NaN
        raise ValueError(f"target must be a fraction between 0 and 1, got {target!r}")
    if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < MIN_MONTHS:
        raise ValueError(f"window must be an integer of at least {MIN_MONTHS} months, got {window!r}")
    if not len(periods) == len(online) == len(total):
        raise ValueError(
            f"periods, online and total must have the same length, got {len(periods)}, {len(online)} and {len(total)}"
        )
    months = {}
    for index, (period, y, x) in enumerate(zip(periods, online, total, strict=True)):
        month = _integer(period, f"periods[{index}]", "an integer month ordinal")
        if month in months:
            raise ValueError(f"periods[{index}] repeats month {month}")
        successes = _count(y, f"online[{index}]")
        trials = _count(x, f"total[{index}]")
        if successes > trials:
            raise ValueError(f"online[{index}] ({successes}) must not exceed total[{index}] ({trials})")
        months[month] = (successes, trials)

    with_data = sorted(month for month, (_, trials) in months.items() if trials > 0)[-window:]
    if len(with_data) < MIN_MONTHS:
        return Projection(TOO_LITTLE_DATA, None, None)

    x = np.array(with_data, dtype=float)
    weights = np.array([months[m][1] for m in with_data], dtype=float)
    rates = np.array([months[m][0] / months[m][1] for m in with_data])
    # Weighted least squares, centred on the weighted mean month for numerical stability.
    x_bar = float(weights @ x) / float(weights.sum())
    r_bar = float(weights @ rates) / float(weights.sum())
    sxx = float(weights @ (x - x_bar) ** 2)  # > 0: at least 6 distinct months
    slope = float(weights @ ((x - x_bar) * (rates - r_bar))) / sxx

    recent = with_data[-RECENT_MONTHS:]
    pooled = sum(months[m][0] for m in recent) / sum(months[m][1] for m in recent)
    if pooled >= target:
        return Projection(REACHED, None, slope)
    if slope <= 0:
        return Projection(NOT_AT_CURRENT_PACE, None, slope)
    latest = with_data[-1]
    # a + b·m ≥ target  ⇔  m ≥ x̄ + (target − r̄)/b; a tiny tolerance keeps exact hand-computed crossings exact.
    crossing = x_bar + (target - r_bar) / slope
    month = max(latest + 1, math.ceil(crossing - 1e-9))
    if month - latest > HORIZON_MONTHS:
        return Projection(NOT_AT_CURRENT_PACE, None, slope)
    low_slope, high_slope = _slope_range(x, rates, weights, x_bar, r_bar, slope, sxx)

    def reach(value: float) -> int | None:
        if value <= 0:
            return None
        found = max(latest + 1, math.ceil(x_bar + (target - r_bar) / value - 1e-9))
        return found if found - latest <= HORIZON_MONTHS else None

    return Projection(PROJECTED, month, slope, earliest=reach(high_slope) or month, latest=reach(low_slope))


# A unit's monthly rate is never assumed less persistent than this from one month to the next: twelve residuals
# estimate the persistence poorly; without this floor 8 % of simulated crossings fell outside the range.
MIN_PERSISTENCE = 0.2


def _slope_range(x, rates, weights, x_bar, r_bar, slope, sxx) -> tuple[float, float]:
    """95 % range of the fitted slope, widened for the month-to-month persistence of a unit's rate.

    The residuals' lag-1 autocorrelation ρ (bias-corrected) shrinks the months' information to n·(1 − ρ)/(1 + ρ) (ρ ≥ 0), and the
    quantile is Student's with that many degrees of freedom less two: with a year of persistent monthly rates
    a single month would otherwise be announced when the crossing is uncertain by years.
    """
    residual = rates - (r_bar + slope * (x - x_bar))
    n = len(x)
    rho = 0.0
    if n > 3 and float(residual @ residual) > 0:
        rho = float(residual[1:] @ residual[:-1]) / float(residual @ residual)
        # Kendall's correction: the lag-1 autocorrelation of a short series of residuals is biased towards zero.
        rho = min(0.9, max(MIN_PERSISTENCE, rho + (1 + 3 * rho) / n))
    n_eff = max(3.0, n * (1 - rho) / (1 + rho))
    variance = float(weights @ residual**2) / max(1.0, n - 2) * (n / n_eff)
    se = math.sqrt(variance / sxx) if sxx > 0 else float("inf")
    quantile = float(student_t.ppf(0.975, max(1.0, n_eff - 2)))
    return slope - quantile * se, slope + quantile * se
