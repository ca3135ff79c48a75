"""Staggered difference-in-differences: Callaway & Sant'Anna (2021) without covariates.

Pure Python (numpy and scipy only, no Django) so that it can be tested and benchmarked without a database.
The numbers are those of R's ``did::att_gt`` / ``did::aggte`` and of the Python ``csdid`` package with
``est_method="dr"`` (which, without covariates, is the plain two-group, two-period comparison of means),
``base_period="varying"``, analytic standard errors (``bstrap=False``) and no anticipation.
docs/analysis-did.md explains the method, the formulas and the choices made here.

Entry point: :func:`staggered_did`, which returns a :class:`DidResult`. Warnings are stable codes with parameters
(``{"code": ..., "params": {...}}``), never prose: the caller translates them. Errors are :class:`DidError`, a
``ValueError`` with a stable ``code`` attribute and an English message for the logs.

Implementation note: nothing here loops over units. Every ATT(g,t) is a difference of cohort means of a unit x
period matrix; its influence function is ``n * w_i * (coef[h, c] * (Ỹ_it - Ỹ_ib) + const[h, c])`` for a unit of
cohort h (Ỹ = outcome centred on its cohort's period mean), so any linear combination of cells (an aggregation,
a counterfactual) has an influence function obtained with one small matrix product per cohort.
"""

from __future__ import annotations

from collections.abc import Sequence
from statistics import NormalDist

import numpy as np
from scipy import sparse, stats

Z95 = NormalDist().inv_cdf(0.975)
SMALL_COHORT_UNITS = 20
FEW_CONTROL_UNITS = 20
FEW_CLUSTERS = 30  # cluster-robust Wald tests over-reject badly below this (docs/analysis-did.md)
PRETEST_WINDOW = 12
PRETEST_LEVEL = 0.05
# Eigenvalues of the pre-trend covariance below this fraction of the largest one are treated as zero.
PINV_RTOL = 1e-10
CONTROLS = ("never", "notyet")
AGGREGATIONS = ("simple", "group", "dynamic", "calendar")
_CELL_CHUNK = 512

# Warning codes (stable; the Django layer translates them).
SMALL_COHORT = "small_cohort"
FEW_CONTROLS = "few_controls"
FEW_CLUSTERS_CODE = "few_clusters"
DROPPED_UNITS = "dropped_units"
TREATED_FROM_START = "treated_from_start"
LAST_COHORT_CONTROL_ONLY = "last_cohort_control_only"
PRETEST_REJECTS = "pretest_rejects"
NO_PRETEST = "no_pretest"


class DidError(ValueError):
    """Invalid input or an estimate that cannot be computed; ``code`` is stable, the message is English."""

    def __init__(self, code: str, message: str, **params):
        super().__init__(message)
        self.code = code
        self.params = params


# --- input checks ------------------------------------------------------------------------------------------------


def _vector(values, name: str) -> np.ndarray:
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as error:
        raise DidError("invalid_input", f"{name} cannot be read as a sequence: {error}") from None
    if array.ndim != 1:
        raise DidError("invalid_input", f"{name} must be a one-dimensional sequence, got {array.ndim} dimensions")
    return array


def _integers(values, name: str) -> np.ndarray:
    """Integer codes (ints, or floats with integral values); bools, NaN and fractions are refused."""
    array = _vector(values, name)
    if array.dtype.kind in "iu":
        return array.astype(np.int64)
    if array.dtype.kind in "fO":
        try:
            floats = array.astype(float)
        except (TypeError, ValueError):
            floats = None
        if floats is not None and np.all(np.isfinite(floats)) and np.all(floats == np.round(floats)):
            return floats.astype(np.int64)
    raise DidError(f"invalid_{name}", f"{name} must contain integers only")


def _floats(values, name: str) -> np.ndarray:
    array = _vector(values, name)
    if array.dtype.kind == "b":
        raise DidError(f"invalid_{name}", f"{name} must be numeric, got booleans")
    try:
        return array.astype(float)
    except (TypeError, ValueError):
        raise DidError(f"invalid_{name}", f"{name} must be numeric") from None


