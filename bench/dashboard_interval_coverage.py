"""How often the dashboard's 95 % interval of a district's online rate covers the truth, in the regime where the
product is used: a district of 5–20 communes, one report month, commune sizes as uneven as real ones (log-normal,
median 80 dossiers, a few of several hundred) and commune rates that differ.

The interval is campaigns.core.intervals.ratio_interval_clustered, the one the dashboard, the indicator export and
the target verdicts use (communes as clusters, never narrower than the Wilson interval of the totals). Two readings
of "the truth" are measured, because they give different answers:

- district: the communes are this district's own, fixed; each month their dossier counts vary (Poisson) and their
  rates wander around their own level (month-to-month noise on the logit scale). The truth is the rate the
  district sustains: its communes' expected rates weighted by their expected dossiers.
- communes drawn: the communes are a draw from a wider population of communes like them (the reading of the
  delta-method formula). The truth is that population's ratio E[x·p] / E[x].

Also printed for comparison: the same formula with a Student t quantile on communes − 1 degrees of freedom instead
of the normal one (t), and with that and leverage-corrected residuals (t, CR2); neither is what the product shows.

    .venv/bin/python bench/dashboard_interval_coverage.py [--reps 2000] [--seed 7]

Prints Markdown tables; docs/data/statistics-import.md holds the figures of the last full run.
"""

import argparse
import math
import sys
from pathlib import Path

import numpy as np
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from campaigns.core.intervals import ratio_interval_clustered, wilson_interval  # noqa: E402

COMMUNES = (5, 10, 15, 20)
SPREADS = (0.3, 1.2)  # standard deviation of the commune rates on the logit scale
LEVELS = (0.2, 0.5)  # the district's rate
SIZE_MEDIAN, SIZE_SPREAD = 80, 0.9


def _expit(value):
    return 1 / (1 + np.exp(-value))


def _logit(p):
    return math.log(p / (1 - p))


def _variants(y: np.ndarray, x: np.ndarray) -> dict:
    """The product's interval and the two comparison formulas, as (low, high)."""
    product = ratio_interval_clustered(y.tolist(), x.tolist())
    units = len(x)
    total = x.sum()
    rate = y.sum() / total
    residuals = y - rate * x
    floor = wilson_interval(int(y.sum()), int(total))
    t = stats.t.ppf(0.975, units - 1)
    cr1 = math.sqrt(units / (units - 1) * float((residuals**2).sum())) / total
    leverage = x**2 / float((x**2).sum())
    cr2 = math.sqrt(float((residuals**2 / (1 - leverage)).sum())) / total
    return {
        "product": (product.low, product.high),
        "t": (min(rate - t * cr1, floor.low), max(rate + t * cr1, floor.high)),
        "t, CR2": (min(rate - t * cr2, floor.low), max(rate + t * cr2, floor.high)),
    }


def _sizes(rng, shape):
    return np.exp(math.log(SIZE_MEDIAN) + SIZE_SPREAD * rng.standard_normal(shape))


def district(rng, communes: int, spread: float, level: float, noise: float, reps: int) -> dict:
    hits, total = {}, 0
    districts = max(1, reps // 100)
    for _ in range(districts):
        mean_sizes = np.maximum(2.0, _sizes(rng, communes))
        logits = _logit(level) + spread * rng.standard_normal(communes)
        expected_rates = _expit(logits[None, :] + noise * rng.standard_normal((20000, communes))).mean(axis=0)
        truth = float((mean_sizes * expected_rates).sum() / mean_sizes.sum())
        for _ in range(reps // districts):
            x = rng.poisson(mean_sizes)
            if x.sum() == 0:
                continue
            y = rng.binomial(x, _expit(logits + noise * rng.standard_normal(communes)))
            total += 1
            for name, (low, high) in _variants(y, x).items():
                hits[name] = hits.get(name, 0) + (low <= truth <= high)
    return {name: count / total for name, count in hits.items()}


def drawn(rng, communes: int, spread: float, level: float, reps: int) -> dict:
    population_sizes = _sizes(rng, 400_000)
    population_rates = _expit(_logit(level) + spread * rng.standard_normal(400_000))
    truth = float((population_sizes * population_rates).sum() / population_sizes.sum())
    hits = {}
    for _ in range(reps):
        x = np.maximum(1, np.round(_sizes(rng, communes))).astype(int)
        y = rng.binomial(x, _expit(_logit(level) + spread * rng.standard_normal(communes)))
        for name, (low, high) in _variants(y, x).items():
            hits[name] = hits.get(name, 0) + (low <= truth <= high)
    return {name: count / reps for name, count in hits.items()}


def _row(label: str, coverage: dict) -> str:
    return f"| {label} | " + " | ".join(f"{coverage[name] * 100:.1f} %" for name in ("product", "t", "t, CR2")) + " |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reps", type=int, default=2000, help="months drawn per scenario")
    parser.add_argument("--seed", type=int, default=7)
    options = parser.parse_args()
    rng = np.random.default_rng(options.seed)
    header = "| scenario | product (normal) | t | t, CR2 |\n|---|---|---|---|"
    print("## The district's own communes (truth: the rate it sustains)\n")
    print(header)
    for communes in COMMUNES:
        for spread in SPREADS:
            for noise in (0.0, 0.3):
                label = f"{communes} communes, spread {spread}, month noise {noise}"
                print(_row(label, district(rng, communes, spread, 0.3, noise, options.reps)), flush=True)
    print("\n## Communes drawn from a population (truth: the population's ratio)\n")
    print(header)
    for communes in COMMUNES:
        for spread in SPREADS:
            for level in LEVELS:
                label = f"{communes} communes, spread {spread}, rate {level:.0%}"
                print(_row(label, drawn(rng, communes, spread, level, options.reps)), flush=True)


if __name__ == "__main__":
    main()
