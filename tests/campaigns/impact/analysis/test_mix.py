"""campaigns.impact.analysis.mix against hand computations, dummy-variable OLS and synthetic panels (no database needed)."""

import numpy as np
import pytest

from campaigns.impact.analysis.mix import (
    COLLINEAR,
    DECAY_AT_GRID_EDGE,
    DECAY_NOT_SELECTED,
    FEW_UNITS,
    activity_mix,
    geometric_adstock,
    twfe,
)

Z95 = 1.959963984540054

# --- geometric_adstock ---------------------------------------------------------------------------------------------


def test_adstock_by_hand():
    # a = 1; 0 + 0.5·1 = 0.5; 0 + 0.5·0.5 = 0.25; 2 + 0.5·0.25 = 2.125
    assert geometric_adstock([1, 0, 0, 2], 0.5).tolist() == [1.0, 0.5, 0.25, 2.125]


def test_adstock_zero_decay_is_the_series():
    assert geometric_adstock([3, 0, 1], 0).tolist() == [3.0, 0.0, 1.0]


def test_adstock_matrix_is_row_by_row():
    matrix = np.array([[1.0, 0, 0, 2], [0, 4, 0, 0], [5, 5, 5, 5]])
    result = geometric_adstock(matrix, 0.3)
    for row, expected in zip(matrix, result, strict=True):
        assert np.allclose(geometric_adstock(row, 0.3), expected)


@pytest.mark.parametrize(
    "x, decay, message",
    [
        ([1, 2], -0.1, "decay must be in"),
        ([1, 2], 1.0, "decay must be in"),
        ([1, 2], float("nan"), "decay must be in"),
        ([1, 2], "0.5x", "decay must be a number"),
        ([1, 2], True, "decay must be a number"),
        ([1, float("nan")], 0.5, "finite"),
        ([[[1.0]]], 0.5, "dimension"),
    ],
)
def test_adstock_rejects_bad_input(x, decay, message):
    with pytest.raises(ValueError, match=message):
        geometric_adstock(x, decay)


# --- twfe ----------------------------------------------------------------------------------------------------------


def _panel(units, periods, *, seed=0, keep=1.0):
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(units), periods)
    time = np.tile(np.arange(periods), units)
    mask = rng.random(unit.size) < keep
    mask[:periods] = True  # the first unit is seen every period, which keeps the panel connected
    unit, time = unit[mask], time[mask]
    alpha = rng.normal(size=units)
    lam = rng.normal(size=periods)
    X = np.column_stack([rng.normal(size=unit.size) + alpha[unit], rng.poisson(3, size=unit.size) + lam[time]])
    y = alpha[unit] + lam[time] + X @ np.array([0.7, -0.3]) + rng.normal(size=unit.size) * (1 + 0.5 * (unit % 3))
    return y, X, unit, time


def _dummy_ols(y, X, unit, time):
    """OLS with all unit dummies and all but one period dummies, with a CR1 cluster-by-unit covariance.

    K in the small-sample factor counts the regressors and the period dummies, not the unit dummies
    (they are nested within the unit clusters), as documented in twfe.
    """
    units, periods = np.unique(unit), np.unique(time)
    design = np.column_stack(
        [X] + [(unit == u).astype(float) for u in units] + [(time == t).astype(float) for t in periods[1:]]
    )
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    residual = y - design @ beta
    bread = np.linalg.inv(design.T @ design)
    scores = np.vstack([(design[unit == u] * residual[unit == u, None]).sum(axis=0) for u in units])
    n, g, k = y.size, units.size, X.shape[1] + periods.size - 1
    vcov = g / (g - 1) * (n - 1) / (n - k) * bread @ scores.T @ scores @ bread
    p = X.shape[1]
    return beta[:p], np.sqrt(np.diag(vcov)[:p]), residual, k


@pytest.mark.parametrize("keep", [1.0, 0.7])
def test_twfe_equals_dummy_variable_ols(keep):
    y, X, unit, time = _panel(25, 8, keep=keep)
    result = twfe(y, X, unit, time)
    coef, se, residual, k = _dummy_ols(y, X, unit, time)
    assert np.allclose(result.coef, coef, rtol=0, atol=1e-8)
    assert np.allclose(result.se, se, rtol=1e-8, atol=0)
    assert np.allclose(result.residuals, residual, rtol=0, atol=1e-8)
    assert result.dof_k == k
    assert result.kept.tolist() == [True, True]
    assert (result.n_units, result.n_periods, result.n_clusters) == (25, 8, 25)
    # unit + period effects reproduce the fitted values
    fitted = np.array([result.unit_effects[u] + result.period_effects[t] for u, t in zip(unit, time, strict=True)])
    assert np.allclose(y - X @ result.coef - fitted, result.residuals, atol=1e-8)


