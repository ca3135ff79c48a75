"""The leader's headline: what reaching communes did to their online rate, with intervals that stay honest in a
district of 10–20 communes where a few are reached at a time.

Pure Python (numpy only, no Django). One entry point, :func:`estimate_effect`, returns a JSON-serialisable dict.

Estimator — the imputation estimator (Borusyak, Jaravel & Spiess 2024). A two-way fixed-effects model of the rate
without the campaign, ``y_it(0) = α_i + λ_t``, is fitted on the cells not yet reached; every reached cell's effect is
its observed rate minus the imputed one, and the headline is their average. It uses every month before a commune
was reached, not one base month, which halves its error in this regime compared with the group-time average of
``did.staggered_did`` (kept beside it as an exact cross-check). With ``control="never"`` the month effects λ_t come
from never-reached communes only; with ``"notyet"`` from every cell not yet reached.

Inference — randomisation over the timing of reach. The observed schedule (which commune was reached in which month)
is one draw among the schedules obtained by giving the same reach months to other communes (or to other districts
when reach followed districts). Under the hypothesis "the effect is δ in every reached cell", the outcome without
the campaign is known (observed minus δ in reached cells), so the estimate can be recomputed for every other
schedule; the p-value is the share of schedules whose estimate is at least as far from δ as the observed one, and the
95 % interval is every δ not rejected (test inversion). With few possible schedules the interval is honestly wide or
unbounded. Persistent commune shocks and a common trend need no model: they move with the commune.

docs/analysis-effect.md explains the choices and shows the coverage tables measured by bench/effect_coverage.py.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np
from threadpoolctl import threadpool_limits

METHOD = "imputation-randomisation-v1"
DEFAULT_PERMUTATIONS = 999
# Larger panels draw fewer schedules: the work grows with the number of units while the distribution of the
# estimate over the schedules becomes smooth (thousands of units, a province or the nation).
LARGE_PANEL_UNITS, LARGE_PANEL_PERMUTATIONS = 600, 199
HUGE_PANEL_UNITS, HUGE_PANEL_PERMUTATIONS = 2000, 99
PRETREND_WINDOW = 12
LEVEL = 0.05
POWER_Z = NormalDist().inv_cdf(0.80)
EVENT_BIN_MONTHS = 3  # the event study is shown by quarter since reach
MIN_SCHEDULES = 40  # below this a 95 % interval from the schedules cannot exclude anything
_CHUNK_CELLS = 6_000_000  # permutations × units × months handled at once (memory ≈ 8 bytes × 4 outcomes × this)
_TIE = 1e-10


class EffectError(ValueError):
    """Input that cannot give an estimate; ``code`` is stable, the message English (for logs)."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


# --- input -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Panel:
    months: np.ndarray  # sorted month ordinals (T,)
    units: np.ndarray  # unit labels (N,)
    rate: np.ndarray  # N × T, 0 where missing
    total: np.ndarray  # N × T dossiers, 0 where missing
    online: np.ndarray  # N × T
    observed: np.ndarray  # N × T bool (a month with dossiers)
    start: np.ndarray  # (N,) index of the first reached month, -1 = never reached inside the window
    cluster: np.ndarray | None  # (N,) cluster codes
    weight: np.ndarray  # N × T precision weight of each month in the fit


def _array(values, name: str, kind: str) -> np.ndarray:
    try:
        array = np.asarray(values)
    except (TypeError, ValueError):
        raise EffectError(f"invalid_{name}", f"{name} cannot be read as a sequence") from None
    if array.ndim != 1:
        raise EffectError(f"invalid_{name}", f"{name} must be one-dimensional")
    if kind == "int":
        if array.dtype.kind == "b":
            raise EffectError(f"invalid_{name}", f"{name} must hold integers, not booleans")
        try:
            floats = array.astype(float)
        except (TypeError, ValueError):
            raise EffectError(f"invalid_{name}", f"{name} must hold integers") from None
        if not np.all(np.isfinite(floats)) or np.any(floats != np.round(floats)):
            raise EffectError(f"invalid_{name}", f"{name} must hold whole numbers")
        return floats.astype(np.int64)
    return array


