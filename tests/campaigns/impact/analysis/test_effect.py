"""campaigns.impact.analysis.effect.estimate_effect: known answers, bad input, and small simulation checks.

The full coverage tables (300 panels per scenario against the method it replaced) are printed by
bench/effect_coverage.py; here a few panels per scenario with fixed seeds keep the suite fast while still failing
when the inference stops covering (a method with 70 % coverage fails these checks with high probability).
"""

import json
import math

import numpy as np
import pytest

from campaigns.impact.analysis.effect import METHOD, EffectError, estimate_effect
from campaigns.impact.analysis.simulation import SCENARIOS, Scenario, simulate


def _panel(rates, totals, first, *, months=None):
    """Long format from per-unit lists of rates (online = round(rate × total))."""
    unit, time, online, total, first_treated = [], [], [], [], []
    for index, (row, sizes) in enumerate(zip(rates, totals, strict=True)):
        for month, (rate, size) in enumerate(zip(row, sizes, strict=True)):
            unit.append(index)
            time.append((months or list(range(1, len(row) + 1)))[month])
            total.append(size)
            online.append(round(rate * size))
            first_treated.append(first[index])
    return unit, time, online, total, first_treated


# --- known answers ---------------------------------------------------------------------------------------------------


def test_hand_computed_imputation():
    # Two never-reached units move +0,10 a month; unit 2 is reached in month 3. Without the campaign its rate in
    # month 3 would be its own level (mean of months 1–2 less the month effects) plus month 3's effect: 0,35.
    rates = [[0.10, 0.20, 0.30], [0.20, 0.30, 0.40], [0.15, 0.25, 0.55]]
    totals = [[1000] * 3] * 3
    result = estimate_effect(*_panel(rates, totals, [0, 0, 3]), control="never")
    assert result["att"] == pytest.approx(0.20, abs=1e-12)
    assert result["method"] == METHOD
    assert result["treated_units"] == 1 and result["never_treated_units"] == 2
    # Three units, one reached: three possible schedules, too few for a 95 % range.
    assert result["schedules"] == 3 and result["exact"] is True
    assert result["ci95"] is None


def test_noiseless_constant_effect_is_recovered_exactly_with_a_covering_range():
    rng = np.random.default_rng(3)
    n_units, n_months = 16, 30
    level = rng.uniform(0.1, 0.3, size=n_units)
    first = np.zeros(n_units, dtype=int)
    first[:3], first[3:6], first[6:8] = 10, 15, 20
    shocks = rng.normal(0, 0.02, size=(n_units, n_months))
    rates = level[:, None] + 0.005 * np.arange(n_months)[None, :] + shocks
    rates += 0.06 * ((first[:, None] > 0) & (np.arange(1, n_months + 1)[None, :] >= first[:, None]))
    totals = np.full((n_units, n_months), 10_000)
    result = estimate_effect(*_panel(rates.tolist(), totals.tolist(), first.tolist()), control="notyet")
    assert result["att"] == pytest.approx(0.06, abs=0.01)
    assert result["ci95"][0] < 0.06 < result["ci95"][1]
    assert result["ci95"][0] > 0  # a 6-point effect over 2-point noise is clear
    assert result["p_value"] < 0.05
    reached = (first[:, None] > 0) & (np.arange(1, n_months + 1)[None, :] >= first[:, None])
    dossiers = float(totals[reached].sum())
    extra = result["extra_online_dossiers"]
    assert extra["dossiers"] == dossiers
    assert extra["estimate"] == pytest.approx(result["dossier_weighted"]["att"] * dossiers)
    assert extra["ci95"][0] < extra["estimate"] < extra["ci95"][1]
    # A clear finding gets its sensitivity: the monthly growth of a hidden gap that would overturn it.
    assert result["pretrend"]["breakdown"] > 0
    # Event study by quarter: leads near zero, every band covering the planted 6 points after reach.
    for row in result["event_study"]:
        truth = 0.0 if row["e"] < 0 else 0.06
        assert row["ci95"][0] - 0.005 <= truth <= row["ci95"][1] + 0.005
        assert row["e_last"] == row["e"] + 2
    json.dumps(result)  # JSON-serialisable as it is


