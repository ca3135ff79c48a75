"""Time campaigns.impact.analysis.did.staggered_did against the csdid package measured in the same run.

Budgets (docs/analysis-did.md):
  3,300 units x 60 months, all four aggregations + pretest: <= 1 s and >= 10x faster than csdid (analytic SEs)
  10,600 units x 60 months, same work: <= 8 s and < 1 GB peak memory (measured in a fresh child process)

csdid is not a project dependency: it runs in its own virtual environment, bench/out/venv-csdid (git-ignored),
created with `python -m venv` + `pip install csdid` on first use, through a subprocess reading the panel from a
temporary CSV file. If it cannot be installed, the comparison is skipped with a message.

    .venv/bin/python bench/staggered_did.py [--skip-csdid] [--csdid-python PATH]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from campaigns.impact.analysis.did import AGGREGATIONS, staggered_did  # noqa: E402

CSDID_VENV = ROOT / "bench" / "out" / "venv-csdid"
MONTHS = 60
FIRST_MONTH = 2021 * 12  # month ordinal of January 2021
SMALL, LARGE = 3300, 10600

CSDID_SCRIPT = r"""
import contextlib, io, json, sys, time, warnings
import numpy as np, pandas as pd
from csdid.att_gt import ATTgt
path, control, out = sys.argv[1:4]
data = pd.read_csv(path)
started = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
    warnings.simplefilter("ignore")
    model = ATTgt(yname="y", tname="t", idname="id", gname="g", data=data, control_group=control)
    model.fit(est_method="dr", base_period="varying", bstrap=False)
    aggregations = {}
    for kind in ("simple", "group", "dynamic", "calendar"):
        a = model.aggte(typec=kind, bstrap=False, cband=False).atte
        aggregations[kind] = {
            "att": float(a["overall_att"]), "se": float(np.ravel(a["overall_se"])[0]),
            "keys": [] if a["egt"] is None else [int(k) for k in a["egt"]],
            "atts": [] if a["att_egt"] is None else [float(x) for x in np.ravel(a["att_egt"])],
            "ses": [] if a["se_egt"] is None else [float(x) for x in np.ravel(a["se_egt"])],
        }
seconds = time.perf_counter() - started
r = model.results
json.dump({"seconds": seconds, "group": [int(x) for x in r["group"]], "time": [int(x) for x in r["year"]],
           "att": [float(x) for x in r["att"]], "se": [float(x) for x in r["se"]],
           "aggregations": aggregations}, open(out, "w"))