def _per_unit(values: np.ndarray, unit_index: np.ndarray, n_units: int, code: str, message: str) -> np.ndarray:
    """One value per unit from a column that must not vary within a unit."""
    per_unit = np.zeros(n_units, dtype=np.int64)
    per_unit[unit_index] = values
    if np.any(per_unit[unit_index] != values):
        raise EffectError(code, message)
    return per_unit


def _panel(unit, time, online, total, first_treated, cluster) -> _Panel:
    unit = _array(unit, "unit", "label")
    time = _array(time, "time", "int")
    online = _array(online, "online", "int")
    total = _array(total, "total", "int")
    first = _array(first_treated, "first_treated", "int")
    n = len(unit)
    if not (len(time) == len(online) == len(total) == len(first) == n):
        raise EffectError("length_mismatch", "unit, time, online, total and first_treated must have equal lengths")
    if n == 0:
        raise EffectError("empty", "no rows")
    if np.any(online < 0) or np.any(total < 0):
        raise EffectError("negative_count", "dossier counts must not be negative")
    if np.any(online > total):
        raise EffectError("online_exceeds_total", "online dossiers must not exceed the total")
    if np.any(first < 0):
        raise EffectError("invalid_first_treated", "first_treated must be 0 (never) or a period")
    try:
        labels, unit_index = np.unique(unit, return_inverse=True)
    except TypeError:
        raise EffectError("invalid_unit", "unit labels must be mutually comparable") from None
    unit_index = unit_index.reshape(-1)
    months, time_index = np.unique(time, return_inverse=True)
    time_index = time_index.reshape(-1)
    n_units, n_months = len(labels), len(months)
    if np.unique(unit_index * n_months + time_index).size != n:
        raise EffectError("duplicate_rows", "one row per unit and period is expected")
    per_unit = _per_unit(
        first, unit_index, n_units, "first_treated_varies", "first_treated must be constant within a unit"
    )
    cluster_codes = None
    if cluster is not None:
        cluster = _array(cluster, "cluster", "label")
        if len(cluster) != n:
            raise EffectError("length_mismatch", "cluster must have one entry per row")
        try:
            _, codes = np.unique(cluster, return_inverse=True)
        except TypeError:
            raise EffectError("invalid_cluster", "cluster labels must be mutually comparable") from None
        cluster_codes = _per_unit(
            codes.reshape(-1), unit_index, n_units, "cluster_varies", "a unit must stay in one cluster"
        )
    online_m = np.zeros((n_units, n_months))
    total_m = np.zeros((n_units, n_months))
    online_m[unit_index, time_index] = online
    total_m[unit_index, time_index] = total
    observed = total_m > 0
    rate = np.divide(online_m, total_m, out=np.zeros_like(online_m), where=observed)
    # Reached after the window: not reached inside it. Reached on or before its first month: no month to compare.
    start = np.where(per_unit > 0, np.searchsorted(months, per_unit), -1)
    start = np.where(start >= n_months, -1, start)
    # Equal weight for every reported month. Precision weights (dossiers / (dossiers + n0)) were measured in
    # bench/effect_coverage.py and gained nothing: persistent commune shocks, not binomial noise, dominate.
    weight = observed.astype(float)
    return _Panel(months, labels, rate, total_m, online_m, observed, start.astype(np.int64), cluster_codes, weight)


# --- the imputation estimator for many schedules at once ------------------------------------------------------------