def _codes(values, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(labels, index of each row's label), like a factorisation."""
    array = _vector(values, name)
    try:
        labels, index = np.unique(array, return_inverse=True)
    except TypeError:
        raise DidError(
            f"invalid_{name}", f"{name} labels must be mutually comparable (no None, no mixed types)"
        ) from None
    return labels, index.reshape(-1)


def _constant_within_unit(values: np.ndarray, unit_index: np.ndarray, n_units: int, name: str, code: str):
    per_unit = np.empty(n_units, dtype=values.dtype)
    per_unit[unit_index] = values
    if np.any(per_unit[unit_index] != values):
        bad = int(unit_index[np.flatnonzero(per_unit[unit_index] != values)[0]])
        raise DidError(code, f"{name} must be constant within a unit (unit #{bad} has several values)")
    return per_unit


# --- the estimator -----------------------------------------------------------------------------------------------


def staggered_did(
    unit: Sequence,
    time: Sequence[int],
    y: Sequence[float],
    first_treated: Sequence[int],
    *,
    control: str = "never",
    weights: Sequence[float] | None = None,
    cluster: Sequence | None = None,
) -> DidResult:
    """Group-time average treatment effects ATT(g,t) of Callaway & Sant'Anna (2021), unconditional, varying base.

    One row per unit and period. ``time`` and ``first_treated`` are integer period ordinals (e.g.
    ``year * 12 + month - 1``); ``first_treated`` is the first exposed period, 0 for never treated, and must be
    constant within a unit, like ``weights`` (unit sampling weights, finite and >= 0) and ``cluster`` (labels for
    cluster-robust standard errors). ``control`` is ``"never"`` (never-treated units as controls) or ``"notyet"``
    (never-treated and not-yet-treated units).

    Sample rules (each leaves a warning code on the result, see docs/analysis-did.md):

    * the panel's periods are the periods in which at least one row has a finite outcome; a unit is used only if
      it has a finite outcome in every one of them (a month with zero dossiers is passed as y = NaN, so such a
      unit is dropped: ``dropped_units``);
    * units with weight 0 carry no information and are left out silently;
    * a first treatment after the last period counts as never treated (as in did/csdid);
    * cohorts treated at or before the first period have no pre-period and are dropped (``treated_from_start``);
    * with ``control="notyet"`` and no never-treated unit, the last cohort only serves as a control and the
      periods from its treatment date on are dropped (``last_cohort_control_only``), as in did/csdid.

    Raises :class:`DidError` when the input is malformed or nothing can be estimated.
    """
    if control not in CONTROLS:
        raise DidError("unknown_control", f"control must be one of {CONTROLS}, got {control!r}")
    lengths = {"unit": len(unit), "time": len(time), "y": len(y), "first_treated": len(first_treated)}
    if weights is not None:
        lengths["weights"] = len(weights)
    if cluster is not None:
        lengths["cluster"] = len(cluster)
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{name}={length}" for name, length in lengths.items())
        raise DidError("length_mismatch", f"all sequences must have the same length, got {detail}")
    if lengths["unit"] == 0:
        raise DidError("empty", "no rows")

    unit_labels, unit_index = _codes(unit, "unit")
    n_all = len(unit_labels)
    times = _integers(time, "time")
    cohort_of_row = _integers(first_treated, "first_treated")
    outcome = _floats(y, "y")
    if np.any(cohort_of_row < 0):
        raise DidError("invalid_first_treated", "first_treated must be 0 (never treated) or a positive period")
    if n_all == 1:
        raise DidError("single_unit", "a difference-in-differences needs several units, got a single one")

    period_labels, period_index = np.unique(times, return_inverse=True)
    period_index = period_index.reshape(-1)
    n_periods_all = len(period_labels)
    key = unit_index.astype(np.int64) * n_periods_all + period_index
    if np.bincount(key, minlength=n_all * n_periods_all).max() > 1:
        first = int(np.flatnonzero(np.bincount(key) > 1)[0])
        raise DidError(
            "duplicate_rows",
            f"several rows for unit {unit_labels[first // n_periods_all]!r} and period "
            f"{int(period_labels[first % n_periods_all])}",
        )
    cohort = _constant_within_unit(cohort_of_row, unit_index, n_all, "first_treated", "first_treated_varies")

    if weights is None:
        unit_weight = np.ones(n_all)
    else:
        row_weight = _floats(weights, "weights")
        if not np.all(np.isfinite(row_weight)) or np.any(row_weight < 0):
            raise DidError("invalid_weights", "weights must be finite and non-negative")
        unit_weight = _constant_within_unit(row_weight, unit_index, n_all, "weights", "weights_vary")
        if not np.any(unit_weight > 0):
            raise DidError("invalid_weights", "weights must not all be zero")
    if cluster is None:
        unit_cluster = None
    else:
        _, cluster_index = _codes(cluster, "cluster")
        unit_cluster = _constant_within_unit(cluster_index, unit_index, n_all, "cluster", "cluster_varies")

    warnings: list[dict] = []
    # Unit x period matrix; the panel's periods are those with at least one finite outcome.
    finite_row = np.isfinite(outcome)
    matrix = np.full((n_all, n_periods_all), np.nan)
    matrix[unit_index[finite_row], period_index[finite_row]] = outcome[finite_row]
    present = np.zeros((n_all, n_periods_all), dtype=bool)
    present[unit_index, period_index] = True
    has_data = np.isfinite(matrix).any(axis=0)
    if has_data.sum() < 2:
        raise DidError("too_few_periods", "at least two periods with a finite outcome are needed")
    grid = period_labels[has_data]
    matrix = matrix[:, has_data]
    complete = np.isfinite(matrix).all(axis=1)
    if not complete.all():
        missing_outcome = (present[:, has_data] & ~np.isfinite(matrix)).any(axis=1)
        warnings.append(
            {
                "code": DROPPED_UNITS,
                "params": {
                    "count": int((~complete).sum()),
                    "missing_outcome": int(missing_outcome.sum()),
                    "incomplete": int((~complete & ~missing_outcome).sum()),
                },
            }
        )
    keep = complete & (unit_weight > 0)
    if not keep.any():
        raise DidError("no_usable_data", "no unit has a finite outcome in every period of the panel")

    cohort = np.where(cohort > grid[-1], 0, cohort)  # treated after the panel: untreated throughout
    from_start = keep & (cohort > 0) & (cohort <= grid[0])
    if from_start.any():
        warnings.append(
            {
                "code": TREATED_FROM_START,
                "params": {"count": int(from_start.sum()), "cohorts": sorted(int(g) for g in set(cohort[from_start]))},
            }
        )
        keep &= ~from_start
    if not (keep & (cohort > 0)).any():
        raise DidError("no_treated", "no treated unit with at least one period before its treatment")
    control_only = None
    if not (keep & (cohort == 0)).any():
        if control == "never":
            raise DidError(
                "no_never_treated", 'no never-treated unit to compare with; use control="notyet" or add controls'
            )
        control_only = int(cohort[keep].max())
        if not (keep & (cohort > 0) & (cohort < control_only)).any():
            raise DidError(
                "no_treated",
                "without never-treated units the last cohort only serves as control, and no other cohort remains",
            )
        columns = grid < control_only
        if columns.sum() < 2:
            raise DidError("too_few_periods", "fewer than two periods remain before the last cohort's treatment")
        warnings.append(
            {
                "code": LAST_COHORT_CONTROL_ONLY,
                "params": {
                    "cohort": control_only,
                    "units": int((keep & (cohort == control_only)).sum()),
                    "periods_dropped": int((~columns).sum()),
                },
            }
        )
        grid = grid[columns]
        matrix = matrix[:, columns]

    kept = np.flatnonzero(keep)
    order = kept[np.argsort(cohort[kept], kind="stable")]
    position = np.full(n_all, -1, dtype=np.int64)
    position[order] = np.arange(len(order))
    column_of_period = np.full(n_periods_all, -1, dtype=np.int64)
    column_of_period[np.searchsorted(period_labels, grid)] = np.arange(len(grid))
    return DidResult(
        y=matrix[order],
        weight=unit_weight[order],
        cohort=cohort[order],
        cluster=None if unit_cluster is None else unit_cluster[order],
        periods=grid,
        control=control,
        control_only=control_only,
        row_unit=position[unit_index],
        row_column=column_of_period[period_index],
        warnings=warnings,
    )


class DidResult:
    """ATT(g,t) cells, their aggregations, the pre-trend test and counterfactuals; see :func:`staggered_did`.

    Public attributes: ``att_gt`` (list of ``{"group", "time", "att", "se"}``, cohort-major, pre- and
    post-treatment cells), ``warnings`` (list of ``{"code", "params"}``), ``n_units``, ``n_periods``, ``periods``,
    ``cohorts`` (list of ``{"cohort", "units"}``), ``control``, ``n_clusters`` (None when unclustered).
    """

    def __init__(self, *, y, weight, cohort, cluster, periods, control, control_only, row_unit, row_column, warnings):
        self.control = control
        self.periods = [int(t) for t in periods]
        self.warnings = warnings
        self._row_unit = row_unit
        self._row_column = row_column
        self._y = y
        n, n_periods = y.shape
        self.n_units = n
        self.n_periods = n_periods
        self._n = n
        self._T = n_periods
        self._grid = np.asarray(periods, dtype=np.int64)

        # Cohort table (units are sorted by cohort); h = 0 is the never-treated cohort when there is one.
        values, starts, counts = np.unique(cohort, return_index=True, return_counts=True)
        self._cohort_values = values
        self._starts = starts
        self._ends = starts + counts
        self._unit_cohort = np.repeat(np.arange(len(values)), counts)
        # Estimated cohorts: treated within the panel (this excludes the control-only last cohort under "notyet").
        estimated = np.flatnonzero((values > 0) & (values <= periods[-1]))
        self._estimated = estimated
        self.cohorts = [{"cohort": int(values[h]), "units": int(counts[h])} for h in estimated]
        for h in estimated:
            if counts[h] < SMALL_COHORT_UNITS:
                warnings.append({"code": SMALL_COHORT, "params": {"cohort": int(values[h]), "units": int(counts[h])}})

        # Weighted cohort moments of the outcome.
        w = weight
        self._weights = w
        w_sum = np.add.reduceat(w, starts)
        mean = np.add.reduceat(w[:, None] * y, starts, axis=0) / w_sum[:, None]
        centred = y - mean[self._unit_cohort]
        w2 = w * w
        self._w_sum = w_sum
        self._mean = mean
        self._w2_sum = np.add.reduceat(w2, starts)
        self._w2_centred = np.add.reduceat(w2[:, None] * centred, starts, axis=0)
        self._weighted_centred = w[:, None] * centred

        self._cluster = cluster
        if cluster is None:
            self.n_clusters = None
        else:
            labels, cluster_index = np.unique(cluster, return_inverse=True)
            self.n_clusters = len(labels)
            self._cluster_index = cluster_index.reshape(-1)
            if self.n_clusters < FEW_CLUSTERS:
                warnings.append({"code": FEW_CLUSTERS_CODE, "params": {"clusters": self.n_clusters}})
            # Pseudo-units: (cluster, cohort) pairs; influence functions are summed within them.
            pair = self._unit_cohort.astype(np.int64) * self.n_clusters + self._cluster_index
            pairs, pair_index = np.unique(pair, return_inverse=True)  # sorted by cohort, then cluster
            pair_index = pair_index.reshape(-1)
            self._pseudo_y = np.zeros((len(pairs), n_periods))
            np.add.at(self._pseudo_y, pair_index, self._weighted_centred)
            self._pseudo_w = np.bincount(pair_index, weights=w, minlength=len(pairs))
            pseudo_cohort = pairs // self.n_clusters
            self._pseudo_cluster = pairs % self.n_clusters
            self._pseudo_starts = np.searchsorted(pseudo_cohort, np.arange(len(values)), side="left")
            self._pseudo_ends = np.searchsorted(pseudo_cohort, np.arange(len(values)), side="right")
            self._pseudo_to_cluster = sparse.csr_matrix(
                (np.ones(len(pairs)), (pairs % self.n_clusters, np.arange(len(pairs)))),
                shape=(self.n_clusters, len(pairs)),
            )

        self._cells(control, centred, w2)
        self._aggregations = self._aggregate_all()
        self._pretest_default = self.pretest(PRETEST_WINDOW)
        if self._pretest_default is None:
            warnings.append({"code": NO_PRETEST, "params": {"window": PRETEST_WINDOW}})
        elif self._pretest_default["p_value"] < PRETEST_LEVEL:
            warnings.append({"code": PRETEST_REJECTS, "params": {**self._pretest_default, "window": PRETEST_WINDOW}})

    # --- group-time cells --------------------------------------------------------------------------------------

    def _cells(self, control: str, centred: np.ndarray, w2: np.ndarray) -> None:
        grid, values, n_cohorts, T = self._grid, self._cohort_values, len(self._cohort_values), self._T
        estimated = self._estimated
        g_values = values[estimated]
        base_post = np.searchsorted(grid, g_values, side="left") - 1  # last period before g (>= 0 here)
        cohort_pos, column = np.meshgrid(np.arange(len(estimated)), np.arange(1, T), indexing="ij")
        cohort_pos, column = cohort_pos.ravel(), column.ravel()
        g = g_values[cohort_pos]
        t = grid[column]
        post = t >= g
        base = np.where(post, base_post[cohort_pos], column - 1)
        h_cell = estimated[cohort_pos]
        n_cells = len(g)

        if control == "never":
            is_control = np.broadcast_to((values == 0)[:, None], (n_cohorts, n_cells))
        else:
            is_control = (values[:, None] == 0) | (
                (values[:, None] > t[None, :]) & (np.arange(n_cohorts)[:, None] != h_cell[None, :])
            )
        counts = self._ends - self._starts
        control_units = counts @ is_control
        control_weight = self._w_sum @ is_control
        if np.any(control_weight <= 0):
            bad = int(np.flatnonzero(control_weight <= 0)[0])
            raise DidError(
                "no_controls", f"no control unit for cohort {int(g[bad])} in period {int(t[bad])}", cell=bad
            )
        if control_units.min() < FEW_CONTROL_UNITS:
            self.warnings.append({"code": FEW_CONTROLS, "params": {"units": int(control_units.min())}})

        diff_mean = self._mean[:, column] - self._mean[:, base]  # (cohorts, cells)
        cells = np.arange(n_cells)
        treated_weight = self._w_sum[h_cell]
        m1 = diff_mean[h_cell, cells]
        m0 = (is_control * self._w_sum[:, None] * diff_mean).sum(axis=0) / control_weight
        att = m1 - m0

        coef = -is_control.astype(float) / control_weight
        const = coef * (diff_mean - m0)
        coef[h_cell, cells] = 1.0 / treated_weight
        const[h_cell, cells] = 0.0

        self._cell_g, self._cell_t, self._cell_post, self._cell_h = g, t, post, h_cell
        self._cell_column, self._cell_base = column, base
        self._att = att
        self._coef, self._const = coef, const
        nz_h, nz_c = np.nonzero(coef)
        values_nz = coef[nz_h, nz_c]
        self._basis = sparse.csr_matrix(
            (
                np.concatenate([values_nz, -values_nz]),
                (np.concatenate([nz_h * T + column[nz_c], nz_h * T + base[nz_c]]), np.concatenate([nz_c, nz_c])),
            ),
            shape=(n_cohorts * T, n_cells),
        )
        se = self._cell_se_unclustered(centred, w2) if self._cluster is None else self._cell_cluster_se()
        self._cell_se = se
        self.att_gt = [
            {"group": int(gg), "time": int(tt), "att": float(a), "se": float(s)}
            for gg, tt, a, s in zip(g, t, att, se, strict=True)
        ]

    def _cell_se_unclustered(self, centred: np.ndarray, w2: np.ndarray) -> np.ndarray:
        """SE of every cell from centred second moments: sqrt(Σ_i w_i² (coef·(Ỹ_it − Ỹ_ib) + const)²) per cell."""
        coef, const, column, base = self._coef, self._const, self._cell_column, self._cell_base
        second = np.empty((len(self._cohort_values), self._T, self._T))
        for h in range(len(self._cohort_values)):
            block = centred[self._starts[h] : self._ends[h]]
            second[h] = (block * w2[self._starts[h] : self._ends[h], None]).T @ block
        sq = second[:, column, column] + second[:, base, base] - 2 * second[:, column, base]
        lin = self._w2_centred[:, column] - self._w2_centred[:, base]
        variance = (coef * coef * sq + 2 * coef * const * lin + const * const * self._w2_sum[:, None]).sum(axis=0)
        return np.sqrt(np.maximum(variance, 0.0))

    def _cell_cluster_se(self) -> np.ndarray:
        """Cluster-robust SE of every cell: cohort by cohort, only where the cohort enters the cell."""
        n, coef, const = self._n, self._coef, self._const
        column, base = self._cell_column, self._cell_base
        n_cells = coef.shape[1]
        clusters_of_pair = self._pseudo_cluster
        se = np.empty(n_cells)
        for start in range(0, n_cells, _CELL_CHUNK):
            chunk = np.arange(start, min(start + _CELL_CHUNK, n_cells))
            sums = np.zeros((self.n_clusters, len(chunk)))
            for h in range(len(self._cohort_values)):
                s, e = self._pseudo_starts[h], self._pseudo_ends[h]
                local = np.flatnonzero(coef[h, chunk])
                if s == e or len(local) == 0:
                    continue
                cells = chunk[local]
                rows = self._pseudo_y[s:e]
                block = n * (
                    coef[h, cells] * (rows[:, column[cells]] - rows[:, base[cells]])
                    + self._pseudo_w[s:e, None] * const[h, cells]
                )
                sums[np.ix_(clusters_of_pair[s:e], local)] += block
            se[chunk] = self._se(sums)
        return se

    # --- influence functions of linear combinations of cells ---------------------------------------------------

    def _cluster_sums(self, combination: np.ndarray, alpha: np.ndarray) -> np.ndarray:
        """Influence functions of ``combination.T @ att`` (cells x K), summed by cluster (or per unit).

        ``alpha`` (cohorts x K) adds ``w_i * alpha[h_i]``: the influence of estimated cohort shares (the "wif").
        Scale as in did/csdid: the standard error is ``sqrt(Σ sums²) / n``.
        """
        n, T, K = self._n, self._T, combination.shape[1]
        per_period = np.asarray(self._basis @ combination).reshape(len(self._cohort_values), T, K)
        constant = self._const @ combination
        if self._cluster is None:
            rows, row_w, starts, ends = self._weighted_centred, None, self._starts, self._ends
        else:
            rows, row_w, starts, ends = self._pseudo_y, self._pseudo_w, self._pseudo_starts, self._pseudo_ends
        out = np.empty((rows.shape[0], K))
        for h in range(len(self._cohort_values)):
            s, e = starts[h], ends[h]
            if s == e:
                continue
            block_w = self._weights[s:e] if row_w is None else row_w[s:e]
            out[s:e] = n * (rows[s:e] @ per_period[h]) + block_w[:, None] * (n * constant[h] + alpha[h])
        if self._cluster is None:
            return out
        return np.asarray(self._pseudo_to_cluster @ out)

    def _se(self, sums: np.ndarray) -> np.ndarray:
        return np.sqrt((sums * sums).sum(axis=0)) / self._n

    # --- aggregations ------------------------------------------------------------------------------------------

    def _aggregate_all(self) -> dict:
        att, post, h_cell = self._att, self._cell_post, self._cell_h
        n_cells, n_cohorts = len(att), len(self._cohort_values)
        share = self._w_sum[h_cell] / self._n  # P(G = g) of each cell's cohort
        event = self._cell_t - self._cell_g
        post_idx = np.flatnonzero(post)
        columns: list[tuple[str, object]] = []
        blocks_a, blocks_alpha = [], []

        def weighted_block(cells: np.ndarray, keys: np.ndarray):
            """One column per key: cells weighted by cohort share within the key, plus the share influence."""
            labels, which = np.unique(keys, return_inverse=True)
            which = which.reshape(-1)
            total = np.bincount(which, weights=share[cells], minlength=len(labels))
            a = np.zeros((n_cells, len(labels)))
            a[cells, which] = share[cells] / total[which]
            theta = a.T @ att
            alpha = np.zeros((n_cohorts, len(labels)))
            np.add.at(alpha, (h_cell[cells], which), (att[cells] - theta[which]) / total[which])
            return labels, a, alpha

        # simple: post cells weighted by cohort size
        _, a, alpha = weighted_block(post_idx, np.zeros(len(post_idx), dtype=np.int64))
        columns.append(("simple", None))
        blocks_a.append(a)
        blocks_alpha.append(alpha)

        # group: each cohort's mean over its post periods; overall weighted by cohort size (+ share influence)
        estimated = self._estimated
        a = np.zeros((n_cells, len(estimated)))
        which = np.searchsorted(estimated, h_cell[post_idx])
        per_group = np.bincount(which, minlength=len(estimated))
        a[post_idx, which] = 1.0 / per_group[which]
        group_att = a.T @ att
        group_share = self._w_sum[estimated] / self._n
        v = group_share / group_share.sum()
        overall_theta = v @ group_att
        alpha_over = np.zeros((n_cohorts, 1))
        alpha_over[estimated, 0] = (group_att - overall_theta) / group_share.sum()
        for g in self._cohort_values[estimated]:
            columns.append(("group", int(g)))
        columns.append(("group", None))
        blocks_a += [a, (a @ v)[:, None]]
        blocks_alpha += [np.zeros((n_cohorts, len(estimated))), alpha_over]

        # dynamic: per event time e = t − g (all cells), weighted by cohort size; overall = mean over e >= 0
        labels, a, alpha = weighted_block(np.arange(n_cells), event)
        for e in labels:
            columns.append(("dynamic", int(e)))
        positive = labels >= 0
        columns.append(("dynamic", None))
        blocks_a += [a, a[:, positive].mean(axis=1, keepdims=True)]
        blocks_alpha += [alpha, alpha[:, positive].mean(axis=1, keepdims=True)]

        # calendar: per period, post cells weighted by cohort size; overall = mean over periods
        labels, a, alpha = weighted_block(post_idx, self._cell_t[post_idx])
        for t in labels:
            columns.append(("calendar", int(t)))
        columns.append(("calendar", None))
        blocks_a += [a, a.mean(axis=1, keepdims=True)]
        blocks_alpha += [alpha, alpha.mean(axis=1, keepdims=True)]

        combination = np.hstack(blocks_a)
        alpha_all = np.hstack(blocks_alpha)
        sums = self._cluster_sums(combination, alpha_all)
        estimates = combination.T @ att
        se = self._se(sums)
        self._dynamic_index = {
            key: i for i, (kind, key) in enumerate(columns) if kind == "dynamic" and key is not None
        }
        self._agg_sums = sums
        self._agg_estimates = estimates
        result = {}
        for kind in AGGREGATIONS:
            detail = []
            overall = None
            for i, (k, key) in enumerate(columns):
                if k != kind:
                    continue
                if key is None:
                    overall = i
                else:
                    detail.append({"key": key, "att": float(estimates[i]), "se": float(se[i])})
            if kind == "simple":
                overall = 0
            att_value, se_value = float(estimates[overall]), float(se[overall])
            result[kind] = {
                "att": att_value,
                "se": se_value,
                "ci95": [att_value - Z95 * se_value, att_value + Z95 * se_value],
                "detail": detail,
            }
        return result

    def aggregate(self, kind: str) -> dict:
        """``{"att", "se", "ci95": [low, high], "detail": [{"key", "att", "se"}]}`` as did::aggte / csdid.

        ``kind`` is "simple" (detail empty), "group" (keys: cohorts), "dynamic" (keys: event times e = t − g,
        negative ones included; the overall figure averages e >= 0) or "calendar" (keys: periods).
        """
        if kind not in AGGREGATIONS:
            raise DidError("unknown_aggregation", f"kind must be one of {AGGREGATIONS}, got {kind!r}")
        result = self._aggregations[kind]
        return {**result, "ci95": list(result["ci95"]), "detail": [dict(d) for d in result["detail"]]}

    # --- pre-trend test ----------------------------------------------------------------------------------------

    def pretest(self, window: int = PRETEST_WINDOW) -> dict | None:
        """Joint Wald test that the event-study estimates for e = −window … −1 are all zero.

        Returns ``{"statistic", "df", "p_value", "f_statistic", "df_denominator"}``: the Wald statistic W with
        df = rank of their joint covariance (through a pseudo-inverse when it is singular), and the p-value of
        Hotelling's small-sample form F = W·(G − df)/(df·(G − 1)) on (df, G − df) degrees of freedom, G being the
        number of clusters (units when unclustered); it tends to the chi-square p-value as G grows. None when no
        such event time exists (every cohort treated in the second period), when their covariance is zero, or
        when G <= df. ``.warnings`` carries ``pretest_rejects`` (or
        ``no_pretest``) for the default window of 12, computed when the result is built.
        """
        if isinstance(window, bool) or not isinstance(window, int | np.integer) or window < 1:
            raise DidError("invalid_window", f"window must be a positive integer, got {window!r}")
        indices = [self._dynamic_index[e] for e in range(-int(window), 0) if e in self._dynamic_index]
        if not indices:
            return None
        estimates = self._agg_estimates[indices]
        sums = self._agg_sums[:, indices]
        covariance = sums.T @ sums / (self._n * self._n)
        eigenvalues, eigenvectors = np.linalg.eigh(covariance)
        top = eigenvalues.max()
        if not top > 0:
            return None
        keep = eigenvalues > top * PINV_RTOL
        projected = eigenvectors[:, keep].T @ estimates
        statistic = float(np.sum(projected * projected / eigenvalues[keep]))
        df = int(keep.sum())
        # The covariance is estimated from G cluster (unit) sums: with G not far above df the chi-square reference
        # rejects far too often (a 13-unit panel gave p < 1e-40 with no pre-trend at all). Hotelling's T² small-
        # sample form, F = W·(G − df) / (df·(G − 1)) ~ F(df, G − df), corrects that and tends to the chi-square
        # test as G grows. With G <= df the covariance cannot support the test: None.
        clusters = int(sums.shape[0])
        if clusters <= df:
            return None
        f_statistic = statistic * (clusters - df) / (df * (clusters - 1))
        return {
            "statistic": statistic,
            "df": df,
            "p_value": float(stats.f.sf(f_statistic, df, clusters - df)),
            "f_statistic": f_statistic,
            "df_denominator": clusters - df,
        }

    # --- counterfactual in outcome units -----------------------------------------------------------------------

    def _volume_matrix(self, volume) -> np.ndarray:
        values = _floats(volume, "volume")
        if len(values) != len(self._row_unit):
            raise DidError(
                "length_mismatch",
                f"volume must have one value per input row ({len(self._row_unit)}), got {len(values)}",
            )
        used = (self._row_unit >= 0) & (self._row_column >= 0)
        if not np.all(np.isfinite(values[used])) or np.any(values[used] < 0):
            raise DidError("invalid_volume", "volume must be finite and non-negative on the rows used")
        matrix = np.zeros((self._n, self._T))
        matrix[self._row_unit[used], self._row_column[used]] = values[used]
        return matrix

    def _post_cell_volumes(self, volume) -> tuple[np.ndarray, np.ndarray]:
        """(volume matrix, N_gt of each cell: total volume of the cell's cohort in its period)."""
        matrix = self._volume_matrix(volume)
        per_cohort = np.add.reduceat(matrix, self._starts, axis=0)
        return matrix, per_cohort[self._cell_h, self._cell_column]

    def counterfactual(self, volume) -> list[dict]:
        """Treated units' volume-weighted outcome with and without the campaign, period by period.

        For every period where at least one unit is already treated (and the treated units' volume is positive):
        ``{"period", "observed", "without_campaign", "ci95": [lo, hi]}`` with observed = Σ y·n / Σ n over units with
        0 < g <= t and without_campaign = observed − Σ_g ATT(g,t)·N_gt / Σ_g N_gt (N_gt = total volume of cohort g
        in t). Volumes are taken as fixed; the interval comes from the ATT(g,t) influence functions.
        """
        matrix, n_gt = self._post_cell_volumes(volume)
        post = np.flatnonzero(self._cell_post)
        by_period = np.zeros(self._T)
        np.add.at(by_period, self._cell_column[post], n_gt[post])
        columns = np.unique(self._cell_column[post])
        columns = columns[by_period[columns] > 0]
        if len(columns) == 0:
            return []
        slot = np.full(self._T, -1)
        slot[columns] = np.arange(len(columns))
        post = post[slot[self._cell_column[post]] >= 0]
        combination = np.zeros((len(self._att), len(columns)))
        combination[post, slot[self._cell_column[post]]] = n_gt[post] / by_period[self._cell_column[post]]
        sums = self._cluster_sums(combination, np.zeros((len(self._cohort_values), len(columns))))
        correction = combination.T @ self._att
        se = self._se(sums)
        treated_by = self._cohort_values[self._unit_cohort]
        out = []
        for i, col in enumerate(columns):
            rows = (treated_by > 0) & (treated_by <= self._grid[col]) & np.isin(self._unit_cohort, self._estimated)
            observed = float((self._y[rows, col] * matrix[rows, col]).sum() / matrix[rows, col].sum())
            without = observed - float(correction[i])
            out.append(
                {
                    "period": int(self._grid[col]),
                    "observed": observed,
                    "without_campaign": without,
                    "ci95": [without - Z95 * float(se[i]), without + Z95 * float(se[i])],
                }
            )
        return out

    def extra_outcomes(self, volume) -> dict:
        """Σ over post cells of ATT(g,t) × N_gt (extra online dossiers), ``{"estimate", "se", "ci95"}``."""
        _, n_gt = self._post_cell_volumes(volume)
        combination = np.where(self._cell_post, n_gt, 0.0)[:, None]
        sums = self._cluster_sums(combination, np.zeros((len(self._cohort_values), 1)))
        estimate = float(combination[:, 0] @ self._att)
        se = float(self._se(sums)[0])
        return {"estimate": estimate, "se": se, "ci95": [estimate - Z95 * se, estimate + Z95 * se]}

    def to_dict(self) -> dict:
        """Everything computed, JSON-ready (the default-window pretest included)."""
        return {
            "control": self.control,
            "n_units": self.n_units,
            "n_periods": self.n_periods,
            "n_clusters": self.n_clusters,
            "periods": list(self.periods),
            "cohorts": [dict(c) for c in self.cohorts],
            "att_gt": [dict(c) for c in self.att_gt],
            "aggregations": {kind: self.aggregate(kind) for kind in AGGREGATIONS},
            "pretest": None if self._pretest_default is None else dict(self._pretest_default),
            "warnings": [{"code": w["code"], "params": dict(w["params"])} for w in self.warnings],
        }
