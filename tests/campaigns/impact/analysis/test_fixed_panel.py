"""The analysis gives the same numbers on a fixed panel as the stored answers (fixed_panel_outputs.json).

The answers were written by the code before its speed-ups (vectorised loops, memoised inputs): a change of any
estimate, interval, p-value or warning on the same inputs and seed fails here. Regenerate the file only for a
deliberate change of method (and bump the method versions):

    python -m tests.campaigns.impact.analysis.test_fixed_panel
"""

import json
import math
from pathlib import Path

import numpy as np

from campaigns.impact.analysis import did, effect, mix

ANSWERS = Path(__file__).with_name("fixed_panel_outputs.json")


def fixed_panel(n_units: int = 48, n_months: int = 36, *, by_cluster: bool = False):
    """A panel with commune levels, a common trend, persistent shocks, a planted effect and three reach waves."""
    rng = np.random.default_rng(20261207)
    months = np.arange(24240, 24240 + n_months)  # month ordinals (2020-01 …)
    cluster = np.array([f"D{index // 6:02d}" for index in range(n_units)])
    first = np.zeros(n_units, dtype=np.int64)
    waves = [months[12], months[18], months[24]]
    if by_cluster:
        for number, code in enumerate(sorted(set(cluster))[:6]):
            first[cluster == code] = waves[number % 3]
    else:
        for index in rng.permutation(n_units)[: n_units // 2]:
            first[index] = waves[index % 3]
    level = rng.uniform(0.1, 0.3, n_units)
    shock = rng.normal(0, 0.02, (n_units, n_months))
    rate = level[:, None] + 0.004 * np.arange(n_months)[None, :] + shock
    reached = (first[:, None] > 0) & (months[None, :] >= first[:, None])
    rate = np.clip(rate + 0.05 * reached, 0, 1)
    total = rng.integers(50, 600, (n_units, n_months))
    total[3, 5] = 0  # one month without dossiers
    online = np.round(rate * total).astype(np.int64)
    leaflets = np.where(rng.random((n_units, n_months)) < 0.2, rng.integers(0, 400, (n_units, n_months)), 0)
    training = reached * rng.integers(0, 3, (n_units, n_months)) * 20
    long = {
        "unit": np.repeat(np.arange(n_units), n_months),
        "time": np.tile(months, n_units),
        "online": online.reshape(-1),
        "total": total.reshape(-1),
        "first": np.repeat(first, n_months),
        "cluster": np.repeat(cluster, n_months),
        "leaflet": leaflets.reshape(-1).astype(float),
        "training": training.reshape(-1).astype(float),
    }
    return long


def outputs() -> dict:
    """Every analysis entry point on the fixed panels, as JSON-safe values."""
    answers = {}
    for name, by_cluster, control in (("unit_never", False, "never"), ("cluster_notyet", True, "notyet")):
        panel = fixed_panel(by_cluster=by_cluster)
        answers[f"effect_{name}"] = effect.estimate_effect(
            panel["unit"], panel["time"], panel["online"], panel["total"], panel["first"],
            cluster=panel["cluster"], control=control, seed=0,
        )  # fmt: skip
        rate = np.where(panel["total"] > 0, panel["online"] / np.maximum(panel["total"], 1), np.nan)
        result = did.staggered_did(
            panel["unit"], panel["time"], rate, panel["first"], control=control, cluster=panel["cluster"]
        )
        volume = panel["total"].astype(float)
        answers[f"did_{name}"] = {
            "result": result.to_dict(),
            "aggregates": {kind: result.aggregate(kind) for kind in did.AGGREGATIONS},
            "pretest": result.pretest(window=12),
            "counterfactual": result.counterfactual(volume),
            "extra": result.extra_outcomes(volume),
        }
    panel = fixed_panel()
    keep = panel["total"] > 0
    keep_units = np.unique(panel["unit"][~keep])
    rows = ~np.isin(panel["unit"], keep_units)
    y = panel["online"][rows] / panel["total"][rows]
    channels = {"leaflet": panel["leaflet"][rows], "training": panel["training"][rows]}
    for label, decays in (("fixed", (0.5,)), ("grid", mix.DEFAULT_DECAYS)):
        fitted = mix.activity_mix(
            y,
            channels,
            panel["unit"][rows],
            panel["time"][rows],
            decays=decays,
            scale={"leaflet": 100, "training": 10},
        )
        answers[f"mix_{label}"] = {"results": fitted.results, "warnings": fitted.warnings}
    return json.loads(json.dumps(answers, default=_plain))


def _plain(value):
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.bool_):
        return bool(value)
    raise TypeError(type(value))


def _differences(expected, actual, path="") -> list[str]:
    if isinstance(expected, dict) and isinstance(actual, dict):
        found = [f"{path}: keys {sorted(set(expected) ^ set(actual))}"] if set(expected) != set(actual) else []
        for key in expected.keys() & actual.keys():
            found += _differences(expected[key], actual[key], f"{path}.{key}")
        return found
    if isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            return [f"{path}: length {len(expected)} != {len(actual)}"]
        return [
            item
            for i, (a, b) in enumerate(zip(expected, actual, strict=True))
            for item in _differences(a, b, f"{path}[{i}]")
        ]
    same = expected == actual or (
        isinstance(expected, float) and isinstance(actual, float) and math.isnan(expected) and math.isnan(actual)
    )
    return [] if same else [f"{path}: {expected!r} != {actual!r}"]


def test_the_analysis_gives_the_stored_numbers_on_the_fixed_panel():
    expected = json.loads(ANSWERS.read_text(encoding="utf-8"))
    differences = _differences(expected, outputs())
    assert not differences, differences[:20]


def test_the_comparison_sees_a_changed_number():
    expected = json.loads(ANSWERS.read_text(encoding="utf-8"))
    changed = json.loads(json.dumps(expected))
    changed["effect_unit_never"]["att"] += 1e-15
    assert _differences(expected, changed) == [
        f".effect_unit_never.att: {expected['effect_unit_never']['att']!r} != {changed['effect_unit_never']['att']!r}"
    ]


def test_units_without_dossiers_change_nothing_and_warn_nothing():
    # A national panel holds thousands of communes without statistics: drawn as the reached ones in a schedule they
    # leave some statistics empty (NaN), which numpy warned about (the test settings make warnings errors).
    panel, months = fixed_panel(), 36
    empty = 300
    unit = np.concatenate([panel["unit"], np.repeat(np.arange(48, 48 + empty), months)])
    time = np.concatenate([panel["time"], np.tile(panel["time"][:months], empty)])
    zeros = np.zeros(empty * months, dtype=np.int64)
    result = effect.estimate_effect(
        unit, time, np.concatenate([panel["online"], zeros]), np.concatenate([panel["total"], zeros]),
        np.concatenate([panel["first"], zeros]), cluster=np.concatenate([panel["cluster"], np.repeat("DX", zeros.size)]),
    )  # fmt: skip
    expected = json.loads(ANSWERS.read_text(encoding="utf-8"))["effect_unit_never"]
    assert result["att"] == expected["att"]
    assert result["ci95"] is not None and result["ci95"][0] < result["att"] < result["ci95"][1]


if __name__ == "__main__":
    ANSWERS.write_text(json.dumps(outputs(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