def _fit_residuals(
    Y: np.ndarray, observed: np.ndarray, starts: np.ndarray, weight: np.ndarray, *, never_only: bool, hold: int = 0
):
    """Residuals of the untreated two-way model for a batch of schedules.

    ``Y``: N × T × K outcomes; ``starts``: P × N first reached month index (-1 never). Cells from ``start - hold``
    on are left out of the fit (``hold`` > 0 for the placebo leads of the pre-trend check).
    Returns (residual P × N × T × K, treated P × N × T, estimable unit P × N, fitted month T-mask P × T).
    """
    P, N = starts.shape
    T = observed.shape[1]
    t = np.arange(T)
    reached = starts >= 0
    cut = np.where(reached, starts - hold, T)
    untreated = observed[None] & (t[None, None, :] < cut[..., None])
    treated = observed[None] & reached[..., None] & (t[None, None, :] >= starts[..., None])
    base = untreated & ~reached[..., None] if never_only else untreated
    Uf = base * weight[None]
    n_i = Uf.sum(axis=2)
    inv = np.divide(1.0, n_i, out=np.zeros_like(n_i), where=n_i > 0)
    m_t = Uf.sum(axis=1)
    active = m_t > 0
    weighted = Uf * inv[..., None]
    # One BLAS product per schedule: numpy's stacked matmul (and einsum's path to it) of these shapes ran up to
    # ten times slower on two cores.
    M = -np.stack([weighted[p].T @ Uf[p] for p in range(P)])
    M[:, t, t] += m_t
    # Fix the free constant of (α, λ) and the months without any untreated cell.
    af = active.astype(float)
    M += af[:, :, None] * af[:, None, :]
    M[:, t, t] += 1.0 - af
    # Sums over months and over units of the fitted cells, outcome by outcome (no P × N × T × K temporary).
    row_sum = _row_sums(Uf, Y)
    col_sum = np.einsum("pnt,ntk->ptk", Uf, Y, optimize=True)
    r = col_sum - np.matmul(weighted.transpose(0, 2, 1), row_sum)  # P × T × K
    lam = np.linalg.solve(M, r)  # P × T × K
    U2 = untreated * weight[None]
    n2 = U2.sum(axis=2)
    inv2 = np.divide(1.0, n2, out=np.zeros_like(n2), where=n2 > 0)
    alpha = (_row_sums(U2, Y) - np.matmul(U2, lam)) * inv2[..., None]  # P × N × K
    residual = Y[None] - alpha[:, :, None, :] - lam[:, None, :, :]
    return residual, treated, n2 > 0, active


