"""Known answers for campaigns.impact.analysis.did (staggered difference-in-differences), no database needed.

Three kinds of checks: small panels computed by hand (differences of means written out), reference numbers
produced once by the csdid package (see test_matches_csdid_*), and synthetic panels with a known effect.
"""

import math

import numpy as np
import pytest
from scipy import stats

from campaigns.impact.analysis.did import DidError, staggered_did

Z95 = 1.959963984540054


def long(matrix, cohorts, periods=None, unit_ids=None):
    """Rows (unit, time, y, first_treated) of a units x periods matrix."""
    matrix = np.asarray(matrix, dtype=float)
    n, T = matrix.shape
    periods = np.arange(1, T + 1) if periods is None else np.asarray(periods)
    ids = np.arange(n) if unit_ids is None else np.asarray(unit_ids)
    unit = np.repeat(ids, T)
    time = np.tile(periods, n)
    first = np.repeat(np.asarray(cohorts), T)
    return unit, time, matrix.ravel(), first


def cells(result):
    return {(c["group"], c["time"]): (c["att"], c["se"]) for c in result.att_gt}


def numbers(att_gt):
    return [x for c in att_gt for x in (c["group"], c["time"], c["att"], c["se"])]


def codes(result):
    return [w["code"] for w in result.warnings]


def warning(result, code):
    found = [w for w in result.warnings if w["code"] == code]
    assert len(found) == 1, result.warnings
    return found[0]["params"]


# --- a panel computed by hand: 6 units x 4 periods, cohorts 3 and 4, two never-treated units --------------------

HAND_Y = [
    [1, 2, 4, 7],  # cohort 3
    [2, 2, 5, 6],  # cohort 3
    [0, 1, 1, 3],  # cohort 4
    [1, 3, 4, 7],  # cohort 4
    [1, 2, 2, 3],  # never
    [2, 2, 3, 5],  # never
]
HAND_G = [3, 3, 4, 4, 0, 0]


def hand_result(**kwargs):
    return staggered_did(*long(HAND_Y, HAND_G), **kwargs)


def test_hand_att_gt_never_treated_controls():
    result = hand_result()
    got = cells(result)
    assert sorted(got) == [(3, 2), (3, 3), (3, 4), (4, 2), (4, 3), (4, 4)]  # period 1 has no base period
    # ATT(3,3): base 2. Treated Δ = (4-2, 5-2) = (2, 3) → 2.5; never Δ = (2-2, 3-2) = (0, 1) → 0.5.
    assert got[3, 3][0] == pytest.approx(2.5 - 0.5)
    # ATT(3,4): base stays 2 (long difference). Treated (7-2, 6-2) → 4.5; never (3-2, 5-2) → 2.
    assert got[3, 4][0] == pytest.approx(4.5 - 2.0)
    # Pre cells compare t with t-1. ATT(3,2): treated (1, 0) → 0.5; never (1, 0) → 0.5.
    assert got[3, 2][0] == pytest.approx(0.0, abs=1e-15)
    # ATT(4,2): treated (1, 2) → 1.5; never 0.5. ATT(4,3): treated (0, 1) → 0.5; never (0, 1) → 0.5.
    assert got[4, 2][0] == pytest.approx(1.0)
    assert got[4, 3][0] == pytest.approx(0.0, abs=1e-15)
    # ATT(4,4): base 3. Treated (3-1, 7-4) = (2, 3) → 2.5; never (3-2, 5-3) = (1, 2) → 1.5.
    assert got[4, 4][0] == pytest.approx(1.0)


def test_hand_standard_error_from_the_influence_function():
    # Influence function of ATT(g,t), unweighted: ψ_i = n·[D_i(Δ_i − m1)/n1 − C_i(Δ_i − m0)/n0], SE = sqrt(Σψ²)/n,
    # i.e. SE² = Σ_treated (Δ − m1)² / n1² + Σ_control (Δ − m0)² / n0².
    # ATT(3,3): treated deviations (−0.5, 0.5), control deviations (−0.5, 0.5), n1 = n0 = 2:
    # SE² = (0.25 + 0.25)/4 + (0.25 + 0.25)/4 = 0.25 → SE = 0.5.
    got = cells(hand_result())
    assert got[3, 3][1] == pytest.approx(0.5)
    # ATT(3,4): treated Δ (5, 4) dev (0.5, −0.5); control Δ (1, 3) dev (−1, 1): SE² = 0.5/4 + 2/4 = 0.625.
    assert got[3, 4][1] == pytest.approx(math.sqrt(0.625))


