"""Counterfactual and extra outcomes of campaigns.impact.analysis.did, by hand and against a brute-force reference."""

import math

import numpy as np
import pytest

from campaigns.impact.analysis.did import DidError, staggered_did

from .test_did import HAND_G, HAND_Y, Z95, long

HAND_VOLUME = [
    [10, 10, 20, 30],  # cohort 3
    [10, 10, 10, 10],  # cohort 3
    [5, 5, 5, 5],  # cohort 4
    [5, 5, 15, 5],  # cohort 4
    [8, 8, 8, 8],  # never
    [1, 1, 1, 1],  # never
]


def hand():
    return staggered_did(*long(HAND_Y, HAND_G)), np.ravel(HAND_VOLUME).astype(float)


def test_counterfactual_by_hand():
    result, volume = hand()
    periods = result.counterfactual(volume)
    assert [p["period"] for p in periods] == [3, 4]  # nobody is treated before period 3
    third, fourth = periods
    # Period 3: cohort 3 only. Observed = (4·20 + 5·10) / 30; ATT(3,3) = 2 (see test_did).
    assert third["observed"] == pytest.approx(130 / 30)
    assert third["without_campaign"] == pytest.approx(130 / 30 - 2.0)
    # The interval is that of ATT(3,3) (SE 0.5) around the counterfactual.
    assert third["ci95"] == pytest.approx([130 / 30 - 2.0 - Z95 * 0.5, 130 / 30 - 2.0 + Z95 * 0.5])
    # Period 4: units 1-4, y = (7, 6, 3, 7), n = (30, 10, 5, 5) → 320 / 50.
    # N_3,4 = 40, N_4,4 = 10: correction = (2.5·40 + 1·10) / 50 = 2.2.
    assert fourth["observed"] == pytest.approx(6.4)
    assert fourth["without_campaign"] == pytest.approx(6.4 - 2.2)
    # Influence function of (40·ATT(3,4) + 10·ATT(4,4)) / 50, per unit and divided by n:
    # ψ(3,4)/n = (0.25, −0.25, 0, 0, 0.5, −0.5), ψ(4,4)/n = (0, 0, −0.25, 0.25, 0.25, −0.25)
    # → (0.2, −0.2, −0.05, 0.05, 0.45, −0.45), SE² = 0.08 + 0.005 + 0.405 = 0.49.
    assert fourth["ci95"] == pytest.approx([4.2 - Z95 * 0.7, 4.2 + Z95 * 0.7])


def test_extra_outcomes_by_hand():
    result, volume = hand()
    extra = result.extra_outcomes(volume)
    # Σ ATT(g,t)·N_gt = 2·30 + 2.5·40 + 1·10.
    assert extra["estimate"] == pytest.approx(170.0)
    # 30ψ(3,3) + 40ψ(3,4) + 10ψ(4,4), over n: (2.5, −2.5, −2.5, 2.5, 30, −30) → SE² = 4·6.25 + 2·900.
    assert extra["se"] == pytest.approx(math.sqrt(1825))
    assert extra["ci95"] == pytest.approx([170 - Z95 * math.sqrt(1825), 170 + Z95 * math.sqrt(1825)])


def brute_force_influence(y, g, w, control):
    """Per-cell influence functions written cell by cell, straight from the definition."""
    n, T = y.shape
    out_cells, columns = [], []
    for gc in sorted(set(g[g > 0])):
        for t in range(2, T + 1):
            base = gc - 1 if t >= gc else t - 1
            D = g == gc
            C = (g == 0) if control == "never" else ((g == 0) | ((g > t) & (g != gc)))
            delta = y[:, t - 1] - y[:, base - 1]
            m1 = np.sum(w * D * delta) / np.sum(w * D)
            m0 = np.sum(w * C * delta) / np.sum(w * C)
            out_cells.append((gc, t, m1 - m0))
            columns.append(n * (w * D * (delta - m1) / np.sum(w * D) - w * C * (delta - m0) / np.sum(w * C)))
    return out_cells, np.column_stack(columns)


