"""Planning a campaign's rollout so that its effect can be measured (the campaign's "measurement plan").

Reads the history of the campaign's communes (campaigns.impact.panel), asks campaigns.impact.analysis.design for the
smallest detectable effect of the planned rollout and for a random order of reach, and stores the chosen plan.
The impact report shows the stored plan next to the months in which units were actually reached.
"""

import datetime
from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils.translation import gettext

from campaigns.core.months import first_day, index_label, month_from_index, month_index
from campaigns.impact.analysis import design
from campaigns.impact.analysis.effect import EffectError
from campaigns.impact.models import RolloutPlan
from campaigns.impact.panel import build_panel, statistics_months
from campaigns.impact.report import ImpactError
from campaigns.impact.tasks import next_generation
from campaigns.plans.models import Campaign
from campaigns.units import areas

HISTORY_MONTHS = 48


@dataclass(frozen=True)
class Design:
    waves: int
    units_per_wave: int
    wave_gap: int
    months_after: int


def history_panel(campaign: Campaign):
    """The campaign's communes over the latest months of statistics before it starts (at most four years)."""
    scope_ids = areas.campaign_unit_ids(campaign)
    first, last = statistics_months(scope_ids)
    if first is None:
        raise ImpactError("no_statistics", gettext("There are no dossier statistics for this scope yet."))
    before_start = month_from_index(month_index(campaign.starts_on) - 1)
    end = min(first_day(last), before_start) if before_start >= first_day(first) else first_day(last)
    start = max(first_day(first), month_from_index(month_index(end) - HISTORY_MONTHS + 1))
    return build_panel(root=campaign.unit, scope_ids=scope_ids, start=start, end=end, rules=[])


def _error(error: EffectError) -> ImpactError:
    if error.code == "too_little_history":
        return ImpactError(
            "too_little_history",
            gettext(
                "Replaying this rollout needs %(needed)s months of statistics before the campaign; there are "
                "%(available)s. Choose fewer waves or fewer months."
            )
            % {"needed": error.params.get("needed"), "available": error.params.get("available")},
        )
    if error.code == "invalid_design":
        return ImpactError(
            "invalid_design", gettext("Reaching every unit leaves none to compare with: reach fewer units per wave.")
        )
    return ImpactError(error.code, gettext("The effect of this rollout cannot be estimated from the history."))


def plan_options(campaign: Campaign, chosen: Design, *, seed: int = 0) -> dict:
    """The chosen design's smallest detectable effect, the same number of units in 1–4 waves, and the order."""
    panel = history_panel(campaign)
    n_units, n_months = len(panel.units), len(panel.months)
    if n_units < 3:
        raise ImpactError("too_few_units", gettext("A measurable rollout needs at least three communes or wards."))
    arguments = (
        np.repeat(np.arange(n_units), n_months),
        np.tile(np.asarray(panel.months, dtype=np.int64), n_units),
        panel.online.reshape(-1),
        panel.total.reshape(-1),
    )
    reached = min(chosen.waves * chosen.units_per_wave, n_units - 1)
    compared = []
    for waves in range(1, 5):
        per_wave = max(1, reached // waves)
        try:
            result = design.design_mde(
                *arguments, waves=waves, units_per_wave=per_wave, wave_gap=chosen.wave_gap,
                months_after=chosen.months_after, seed=seed, draws=3,
            )  # fmt: skip
        except EffectError:
            continue
        compared.append({"waves": waves, "units_per_wave": per_wave, "mde80": result["mde80"]})
    try:
        mine = design.design_mde(
            *arguments, waves=chosen.waves, units_per_wave=chosen.units_per_wave, wave_gap=chosen.wave_gap,
            months_after=chosen.months_after, seed=seed,
        )  # fmt: skip
    except EffectError as error:
        raise _error(error) from None
    order = design.rollout_order(
        [unit.code for unit in panel.units], waves=chosen.waves, units_per_wave=chosen.units_per_wave, seed=seed
    )
    names = {unit.code: unit.name for unit in panel.units}
    first_month = max(month_index(campaign.starts_on), month_index(datetime.date.today()))
    waves = [
        {
            "month": index_label(first_month + index * chosen.wave_gap),
            "units": wave,
            "names": [names[code] for code in wave],
        }
        for index, wave in enumerate(order)
    ]
    return {
        "units": n_units,
        "history_months": n_months,
        "history": [index_label(panel.months[0]), index_label(panel.months[-1])],
        "mde80": mine["mde80"],
        "months_after_used": mine["months_after_used"],
        "compared": compared,
        "waves": waves,
    }


@transaction.atomic
def rollout_plan_save(*, actor, campaign: Campaign, chosen: Design, options: dict) -> RolloutPlan:
    """Store the chosen order of reach (one plan per campaign; saving again replaces it)."""
    plan = RolloutPlan.objects.select_for_update().filter(campaign=campaign).first() or RolloutPlan(campaign=campaign)
    plan.waves = [{"month": wave["month"], "units": list(wave["units"])} for wave in options["waves"]]
    plan.wave_gap = chosen.wave_gap
    plan.months_after = chosen.months_after
    plan.mde80 = options["mde80"]
    plan.created_by = actor
    plan.full_clean()
    plan.save()
    # The report shows the plan: the next page view checks the data again instead of trusting a recent check.
    transaction.on_commit(next_generation)
    return plan