def test_hand_aggregations():
    result = hand_result()
    # All cohorts have 2 units, so the cohort-size weights are equal.
    simple = result.aggregate("simple")
    assert simple["att"] == pytest.approx((2.0 + 2.5 + 1.0) / 3)
    assert simple["detail"] == []
    assert simple["ci95"] == pytest.approx([simple["att"] - Z95 * simple["se"], simple["att"] + Z95 * simple["se"]])
    group = result.aggregate("group")
    assert {d["key"]: d["att"] for d in group["detail"]} == pytest.approx({3: 2.25, 4: 1.0})
    assert group["att"] == pytest.approx(1.625)
    dynamic = result.aggregate("dynamic")
    # e = −2: ATT(4,2) = 1; e = −1: ATT(3,2), ATT(4,3) = 0; e = 0: (2 + 1)/2; e = 1: ATT(3,4) = 2.5.
    assert {d["key"]: d["att"] for d in dynamic["detail"]} == pytest.approx({-2: 1.0, -1: 0.0, 0: 1.5, 1: 2.5})
    assert dynamic["att"] == pytest.approx((1.5 + 2.5) / 2)
    calendar = result.aggregate("calendar")
    assert {d["key"]: d["att"] for d in calendar["detail"]} == pytest.approx({3: 2.0, 4: 1.75})
    assert calendar["att"] == pytest.approx(1.875)


def test_hand_not_yet_treated_controls():
    got = cells(hand_result(control="notyet"))
    # ATT(3,3): controls = never + cohort 4 (not treated at 3): Δ(3−2) = (0, 1, 0, 1) → 0.5, treated 2.5.
    assert got[3, 3][0] == pytest.approx(2.0)
    # ATT(4,2) (pre cell, 2 vs 1): controls = never + cohort 3 (treated at 3 > 2): Δ = (1, 0, 1, 0) → 0.5.
    assert got[4, 2][0] == pytest.approx(1.5 - 0.5)
    # ATT(3,4): at 4 every cohort is treated, so only the never-treated remain.
    assert got[3, 4][0] == pytest.approx(2.5)


def test_pretest_with_one_event_time_is_the_squared_z():
    result = hand_result()
    minus_one = next(d for d in result.aggregate("dynamic")["detail"] if d["key"] == -1)
    minus_two = next(d for d in result.aggregate("dynamic")["detail"] if d["key"] == -2)
    test = result.pretest(window=1)
    assert test["df"] == 1
    assert test["statistic"] == pytest.approx((minus_one["att"] / minus_one["se"]) ** 2, abs=1e-12)
    assert result.pretest(window=2)["df"] == 2
    assert minus_two["se"] > 0


def test_shuffled_rows_string_units_and_month_ordinals_give_the_same_numbers():
    unit, time, y, first = long(HAND_Y, HAND_G)
    reference = hand_result().to_dict()
    order = np.random.default_rng(0).permutation(len(unit))
    labels = np.array([f"commune-{u:05d}" for u in unit])
    months = 2024 * 12 + 5 + time  # month ordinals
    first_months = np.where(first > 0, 2024 * 12 + 5 + first, 0)
    result = staggered_did(
        list(labels[order]), list(months[order]), list(y[order]), list(first_months[order])
    ).to_dict()
    assert [c["att"] for c in result["att_gt"]] == pytest.approx([c["att"] for c in reference["att_gt"]])
    assert [c["se"] for c in result["att_gt"]] == pytest.approx([c["se"] for c in reference["att_gt"]])
    assert result["aggregations"]["dynamic"]["att"] == pytest.approx(reference["aggregations"]["dynamic"]["att"])


# --- reference numbers from csdid ---------------------------------------------------------------------------------
# Produced once with csdid 0.4.3 (PyPI) in a throw-away virtual environment, rounded to 12 decimals:
#   ATTgt(yname="y", tname="t", idname="id", gname="g", data=df, control_group=...,
#         weights_name="w" | None, clustervar="cl" | None).fit(est_method="dr", base_period="varying", bstrap=False)
#   .aggte(typec=kind, bstrap=False, cband=False)
# on the 15 x 5 panel below (rows = units 1..15, columns = periods 1..5).