def test_same_seed_same_answer_and_the_seed_is_used():
    sp = simulate(SCENARIOS["district"], 5)
    args = (sp.unit, sp.time, sp.online, sp.total, sp.first_treated)
    first = estimate_effect(*args, control="notyet", seed=11, permutations=199)
    again = estimate_effect(*args, control="notyet", seed=11, permutations=199)
    other = estimate_effect(*args, control="notyet", seed=12, permutations=199)
    assert first == again
    assert first["att"] == other["att"]  # the estimate does not depend on the draws
    assert first["p_value"] != other["p_value"] or first["ci95"] != other["ci95"]


def test_every_distinct_schedule_is_used_when_there_are_few():
    # 6 units, 2 reached in one month: C(6, 2) = 15 schedules.
    rates = [[0.2 + 0.01 * t for t in range(8)] for _ in range(6)]
    totals = [[500] * 8] * 6
    result = estimate_effect(*_panel(rates, totals, [5, 5, 0, 0, 0, 0]), control="never")
    assert result["schedules"] == 15 and result["exact"] is True
    assert result["ci95"] is None  # fewer than 40 schedules: no range can be given
    assert result["p_value"] == pytest.approx(1.0)  # a flat panel: every schedule is as extreme


def test_reach_that_follows_districts_is_permuted_by_district():
    sp = simulate(SCENARIOS["province_by_district"], 2)
    result = estimate_effect(
        sp.unit, sp.time, sp.online, sp.total, sp.first_treated, cluster=sp.cluster, control="notyet"
    )
    assert result["rollout_level"] == "cluster"
    districts = np.unique(sp.cluster)
    starts = [int(sp.first_treated[sp.cluster == d][0]) for d in districts]
    distinct = math.factorial(len(starts))
    for value in set(starts):
        distinct //= math.factorial(starts.count(value))
    assert result["schedules"] == min(distinct, 1000)
    unit_level = estimate_effect(
        sp.unit, sp.time, sp.online, sp.total, sp.first_treated, cluster=sp.cluster, control="notyet", rollout="unit"
    )
    assert unit_level["rollout_level"] == "unit"
    assert unit_level["att"] == pytest.approx(result["att"])


def test_months_without_dossiers_are_missing_not_zero():
    rates = [[0.2, 0.3, 0.4, 0.5]] * 2 + [[0.25, 0.35, 0.45, 0.75]]
    totals = [[100, 100, 100, 100], [100, 0, 100, 100], [100, 100, 100, 100]]
    result = estimate_effect(*_panel(rates, totals, [0, 0, 4]), control="never")
    assert result["att"] == pytest.approx(0.20, abs=1e-9)


# --- bad input -------------------------------------------------------------------------------------------------------


def _good():
    return _panel([[0.2, 0.3, 0.4]] * 3, [[100] * 3] * 3, [0, 0, 3])


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda a: (a[0][:-1], *a[1:]), "length_mismatch"),
        (lambda a: (a[0], a[1], [-1] + a[2][1:], a[3], a[4]), "negative_count"),
        (lambda a: (a[0], a[1], [500] + a[2][1:], a[3], a[4]), "online_exceeds_total"),
        (lambda a: (a[0], [1.5] + a[1][1:], *a[2:]), "invalid_time"),
        (lambda a: (a[0], a[1], a[2], a[3], [0] * 8 + [2]), "first_treated_varies"),
        (lambda a: (a[0], a[1], a[2], a[3], [0] * 9), "no_treated"),
        (lambda a: (a[0], a[1], a[2], a[3], [3] * 9), "no_never_treated"),
        (lambda a: (a[0], [1] * 9, *a[2:]), "duplicate_rows"),
        (lambda a: ([], [], [], [], []), "empty"),
        (lambda a: (a[0], a[1], a[2], a[3], [True] * 9), "invalid_first_treated"),
    ],
)
def test_bad_input_raises_a_coded_error(change, code):
    with pytest.raises(EffectError) as raised:
        estimate_effect(*change(_good()), control="never")
    assert raised.value.code == code