@pytest.mark.parametrize("control", ["never", "notyet"])
def test_counterfactual_and_extra_outcomes_match_a_brute_force_reference(control):
    rng = np.random.default_rng(21)
    n, T = 90, 8
    g = rng.choice([0, 3, 5, 6], size=n)
    y = rng.uniform(0.2, 0.6, size=(n, T)) + 0.01 * np.arange(T)
    w = rng.integers(1, 4, size=n).astype(float)
    cluster = rng.integers(0, 12, size=n)
    volume = rng.integers(0, 50, size=(n, T)).astype(float)
    result = staggered_did(*long(y, g), control=control, weights=np.repeat(w, T), cluster=np.repeat(cluster, T))
    ref_cells, psi = brute_force_influence(y, g, w, control)
    assert [(c["group"], c["time"]) for c in result.att_gt] == [(a, b) for a, b, _ in ref_cells]
    att = np.array([a for _, _, a in ref_cells])
    assert [c["att"] for c in result.att_gt] == pytest.approx(att, abs=1e-12)

    def clustered_se(influence):
        sums = np.zeros(12)
        np.add.at(sums, cluster, influence)
        return math.sqrt(np.sum(sums**2)) / n

    assert [c["se"] for c in result.att_gt] == pytest.approx([clustered_se(psi[:, j]) for j in range(len(att))])
    n_gt = np.array([volume[g == a, b - 1].sum() if b >= a else 0.0 for a, b, _ in ref_cells])
    extra = result.extra_outcomes(np.ravel(volume))
    assert extra["estimate"] == pytest.approx(n_gt @ att)
    assert extra["se"] == pytest.approx(clustered_se(psi @ n_gt))
    periods = result.counterfactual(np.ravel(volume))
    assert [p["period"] for p in periods] == [3, 4, 5, 6, 7, 8]
    for entry in periods:
        t = entry["period"]
        in_t = np.array([b == t and b >= a for a, b, _ in ref_cells])
        weights = np.where(in_t, n_gt, 0.0) / n_gt[in_t].sum()
        treated = (g > 0) & (g <= t)
        observed = (y[treated, t - 1] * volume[treated, t - 1]).sum() / volume[treated, t - 1].sum()
        assert entry["observed"] == pytest.approx(observed)
        assert entry["without_campaign"] == pytest.approx(observed - weights @ att)
        half = Z95 * clustered_se(psi @ weights)
        assert entry["ci95"] == pytest.approx([observed - weights @ att - half, observed - weights @ att + half])


def test_volume_checks():
    result, volume = hand()
    with pytest.raises(DidError) as error:
        result.counterfactual(volume[:-1])
    assert error.value.code == "length_mismatch"
    bad = volume.copy()
    bad[0] = -1
    with pytest.raises(DidError) as error:
        result.extra_outcomes(bad)
    assert error.value.code == "invalid_volume"
    bad[0] = np.nan
    with pytest.raises(DidError) as error:
        result.counterfactual(bad)
    assert error.value.code == "invalid_volume"


def test_rows_of_dropped_units_are_ignored_and_zero_volume_periods_skipped():
    unit, time, y, first = long(HAND_Y, HAND_G)
    y = np.r_[y, [np.nan, 1.0, 1.0, 1.0]]  # a seventh unit, never treated, with a month without dossiers
    unit, time, first = np.r_[unit, [6] * 4], np.r_[time, [1, 2, 3, 4]], np.r_[first, [0] * 4]
    result = staggered_did(unit, time, y, first)
    volume = np.r_[np.ravel(HAND_VOLUME).astype(float), [np.nan, 3, 3, 3]]
    assert result.extra_outcomes(volume)["estimate"] == pytest.approx(170.0)
    volume[(unit < 4) & (time == 3)] = 0.0
    assert [p["period"] for p in result.counterfactual(volume)] == [4]