REF_Y = [
    [0.373, 0.315, 0.437, 0.513, 0.455], [0.321, 0.361, 0.391, 0.45, 0.473], [0.288, 0.278, 0.367, 0.417, 0.396],
    [0.278, 0.301, 0.308, 0.352, 0.411], [0.328, 0.338, 0.392, 0.426, 0.499], [0.374, 0.418, 0.408, 0.484, 0.53],
    [0.359, 0.399, 0.408, 0.471, 0.522], [0.403, 0.392, 0.394, 0.432, 0.52], [0.344, 0.338, 0.403, 0.495, 0.418],
    [0.418, 0.445, 0.457, 0.558, 0.549], [0.355, 0.516, 0.426, 0.486, 0.521], [0.335, 0.275, 0.298, 0.349, 0.39],
    [0.225, 0.259, 0.294, 0.313, 0.353], [0.304, 0.321, 0.323, 0.337, 0.324], [0.337, 0.325, 0.35, 0.307, 0.402],
]  # fmt: skip
REF_G = [3] * 5 + [4] * 5 + [0] * 5
REF_W = [1, 2, 3, 1, 2, 2, 1, 1, 3, 2, 1, 1, 2, 3, 1]
REF_CLUSTER = [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 1, 2, 3, 4, 5]

CSDID_NEVER = {
    "cells": [(3, 2, -0.027, 0.036264583273), (3, 3, 0.0614, 0.0275006909), (3, 4, 0.0938, 0.02896535862),
              (3, 5, 0.0694, 0.022494088112), (4, 2, -0.0092, 0.0345512952), (4, 3, 0.0166, 0.023507615787),
              (4, 4, 0.0538, 0.019016624306), (4, 5, 0.034, 0.023872662189)],
    "simple": (0.06248, 0.015568925769),
    "group": (0.059383333333, 0.014397396562),
    "dynamic": (0.063633333333, 0.015815157989),
    "calendar": (0.0623, 0.016504804014),
    "dynamic_detail": [(-2, -0.0092, 0.0345512952), (-1, -0.0052, 0.014776197075), (0, 0.0576, 0.013811734142),
                       (1, 0.0639, 0.021243563731), (2, 0.0694, 0.022494088112)],
}  # fmt: skip
CSDID_NOTYET = {
    "cells": [(3, 2, -0.0224, 0.022980078329), (3, 3, 0.0531, 0.021959257729), (3, 4, 0.0938, 0.02896535862),
              (3, 5, 0.0694, 0.022494088112), (4, 2, 0.0043, 0.021288424084), (4, 3, 0.0166, 0.023507615787),
              (4, 4, 0.0538, 0.019016624306), (4, 5, 0.034, 0.023872662189)],
    "simple": (0.06082, 0.015028625539),
    "group": (0.058, 0.014174526251),
    "dynamic": (0.06225, 0.01515179399),
    "calendar": (0.059533333333, 0.015485968559),
    "dynamic_detail": [(-2, 0.0043, 0.021288424084), (-1, -0.0029, 0.013452397556), (0, 0.05345, 0.0123578821),
                       (1, 0.0639, 0.021243563731), (2, 0.0694, 0.022494088112)],
}  # fmt: skip
CSDID_WEIGHTED_CLUSTERED = {
    "cells": [(3, 2, -0.022111111111, 0.018699192836), (3, 3, 0.058416666667, 0.014948354306),
              (3, 4, 0.090583333333, 0.018657116761), (3, 5, 0.078527777778, 0.022798057203),
              (4, 2, -0.009, 0.02060969784), (4, 3, 0.019083333333, 0.021422086731),
              (4, 4, 0.062722222222, 0.017809916616), (4, 5, 0.034222222222, 0.033779884608)],
    "simple": (0.064894444444, 0.010856149432),
    "group": (0.062157407407, 0.010168453836),
    "dynamic": (0.067166666667, 0.01237561749),
    "calendar": (0.063814814815, 0.011056312463),
    "dynamic_detail": [(-2, -0.009, 0.02060969784), (-1, -0.001513888889, 0.015984047518),
                       (0, 0.060569444444, 0.009837425488), (1, 0.062402777778, 0.020151872559),
                       (2, 0.078527777778, 0.022798057203)],
}  # fmt: skip


