"""Coverage, false alarms, power and interval width of the leader's headline, against the method it replaced.

For every scenario of campaigns.impact.analysis.simulation (a district of 10–20 communes, 2–4 cohorts of 1–5 communes,
24–48 months, 20–300 dossiers a month, persistent commune shocks, a national trend), REPS synthetic panels are
drawn and both methods are run on each:

- new: campaigns.impact.analysis.effect.estimate_effect (imputation estimator, randomisation inference over the timing
  of reach, simultaneous event-study band, placebo-lead pre-trend check);
- old: campaigns.impact.analysis.did.staggered_did with normal-quantile intervals, as the impact report used until now
  (clustered by district only from 20 districts up, its pre-trend Wald test, pointwise event-study intervals).

    .venv/bin/python bench/effect_coverage.py [--reps 300] [--scenarios district,effect_5pp] [--timing]

Prints one Markdown table per measure; docs/analysis-effect.md holds the figures of the last full run.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from campaigns.impact.analysis import did  # noqa: E402
from campaigns.impact.analysis.effect import EffectError, estimate_effect  # noqa: E402
from campaigns.impact.analysis.simulation import SCENARIOS, simulate  # noqa: E402


def _covers(interval, truth):
    return interval is not None and interval[0] <= truth <= interval[1]


def _clear(interval):
    return interval is not None and (interval[0] > 0 or interval[1] < 0)


def run_new(sp, control):
    result = estimate_effect(
        sp.unit, sp.time, sp.online, sp.total, sp.first_treated, cluster=sp.cluster, control=control, seed=1
    )
    band_ok = all(
        item["ci95"] is not None and item["ci95"][0] <= sp.true_by_e.get(item["e"], 0.0) <= item["ci95"][1]
        for item in result["event_study"]
    )
    width = result["ci95"][1] - result["ci95"][0] if result["ci95"] else float("inf")
    return {
        "covers": _covers(result["ci95"], sp.true_att),
        "clear": _clear(result["ci95"]),
        "rise": result["ci95"] is not None and result["ci95"][0] > 0,
        "extra_covers": _covers(result["extra_online_dossiers"]["ci95"], sp.true_extra),
        "extra_error": (result["extra_online_dossiers"]["estimate"] - sp.true_extra) / max(1.0, abs(sp.true_extra)),
        "pretrend_alarm": result["pretrend"]["p_value"] is not None and result["pretrend"]["p_value"] < 0.05,
        "band_covers": band_ok,
        "width": width,
        "error": result["att"] - sp.true_att,
    }


def run_old(sp, control):
    n_units = len(np.unique(sp.unit))
    rate = sp.online / np.maximum(sp.total, 1)
    clusters = sp.cluster if sp.cluster is not None and len(np.unique(sp.cluster)) >= 20 else None
    result = did.staggered_did(sp.unit, sp.time, rate, sp.first_treated, control=control, cluster=clusters)
    simple = result.aggregate("simple")
    ci = list(simple["ci95"])
    dynamic = result.aggregate("dynamic")
    band_ok = all(
        item["att"] - did.Z95 * item["se"]
        <= sp.true_by_e.get(int(item["key"]), 0.0)
        <= item["att"] + did.Z95 * item["se"]
        for item in dynamic["detail"]
    )
    extra = result.extra_outcomes(sp.total.astype(float))
    try:
        pretest = result.pretest(window=12)
    except did.DidError:
        pretest = None
    del n_units
    return {
        "covers": _covers(ci, sp.true_att),
        "clear": _clear(ci),
        "rise": ci[0] > 0,
        "extra_covers": _covers(list(extra["ci95"]), sp.true_extra),
        "extra_error": (extra["estimate"] - sp.true_extra) / max(1.0, abs(sp.true_extra)),
        "pretrend_alarm": bool(pretest and pretest["p_value"] is not None and pretest["p_value"] < 0.05),
        "band_covers": band_ok,
        "width": ci[1] - ci[0],
        "error": simple["att"] - sp.true_att,
    }


def summarise(rows):
    if not rows:
        return {}
    keys = ["covers", "clear", "rise", "extra_covers", "pretrend_alarm", "band_covers"]
    out = {key: 100.0 * np.mean([row[key] for row in rows]) for key in keys}
    widths = [row["width"] for row in rows if np.isfinite(row["width"])]
    out["width"] = 100.0 * float(np.median(widths)) if widths else float("inf")
    out["rmse"] = 100.0 * float(np.sqrt(np.mean([row["error"] ** 2 for row in rows])))
    out["extra_bias"] = 100.0 * float(np.median([row["extra_error"] for row in rows]))
    out["unbounded"] = 100.0 * np.mean([not np.isfinite(row["width"]) for row in rows])
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=300)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--control", default="notyet")
    parser.add_argument("--first-seed", type=int, default=10_000, help="panels use seeds from this one on")
    parser.add_argument("--timing", action="store_true", help="also time estimate_effect on 20×48 and 3.300×60")
    parser.add_argument("--timing-only", action="store_true", help="only the timing, no coverage tables")
    args = parser.parse_args()
    if args.timing_only:
        timing()
        return
    table = []
    for name in args.scenarios.split(","):
        scenario = SCENARIOS[name]
        new_rows, old_rows, failures = [], [], 0
        started = time.perf_counter()
        for rep in range(args.reps):
            sp = simulate(scenario, args.first_seed + rep)
            try:
                new_rows.append(run_new(sp, args.control))
                old_rows.append(run_old(sp, args.control))
            except (EffectError, did.DidError):
                failures += 1
        elapsed = time.perf_counter() - started
        table.append((name, summarise(new_rows), summarise(old_rows), failures, elapsed))
        print(
            f"{name}: {len(new_rows)} panels, {failures} not estimable, {elapsed:.0f} s", file=sys.stderr, flush=True
        )

    print(
        f"\n{args.reps} panels per scenario, control = {args.control}; new = estimate_effect, old = staggered_did + normal CI\n"
    )
    columns = [
        ("covers", "95 % interval covers the truth (%)"),
        ("clear", "'clear effect' (%)"),
        ("rise", "reported as a rise (%)"),
        ("extra_covers", "extra-dossiers interval covers (%)"),
        ("extra_bias", "extra dossiers, median error (%)"),
        ("band_covers", "event-study band covers every month (%)"),
        ("pretrend_alarm", "pre-trend check alarms (%)"),
        ("width", "median interval width (points)"),
        ("rmse", "RMSE of the estimate (points)"),
        ("unbounded", "interval unbounded (%)"),
    ]
    print("| scenario | measure | new | old |")
    print("|---|---|---|---|")
    for name, new, old, _, _ in table:
        for key, label in columns:
            print(f"| {name} | {label} | {new.get(key, float('nan')):.1f} | {old.get(key, float('nan')):.1f} |")

    if args.timing:
        timing()


def timing():
    """estimate_effect against staggered_did on the same panel, in the same run (budgets: 0,3 s and 10 s)."""
    import tracemalloc

    from campaigns.impact.analysis.simulation import Scenario

    for units, months in ((20, 48), (3300, 60)):
        rng = np.random.default_rng(5)
        scenario = Scenario("timing", units=(units, units), months=(months, months), cohort_size=(1, 5))
        sp = simulate(scenario, 3)
        if units > 100:
            first = np.repeat(rng.choice([0, 0, 0, 13, 25, 37], size=units), months)
            sp = sp.__class__(**{**sp.__dict__, "first_treated": first})
        rate = sp.online / np.maximum(sp.total, 1)
        started = time.perf_counter()
        did.staggered_did(sp.unit, sp.time, rate, sp.first_treated, control="notyet").aggregate("simple")
        reference = time.perf_counter() - started
        runs = []
        for _ in range(3 if units < 100 else 1):
            started = time.perf_counter()
            estimate_effect(sp.unit, sp.time, sp.online, sp.total, sp.first_treated, control="notyet")
            runs.append(time.perf_counter() - started)
        elapsed = min(runs)
        # Memory in a separate run: tracing allocations slows numpy down several times.
        tracemalloc.start()
        estimate_effect(sp.unit, sp.time, sp.online, sp.total, sp.first_treated, control="notyet")
        peak = tracemalloc.get_traced_memory()[1] / 1e6
        tracemalloc.stop()
        print(
            f"estimate_effect {units} × {months}: {elapsed:.2f} s (staggered_did {reference:.3f} s, "
            f"ratio {elapsed / reference:.0f}×), peak traced memory {peak:.0f} MB"
        )


if __name__ == "__main__":
    main()