def test_twfe_by_hand_three_units_two_periods():
    # With two periods two-way demeaning is first differencing: x̃_it = ±(Δx_i − mean Δx)/2.
    # x: a (0, 1), b (0, 2), c (0, 3) → Δx = 1, 2, 3, centred −1, 0, 1
    # y: a (1, 2), b (0, 3), c (2, 6) → Δy = 1, 3, 4, centred −5/3, 1/3, 4/3
    # β = (5/3 + 0 + 4/3) / 2 = 1.5; centred residual differences r = (−1/6, 1/3, −1/6), e_it = ∓r_i/2
    # x̃ = a (0.5, −0.5), b (0, 0), c (−0.5, 0.5): Σx̃² = 1; cluster scores a 1/12, b 0, c −1/12 → meat 1/72
    # K = 1 regressor + (2 periods − 1) = 2; CR1 factor = 3/2 · 5/4 = 15/8 → V = 15/576, SE = 0.161374
    result = twfe([1, 2, 0, 3, 2, 6], [0, 1, 0, 2, 0, 3], list("aabbcc"), [1, 2] * 3)
    assert result.coef.tolist() == pytest.approx([1.5])
    assert result.se.tolist() == pytest.approx([0.161374], abs=1e-6)
    assert result.dof_k == 2
    assert result.residuals.tolist() == pytest.approx([1 / 12, -1 / 12, -1 / 6, 1 / 6, 1 / 12, -1 / 12])


def test_twfe_balanced_fast_path_equals_alternating_projections():
    y, X, unit, time = _panel(30, 10, seed=4)
    fast = twfe(y, X, unit, time)
    slow = twfe(y, X, unit, time, fast_path=False)
    assert np.allclose(fast.coef, slow.coef, rtol=0, atol=1e-10)
    assert np.allclose(fast.se, slow.se, rtol=1e-9, atol=0)
    assert np.allclose(fast.residuals, slow.residuals, rtol=0, atol=1e-10)


def test_twfe_drops_columns_without_within_variation_or_collinear():
    y, X, unit, time = _panel(20, 6, seed=2)
    rng = np.random.default_rng(9)
    per_unit = rng.normal(size=20)[unit]
    per_period = rng.normal(size=6)[time]
    design = np.column_stack([X[:, 0], np.full(y.size, 5.0), per_unit + per_period, 2 * X[:, 0] - 1, X[:, 1]])
    result = twfe(y, design, unit, time)
    assert result.kept.tolist() == [True, False, False, False, True]
    assert np.isnan(result.coef[1:4]).all()
    assert np.isnan(result.se[1:4]).all()
    reference = twfe(y, X, unit, time)
    assert np.allclose(result.coef[[0, 4]], reference.coef, atol=1e-10)
    assert np.allclose(result.se[[0, 4]], reference.se, rtol=1e-9)