def assert_matches(result, reference):
    assert [(c["group"], c["time"]) for c in result.att_gt] == [(g, t) for g, t, _, _ in reference["cells"]]
    for cell, (_, _, att, se) in zip(result.att_gt, reference["cells"], strict=True):
        assert cell["att"] == pytest.approx(att, abs=1e-11)
        assert cell["se"] == pytest.approx(se, abs=1e-11)
    for kind in ("simple", "group", "dynamic", "calendar"):
        aggregate = result.aggregate(kind)
        assert (aggregate["att"], aggregate["se"]) == pytest.approx(reference[kind], abs=1e-11), kind
    detail = result.aggregate("dynamic")["detail"]
    assert [d["key"] for d in detail] == [key for key, _, _ in reference["dynamic_detail"]]
    flat = [x for d in detail for x in (d["att"], d["se"])]
    assert flat == pytest.approx([x for _, att, se in reference["dynamic_detail"] for x in (att, se)], abs=1e-11)


def test_matches_csdid_never_treated():
    assert_matches(staggered_did(*long(REF_Y, REF_G)), CSDID_NEVER)


def test_matches_csdid_not_yet_treated():
    assert_matches(staggered_did(*long(REF_Y, REF_G), control="notyet"), CSDID_NOTYET)


def test_matches_csdid_weighted_and_clustered():
    _, time, _, _ = long(REF_Y, REF_G)
    weights = np.repeat(REF_W, 5).astype(float)
    cluster = np.repeat(REF_CLUSTER, 5)
    result = staggered_did(*long(REF_Y, REF_G), weights=weights, cluster=cluster)
    assert_matches(result, CSDID_WEIGHTED_CLUSTERED)
    assert result.n_clusters == 5
    assert warning(result, "few_clusters") == {"clusters": 5}


# --- synthetic panels with a known effect ------------------------------------------------------------------------


def synthetic(seed, *, effect=True, pre_trend=0.0, n=800, T=48, cohorts=(13, 19, 25, 31), never_share=0.25):
    """Rates with a national trend of +0.5 points a month, unit levels, noise, and τ(e) = 0.02 + 0.005·e."""
    rng = np.random.default_rng(seed)
    g = np.where(rng.random(n) < never_share, 0, rng.choice(cohorts, size=n))
    t = np.arange(1, T + 1)
    level = rng.uniform(0.1, 0.3, size=n)[:, None]
    y = level + 0.005 * t[None, :] + rng.normal(0, 0.02, size=(n, T))
    exposure = t[None, :] - g[:, None]
    treated_now = (g[:, None] > 0) & (exposure >= 0)
    if effect:
        y = y + np.where(treated_now, 0.02 + 0.005 * exposure, 0.0)
    if pre_trend:
        y = y + np.where((g[:, None] > 0) & (exposure < 0), pre_trend * exposure, 0.0)
    return y, g


def test_known_effect_is_recovered_while_naive_before_after_is_far_off():
    y, g = synthetic(1)
    result = staggered_did(*long(y, g))
    T = y.shape[1]
    # Truth: the mean of τ over treated post-treatment unit-months (what "simple" targets, cohort-size weighted).
    exposure = np.arange(1, T + 1)[None, :] - g[:, None]
    post = (g[:, None] > 0) & (exposure >= 0)
    truth = float((0.02 + 0.005 * exposure)[post].mean())
    simple = result.aggregate("simple")
    assert abs(simple["att"] - truth) < 3 * simple["se"]
    dynamic = result.aggregate("dynamic")
    for detail in dynamic["detail"]:
        expected = 0.02 + 0.005 * detail["key"] if detail["key"] >= 0 else 0.0
        assert abs(detail["att"] - expected) < 3 * detail["se"] + 1e-12, detail
    keys = [d["key"] for d in dynamic["detail"] if d["key"] >= 0]
    assert abs(dynamic["att"] - np.mean([0.02 + 0.005 * e for e in keys])) < 3 * dynamic["se"]
    # Naive: treated units' mean after minus mean before treatment, which absorbs the national trend.
    treated = g > 0
    after = np.where(post, y, np.nan)[treated]
    before = np.where(~post, y, np.nan)[treated]
    naive = float(np.nanmean(after) - np.nanmean(before))
    assert naive > 2 * truth
    assert simple["ci95"][0] < truth < simple["ci95"][1]


