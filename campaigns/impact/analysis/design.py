"""Planning a rollout so that its effect can be measured: the smallest detectable effect, and an order of reach.

Pure Python (numpy only). Before a campaign starts, the months of history already imported tell how much a
commune's online rate moves on its own. :func:`design_mde` replays the planned rollout (so many units per wave,
waves so many months apart, followed for so many months) on the latest months of that history, with units drawn in
a random order as the plan would draw them, and runs the leader's estimator (campaigns.impact.analysis.effect) on it: the
``mde80`` it reports is the smallest effect that this rollout would show clearly four times out of five.
:func:`rollout_order` draws the order: units (or whole districts) in a random order, cut into waves — a random order
is what makes the comparison between reached and not-yet-reached units fair and the randomisation inference exact.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from campaigns.impact.analysis.effect import EffectError, estimate_effect

MIN_HISTORY_BEFORE = 6  # months of history before the first (replayed) wave
MIN_MONTHS_AFTER = 3


def rollout_order(units: Sequence, *, waves: int, units_per_wave: int, cluster: Sequence | None = None, seed: int = 0):
    """Waves of units in a random order: ``[[unit, …], …]``; with ``cluster``, whole clusters go together.

    With clusters, clusters are shuffled and taken whole until a wave holds at least ``units_per_wave`` units.
    """
    if waves < 1 or units_per_wave < 1:
        raise EffectError("invalid_design", "waves and units per wave must be at least 1")
    rng = np.random.default_rng(seed)
    labels = list(units)
    if cluster is None:
        order = [labels[i] for i in rng.permutation(len(labels))]
        return [
            order[w * units_per_wave : (w + 1) * units_per_wave]
            for w in range(waves)
            if w * units_per_wave < len(order)
        ]
    groups: dict = {}
    for label, group in zip(labels, cluster, strict=True):
        groups.setdefault(group, []).append(label)
    keys = sorted(groups)
    result, current = [], []
    for index in rng.permutation(len(keys)):
        current.extend(groups[keys[index]])
        if len(current) >= units_per_wave:
            result.append(current)
            current = []
            if len(result) == waves:
                break
    if current and len(result) < waves:
        result.append(current)
    return result


def design_mde(
    unit,
    time,
    online,
    total,
    *,
    waves: int,
    units_per_wave: int,
    wave_gap: int,
    months_after: int,
    cluster=None,
    control: str = "notyet",
    seed: int = 0,
    draws: int = 5,
    permutations: int = 199,
) -> dict:
    """The smallest effect (rate units) the planned rollout would detect with 80 % power, from the history.

    ``unit``/``time``/``online``/``total``: one row per unit and month of history (month ordinals). The rollout
    is replayed ``draws`` times on the latest months, each time with a new random order; the median of the
    estimator's ``mde80`` is returned with what was replayed. When the history is too short for ``months_after``
    months of follow-up, the follow-up is shortened (down to 3 months) and ``months_after_used`` says so.
    """
    unit = np.asarray(unit)
    time = np.asarray(time, dtype=np.int64)
    online = np.asarray(online, dtype=np.int64)
    total = np.asarray(total, dtype=np.int64)
    if wave_gap < 1 or months_after < 1:
        raise EffectError("invalid_design", "the gap between waves and the follow-up must be at least one month")
    labels = np.unique(unit)
    if waves * units_per_wave >= len(labels) and control == "never":
        raise EffectError("invalid_design", "reaching every unit leaves no unit never reached to compare with")
    months = np.unique(time)
    span = (waves - 1) * wave_gap
    after = min(months_after, len(months) - MIN_HISTORY_BEFORE - span)
    if after < MIN_MONTHS_AFTER:
        raise EffectError(
            "too_little_history",
            "the history is too short to replay this rollout",
            needed=MIN_HISTORY_BEFORE + span + MIN_MONTHS_AFTER,
            available=int(len(months)),
        )
    last = months[-1]
    first_wave = last - after - span + 1
    cluster_of = None
    if cluster is not None:
        cluster = np.asarray(cluster)
        cluster_of = {label: cluster[np.flatnonzero(unit == label)[0]] for label in labels}
    values = []
    for draw in range(draws):
        order = rollout_order(
            labels,
            waves=waves,
            units_per_wave=units_per_wave,
            cluster=[cluster_of[label] for label in labels] if cluster_of else None,
            seed=seed + draw,
        )
        start = {label: first_wave + w * wave_gap for w, wave in enumerate(order) for label in wave}
        first = np.array([start.get(label, 0) for label in unit], dtype=np.int64)
        result = estimate_effect(
            unit, time, online, total, first, cluster=cluster, control=control, seed=seed + draw,
            permutations=permutations,
        )  # fmt: skip
        if result["mde80"] is not None:
            values.append(result["mde80"])
    return {
        "mde80": float(np.median(values)) if values else None,
        "waves": int(waves),
        "units_per_wave": int(units_per_wave),
        "wave_gap": int(wave_gap),
        "months_after": int(months_after),
        "months_after_used": int(after),
        "months_history": int(len(months)),
        "draws": int(draws),
    }