"""


def panel(units: int, seed: int = 2025):
    """Communes x months: online-submission rates with a national trend, staggered campaigns and noise."""
    rng = np.random.default_rng(seed)
    district = rng.integers(0, max(units // 15, 2), size=units)
    # ~25 % never treated; the others start in one of 48 monthly cohorts (months 7 … 54 of the panel).
    start = np.where(rng.random(units) < 0.25, 0, rng.integers(7, 55, size=units))
    first = np.where(start > 0, FIRST_MONTH + start - 1, 0)
    months = FIRST_MONTH + np.arange(MONTHS)
    exposure = np.arange(1, MONTHS + 1)[None, :] - start[:, None]
    effect = np.where((start[:, None] > 0) & (exposure >= 0), 0.02 + 0.005 * exposure, 0.0)
    level = rng.beta(2, 5, size=units)[:, None]
    y = np.clip(level + 0.005 * np.arange(MONTHS)[None, :] + effect + rng.normal(0, 0.03, (units, MONTHS)), 0, 1)
    volume = rng.poisson(rng.gamma(2.0, 40.0, size=units)[:, None] + 1, size=(units, MONTHS)).astype(float)
    return {
        "unit": np.repeat(np.arange(units), MONTHS),
        "time": np.tile(months, units),
        "y": y.ravel(),
        "first_treated": np.repeat(first, MONTHS),
        "cluster": np.repeat(district, MONTHS),
        "volume": volume.ravel(),
    }


def run_ours(data, *, cluster=False):
    started = time.perf_counter()
    result = staggered_did(
        data["unit"], data["time"], data["y"], data["first_treated"], cluster=data["cluster"] if cluster else None
    )
    aggregations = {kind: result.aggregate(kind) for kind in AGGREGATIONS}
    result.pretest()
    return time.perf_counter() - started, result, aggregations


def best_of(runs: int, data, **kwargs):
    timings = []
    for _ in range(runs):
        seconds, result, aggregations = run_ours(data, **kwargs)
        timings.append(seconds)
    return min(timings), result, aggregations


def child(units: int, cluster: bool) -> None:
    """Run one large case in a fresh process and print its timing and memory as JSON."""
    data = panel(units)
    tracemalloc.start()
    seconds, result, _ = run_ours(data, cluster=cluster)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    seconds = min(seconds, best_of(2, data, cluster=cluster)[0])
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "cells": len(result.att_gt), "rss_mb": maxrss_kb / 1024,
                      "traced_mb": traced_peak / 2**20}))  # fmt: skip


def csdid_python(explicit: str | None) -> Path | None:
    if explicit:
        return Path(explicit)
    python = CSDID_VENV / "bin" / "python"
    if python.exists() and subprocess.run([python, "-c", "import csdid"], capture_output=True).returncode == 0:
        return python
    print(f"Installing csdid into {CSDID_VENV.relative_to(ROOT)} (one-off) ...", flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", CSDID_VENV], check=True, capture_output=True)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "csdid>=0.4,<0.5"], check=True, capture_output=True)
    except (subprocess.CalledProcessError, OSError) as error:
        stderr = getattr(error, "stderr", b"") or b""
        print(f"csdid could not be installed, comparison skipped: {error} {stderr.decode(errors='replace')[-500:]}")
        return None
    return python


def run_csdid(python: Path, data, workdir: Path) -> dict:
    csv_path, out_path, script = workdir / "panel.csv", workdir / "csdid.json", workdir / "run_csdid.py"
    script.write_text(CSDID_SCRIPT, encoding="utf-8")
    columns = np.column_stack([data["unit"], data["time"], data["y"], data["first_treated"]])
    np.savetxt(csv_path, columns, delimiter=",", header="id,t,y,g", comments="", fmt=["%d", "%d", "%.17g", "%d"])
    started = time.perf_counter()
    subprocess.run([python, script, csv_path, "nevertreated", out_path], check=True)
    wall = time.perf_counter() - started
    reference = json.loads(out_path.read_text(encoding="utf-8"))
    reference["wall"] = wall
    return reference


def differences(result, aggregations, reference) -> dict:
    ours = {(c["group"], c["time"]): c for c in result.att_gt}
    theirs = list(zip(reference["group"], reference["time"], reference["att"], reference["se"], strict=True))
    if set(ours) != {(g, t) for g, t, _, _ in theirs}:
        raise SystemExit("csdid and staggered_did estimate different (g, t) cells")
    att = max(abs(ours[g, t]["att"] - a) for g, t, a, _ in theirs)
    se = max(abs(ours[g, t]["se"] - s) for g, t, _, s in theirs)
    agg_att = agg_se = 0.0
    for kind, ref in reference["aggregations"].items():
        mine = aggregations[kind]
        agg_att = max(agg_att, abs(mine["att"] - ref["att"]))
        agg_se = max(agg_se, abs(mine["se"] - ref["se"]))
        detail = {d["key"]: d for d in mine["detail"]}
        if sorted(detail) != sorted(ref["keys"]):
            raise SystemExit(f"csdid and staggered_did report different {kind} keys")
        for key, a, s in zip(ref["keys"], ref["atts"], ref["ses"], strict=True):
            agg_att = max(agg_att, abs(detail[key]["att"] - a))
            agg_se = max(agg_se, abs(detail[key]["se"] - s))
    return {"att": att, "se": se, "agg_att": agg_att, "agg_se": agg_se}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-csdid", action="store_true")
    parser.add_argument("--csdid-python", help="python of an environment where csdid is installed")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--cluster", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.cluster)
        return

    print(f"numpy {np.__version__}, {os.cpu_count()} CPU(s); panel: communes x {MONTHS} months, 48 monthly cohorts")
    rows = []
    data = panel(SMALL)
    seconds, result, aggregations = best_of(3, data)
    cells = len(result.att_gt)
    diffs = reference = None
    if not args.skip_csdid:
        python = csdid_python(args.csdid_python)
        if python is not None:
            print("Running csdid on the same panel (analytic standard errors, bstrap=False) ...", flush=True)
            with tempfile.TemporaryDirectory() as workdir:
                reference = run_csdid(python, data, Path(workdir))
            diffs = differences(result, aggregations, reference)
    else:
        print("csdid comparison skipped (--skip-csdid)")
    ratio = reference["seconds"] / seconds if reference else None
    rows.append((f"{SMALL:,} x {MONTHS}", cells, seconds, 1.0, reference, ratio, None))
    for units, cluster in ((SMALL, True), (LARGE, False), (LARGE, True)):
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(units), *(["--cluster"] if cluster else [])],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        measured = json.loads(output.stdout.strip().splitlines()[-1])
        label = f"{units:,} x {MONTHS}" + (" clustered" if cluster else "")
        budget = 1.0 if units == SMALL else 8.0
        rows.append((label, measured["cells"], measured["seconds"], budget, None, None, measured))

    print()
    header = f"{'case':<22} {'cells':>6} {'time (s)':>9} {'budget':>7} {'csdid (s)':>10} {'ratio':>7} " \
             f"{'peak RSS':>9} {'traced':>8}  verdict"  # fmt: skip
    print(header)
    print("-" * len(header))
    failures = []
    for label, n_cells, secs, budget, ref, ratio_value, measured in rows:
        ok = secs <= budget and (ratio_value is None or ratio_value >= 10)
        if measured is not None and measured["rss_mb"] >= 1024:
            ok = False
        if not ok:
            failures.append(label)
        csdid_text = f"{ref['seconds']:.2f}" if ref else "-"
        ratio_text = f"{ratio_value:.0f}x" if ratio_value else "-"
        rss_text = f"{measured['rss_mb']:.0f} MB" if measured else "-"
        traced_text = f"{measured['traced_mb']:.0f} MB" if measured else "-"
        verdict = "ok" if ok else "OVER BUDGET"
        print(
            f"{label:<22} {n_cells:>6} {secs:>9.3f} {budget:>6.0f}s {csdid_text:>10} {ratio_text:>7} "
            f"{rss_text:>9} {traced_text:>8}  {verdict}"
        )
    print()
    if diffs:
        print(f"csdid {SMALL:,} x {MONTHS}: {reference['seconds']:.2f} s for fit + 4 aggte (wall incl. start-up and "
              f"CSV read {reference['wall']:.2f} s); ratio uses the former")  # fmt: skip
        print(f"max |ATT(g,t) - csdid|          = {diffs['att']:.2e}")
        print(f"max |SE(g,t) - csdid|           = {diffs['se']:.2e}   (csdid analytic SEs, bstrap=False)")
        print(f"max |aggregate ATT - csdid|     = {diffs['agg_att']:.2e}   (overall and detail, 4 kinds)")
        print(f"max |aggregate SE - csdid|      = {diffs['agg_se']:.2e}")
        if max(diffs.values()) > 1e-8:
            failures.append("csdid agreement")
    print("peak RSS = ru_maxrss of a fresh child process (interpreter, numpy, panel generation and estimation);")
    print("traced = tracemalloc peak during the estimation call alone.")
    if failures:
        raise SystemExit(f"over budget: {', '.join(failures)}")


if __name__ == "__main__":
    main()