def test_no_effect_interval_covers_zero():
    y, g = synthetic(2, effect=False)
    result = staggered_did(*long(y, g))
    for kind in ("simple", "group", "dynamic", "calendar"):
        low, high = result.aggregate(kind)["ci95"]
        assert low < 0 < high, kind
    assert "pretest_rejects" not in codes(result)
    assert result.pretest()["p_value"] > 0.05


def test_planted_pre_trend_is_rejected_and_flagged():
    y, g = synthetic(3, pre_trend=0.003)
    result = staggered_did(*long(y, g))
    test = result.pretest()
    assert test["df"] == 12
    assert test["p_value"] < 1e-6
    params = warning(result, "pretest_rejects")
    assert params["window"] == 12
    assert params["p_value"] == pytest.approx(test["p_value"])
    assert params["statistic"] == pytest.approx(test["statistic"])


def test_pretest_is_the_wald_statistic_of_the_event_study_estimates():
    y, g = synthetic(4, effect=False, n=300, T=20, cohorts=(8, 11, 15))
    result = staggered_did(*long(y, g))
    test = result.pretest(window=3)
    assert test["df"] == 3
    # Hotelling's small-sample F form, with G = 300 units: F = W·(G − 3)/(3·(G − 1)) on (3, G − 3) df …
    f_statistic = test["statistic"] * 297 / (3 * 299)
    assert test["f_statistic"] == pytest.approx(f_statistic)
    assert test["p_value"] == pytest.approx(stats.f.sf(f_statistic, 3, 297))
    # … which is close to the chi-square p-value with this many units.
    assert test["p_value"] == pytest.approx(stats.chi2.sf(test["statistic"], 3), abs=0.02)
    # The full-window test uses every negative event time available (cohort 15 has e = −13 … −1).
    assert result.pretest(window=100)["df"] == 13


def test_pretest_with_few_units_uses_the_small_sample_form():
    # 13 units, 12 pre-period event times and no pre-trend: the chi-square reference would reject (the
    # covariance of 12 estimates is estimated from 13 unit sums); the F form does not.
    rng = np.random.default_rng(31)
    units, T = 13, 36
    g = np.array([16, 16, 18, 18, 21, 21] + [0] * 7)
    y = rng.uniform(0.1, 0.2, size=(units, 1)) + 0.008 * np.arange(T) + rng.normal(0, 0.004, size=(units, T))
    y += 0.1 * ((np.arange(1, T + 1)[None, :] >= g[:, None]) & (g[:, None] > 0))
    result = staggered_did(*long(y, g))
    test = result.pretest()
    assert test["df_denominator"] == 13 - test["df"]
    assert test["p_value"] > 0.05
    assert stats.chi2.sf(test["statistic"], test["df"]) < test["p_value"]
    assert "pretest_rejects" not in codes(result)


def test_no_pre_period_gives_no_pretest():
    y, g = synthetic(5, n=200, T=6, cohorts=(2,))
    result = staggered_did(*long(y, g))
    assert result.pretest() is None
    assert warning(result, "no_pretest") == {"window": 12}
    assert [d["key"] for d in result.aggregate("dynamic")["detail"]] == [0, 1, 2, 3, 4]


@pytest.mark.parametrize("window", [0, -1, 1.5, True, "12"])
def test_pretest_window_must_be_a_positive_integer(window):
    with pytest.raises(DidError) as error:
        hand_result().pretest(window=window)
    assert error.value.code == "invalid_window"


def test_one_cohort():
    y, g = synthetic(6, n=300, T=12, cohorts=(7,))
    result = staggered_did(*long(y, g))
    assert result.cohorts == [{"cohort": 7, "units": int((g == 7).sum())}]
    group = result.aggregate("group")
    assert len(group["detail"]) == 1
    assert group["att"] == pytest.approx(group["detail"][0]["att"])
    # With one cohort the share weights are known exactly: overall = cohort figure, same standard error.
    assert group["se"] == pytest.approx(group["detail"][0]["se"])


