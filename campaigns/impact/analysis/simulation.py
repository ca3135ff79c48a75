"""Synthetic panels in the regime where the product is used, to check that intervals cover as often as they claim.

A district of 10–20 communes, 2–4 cohorts of 1–5 communes reached in different months, 24–48 months, monthly
binomial dossier counts of 20–300, commune shocks that persist from month to month, a national upward trend,
and an effect of reach that may grow with exposure and differ between communes. Pure numpy; used by the analysis
tests (a few replications with fixed seeds) and by bench/effect_coverage.py (the full tables).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class Scenario:
    name: str
    units: tuple[int, int] = (10, 20)
    months: tuple[int, int] = (24, 48)
    cohorts: tuple[int, int] = (2, 4)
    cohort_size: tuple[int, int] = (1, 5)
    dossiers: tuple[int, int] = (20, 300)
    effect: float = 0.0  # rate units at reach
    growth: float = 0.0  # added per month of exposure
    cap: float | None = None  # largest effect
    heterogeneity: float = 0.0  # sd of a commune's own effect multiplier
    size_response: float = 0.0  # > 0: large communes respond less (effect × (1 − size_response × size rank))
    pretrend: float = 0.0  # reached communes' rate grows this much faster per month, before and after reach
    persistence: float = 0.7  # AR(1) coefficient of commune shocks (logit scale)
    shock_sd: float = 0.25
    trend: float = 0.02  # national trend per month (logit scale)
    districts: int = 0  # > 0: a province of this many districts, reached district by district
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class SimulatedPanel:
    unit: np.ndarray
    time: np.ndarray
    online: np.ndarray
    total: np.ndarray
    first_treated: np.ndarray
    cluster: np.ndarray | None
    true_att: float  # average effect over reached unit-months (rate units)
    true_extra: float  # extra online dossiers in reached unit-months
    true_by_e: dict  # event time → average effect


def _expit(x):
    return 1.0 / (1.0 + np.exp(-x))


def simulate(scenario: Scenario, seed: int) -> SimulatedPanel:
    rng = np.random.default_rng(seed)
    s = scenario
    T = int(rng.integers(s.months[0], s.months[1] + 1))
    if s.districts:
        districts = s.districts
        per_district = rng.integers(s.units[0], s.units[1] + 1, size=districts)
        cluster = np.repeat(np.arange(districts), per_district)
        N = int(per_district.sum())
        n_cohorts = int(rng.integers(s.cohorts[0], s.cohorts[1] + 1))
        reached_districts = rng.choice(districts, size=min(districts - 1, n_cohorts * 1), replace=False)
        months = np.sort(rng.choice(np.arange(6, T - 3), size=len(reached_districts), replace=False))
        district_start = np.zeros(districts, dtype=np.int64)
        district_start[reached_districts] = months + 1  # ordinals start at 1
        first = district_start[cluster]
    else:
        N = int(rng.integers(s.units[0], s.units[1] + 1))
        cluster = None
        n_cohorts = int(rng.integers(s.cohorts[0], s.cohorts[1] + 1))
        sizes = rng.integers(s.cohort_size[0], s.cohort_size[1] + 1, size=n_cohorts)
        while sizes.sum() > N - 2:
            sizes[np.argmax(sizes)] -= 1
        months = np.sort(rng.choice(np.arange(6, T - 3), size=n_cohorts, replace=False))
        first = np.zeros(N, dtype=np.int64)
        order = rng.permutation(N)
        position = 0
        for size, month in zip(sizes, months, strict=True):
            first[order[position : position + size]] = month + 1
            position += size
    size = rng.integers(s.dossiers[0], s.dossiers[1] + 1, size=N)
    level = rng.normal(-1.2, 0.5, size=N)
    shocks = np.zeros((N, T))
    innovation = s.shock_sd * np.sqrt(1 - s.persistence**2)
    shocks[:, 0] = rng.normal(0, s.shock_sd, size=N)
    for t in range(1, T):
        shocks[:, t] = s.persistence * shocks[:, t - 1] + rng.normal(0, innovation, size=N)
    t_index = np.arange(T)
    base_rate = _expit(level[:, None] + s.trend * t_index[None, :] + shocks)
    reached = first > 0
    if s.pretrend:
        base_rate = np.clip(base_rate + s.pretrend * reached[:, None] * (t_index[None, :] - T / 2), 0.001, 0.999)
    exposure = np.where(reached[:, None], t_index[None, :] + 1 - first[:, None], -1)
    multiplier = 1.0 + s.heterogeneity * rng.normal(size=N)
    if s.size_response:
        rank = np.argsort(np.argsort(size)) / max(1, N - 1)
        multiplier = multiplier * (1.0 + s.size_response * (0.5 - rank) * 2)
    effect = np.where(exposure >= 0, s.effect + s.growth * exposure, 0.0)
    if s.cap is not None:
        effect = np.minimum(effect, s.cap)
    effect = effect * multiplier[:, None]
    rate = np.clip(base_rate + effect, 0.001, 0.999)
    totals = rng.poisson(size[:, None] * np.ones((1, T))).clip(min=1)
    online = rng.binomial(totals, rate)
    # The truth the estimator targets: the change in the expected rate, in reached months.
    realised = np.clip(base_rate + effect, 0.001, 0.999) - base_rate
    treated = exposure >= 0
    true_att = float(realised[treated].mean()) if treated.any() else 0.0
    true_extra = float((realised * totals)[treated].sum())
    true_by_e = {int(e): float(realised[exposure == e].mean()) for e in np.unique(exposure[treated])}
    unit = np.repeat(np.arange(N), T)
    time = np.tile(t_index + 1, N)
    return SimulatedPanel(
        unit=unit,
        time=time,
        online=online.reshape(-1),
        total=totals.reshape(-1),
        first_treated=np.repeat(first, T),
        cluster=np.repeat(cluster, T) if cluster is not None else None,
        true_att=true_att,
        true_extra=true_extra,
        true_by_e=true_by_e,
    )


SCENARIOS = {
    "district": Scenario("district"),
    "one_commune_cohorts": Scenario("one_commune_cohorts", cohort_size=(1, 1)),
    "province_by_district": Scenario(
        "province_by_district", units=(8, 14), districts=10, cohorts=(3, 4), shock_sd=0.25
    ),
    "effect_5pp": Scenario("effect_5pp", effect=0.05),
    "growing_effect": Scenario("growing_effect", effect=0.04, growth=0.003, cap=0.10, heterogeneity=0.5),
    "large_respond_less": Scenario("large_respond_less", effect=0.05, size_response=0.8),
    "pretrend_half_point": Scenario("pretrend_half_point", pretrend=0.005),
}