def _row_sums(mask: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Σ_t mask[p, n, t] · Y[n, t, k] → P × N × K."""
    return np.einsum("pnt,ntk->pnk", mask, Y, optimize=True)


def _schedules_unit(start: np.ndarray, permutations: int, rng) -> tuple[np.ndarray, bool]:
    """The observed schedule first, then others: every distinct one when there are few, else random draws."""
    count = _distinct_count(start)
    if count <= permutations + 1:
        return _all_distinct(start), True
    draws = rng.permuted(np.tile(start, (permutations, 1)), axis=1)
    return np.vstack([start[None], draws]), False


def _distinct_count(values: np.ndarray) -> float:
    _, counts = np.unique(values, return_counts=True)
    log = math.lgamma(len(values) + 1) - sum(math.lgamma(c + 1) for c in counts)
    return math.exp(min(log, 700.0))


def _all_distinct(values: np.ndarray) -> np.ndarray:
    """Every distinct arrangement of ``values``, the given one first (lexicographic next-permutation walk)."""
    current = sorted(values.tolist())
    found = []
    while True:
        found.append(list(current))
        i = len(current) - 2
        while i >= 0 and current[i] >= current[i + 1]:
            i -= 1
        if i < 0:
            break
        j = len(current) - 1
        while current[j] <= current[i]:
            j -= 1
        current[i], current[j] = current[j], current[i]
        current[i + 1 :] = reversed(current[i + 1 :])
    arranged = np.asarray(found, dtype=np.int64)
    observed = np.flatnonzero((arranged == values[None]).all(axis=1))[0]
    order = [observed, *[k for k in range(len(arranged)) if k != observed]]
    return arranged[order]


def _schedules(panel: _Panel, level: str, permutations: int, seed: int) -> tuple[np.ndarray, bool, int]:
    rng = np.random.default_rng(seed)
    if level == "cluster":
        clusters = np.unique(panel.cluster)
        cluster_start = np.array([panel.start[panel.cluster == c][0] for c in clusters])
        arranged, exact = _schedules_unit(cluster_start, permutations, rng)
        position = np.searchsorted(clusters, panel.cluster)
        return arranged[:, position], exact, len(arranged)
    arranged, exact = _schedules_unit(panel.start, permutations, rng)
    return arranged, exact, len(arranged)


def _rollout_level(panel: _Panel, rollout: str) -> str:
    if rollout not in ("auto", "unit", "cluster"):
        raise EffectError("invalid_rollout", "rollout must be auto, unit or cluster")
    if rollout == "unit" or panel.cluster is None:
        if rollout == "cluster":
            raise EffectError("no_cluster", "rollout='cluster' needs cluster labels")
        return "unit"
    follows = all(
        np.unique(panel.start[panel.cluster == c]).size == 1 for c in np.unique(panel.cluster)
    )  # every cluster reached as one block
    grouped = np.unique(panel.cluster).size < len(panel.units)
    if rollout == "cluster":
        if not follows:
            raise EffectError("reach_not_by_cluster", "reach did not follow the clusters")
        return "cluster"
    return "cluster" if follows and grouped and np.unique(panel.cluster).size >= 2 else "unit"


# --- the statistics computed for every schedule ---------------------------------------------------------------------


def _binned_means(values: np.ndarray, columns: np.ndarray, n_columns: int) -> np.ndarray:
    """Mean of ``values`` (P × N × T) per schedule and column (P × N × T ints, ``n_columns`` = left out)."""
    P = values.shape[0]
    flat = (np.arange(P)[:, None, None] * (n_columns + 1) + columns).reshape(-1)
    size = P * (n_columns + 1)
    counts = np.bincount(flat, minlength=size).reshape(P, -1)[:, :-1]
    sums = np.bincount(flat, weights=values.reshape(-1), minlength=size).reshape(P, -1)[:, :-1]
    return _ratio(sums, counts)


def _batch_statistics(panel: _Panel, schedules: np.ndarray, outcomes: np.ndarray, *, never_only: bool, bins, periods):
    """For every schedule: the headline (equal and dossier weights), per bin of event time and per calendar month.

    ``outcomes`` N × T × K; ``bins`` the event-time bins (``(t − start) // EVENT_BIN_MONTHS``) to report.
    Returns a dict of arrays with a leading P axis (K last).
    """
    P, N = schedules.shape
    T, K = len(panel.months), outcomes.shape[2]
    chunk = max(1, int(_CHUNK_CELLS // max(1, N * T * K)))
    parts: dict[str, list] = {"simple": [], "weighted": [], "event": [], "period": [], "slope": []}
    t = np.arange(T)
    bins_array = np.asarray(bins, dtype=np.int64)
    for first in range(0, P, chunk):
        block = schedules[first : first + chunk]
        residual, treated, estimable_unit, active = _fit_residuals(
            outcomes, panel.observed, block, panel.weight, never_only=never_only
        )
        cells = treated & estimable_unit[..., None] & active[:, None, :]
        cf = cells.astype(float)
        weight = cf * panel.total[None]
        parts["simple"].append(_ratio(np.einsum("pnt,pntk->pk", cf, residual), cf.sum(axis=(1, 2))))
        parts["weighted"].append(_ratio(np.einsum("pnt,pntk->pk", weight, residual), weight.sum(axis=(1, 2))))
        event_bin = (t[None, None, :] - block[..., None]) // EVENT_BIN_MONTHS
        column = np.where(cells & np.isin(event_bin, bins_array), np.searchsorted(bins_array, event_bin), len(bins))
        parts["event"].append(np.stack([_binned_means(residual[..., k], column, len(bins)) for k in range(K)], axis=2))
        parts["slope"].append(_pre_slope(residual[..., 0], block, panel.observed))
        per = np.einsum("pnt,pntk->ptk", weight, residual)
        parts["period"].append(_ratio(per, weight.sum(axis=1))[:, periods])
    return {name: np.concatenate(value) for name, value in parts.items()}


def _pre_slope(residual: np.ndarray, block: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Within-unit slope of the residuals over the months before reach, pooled over reached units (P,).

    Every month before reach counts, not only the last year: a gap that grows shows most over a long span.
    """
    T = observed.shape[1]
    e_of = (np.arange(T)[None, None, :] - block[..., None]).astype(float)
    pre = observed[None] & (block >= 0)[..., None] & (e_of < 0)
    pf = pre.astype(float)
    count = pf.sum(axis=2)
    mean_e = np.divide((pf * e_of).sum(axis=2), count, out=np.zeros_like(count), where=count > 0)
    centred = (e_of - mean_e[..., None]) * pf
    return _ratio((centred * residual).sum(axis=(1, 2)), (centred**2).sum(axis=(1, 2)))


def _ratio(top: np.ndarray, bottom: np.ndarray) -> np.ndarray:
    bottom = bottom.reshape(*bottom.shape, *([1] * (top.ndim - bottom.ndim)))
    return np.divide(top, bottom, out=np.full(top.shape, np.nan), where=bottom > 0)


def _placebo_leads(panel: _Panel, schedules: np.ndarray, *, never_only: bool, window: int):
    """Mean residual of each of the ``window`` months before reach, the fit leaving those months out.

    Returns (monthly leads P × window, binned leads P × window / EVENT_BIN_MONTHS), months −window…−1.
    """
    P, N = schedules.shape
    T = len(panel.months)
    n_bins = -(-window // EVENT_BIN_MONTHS)
    chunk = max(1, int(_CHUNK_CELLS // max(1, N * T)))
    monthly, binned = [], []
    t = np.arange(T)
    for first in range(0, P, chunk):
        block = schedules[first : first + chunk]
        residual, _, _, active = _fit_residuals(
            panel.rate[..., None], panel.observed, block, panel.weight, never_only=never_only, hold=window
        )
        residual = residual[..., 0]
        # Units left with no month to fit their level on cannot give a lead.
        cut = np.where(block >= 0, block - window, T)
        fitted = (panel.observed[None] & (t[None, None, :] < cut[..., None])).any(axis=2)
        e_of = t[None, None, :] - block[..., None]
        usable = (
            panel.observed[None] & (block >= 0)[..., None] & fitted[..., None] & active[:, None, :]
            & (e_of >= -window) & (e_of < 0)
        )  # fmt: skip
        monthly.append(_binned_means(residual, np.where(usable, e_of + window, window), window))
        lead_bin = (e_of + window) // EVENT_BIN_MONTHS
        binned.append(_binned_means(residual, np.where(usable, lead_bin, n_bins), n_bins))
    return np.concatenate(monthly), np.concatenate(binned)


# --- inference ------------------------------------------------------------------------------------------------------


def _invert(a: np.ndarray, b: np.ndarray) -> tuple[list[float] | None, float, float]:
    """Test inversion of ``|a_π − δ b_π| ≥ |a_0 − δ b_0|``; index 0 is the observed schedule.

    Returns (95 % interval or None when unbounded, p-value of δ = 0, spread of the schedules' estimates at δ̂).
    """
    estimate = a[0] / b[0]
    others_a, others_b = a[1:], b[1:]
    keep = np.isfinite(others_a) & np.isfinite(others_b)
    others_a, others_b = others_a[keep], others_b[keep]
    spread = float(np.std(others_a - estimate * others_b)) if len(others_a) else float("nan")

    def p_value(delta: np.ndarray) -> np.ndarray:
        observed = np.abs(a[0] - delta * b[0])
        draws = np.abs(others_a[:, None] - delta[None, :] * others_b[:, None])
        extreme = (draws >= observed[None, :] - _TIE).sum(axis=0)
        return (extreme + 1) / (len(others_a) + 1)

    p0 = float(p_value(np.array([0.0]))[0])
    if len(others_a) + 1 < MIN_SCHEDULES or not np.isfinite(spread) or spread == 0:
        return None, p0, spread
    scale = max(spread, 1e-6)
    for width in (8.0, 30.0):
        grid = estimate + scale * np.linspace(-width, width, 801)
        accepted = p_value(grid) > LEVEL
        if not accepted.any():
            return None, p0, spread
        if accepted[0] or accepted[-1]:
            continue
        inside = np.flatnonzero(accepted)
        lo, hi = _refine(p_value, grid, inside[0], -1), _refine(p_value, grid, inside[-1], +1)
        return [float(lo), float(hi)], p0, spread
    return None, p0, spread


def _refine(p_value, grid: np.ndarray, index: int, direction: int) -> float:
    """Bisection between an accepted grid point and its rejected neighbour."""
    inside, outside = grid[index], grid[index + direction]
    for _ in range(30):
        middle = (inside + outside) / 2
        if p_value(np.array([middle]))[0] > LEVEL:
            inside = middle
        else:
            outside = middle
    return inside


def _band(estimates: np.ndarray, draws: np.ndarray) -> tuple[np.ndarray, float]:
    """Simultaneous 95 % band: sup-t over the columns of ``draws`` (schedules × items).

    The draws are estimates on the outcome with the effect removed, so each is an error around zero: they are
    scaled by their root mean square (not centred on their mean, which would hide a bias of the design).
    """
    with warnings.catch_warnings():
        # A schedule or an item without any estimate (units without dossiers drawn as the reached ones, frequent in a
        # national panel) is all NaN: numpy warns, and it is left out below.
        warnings.simplefilter("ignore", RuntimeWarning)
        scale = np.sqrt(np.nanmean(draws**2, axis=0))
        scale = np.where(scale > 0, scale, np.nan)
        tmax = np.nanmax(np.abs(draws) / scale, axis=1)
    tmax = tmax[np.isfinite(tmax)]
    if len(tmax) + 1 < MIN_SCHEDULES:
        return np.full(len(estimates), np.nan), float("nan")
    critical = float(np.quantile(tmax, 0.95))
    return critical * scale, critical


def _float(value) -> float | None:
    if value is None:
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _pair(values) -> list[float] | None:
    if values is None:
        return None
    lo, hi = _float(values[0]), _float(values[1])
    return None if lo is None or hi is None else [lo, hi]


# --- the entry point ------------------------------------------------------------------------------------------------


def estimate_effect(
    unit,
    time,
    online,
    total,
    first_treated,
    *,
    cluster=None,
    control: str = "never",
    seed: int = 0,
    permutations: int | None = None,
    rollout: str = "auto",
    pretrend_window: int = PRETREND_WINDOW,
) -> dict:
    """The effect of reach on the online rate, with randomisation inference over the timing of reach.

    One row per unit and month: ``online`` and ``total`` dossier counts (a month with ``total`` 0 is missing),
    ``first_treated`` the first month reached (0 = never; after the last month = never within the data), months as
    integer ordinals. ``cluster`` labels the level reach may have followed (districts); ``rollout="auto"`` permutes
    whole clusters when every cluster was reached as one block. The same ``seed`` gives the same answer.
    Rates are fractions, effects in rate units (0.05 = 5 percentage points).
    """
    # One BLAS thread: the products here are small and many, and on a two-core server busy with other requests a
    # second BLAS thread made them up to ten times slower.
    with threadpool_limits(limits=1, user_api="blas"):
        return _estimate(
            unit, time, online, total, first_treated, cluster=cluster, control=control, seed=seed,
            permutations=permutations, rollout=rollout, pretrend_window=pretrend_window,
        )  # fmt: skip


def _estimate(unit, time, online, total, first_treated, *, cluster, control, seed, permutations, rollout,
              pretrend_window) -> dict:  # fmt: skip
    if control not in ("never", "notyet"):
        raise EffectError("invalid_control", "control must be 'never' or 'notyet'")
    panel = _panel(unit, time, online, total, first_treated, cluster)
    reached = panel.start >= 0
    if not reached.any():
        raise EffectError("no_treated", "no unit is reached inside the data")
    if control == "never" and reached.all():
        raise EffectError("no_never_treated", "control='never' needs units never reached")
    if (~reached).sum() == 0 and len(np.unique(panel.start)) < 2:
        raise EffectError("no_comparison", "every unit is reached in the same month: nothing to compare with")
    level = _rollout_level(panel, rollout)
    if permutations is None:
        n_units = len(panel.units)
        permutations = (
            DEFAULT_PERMUTATIONS
            if n_units <= LARGE_PANEL_UNITS
            else LARGE_PANEL_PERMUTATIONS
            if n_units <= HUGE_PANEL_UNITS
            else HUGE_PANEL_PERMUTATIONS
        )
    schedules, exact, count = _schedules(panel, level, int(permutations), seed)
    never_only = control == "never"

    T = len(panel.months)
    t = np.arange(T)
    observed_treated = panel.observed & reached[:, None] & (t[None, :] >= panel.start[:, None])
    D = observed_treated.astype(float)
    post_bins = sorted(
        int(b) for b in np.unique(((t[None, :] - panel.start[:, None]) // EVENT_BIN_MONTHS)[observed_treated])
    )
    periods = sorted(int(p) for p in np.flatnonzero(observed_treated.any(axis=0)))
    # The bias that a gap growing by one unit a month in reached communes would cause (pre-trend sensitivity).
    trend = np.where(reached[:, None], t[None, :].astype(float), 0.0) * panel.observed
    stats = _batch_statistics(
        panel, schedules, np.stack([panel.rate, D], axis=2), never_only=never_only, bins=post_bins, periods=periods
    )
    slope_bias = _batch_statistics(
        panel, schedules[:1], trend[..., None], never_only=never_only, bins=post_bins, periods=periods
    )["simple"][0, 0]
    att = float(stats["simple"][0, 0])
    if not math.isfinite(att):
        raise EffectError("not_estimable", "no reached month can be compared with a month before reach")

    ci, p_value, spread = _invert(stats["simple"][:, 0], stats["simple"][:, 1])
    weighted_att = float(stats["weighted"][0, 0])
    w_ci, _, _ = _invert(stats["weighted"][:, 0], stats["weighted"][:, 1])
    dossiers = float((panel.total * observed_treated).sum())
    mde80 = _mde80(stats["simple"][1:, 0] - att * stats["simple"][1:, 1])

    # Event study by quarter since reach, with placebo quarters before it; one simultaneous band over all of them.
    # The other schedules are drawn on the observed rates: exact when the campaign changed nothing, wider than
    # needed when it did (removing an estimated effect first would also remove noise, and the band would be narrow).
    window = int(min(pretrend_window, max(0, T - 2)))
    window -= window % EVENT_BIN_MONTHS
    if window:
        monthly_leads, binned_leads = _placebo_leads(panel, schedules, never_only=never_only, window=window)
    else:
        monthly_leads = binned_leads = np.empty((len(schedules), 0))
    lead_bins = list(range(-window // EVENT_BIN_MONTHS, 0))
    keep = np.isfinite(binned_leads[0]) & np.isfinite(binned_leads[1:]).any(axis=0)
    keys = [b for b, k in zip(lead_bins, keep, strict=True) if k] + post_bins
    estimates = np.concatenate([binned_leads[0, keep], stats["event"][0, :, 0]])
    draws = np.concatenate([binned_leads[1:, keep], stats["event"][1:, :, 0]], axis=1)
    half, critical_band = _band(estimates, draws)
    event_study = []
    for key, estimate, width in zip(keys, estimates, half, strict=True):
        interval = [estimate - width, estimate + width] if math.isfinite(width) else None
        event_study.append(
            {
                "e": int(key * EVENT_BIN_MONTHS),
                "e_last": int(key * EVENT_BIN_MONTHS + EVENT_BIN_MONTHS - 1),
                "att": _float(estimate),
                "ci95": _pair(interval) if interval else None,
            }
        )

    pretrend = _pretrend(monthly_leads, stats["slope"], window, ci, float(slope_bias))

    # Per calendar month, dossier-weighted: the counterfactual line of the reached communes.
    period_effect = stats["period"][0, :, 0]
    period_half, _ = _band(period_effect, stats["period"][1:, :, 0])
    counterfactual = []
    for column, index in enumerate(periods):
        mask = observed_treated[:, index]
        online_sum, total_sum = float(panel.online[mask, index].sum()), float(panel.total[mask, index].sum())
        observed_rate = online_sum / total_sum if total_sum else None
        effect, width = period_effect[column], period_half[column]
        without = observed_rate - effect if observed_rate is not None and math.isfinite(effect) else None
        band = [without - width, without + width] if without is not None and math.isfinite(width) else None
        counterfactual.append(
            {
                "period": int(panel.months[index]),
                "observed": _float(observed_rate),
                "without_campaign": _float(without),
                "ci95": _pair(band) if band else None,
                "dossiers": total_sum,
            }
        )

    cohort_sizes = np.unique(panel.start[reached], return_counts=True)[1]
    return {
        "method": METHOD,
        "estimator": "imputation",
        "inference": "randomisation",
        "control": control,
        "rollout_level": level,
        "schedules": int(count),
        "exact": bool(exact),
        "att": att,
        "ci95": _pair(ci),
        "p_value": _float(p_value),
        "spread": _float(spread),
        "dossier_weighted": {"att": _float(weighted_att), "ci95": _pair(w_ci)},
        "extra_online_dossiers": {
            "estimate": _float(weighted_att * dossiers),
            "ci95": _pair([w_ci[0] * dossiers, w_ci[1] * dossiers]) if w_ci else None,
            "dossiers": dossiers,
        },
        "mde80": _float(mde80),
        "pretrend": pretrend,
        "event_study": event_study,
        "event_bin_months": EVENT_BIN_MONTHS,
        "band_critical_value": _float(critical_band),
        "counterfactual": counterfactual,
        "units": int(len(panel.units)),
        "treated_units": int(reached.sum()),
        "never_treated_units": int((~reached).sum()),
        "cohorts": int(len(cohort_sizes)),
        "smallest_cohort": int(cohort_sizes.min()),
        "seed": int(seed),
    }


def _mde80(null_draws: np.ndarray) -> float | None:
    """Smallest effect found four times out of five: the 95 % critical value plus 0,84 spread of the estimate."""
    null_draws = null_draws[np.isfinite(null_draws)]
    if len(null_draws) + 1 < MIN_SCHEDULES:
        return None
    return float(np.quantile(np.abs(null_draws), 0.95)) + POWER_Z * float(np.std(null_draws))


def _pretrend(leads: np.ndarray, slopes: np.ndarray, window: int, ci, slope_bias: float) -> dict:
    """Check of the months before reach by the schedules, and how steep a hidden trend would overturn the finding.

    Two statistics: the sum of squared placebo leads (months −window…−1), each scaled by its spread over the
    schedules (a gap of any shape), and the within-unit slope over every month before reach (a gap that grows,
    ``slopes``). Each gets its
    rank among the schedules; the smaller rank-p is compared with the same minimum over the schedules, so the
    combined check keeps its 5 % false-alarm rate. ``breakdown``: a gap between reached and other communes growing
    by this much a month (rate units), before reach and after it, would move the interval to include 0.
    """
    result: dict = {"p_value": None, "months": int(window), "slope": None, "breakdown": None}
    if ci is not None and math.isfinite(slope_bias) and abs(slope_bias) > 0:
        lo, hi = ci
        if lo > 0:
            result["breakdown"] = lo / abs(slope_bias)
        elif hi < 0:
            result["breakdown"] = -hi / abs(slope_bias)
    if leads.shape[1] == 0:
        return result
    usable = np.isfinite(leads).all(axis=1)
    if not usable[0] or usable.sum() < MIN_SCHEDULES:
        return result
    leads, slopes = leads[usable], slopes[usable]
    scale = np.sqrt(np.mean(leads[1:] ** 2, axis=0))
    scale = np.where(scale > 0, scale, np.inf)
    squares = np.sum((leads / scale) ** 2, axis=1)
    slopes = np.where(np.isfinite(slopes), slopes, 0.0)
    result["slope"] = float(slopes[0])

    def rank_p(values: np.ndarray) -> np.ndarray:
        # Share of the schedules at least as extreme as each one (every schedule counted, itself included).
        order = np.sort(values)
        return (len(values) - np.searchsorted(order, values - _TIE, side="left")) / len(values)

    combined = np.minimum(rank_p(squares), rank_p(np.abs(slopes)))
    result["p_value"] = float(np.mean(combined <= combined[0] + _TIE))
    return result