# --- control groups ----------------------------------------------------------------------------------------------


def test_not_yet_treated_works_without_never_treated_units_and_never_errors():
    y, g = synthetic(7, n=400, T=30, never_share=0.0, cohorts=(10, 15, 20, 25))
    args = long(y, g)
    with pytest.raises(DidError) as error:
        staggered_did(*args)
    assert error.value.code == "no_never_treated"
    result = staggered_did(*args, control="notyet")
    # The last cohort only serves as control; the periods from its treatment date on are dropped.
    assert warning(result, "last_cohort_control_only") == {
        "cohort": 25,
        "units": int((g == 25).sum()),
        "periods_dropped": 6,
    }
    assert result.periods == list(range(1, 25))
    assert [c["cohort"] for c in result.cohorts] == [10, 15, 20]
    dynamic = result.aggregate("dynamic")
    for detail in dynamic["detail"]:
        expected = 0.02 + 0.005 * detail["key"] if detail["key"] >= 0 else 0.0
        assert abs(detail["att"] - expected) < 3 * detail["se"] + 1e-12


def test_not_yet_treated_with_a_cohort_starting_in_a_month_without_data():
    y, g = synthetic(13, n=300, T=8, never_share=0.0, cohorts=(3, 5, 7))
    unit, time, outcome, first = long(y, g)
    outcome = np.where((time == 5) | (time == 6), np.nan, outcome)  # no data at all in months 5 and 6
    result = staggered_did(unit, time, outcome, first, control="notyet")
    assert result.periods == [1, 2, 3, 4]
    # Cohort 5 is not treated within the remaining panel: it only serves as a not-yet-treated control.
    assert result.cohorts == [{"cohort": 3, "units": int((g == 3).sum())}]
    assert {c["time"] for c in result.att_gt} == {2, 3, 4}


def test_single_cohort_without_never_treated_cannot_be_estimated():
    y, g = synthetic(8, n=100, T=10, never_share=0.0, cohorts=(5,))
    with pytest.raises(DidError) as error:
        staggered_did(*long(y, g), control="notyet")
    assert error.value.code == "no_treated"


# --- clustered standard errors -----------------------------------------------------------------------------------


def test_clusters_of_one_unit_reproduce_the_unclustered_standard_errors():
    # No small-sample factor (as in did/csdid): with one unit per cluster the two formulas coincide exactly.
    y, g = synthetic(9, n=300, T=16, cohorts=(6, 9, 12))
    args = long(y, g)
    plain = staggered_did(*args)
    clustered = staggered_did(*args, cluster=[f"c{u}" for u in args[0]])
    assert [c["se"] for c in clustered.att_gt] == pytest.approx([c["se"] for c in plain.att_gt], rel=1e-9)
    for kind in ("simple", "group", "dynamic", "calendar"):
        a, b = plain.aggregate(kind), clustered.aggregate(kind)
        assert b["se"] == pytest.approx(a["se"], rel=1e-9)
        assert [d["se"] for d in b["detail"]] == pytest.approx([d["se"] for d in a["detail"]], rel=1e-9)
    assert clustered.pretest()["statistic"] == pytest.approx(plain.pretest()["statistic"], rel=1e-8)


def test_correlated_clusters_widen_the_interval():
    # Campaigns roll out by district and district-month shocks hit all its units: units are not independent.
    rng = np.random.default_rng(10)
    y, _ = synthetic(10, n=600, T=16, effect=False)
    district = rng.integers(0, 40, size=600)
    g = np.array([0, 6, 9, 12])[np.arange(40) % 4][district]
    y = y + rng.normal(0, 0.02, size=(40, y.shape[1]))[district]
    args = long(y, g)
    plain = staggered_did(*args)
    clustered = staggered_did(*args, cluster=np.repeat(district, y.shape[1]))
    assert clustered.aggregate("simple")["att"] == pytest.approx(plain.aggregate("simple")["att"])
    assert clustered.aggregate("simple")["se"] > 1.5 * plain.aggregate("simple")["se"]
    assert clustered.n_clusters == 40
    assert "few_clusters" not in codes(clustered)


# --- weights -----------------------------------------------------------------------------------------------------