def test_bad_options():
    with pytest.raises(EffectError) as raised:
        estimate_effect(*_good(), control="sometimes")
    assert raised.value.code == "invalid_control"
    with pytest.raises(EffectError) as raised:
        estimate_effect(*_good(), rollout="province")
    assert raised.value.code == "invalid_rollout"
    with pytest.raises(EffectError) as raised:
        estimate_effect(*_good(), rollout="cluster")
    assert raised.value.code == "no_cluster"


def test_units_reached_from_the_first_month_cannot_be_estimated():
    rates = [[0.2, 0.3, 0.4]] * 3
    with pytest.raises(EffectError) as raised:
        estimate_effect(*_panel(rates, [[100] * 3] * 3, [0, 0, 1]), control="never")
    assert raised.value.code == "not_estimable"


# --- simulation checks in the product's regime (small, fixed seeds) -------------------------------------------------


def _run(scenario, seed, permutations=199):
    sp = simulate(scenario, seed)
    result = estimate_effect(
        sp.unit, sp.time, sp.online, sp.total, sp.first_treated, cluster=sp.cluster, control="notyet",
        seed=seed, permutations=permutations,
    )  # fmt: skip
    return sp, result


@pytest.mark.parametrize("name", ["district", "one_commune_cohorts"])
def test_no_effect_panels_are_covered_and_rarely_called_clear(name):
    covered = clear = alarms = bands = 0
    reps = 30
    for seed in range(reps):
        sp, result = _run(SCENARIOS[name], 500 + seed)
        ci = result["ci95"]
        covered += ci is None or ci[0] <= sp.true_att <= ci[1]
        clear += ci is not None and (ci[0] > 0 or ci[1] < 0)
        alarms += result["pretrend"]["p_value"] is not None and result["pretrend"]["p_value"] < 0.05
        bands += all(row["ci95"] is None or row["ci95"][0] <= 0 <= row["ci95"][1] for row in result["event_study"])
    # At 95 % the chance of 25 or fewer of 30 is 1,6 %; the old method (77–89 %) fails this about half the time.
    assert covered >= 26
    assert clear <= 4
    assert alarms <= 5
    assert bands >= 25


def test_a_five_point_rise_is_mostly_found_and_covered():
    covered = rises = 0
    reps = 24
    for seed in range(reps):
        sp, result = _run(SCENARIOS["growing_effect"], 900 + seed)
        ci = result["ci95"]
        covered += ci is not None and ci[0] <= sp.true_att <= ci[1]
        rises += ci is not None and ci[0] > 0
    assert covered >= 20
    assert rises >= 12


def test_extra_dossiers_follow_where_the_dossiers_are():
    """Large communes respond less: the dossier-weighted figure stays near the truth, the flat one overshoots."""
    errors_weighted, errors_flat = [], []
    scenario = Scenario("large_respond_less", effect=0.08, size_response=0.9, shock_sd=0.1)
    for seed in range(10):
        sp, result = _run(scenario, 1300 + seed)
        dossiers = result["extra_online_dossiers"]["dossiers"]
        errors_weighted.append(result["extra_online_dossiers"]["estimate"] - sp.true_extra)
        errors_flat.append(result["att"] * dossiers - sp.true_extra)
    assert abs(np.median(errors_weighted)) < abs(np.median(errors_flat))


def test_a_planted_pre_trend_is_seen_more_often_than_on_clean_panels():
    alarms = 0
    for seed in range(20):
        _, result = _run(Scenario("pretrend", pretrend=0.01), 1700 + seed)
        alarms += result["pretrend"]["p_value"] is not None and result["pretrend"]["p_value"] < 0.05
    assert alarms >= 8