def test_twfe_other_clusters_count_the_unit_effects():
    # clustering by region (units 0-9 → 10 regions of two units... here 5 regions): unit effects are nested in regions,
    # period effects are not: K = 2 + (8 − 1)
    y, X, unit, time = _panel(20, 8, seed=5)
    result = twfe(y, X, unit, time, cluster=unit // 4)
    assert result.n_clusters == 5
    assert result.dof_k == 2 + 7
    # clustering by period: the period effects are nested, the unit effects count: K = 2 + (20 − 1)
    assert twfe(y, X, unit, time, cluster=time).dof_k == 2 + 19


@pytest.mark.parametrize(
    "args, kwargs, message",
    [
        (([], np.zeros((0, 1)), [], []), {}, "y must not be empty"),
        (([1.0, 2.0], [[1.0], [2.0]], ["a", "a"], [1, 2]), {}, "at least 2 clusters"),
        (([1.0, float("nan")], [[1.0], [2.0]], ["a", "b"], [1, 2]), {}, "finite"),
        (([1.0, 2.0], [[1.0], [2.0], [3.0]], ["a", "b"], [1, 2]), {}, "one row per observation"),
        (([1.0, 2.0], [[1.0], [2.0]], ["a"], [1, 2]), {}, "unit must have one label"),
        (([1.0, 2.0], [[1.0], [2.0]], ["a", "b"], [1, "x"]), {}, "comparable"),
        # 2 × 2 with one regressor: 3 effects + 1 slope leave no residual degrees of freedom
        (([1.0, 2.0, 3.0, 4.0], [[1.0], [2.0], [0.0], [5.0]], ["a", "a", "b", "b"], [1, 2, 1, 2]), {}, "too few"),
    ],
)
def test_twfe_rejects_bad_input(args, kwargs, message):
    with pytest.raises(ValueError, match=message):
        twfe(*args, **kwargs)


# --- activity_mix --------------------------------------------------------------------------------------------------


def _synthetic(units=60, periods=36, *, seed=1, decay=0.5, leaflet=0.01, training=0.02):
    """Unit and month effects plus adstocked leaflets and trainings (true decay 0.5) and a channel with no effect."""
    rng = np.random.default_rng(seed)
    leaflets = rng.poisson(3, (units, periods)) * (rng.random((units, periods)) < 0.4)
    trainings = rng.poisson(2, (units, periods)) * (rng.random((units, periods)) < 0.3)
    posters = rng.poisson(2, (units, periods)) * (rng.random((units, periods)) < 0.3)
    y = (
        rng.normal(0, 0.05, units)[:, None]
        + np.linspace(0, 0.1, periods)[None, :]
        + leaflet * geometric_adstock(leaflets, decay)
        + training * geometric_adstock(trainings, decay)
        + rng.normal(0, 0.02, (units, periods))
    )
    unit = np.repeat(np.arange(units), periods)
    time = np.tile(np.arange(periods), units)
    channels = {"leaflet": leaflets.ravel(), "training": trainings.ravel(), "poster": posters.ravel()}
    return y.ravel(), channels, unit, time


def _by_channel(result):
    return {row["channel"]: row for row in result.results}


def test_activity_mix_recovers_known_effects_and_decay():
    y, channels, unit, time = _synthetic()
    result = activity_mix(y, channels, unit, time, scale={"leaflet": 100, "training": 10})
    rows = _by_channel(result)
    assert list(rows) == ["leaflet", "training", "poster"]
    for name, true_coef in [("leaflet", 0.01), ("training", 0.02)]:
        assert abs(rows[name]["coef"] - true_coef) < 3 * rows[name]["se"]
        assert rows[name]["adstock"] in (0.3, 0.5, 0.7)
    low, high = rows["poster"]["ci95"]
    assert low <= 0 <= high
    assert result.warnings == []
    assert result.holdout_mse is not None
    assert (result.n_obs, result.n_units, result.n_periods) == (60 * 36, 60, 36)


def test_activity_mix_scale():
    y, channels, unit, time = _synthetic()
    rows = _by_channel(activity_mix(y, channels, unit, time, scale={"leaflet": 100, "training": 10}))
    leaflet = rows["leaflet"]
    assert leaflet["scale"] == 100
    assert leaflet["effect_per_scale"] == pytest.approx(leaflet["coef"] * 100)
    assert leaflet["ci95"][0] == pytest.approx(leaflet["coef"] * 100 - Z95 * leaflet["se"] * 100)
    assert leaflet["ci95"][1] == pytest.approx(leaflet["coef"] * 100 + Z95 * leaflet["se"] * 100)
    assert rows["training"]["effect_per_scale"] == pytest.approx(rows["training"]["coef"] * 10)
    assert rows["poster"]["effect_per_scale"] == pytest.approx(rows["poster"]["coef"])


def test_activity_mix_tells_a_short_carry_over_from_a_long_one():
    rng = np.random.default_rng(11)
    units, periods = 60, 36
    a = rng.poisson(3, (units, periods)) * (rng.random((units, periods)) < 0.4)
    b = rng.poisson(3, (units, periods)) * (rng.random((units, periods)) < 0.4)
    y = (
        rng.normal(0, 0.05, units)[:, None]
        + 0.01 * geometric_adstock(a, 0.0)
        + 0.01 * geometric_adstock(b, 0.7)
        + rng.normal(0, 0.01, (units, periods))
    )
    result = activity_mix(
        y.ravel(),
        {"a": a.ravel(), "b": b.ravel()},
        np.repeat(np.arange(units), periods),
        np.tile(np.arange(periods), units),
    )
    rows = _by_channel(result)
    assert rows["a"]["adstock"] in (0.0, 0.3)
    assert rows["b"]["adstock"] in (0.5, 0.7, 0.9)


def test_activity_mix_unbalanced_panel():
    y, channels, unit, time = _synthetic(seed=6)
    keep = np.random.default_rng(6).random(y.size) < 0.8
    result = activity_mix(y[keep], {k: v[keep] for k, v in channels.items()}, unit[keep], time[keep])
    rows = _by_channel(result)
    # missing cells count as no activity in the adstock, so allow a little slack beyond sampling error
    assert abs(rows["leaflet"]["coef"] - 0.01) < 4 * rows["leaflet"]["se"] + 0.002
    assert abs(rows["training"]["coef"] - 0.02) < 4 * rows["training"]["se"] + 0.002
    assert result.n_obs == int(keep.sum())


def test_activity_mix_flags_a_constant_channel_as_collinear():
    y, channels, unit, time = _synthetic(units=40, periods=24)
    channels["radio"] = np.full(y.size, 5.0)
    result = activity_mix(y, channels, unit, time)
    radio = _by_channel(result)["radio"]
    assert radio["coef"] is None and radio["se"] is None and radio["ci95"] is None
    assert {"code": COLLINEAR, "channel": "radio"} in result.warnings
    assert _by_channel(result)["leaflet"]["coef"] is not None


def test_activity_mix_few_units():
    y, channels, unit, time = _synthetic(units=10, periods=24)
    result = activity_mix(y, channels, unit, time)
    assert {"code": FEW_UNITS, "channel": None} in result.warnings


def test_activity_mix_too_few_periods_for_the_holdout():
    y, channels, unit, time = _synthetic(units=40, periods=7)
    result = activity_mix(y, channels, unit, time, holdout=6)
    assert {"code": DECAY_NOT_SELECTED, "channel": None} in result.warnings
    assert all(row["adstock"] == 0.0 for row in result.results)
    assert result.holdout_mse is None


def test_activity_mix_single_decay_needs_no_selection():
    y, channels, unit, time = _synthetic(units=40, periods=12)
    result = activity_mix(y, channels, unit, time, decays=[0.5], holdout=0)
    assert [row["adstock"] for row in result.results] == [0.5, 0.5, 0.5]
    assert result.warnings == []


def test_activity_mix_decay_at_grid_edge():
    y, channels, unit, time = _synthetic(units=40, periods=30, decay=0.9)
    result = activity_mix(y, channels, unit, time, decays=(0.0, 0.5))
    assert {"code": DECAY_AT_GRID_EDGE, "channel": "leaflet"} in result.warnings


def _small():
    return [0.1, 0.2, 0.3, 0.4], {"leaflet": [1, 0, 2, 0]}, ["a", "a", "b", "b"], [1, 2, 1, 2]


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda a: a.__setitem__(0, [0.1, float("nan"), 0.3, 0.4]), "y must contain only finite"),
        (
            lambda a: a.__setitem__(1, {"leaflet": [1, 0, float("inf"), 0]}),
            "channels\\['leaflet'\\] must contain only finite",
        ),
        (lambda a: a.__setitem__(1, {"leaflet": [1, 0, 2]}), "one value per observation"),
        (lambda a: a.__setitem__(2, ["a", "a", "b"]), "unit must have one label"),
        (lambda a: a.__setitem__(3, [1, 2, 1]), "time must have one label"),
        (lambda a: a.__setitem__(1, {}), "non-empty mapping"),
        (lambda a: a.__setitem__(0, []), "y must not be empty"),
        (lambda a: a.__setitem__(3, [1, 1, 1, 2]), "at most once"),
        (lambda a: a[4].__setitem__("decays", (0.0, -0.2)), "decays\\[1\\] must be in"),
        (lambda a: a[4].__setitem__("decays", (0.5, 1.0)), "decays\\[1\\] must be in"),
        (lambda a: a[4].__setitem__("decays", ()), "decays must be a non-empty"),
        (lambda a: a[4].__setitem__("holdout", -1), "holdout"),
        (lambda a: a[4].__setitem__("scale", {"radio": 10}), "not in channels"),
        (lambda a: a[4].__setitem__("scale", {"leaflet": 0}), "positive number"),
        (lambda a: a[4].__setitem__("scale", {"leaflet": float("nan")}), "positive number"),
    ],
)
def test_activity_mix_rejects_hostile_input(change, message):
    args = [*_small(), {}]
    change(args)
    y, channels, unit, time, kwargs = args
    with pytest.raises(ValueError, match=message):
        activity_mix(y, channels, unit, time, **kwargs)