def test_integer_weights_equal_duplicated_units():
    y, g = synthetic(11, n=120, T=10, cohorts=(4, 7))
    weights = np.random.default_rng(11).integers(1, 4, size=len(g))
    unit, time, outcome, first = long(y, g)
    weighted = staggered_did(unit, time, outcome, first, weights=np.repeat(weights, 10).astype(float))
    copies = np.repeat(np.arange(len(g)), weights)  # unit i appears weights[i] times
    dup = long(y[copies], g[copies])
    # Copies of one unit are one sampling unit: cluster them on the original unit.
    duplicated = staggered_did(*dup, cluster=np.repeat(copies, 10))
    assert [c["att"] for c in weighted.att_gt] == pytest.approx([c["att"] for c in duplicated.att_gt], abs=1e-13)
    assert [c["se"] for c in weighted.att_gt] == pytest.approx([c["se"] for c in duplicated.att_gt], rel=1e-9)
    for kind in ("simple", "group", "dynamic", "calendar"):
        a, b = weighted.aggregate(kind), duplicated.aggregate(kind)
        assert (a["att"], a["se"]) == pytest.approx((b["att"], b["se"]), rel=1e-9), kind


def test_zero_weight_units_are_left_out():
    unit, time, y, first = long(REF_Y, REF_G)
    weights = np.ones(len(unit))
    weights[unit == 0] = 0.0
    with_zero = staggered_did(unit, time, y, first, weights=weights)
    keep = unit != 0
    without = staggered_did(unit[keep], time[keep], y[keep], first[keep])
    assert numbers(with_zero.att_gt) == pytest.approx(numbers(without.att_gt), abs=1e-14)


# --- sample rules: dropped units, unbalanced panels, cohorts without a pre-period --------------------------------


def test_missing_outcome_drops_the_unit_with_a_warning_and_the_same_numbers_as_without_it():
    unit, time, y, first = long(REF_Y, REF_G)
    y = y.copy()
    y[(unit == 2) & (time == 3)] = np.nan  # a month with zero dossiers
    y[(unit == 12) & (time == 5)] = np.inf
    result = staggered_did(unit, time, y, first)
    assert warning(result, "dropped_units") == {"count": 2, "missing_outcome": 2, "incomplete": 0}
    keep = (unit != 2) & (unit != 12)
    reference = staggered_did(unit[keep], time[keep], y[keep], first[keep])
    assert result.to_dict()["att_gt"] == reference.to_dict()["att_gt"]
    assert result.n_units == 13


def test_unbalanced_panel_drops_incomplete_units():
    unit, time, y, first = long(REF_Y, REF_G)
    keep = ~((unit == 4) & (time == 2))
    result = staggered_did(unit[keep], time[keep], y[keep], first[keep])
    assert warning(result, "dropped_units") == {"count": 1, "missing_outcome": 0, "incomplete": 1}
    others = unit != 4
    reference = staggered_did(unit[others], time[others], y[others], first[others])
    assert result.to_dict()["aggregations"] == reference.to_dict()["aggregations"]


def test_a_month_without_any_data_is_not_a_period_of_the_panel():
    unit, time, y, first = long(REF_Y, REF_G)
    y = y.copy()
    y[time == 5] = np.nan
    result = staggered_did(unit, time, y, first)
    assert result.periods == [1, 2, 3, 4]
    assert "dropped_units" not in codes(result)


def test_nothing_usable_left_is_an_error():
    unit, time, y, first = long(HAND_Y, HAND_G)
    y = y.copy()
    y[time == unit % 4 + 1] = np.nan  # every unit misses one month
    with pytest.raises(DidError) as error:
        staggered_did(unit, time, y, first)
    assert error.value.code == "no_usable_data"


def test_cohort_treated_from_the_first_period_is_dropped():
    g = list(REF_G)
    g[0] = g[1] = 1  # treated from the start of the panel: no pre-period
    result = staggered_did(*long(REF_Y, g))
    assert warning(result, "treated_from_start") == {"count": 2, "cohorts": [1]}
    assert [c["cohort"] for c in result.cohorts] == [3, 4]
    unit, time, y, first = long(REF_Y, g)
    keep = unit >= 2
    assert (
        result.to_dict()["att_gt"] == staggered_did(unit[keep], time[keep], y[keep], first[keep]).to_dict()["att_gt"]
    )


