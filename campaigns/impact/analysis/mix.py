"""Activity mix: which outreach activities go together with a higher online rate, within units over time.

Two-way fixed-effects (unit and period) regressions of a unit's monthly rate on its adstocked activity
counts. The coefficients are associations net of everything constant within a unit and everything common to
a month; they are not causal effects (activities are not assigned at random, and they may follow the rate).

Pure numpy/scipy, no Django. See docs/analysis-descriptive.md for the method notes.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

# Warning codes returned by activity_mix (stable; the report translates them).
COLLINEAR = "collinear"  # channel has no within variation or is collinear with others: dropped
FEW_UNITS = "few_units"  # fewer than FEW_UNITS_THRESHOLD units: cluster-robust standard errors are unreliable
DECAY_NOT_SELECTED = "decay_not_selected"  # too few periods for the holdout: the first decay of the grid was used
# chosen decay is the largest on the grid for a channel whose ci95 excludes 0: the carry-over may be longer still
DECAY_AT_GRID_EDGE = "decay_at_grid_edge"

FEW_UNITS_THRESHOLD = 30
DEFAULT_DECAYS = (0.0, 0.3, 0.5, 0.7, 0.9)

_Z95 = NormalDist().inv_cdf(0.975)
_DEMEAN_TOLERANCE = 1e-12  # relative to the largest absolute value of each column
_DEMEAN_MAX_ITERATIONS = 100_000
_COLLINEAR_TOLERANCE = 1e-9  # relative norm of what is left of a column after removing effects and other columns
_COORDINATE_PASSES = 3


# --- validation helpers --------------------------------------------------------------------------------------------


def _finite_array(values, name: str, ndim: int | tuple[int, ...] = 1) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must contain only numbers") from None
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if array.ndim not in allowed:
        raise ValueError(f"{name} must have {' or '.join(map(str, allowed))} dimension(s), got shape {array.shape}")
    bad = np.argwhere(~np.isfinite(array))
    if bad.size:
        index = tuple(int(i) for i in bad[0])
        where = index[0] if len(index) == 1 else index
        raise ValueError(f"{name} must contain only finite numbers, got {array[index]!r} at index {where}")
    return array


def _decay(value, name: str = "decay") -> float:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}")
    try:
        decay = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number in [0, 1), got {value!r}") from None
    if not 0 <= decay < 1:  # also refuses NaN
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return decay


def _labels(values, name: str, n: int) -> list | np.ndarray:
    if isinstance(values, np.ndarray) and values.ndim == 1 and values.dtype.kind in "iu":
        labels = values  # integer labels stay an array: _codes numbers them without a Python loop
    else:
        labels = list(values)
    if len(labels) != n:
        raise ValueError(f"{name} must have one label per observation ({n}), got {len(labels)}")
    return labels


def _codes(labels: list, name: str, *, sort_required: bool) -> tuple[np.ndarray, list]:
    """Integer codes 0..L−1 for the labels, in sorted label order (or first-seen order if labels don't sort)."""
    if isinstance(labels, np.ndarray):
        # Integer labels (_labels keeps them as an array): the same sorted levels and codes, numbered by numpy.
        levels, codes = np.unique(labels, return_inverse=True)
        return codes.reshape(-1).astype(np.intp), list(levels)
    try:
        levels = sorted(set(labels))
    except TypeError:
        if sort_required:
            raise ValueError(f"{name} labels must be mutually comparable so that they can be ordered") from None
        levels = list(dict.fromkeys(labels))
    index = {level: code for code, level in enumerate(levels)}
    return np.fromiter((index[label] for label in labels), dtype=np.intp, count=len(labels)), levels


# --- adstock -------------------------------------------------------------------------------------------------------


def geometric_adstock(x, decay: float) -> np.ndarray:
    """Geometric carry-over a_t = x_t + decay · a_{t−1}, with nothing carried in before the first period.

    ``x`` is one series (1-D) or a unit × period matrix (2-D, adstocked along each row). ``decay`` must be in
    [0, 1); 0 returns a copy of ``x``.
    """
    decay = _decay(decay)
    values = _finite_array(x, "x", (1, 2))
    result = np.empty_like(values)
    carry = np.zeros(values.shape[:-1])
    for period in range(values.shape[-1]):
        carry = values[..., period] + decay * carry
        result[..., period] = carry
    return result


# --- two-way fixed effects -----------------------------------------------------------------------------------------


def _group_means(matrix: np.ndarray, codes: np.ndarray, counts: np.ndarray) -> np.ndarray:
    return np.column_stack(
        [np.bincount(codes, weights=matrix[:, j], minlength=counts.size) / counts for j in range(matrix.shape[1])]
    )


def _demean_balanced(matrix, unit_codes, time_codes, n_units, n_periods):
    """One-step two-way demeaning z − z̄_i − z̄_t + z̄ (exact when every unit × period cell appears once)."""
    unit_means = _group_means(matrix, unit_codes, np.bincount(unit_codes, minlength=n_units).astype(float))
    time_means = _group_means(matrix, time_codes, np.bincount(time_codes, minlength=n_periods).astype(float))
    grand = matrix.mean(axis=0)
    demeaned = matrix - unit_means[unit_codes] - time_means[time_codes] + grand
    return demeaned, unit_means, time_means - grand


def _demean_alternating(matrix, unit_codes, time_codes, n_units, n_periods):
    """Alternating projections (unit demeaning, then period demeaning, repeated) until the unit means vanish.

    Returns the demeaned columns and the accumulated unit and period effects, so that
    matrix = demeaned + unit_effects[unit] + period_effects[time] for every column.
    """
    unit_counts = np.bincount(unit_codes, minlength=n_units).astype(float)
    time_counts = np.bincount(time_codes, minlength=n_periods).astype(float)
    demeaned = matrix.copy()
    unit_effects = np.zeros((n_units, matrix.shape[1]))
    time_effects = np.zeros((n_periods, matrix.shape[1]))
    threshold = _DEMEAN_TOLERANCE * np.abs(matrix).max(axis=0)
    for iteration in range(_DEMEAN_MAX_ITERATIONS):
        unit_means = _group_means(demeaned, unit_codes, unit_counts)
        # Period means are exactly zero after each sweep, so small unit means mean convergence.
        if iteration > 0 and np.all(np.abs(unit_means) <= threshold):
            return demeaned, unit_effects, time_effects
        demeaned -= unit_means[unit_codes]
        unit_effects += unit_means
        time_means = _group_means(demeaned, time_codes, time_counts)
        demeaned -= time_means[time_codes]
        time_effects += time_means
    raise RuntimeError(f"two-way demeaning did not converge in {_DEMEAN_MAX_ITERATIONS} iterations")


def _is_balanced(unit_codes, time_codes, n_units, n_periods) -> bool:
    n = unit_codes.size
    return n == n_units * n_periods and np.unique(unit_codes * n_periods + time_codes).size == n


def _nested(codes: np.ndarray, cluster_codes: np.ndarray, levels: int) -> bool:
    """True when each level of ``codes`` lies within a single cluster."""
    # Distinct (level, cluster) pairs, each pair as one integer (sorting rows of a 2-column array was 20 times slower).
    pairs = codes.astype(np.int64) * (int(cluster_codes.max(initial=0)) + 1) + cluster_codes
    return np.unique(pairs).size == levels


@dataclass(frozen=True)
class TWFEResult:
    """Result of :func:`twfe`. Arrays are indexed like the columns of X; dropped columns hold NaN.

    ``dof_k`` is the K of the CR1 factor G/(G−1) · (N−1)/(N−K). Unit and period effects are only identified up
    to a common constant (their sum for a cell is what is identified).
    """

    coef: np.ndarray
    se: np.ndarray
    vcov: np.ndarray
    kept: np.ndarray
    residuals: np.ndarray
    n_obs: int
    n_units: int
    n_periods: int
    n_clusters: int
    dof_k: int
    unit_effects: dict = field(repr=False)
    period_effects: dict = field(repr=False)


def twfe(y, X, unit, time, *, cluster=None, fast_path: bool = True) -> TWFEResult:
    """Two-way fixed-effects OLS of ``y`` on the columns of ``X`` with unit and period effects absorbed.

    y and all columns of X are demeaned by unit and by period (alternating projections until the unit means
    are below 1e-12 of each column's scale, so unbalanced panels work; when every unit × period cell appears
    exactly once and ``fast_path`` is true, the exact one-step formula is used instead). The coefficients
    are OLS on the demeaned data and equal those of OLS with full unit and period dummies (Frisch–Waugh–Lovell).

    Columns with no variation left after demeaning, or collinear with earlier columns, are dropped (``kept``
    false, NaN coefficient). Standard errors are cluster-robust by ``cluster`` (default: unit), CR1:

        V = G/(G−1) · (N−1)/(N−K) · (X̃'X̃)⁻¹ (Σ_g X̃_g'e_g e_g'X̃_g) (X̃'X̃)⁻¹

    with K = kept regressors + the fixed-effect parameters not nested within clusters. With the default
    clustering by unit the unit effects are nested and not counted, so K = regressors + (periods − c), where c
    is the number of connected components of the unit–period graph (1 for any ordinary panel). This is the
    convention of Stata's reghdfe; counting the nested unit effects too would inflate the SEs badly in short panels.
    """
    y_values = _finite_array(y, "y")
    n = y_values.size
    if n == 0:
        raise ValueError("y must not be empty")
    X_values = _finite_array(X, "X", (1, 2))
    if X_values.ndim == 1:
        X_values = X_values[:, None]
    if X_values.shape[0] != n:
        raise ValueError(f"X must have one row per observation ({n}), got {X_values.shape[0]}")
    if X_values.shape[1] == 0:
        raise ValueError("X must have at least one column")
    unit_labels = _labels(unit, "unit", n)
    time_labels = _labels(time, "time", n)
    unit_codes, unit_levels = _codes(unit_labels, "unit", sort_required=False)
    time_codes, time_levels = _codes(time_labels, "time", sort_required=True)
    if cluster is None:
        cluster_codes = unit_codes
    else:
        cluster_codes, _ = _codes(_labels(cluster, "cluster", n), "cluster", sort_required=False)
    n_units, n_periods = len(unit_levels), len(time_levels)
    n_clusters = int(cluster_codes.max()) + 1
    if n_clusters < 2:
        raise ValueError(f"cluster-robust standard errors need at least 2 clusters, got {n_clusters}")

    matrix = np.column_stack([y_values, X_values])
    if fast_path and _is_balanced(unit_codes, time_codes, n_units, n_periods):
        demeaned, unit_fx, time_fx = _demean_balanced(matrix, unit_codes, time_codes, n_units, n_periods)
    else:
        demeaned, unit_fx, time_fx = _demean_alternating(matrix, unit_codes, time_codes, n_units, n_periods)
    y_tilde, X_tilde = demeaned[:, 0], demeaned[:, 1:]

    # Greedy Gram–Schmidt: keep a column only if enough of it is left after the effects and the kept columns.
    p = X_values.shape[1]
    kept = np.zeros(p, dtype=bool)
    basis: list[np.ndarray] = []
    for j in range(p):
        rest = X_tilde[:, j].copy()
        for _ in range(2):  # re-orthogonalise once for numerical safety
            for q in basis:
                rest -= (q @ rest) * q
        size = float(np.linalg.norm(rest))
        if size > _COLLINEAR_TOLERANCE * float(np.linalg.norm(X_values[:, j])):
            kept[j] = True
            basis.append(rest / size)

    coef = np.full(p, np.nan)
    vcov = np.full((p, p), np.nan)
    k = int(kept.sum())
    components = connected_components(
        coo_matrix((np.ones(n), (unit_codes, time_codes + n_units)), shape=(n_units + n_periods,) * 2),
        directed=False,
    )[0]
    absorbed = n_units + n_periods - components
    if _nested(unit_codes, cluster_codes, n_units):
        absorbed -= n_units
    if _nested(time_codes, cluster_codes, n_periods):
        absorbed -= n_periods
    dof_k = k + max(0, absorbed)
    residual_dof = n - (n_units + n_periods - components) - k
    if residual_dof <= 0 or n - dof_k <= 0:
        raise ValueError(
            f"too few observations ({n}) for {k} regressors and {n_units + n_periods - components} fixed effects"
        )

    residuals = y_tilde.copy()
    beta = np.zeros(0)
    if k:
        Xk = X_tilde[:, kept]
        beta = np.linalg.lstsq(Xk, y_tilde, rcond=None)[0]
        residuals = y_tilde - Xk @ beta
        bread = np.linalg.inv(Xk.T @ Xk)
        scores = Xk * residuals[:, None]
        cluster_scores = np.column_stack(
            [np.bincount(cluster_codes, weights=scores[:, j], minlength=n_clusters) for j in range(k)]
        )
        factor = n_clusters / (n_clusters - 1) * (n - 1) / (n - dof_k)
        vk = factor * bread @ (cluster_scores.T @ cluster_scores) @ bread
        coef[kept] = beta
        vcov[np.ix_(kept, kept)] = (vk + vk.T) / 2
    se = np.full(p, np.nan)
    se[kept] = np.sqrt(np.maximum(np.diag(vcov)[kept], 0.0))

    # Effects of y − Xβ: the effects are linear in the columns, so combine the columns' effects.
    unit_effect = unit_fx[:, 0] - unit_fx[:, 1:][:, kept] @ beta
    time_effect = time_fx[:, 0] - time_fx[:, 1:][:, kept] @ beta
    return TWFEResult(
        coef=coef,
        se=se,
        vcov=vcov,
        kept=kept,
        residuals=residuals,
        n_obs=n,
        n_units=n_units,
        n_periods=n_periods,
        n_clusters=n_clusters,
        dof_k=dof_k,
        unit_effects=dict(zip(unit_levels, unit_effect.tolist(), strict=True)),
        period_effects=dict(zip(time_levels, time_effect.tolist(), strict=True)),
    )


# --- activity mix --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityMix:
    """Result of :func:`activity_mix`.

    ``results`` has one dict per channel, in the order of the ``channels`` argument:
    {"channel", "coef", "se", "effect_per_scale", "ci95": (low, high), "adstock", "scale"}; for a dropped
    channel coef, se, effect_per_scale and ci95 are None. ``warnings`` is a list of {"code", "channel"} dicts
    (channel None for warnings about the whole fit) with the codes defined at the top of this module.
    ``holdout_mse`` is the held-out score of the chosen decays (None when no selection took place).
    """

    results: list[dict]
    warnings: list[dict]
    n_obs: int
    n_units: int
    n_periods: int
    holdout_mse: float | None


def _holdout_score(y, columns, unit_codes, time_codes, first_holdout: int) -> float:
    """Mean squared error of the within-period, across-unit prediction on the held-out periods.

    Fit TWFE on the periods before ``first_holdout``; for a held-out row predict e = y − α_unit − x'β. The held-out
    period effect is unknown, so the errors are centred within each held-out period (equivalently, the period
    effect is estimated from the held-out rows themselves, one number per period, the same for every model).
    Rows of units absent from training are not scored. Returns inf when the model cannot be fitted or scored.
    """
    train = time_codes < first_holdout
    test = ~train
    try:
        fit = twfe(y[train], columns[train], unit_codes[train], time_codes[train])
    except ValueError:
        return math.inf
    beta = np.where(fit.kept, fit.coef, 0.0)
    alpha = np.full(int(unit_codes.max()) + 1, np.nan)
    for code, value in fit.unit_effects.items():
        alpha[code] = value
    scored = test & ~np.isnan(alpha[unit_codes])
    if not scored.any():
        return math.inf
    error = y[scored] - alpha[unit_codes[scored]] - columns[scored] @ beta
    periods = time_codes[scored]
    counts = np.bincount(periods)
    present = counts > 0
    means = np.zeros(counts.size)
    means[present] = np.bincount(periods, weights=error)[present] / counts[present]
    centred = error - means[periods]
    return float(centred @ centred) / centred.size


def activity_mix(
    y,
    channels: Mapping[str, Sequence[float]],
    unit,
    time,
    *,
    decays: Sequence[float] = DEFAULT_DECAYS,
    holdout: int = 6,
    scale: Mapping[str, float] | None = None,
) -> ActivityMix:
    """Association of each activity channel with the outcome ``y`` (e.g. a unit's monthly online rate).

    Each channel is adstocked (:func:`geometric_adstock`, per unit along the ordered periods; a unit × period cell
    without a row counts as zero activity) and all channels enter one :func:`twfe` regression with unit-clustered
    standard errors. The decay of each channel is chosen on a holdout: fit on all but the last ``holdout``
    periods, score with :func:`_holdout_score`; first the best common decay of the grid, then coordinate passes
    that try every grid decay for one channel at a time while the others stay fixed, keeping strict improvements
    (at most 3 passes). The chosen model is then refitted on all periods.

    ``scale`` gives the reporting unit per channel (e.g. {"leaflet": 100} → effect per 100 leaflets):
    effect_per_scale = coef · scale and ci95 = effect_per_scale ± 1.96 · se · scale. Channels not in ``scale``
    use 1.
    """
    y_values = _finite_array(y, "y")
    n = y_values.size
    if n == 0:
        raise ValueError("y must not be empty")
    if not isinstance(channels, Mapping) or not channels:
        raise ValueError("channels must be a non-empty mapping of channel name to values")
    names = list(channels)
    for name in names:
        if not isinstance(name, str) or not name:
            raise ValueError(f"channel names must be non-empty strings, got {name!r}")
    columns = {}
    for name in names:
        values = _finite_array(channels[name], f"channels[{name!r}]")
        if values.size != n:
            raise ValueError(f"channels[{name!r}] must have one value per observation ({n}), got {values.size}")
        columns[name] = values
    unit_codes, unit_levels = _codes(_labels(unit, "unit", n), "unit", sort_required=False)
    time_codes, time_levels = _codes(_labels(time, "time", n), "time", sort_required=True)
    n_units, n_periods = len(unit_levels), len(time_levels)
    cells = unit_codes * n_periods + time_codes
    if np.unique(cells).size != n:
        raise ValueError("each (unit, time) pair must appear at most once")
    if isinstance(decays, str | bytes) or not isinstance(decays, Sequence) or len(decays) == 0:
        raise ValueError(f"decays must be a non-empty sequence of numbers in [0, 1), got {decays!r}")
    grid = sorted(set(_decay(d, f"decays[{i}]") for i, d in enumerate(decays)))
    if isinstance(holdout, bool) or not isinstance(holdout, int | np.integer) or holdout < 0:
        raise ValueError(f"holdout must be a non-negative integer, got {holdout!r}")
    scales = {name: 1.0 for name in names}
    for name, value in (scale or {}).items():
        if name not in columns:
            raise ValueError(f"scale names a channel that is not in channels: {name!r}")
        if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
            raise ValueError(f"scale[{name!r}] must be a positive number, got {value!r}")
        if not (math.isfinite(value) and value > 0):
            raise ValueError(f"scale[{name!r}] must be a positive number, got {value!r}")
        scales[name] = float(value)

    warnings: list[dict] = []
    stocks: dict[tuple[str, float], np.ndarray] = {}

    def stock(name: str, decay: float) -> np.ndarray:
        if (name, decay) not in stocks:
            grid_values = np.zeros((n_units, n_periods))
            grid_values[unit_codes, time_codes] = columns[name]
            stocks[name, decay] = geometric_adstock(grid_values, decay)[unit_codes, time_codes]
        return stocks[name, decay]

    def design(choice: tuple[float, ...]) -> np.ndarray:
        return np.column_stack([stock(name, decay) for name, decay in zip(names, choice, strict=True)])

    first_holdout = n_periods - holdout
    chosen = (grid[0],) * len(names)
    best_score = None
    if len(grid) > 1:
        if holdout == 0 or first_holdout < 2:
            warnings.append({"code": DECAY_NOT_SELECTED, "channel": None})
        else:
            scores: dict[tuple[float, ...], float] = {}

            def score(choice: tuple[float, ...]) -> float:
                if choice not in scores:
                    scores[choice] = _holdout_score(y_values, design(choice), unit_codes, time_codes, first_holdout)
                return scores[choice]

            best_score = math.inf
            for decay in grid:  # common decay first (ties keep the smaller decay)
                if score((decay,) * len(names)) < best_score:
                    chosen, best_score = (decay,) * len(names), scores[(decay,) * len(names)]
            for _ in range(_COORDINATE_PASSES if len(names) > 1 else 0):
                improved = False
                for j in range(len(names)):
                    for decay in grid:
                        candidate = chosen[:j] + (decay,) + chosen[j + 1 :]
                        if score(candidate) < best_score:
                            chosen, best_score, improved = candidate, scores[candidate], True
                if not improved:
                    break
            if not math.isfinite(best_score):
                warnings.append({"code": DECAY_NOT_SELECTED, "channel": None})
                chosen, best_score = (grid[0],) * len(names), None

    fit = twfe(y_values, design(chosen), unit_codes, time_codes)
    if fit.n_clusters < FEW_UNITS_THRESHOLD:
        warnings.append({"code": FEW_UNITS, "channel": None})
    results = []
    for j, name in enumerate(names):
        row = {"channel": name, "coef": None, "se": None, "effect_per_scale": None, "ci95": None}
        row |= {"adstock": chosen[j], "scale": scales[name]}
        if fit.kept[j]:
            coef, se = float(fit.coef[j]), float(fit.se[j])
            effect = coef * scales[name]
            half_width = _Z95 * se * scales[name]
            row |= {
                "coef": coef,
                "se": se,
                "effect_per_scale": effect,
                "ci95": (effect - half_width, effect + half_width),
            }
            # Only worth saying for a channel with a clear association; for the others the decay is arbitrary.
            clear = not effect - half_width <= 0 <= effect + half_width
            if clear and len(grid) > 1 and best_score is not None and chosen[j] == grid[-1]:
                warnings.append({"code": DECAY_AT_GRID_EDGE, "channel": name})
        else:
            warnings.append({"code": COLLINEAR, "channel": name})
        results.append(row)
    return ActivityMix(
        results=results,
        warnings=warnings,
        n_obs=n,
        n_units=n_units,
        n_periods=n_periods,
        holdout_mse=best_score,
    )