def test_treatment_after_the_panel_counts_as_never_treated():
    g = [c if c else 99 for c in REF_G]
    assert staggered_did(*long(REF_Y, g)).to_dict() == staggered_did(*long(REF_Y, REF_G)).to_dict()


def test_small_cohort_and_few_controls_warnings():
    result = staggered_did(*long(REF_Y, REF_G))
    assert {"cohort": 3, "units": 5} in [w["params"] for w in result.warnings if w["code"] == "small_cohort"]
    assert {"cohort": 4, "units": 5} in [w["params"] for w in result.warnings if w["code"] == "small_cohort"]
    assert warning(result, "few_controls") == {"units": 5}
    y, g = synthetic(12, n=400, T=12, cohorts=(6, 9))
    assert set(codes(staggered_did(*long(y, g)))) <= {"pretest_rejects"}


# --- errors ------------------------------------------------------------------------------------------------------


def error_code(*args, **kwargs):
    with pytest.raises(DidError) as error:
        staggered_did(*args, **kwargs)
    assert isinstance(error.value, ValueError)
    assert str(error.value)  # an English message for the logs
    return error.value.code


def test_errors_on_malformed_input():
    unit, time, y, first = long(HAND_Y, HAND_G)
    assert error_code(unit, time, y[:-1], first) == "length_mismatch"
    assert error_code(unit, time, y, first, weights=[1.0]) == "length_mismatch"
    assert error_code([], [], [], []) == "empty"
    assert error_code(unit, time, y, first, control="everyone") == "unknown_control"
    assert error_code(np.r_[unit, 0], np.r_[time, 1], np.r_[y, 0.5], np.r_[first, 3]) == "duplicate_rows"
    varying = first.copy()
    varying[1] = 4
    assert error_code(unit, time, y, varying) == "first_treated_varies"
    assert error_code(unit, time, y, np.where(first == 0, -1, first)) == "invalid_first_treated"
    assert error_code(unit, time + 0.5, y, first) == "invalid_time"
    assert error_code(unit, time, ["a"] * len(y), first) == "invalid_y"
    weights = np.ones(len(unit))
    weights[2] = 2.0
    assert error_code(unit, time, y, first, weights=weights) == "weights_vary"
    assert error_code(unit, time, y, first, weights=-np.ones(len(unit))) == "invalid_weights"
    assert error_code(unit, time, y, first, weights=np.full(len(unit), np.nan)) == "invalid_weights"
    assert error_code(unit, time, y, first, weights=np.zeros(len(unit))) == "invalid_weights"
    cluster = unit.copy()
    cluster[1] = 99
    assert error_code(unit, time, y, first, cluster=cluster) == "cluster_varies"


def test_errors_when_nothing_can_be_estimated():
    unit, time, y, first = long(HAND_Y, HAND_G)
    assert error_code(unit, time, y, np.zeros_like(first)) == "no_treated"
    assert error_code(unit, time, y, np.where(first == 0, 3, first)) == "no_never_treated"
    assert error_code(unit, time, y, np.where(first > 0, 1, 0)) == "no_treated"  # all treated from the start
    single = unit == 0
    assert error_code(unit[single], time[single], y[single], first[single]) == "single_unit"
    first_period = time == 1
    assert (
        error_code(unit[first_period], time[first_period], y[first_period], first[first_period]) == "too_few_periods"
    )
    with pytest.raises(DidError) as error:
        hand_result().aggregate("yearly")
    assert error.value.code == "unknown_aggregation"


def test_result_shapes():
    result = hand_result()
    assert set(result.att_gt[0]) == {"group", "time", "att", "se"}
    for kind in ("simple", "group", "dynamic", "calendar"):
        aggregate = result.aggregate(kind)
        assert set(aggregate) == {"att", "se", "ci95", "detail"}
        assert all(set(d) == {"key", "att", "se"} for d in aggregate["detail"])
    assert set(result.pretest()) == {"statistic", "df", "p_value", "f_statistic", "df_denominator"}
    assert all(set(w) == {"code", "params"} for w in result.warnings)
    assert result.n_units == 6
    assert result.periods == [1, 2, 3, 4]
    assert result.to_dict()["cohorts"] == [{"cohort": 3, "units": 2}, {"cohort": 4, "units": 2}]
