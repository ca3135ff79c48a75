"""The campaign impact report: reads the panel, runs the analysis, returns the JSON payload of PRODUCT.md.

Rates are fractions and effects rate units throughout; the renderers format them. The payload is
plain JSON (it is cached in the database and printed by ``campaign_impact --format json``).
"""

import datetime
import math
import operator
from dataclasses import dataclass

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext

from campaigns.core.errors import DomainError
from campaigns.core.intervals import (
    NO_INTERVAL,
    cell_interval,
    ratio_interval_clustered,
    ratio_interval_from_sums,
    target_status,
)
from campaigns.core.months import first_day, index_label, month_from_index, month_index
from campaigns.impact import warnings as impact_warnings
from campaigns.impact.analysis import descriptive, did, effect, mix, recommend
from campaigns.impact.narrative import narrative
from campaigns.impact.panel import (
    Panel,
    RuleSpec,
    build_panel,
    statistics_months,
)
from campaigns.plans.channels import BY_VALUE, Channel
from campaigns.plans.choices import ControlGroup
from campaigns.plans.models import Campaign
from campaigns.statistics.choices import RATE_INDICATORS, Indicator
from campaigns.statistics.dashboard import campaign_periodic_reports
from campaigns.statistics.indicator_targets import IndicatorTargets
from campaigns.units import areas
from campaigns.units.areas import NATION_CODE
from campaigns.units.choices import UnitLevel
from campaigns.units.models import AdministrativeUnit

BASELINE_MONTHS = 12
LATEST_MONTHS = 3
# Bumped whenever a definition the report depends on changes (rates, report months, source precedence,
# window, recommendations, the headline estimator): stored reports of another version are out of date.
METHOD_VERSION = "2026-12.2"
RECOMMENDATION_MONTHS = 24  # history read for the recommendations and projections, up to the latest data
DEFAULT_RULES = (RuleSpec(Channel.TRAINING, 1.0),)
MIX_MIN_UNITS = 30  # fewer complete units than this: the activity mix is not estimated
# The carry-over of an activity from one month to the next is fixed before looking at the outcome: chosen on the
# same data, it made the intervals too narrow (74–89 % coverage, docs/analysis-effect.md).
MIX_DECAY = 0.5
PRETREND_ALARM = 0.05


@dataclass(frozen=True)
class Nation:
    """The whole country as the scope of a report: every province, before and after the reform (no administrative
    unit stands for it). The panel takes the communes in force at the window's end, as for a province."""

    pk = None
    code = NATION_CODE

    @property
    def name(self) -> str:
        return gettext("Whole country")


def _nation_ids() -> list[int]:
    return list(
        AdministrativeUnit.objects.filter(level=UnitLevel.PROVINCE).order_by("pk").values_list("pk", flat=True)
    )


class ImpactError(DomainError):
    """The report cannot be made (unknown scope, empty window…); ``code`` is stable, the message translated."""

    code = "impact_unavailable"

    def __init__(self, code: str, message: str, params: dict | None = None):
        super().__init__(code, params, message=message)


def _ci(interval) -> list[float] | None:
    if interval is None or interval.low is None:
        return None
    return [interval.low, interval.high]


def _finite(value):
    return None if value is None or (isinstance(value, float) and not math.isfinite(value)) else value


def _pooled(panel: Panel, rows, columns):
    """Pooled online rate (Σ online / Σ dossiers) over units ``rows`` and month columns, cluster-robust interval."""
    return _pooled_counts(panel.online, panel.total, rows, columns)


def _pooled_counts(numerator: np.ndarray, denominator: np.ndarray, rows, columns):
    if len(rows) == 0 or len(columns) == 0:
        return NO_INTERVAL
    top = numerator[np.ix_(rows, columns)].sum(axis=1)
    bottom = denominator[np.ix_(rows, columns)].sum(axis=1)
    if (top < 0).any() or (top > bottom).any():
        return ratio_interval_clustered(top.tolist(), bottom.tolist())  # refused with its message
    # ratio_interval_clustered's sums over the units with dossiers, in Python integers (exact, the same interval),
    # without its checks of every value: the observed series calls this 60 times over 10.000 units.
    keep = bottom > 0
    ys, xs = top[keep].tolist(), bottom[keep].tolist()
    return ratio_interval_from_sums(
        sum_y=sum(ys),
        sum_x=sum(xs),
        sum_yy=sum(map(operator.mul, ys, ys)),
        sum_xy=sum(map(operator.mul, ys, xs)),
        sum_xx=sum(map(operator.mul, xs, xs)),
        units=len(ys),
    )


def _cells(numerator: np.ndarray, denominator: np.ndarray, rows, columns):
    """The target interval (campaigns.core.intervals.cell_interval) over the unit-month cells ``rows`` × ``columns``."""
    if len(rows) == 0 or len(columns) == 0:
        return NO_INTERVAL
    top = numerator[np.ix_(rows, columns)].reshape(-1)
    bottom = denominator[np.ix_(rows, columns)].reshape(-1)
    return cell_interval([int(v) for v in top], [int(v) for v in bottom])


def _columns(panel: Panel, first: int, last: int) -> list[int]:
    return [index for index, month in enumerate(panel.months) if first <= month <= last]


def _window(campaign, start, end, scope_ids) -> tuple[datetime.date, datetime.date]:
    first_data, last_data = statistics_months(scope_ids)
    if first_data is None:
        raise ImpactError("no_statistics", gettext("There are no monthly dossier statistics for this scope yet."))
    if campaign is not None:
        start = start or month_from_index(month_index(campaign.starts_on) - BASELINE_MONTHS)
        end = end or month_from_index(month_index(campaign.ends_on) + 12)
    start = max(first_day(start), first_day(first_data))
    end = min(first_day(end), first_day(last_data))
    if end < start:
        raise ImpactError(
            "empty_window",
            gettext("There are no dossier statistics between %(start)s and %(end)s.")
            % {"start": f"{start:%m/%Y}", "end": f"{end:%m/%Y}"},
        )
    return start, end


def _observed(panel: Panel, campaign_start: int) -> dict:
    rows = list(range(len(panel.units)))
    baseline_cols = _columns(panel, campaign_start - BASELINE_MONTHS, campaign_start - 1)
    if not baseline_cols:
        baseline_cols = _columns(panel, panel.months[0], panel.months[0] + LATEST_MONTHS - 1)
    latest_cols = _columns(panel, panel.months[-1] - LATEST_MONTHS + 1, panel.months[-1])
    baseline, latest = _pooled(panel, rows, baseline_cols), _pooled(panel, rows, latest_cols)
    change = None
    if baseline.estimate is not None and latest.estimate is not None:
        change = descriptive.newcombe_difference(baseline, latest)
    series = []
    for column, month in enumerate(panel.months):
        interval = _pooled(panel, rows, [column])
        series.append(
            {
                "period": index_label(month),
                "rate": interval.estimate,
                "ci95": _ci(interval),
                "online": int(panel.online[:, column].sum()),
                "total": int(panel.total[:, column].sum()),
            }
        )

    def span(columns):
        return [index_label(panel.months[columns[0]]), index_label(panel.months[columns[-1]])] if columns else None

    return {
        "baseline_rate": baseline.estimate,
        "baseline_ci95": _ci(baseline),
        "baseline_period": span(baseline_cols),
        "latest_rate": latest.estimate,
        "latest_ci95": _ci(latest),
        "latest_period": span(latest_cols),
        "change_pp": change.estimate if change else None,
        "change_ci95": _ci(change),
        "series": series,
    }


def _did_inputs(panel: Panel):
    n_units, n_months = len(panel.units), len(panel.months)
    unit = np.repeat(np.arange(n_units), n_months)
    time = np.tile(np.asarray(panel.months, dtype=np.int64), n_units)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(panel.total > 0, panel.online / np.where(panel.total > 0, panel.total, 1), np.nan)
    first = np.repeat(panel.first_reached, n_months)
    # A unit first reached after the window is not yet treated inside it: a never-treated unit for the window.
    first = np.where(first > panel.months[-1], 0, first)
    districts = sorted({u.cluster for u in panel.units})
    cluster = np.repeat([u.cluster for u in panel.units], n_months) if len(districts) >= 20 else None
    return unit, time, rate.reshape(-1), first, cluster, panel.total.reshape(-1).astype(float)


def _estimate(entry) -> dict:
    return {"att": entry["att"], "se": entry["se"], "ci95": list(entry["ci95"])}


def _with_ci(att: float, se: float) -> list[float]:
    return [att - did.Z95 * se, att + did.Z95 * se]


def _did(panel: Panel, control: str) -> tuple[dict | None, dict | None, list]:
    """Callaway & Sant'Anna on the same panel: the exact group-time cross-check shown beside the headline.

    Its own notes (small cohorts, its pre-test…) stay in its block: the leader's warnings are the headline's.
    """
    warnings: list[dict] = []
    unit, time, rate, first, cluster, volume = _did_inputs(panel)
    try:
        result = did.staggered_did(unit, time, rate, first, control=control, cluster=cluster)
    except did.DidError as error:
        warnings.append({"code": f"did_{error.code}", "params": {}})
        return None, None, []
    simple = result.aggregate("simple")
    dynamic = result.aggregate("dynamic")
    group = result.aggregate("group")
    calendar = result.aggregate("calendar")
    sizes = {item["cohort"]: item["units"] for item in result.cohorts}
    try:
        pretest = result.pretest(window=12)
    except did.DidError as error:
        warnings.append({"code": f"did_{error.code}", "params": {}})
        pretest = None
    warnings.extend(result.warnings)
    singles = [size for size in sizes.values() if size == 1]
    if singles:
        # One unit in a cohort: its own variation cannot be estimated, so every interval that uses it is too narrow.
        warnings.append({"code": "single_unit_cohorts", "params": {"count": len(singles)}})
    block = {
        "control": control,
        "overall": _estimate(simple),
        "event_study": [
            {"e": int(item["key"]), "att": item["att"], "se": item["se"], "ci95": _with_ci(item["att"], item["se"])}
            for item in dynamic["detail"]
        ],
        "dynamic_overall": _estimate(dynamic),
        "by_group": [
            {
                "group": index_label(int(item["key"])),
                "units": int(sizes.get(int(item["key"]), 0)),
                "att": item["att"],
                "se": item["se"],
                "ci95": _with_ci(item["att"], item["se"]),
            }
            for item in group["detail"]
        ],
        "by_period": [
            {
                "period": index_label(int(item["key"])),
                "att": item["att"],
                "se": item["se"],
                "ci95": _with_ci(item["att"], item["se"]),
            }
            for item in calendar["detail"]
        ],  # fmt: skip
        "pretest": pretest,
        "notes": [warning["code"] for warning in warnings],
    }
    extra = result.extra_outcomes(volume)
    counterfactual = [
        {
            "period": index_label(int(item["period"])),
            "observed": item["observed"],
            "without_campaign": item["without_campaign"],
            "ci95": list(item["ci95"]),
        }
        for item in result.counterfactual(volume)
    ]
    return block, {"estimate": extra["estimate"], "ci95": list(extra["ci95"])}, counterfactual


def effect_inputs(panel: Panel) -> tuple[tuple, dict]:
    """The arguments of campaigns.impact.analysis.effect.estimate_effect for the panel: one row per unit and month,
    districts as the clusters that reach may have followed."""
    n_units, n_months = len(panel.units), len(panel.months)
    arguments = (
        np.repeat(np.arange(n_units), n_months),
        np.tile(np.asarray(panel.months, dtype=np.int64), n_units),
        panel.online.reshape(-1).astype(np.int64),
        panel.total.reshape(-1).astype(np.int64),
        np.repeat(panel.first_reached, n_months),
    )
    return arguments, {"cluster": np.repeat([str(u.cluster) for u in panel.units], n_months), "seed": 0}


def _effect(panel: Panel, control: str, warnings: list) -> dict | None:
    """The leader's headline (campaigns.impact.analysis.effect.estimate_effect) on the panel, months as labels."""
    arguments, options = effect_inputs(panel)
    try:
        result = effect.estimate_effect(*arguments, control=control, **options)
    except effect.EffectError as error:
        if error.code != "no_never_treated":
            warnings.append({"code": f"effect_{error.code}", "params": {}})
            return None
        warnings.append({"code": "no_never_treated", "params": {}})
        try:
            result = effect.estimate_effect(*arguments, control="notyet", **options)
        except effect.EffectError as second:
            warnings.append({"code": f"effect_{second.code}", "params": {}})
            return None
    for row in result["counterfactual"]:
        row["period"] = index_label(int(row["period"]))
    if result["ci95"] is None:
        warnings.append({"code": "few_schedules", "params": {"count": result["schedules"]}})
    from_start = int(((panel.first_reached > 0) & (panel.first_reached <= panel.months[0])).sum())
    if from_start:
        warnings.append({"code": "reached_from_start", "params": {"count": from_start}})
    if result["pretrend"]["p_value"] is not None and result["pretrend"]["p_value"] < PRETREND_ALARM:
        warnings.append({"code": "pretrend_alarm", "params": {}})
    return result


def _channels(panel: Panel, warnings: list) -> list[dict]:
    usable = {name: matrix for name, matrix in panel.channels.items() if matrix.any()}
    if not usable:
        return []
    keep = panel.reported.all(axis=1) & (panel.total > 0).all(axis=1)
    if keep.sum() < MIX_MIN_UNITS:
        # With a handful of units the regression fits noise (a 13-commune demo gave "−15 points per 10 airings"):
        # no figure is better than a wrong one.
        warnings.append({"code": "few_units", "params": {"units": int(keep.sum())}})
        return []
    n_months = len(panel.months)
    rows = np.flatnonzero(keep)
    rate = (panel.online[rows] / panel.total[rows]).reshape(-1)
    unit = np.repeat(rows, n_months)
    time = np.tile(np.asarray(panel.months), len(rows))
    series = {name: matrix[rows].reshape(-1) for name, matrix in sorted(usable.items())}
    # The registry's reporting unit of each channel: the effect per 100 leaflets, per 10 attendances…
    scale = {name: BY_VALUE[name].scale if name in BY_VALUE else 1 for name in series}
    try:
        fitted = mix.activity_mix(rate, series, unit, time, scale=scale, decays=(MIX_DECAY,))
    except ValueError:
        warnings.append({"code": "mix_failed", "params": {}})
        return []
    labels = dict(Channel.choices)
    for warning in fitted.warnings:
        channel = warning.get("channel")
        warnings.append(
            {"code": warning["code"], "params": {"channel": str(labels.get(channel, channel)) if channel else ""}}
        )
    return [
        {
            "channel": item["channel"],
            "label": str(labels.get(item["channel"], item["channel"])),
            "per": scale[item["channel"]],
            "effect_per_100": item["effect_per_scale"],
            "ci95": list(item["ci95"]),
            "adstock": item["adstock"],
        }
        for item in fitted.results
        if item.get("coef") is not None
    ]


def _targets(campaign, panel: Panel) -> list[dict]:
    if campaign is None:
        return []
    thresholds = IndicatorTargets.load()
    index_of = panel.index_of
    rows_of_unit = {}
    for unit in panel.units:
        rows_of_unit[unit.id] = index_of[unit.id]
    result = []
    labels = dict(Indicator.choices)
    for target in campaign.targets.all():
        goal = target.resolved_value(thresholds)
        if goal is None:
            continue
        unit_ids = {u.pk for u in target.units.all()}
        if unit_ids:
            below = areas.descendant_ids(unit_ids)
            rows = [index_of[u.id] for u in panel.units if u.id in below or set(u.sources) & below]
        else:
            rows = list(range(len(panel.units)))
        deadline = month_index(target.deadline)
        due = deadline <= panel.months[-1]
        last = min(deadline, panel.months[-1])
        columns = _columns(panel, last - LATEST_MONTHS + 1, last)
        entry = {
            "indicator": target.indicator,
            "label": str(labels[target.indicator]),
            "target": goal,
            "deadline": target.deadline.isoformat(),
            "units": sorted(panel.units[row].code for row in rows) if unit_ids else [],
        }
        if target.indicator in RATE_INDICATORS:
            numerator = {
                Indicator.ONLINE_RATE: panel.online,
                Indicator.BCCI_RATE: panel.postal,
                Indicator.FULL_ONLINE_SHARE: panel.full_online,
            }[target.indicator]
            denominator = {
                Indicator.FULL_ONLINE_SHARE: panel.online,
                # The BCCI rate only over months whose source gives the postal count apart (unknown is not zero).
                Indicator.BCCI_RATE: panel.postal_total if panel.postal_total is not None else panel.total,
            }.get(target.indicator, panel.total)
            interval = _cells(numerator, denominator, rows, columns)
            entry.update(
                value=interval.estimate, ci95=_ci(interval), verdict=target_status(interval, min(goal, 1.0), due=due)
            )
        elif target.indicator == Indicator.PROCEDURES_ONLINE:
            # Procedures offered online are not in the dossier statistics: the reported count, by its deadline.
            value = target.reported_fraction
            verdict = (
                "no_data"
                if value is None
                else "reached"
                if value >= goal
                else ("not_reached" if due else "not_yet_due")
            )
            entry.update(value=value, ci95=None, verdict=verdict)
        else:
            channel = {
                Indicator.CLASSES: None,
                Indicator.ATTENDEES: Channel.TRAINING,
                Indicator.HANDBOOKS: Channel.HANDBOOK,
                Indicator.LEAFLETS: Channel.LEAFLET,
            }[target.indicator]
            columns = _columns(panel, month_index(campaign.starts_on), deadline)
            matrix = panel.training_sessions if channel is None else panel.channels.get(channel)
            value = float(matrix[np.ix_(rows, columns)].sum()) if matrix is not None and rows and columns else 0.0
            verdict = "reached" if value >= goal else ("not_reached" if due else "not_yet_due")
            entry.update(value=value, ci95=None, verdict=verdict)
        if target.reported_value is not None:
            entry["reported"] = {
                "value": target.reported_fraction,
                "on": target.reported_on.isoformat() if target.reported_on else None,
                "source": target.reported_source,
            }
        result.append(entry)
    return result


def reported_figures(campaign) -> list[dict]:
    """Figures the campaign's reports give that the statistics cannot hold, as reported."""
    if campaign is None:
        return []
    return [
        {
            "label": figure.label,
            "value": float(figure.value),
            "is_percent": figure.is_percent,
            "unit": figure.unit.name if figure.unit_id else None,
            "start": figure.period_start.isoformat(),
            "end": figure.period_end.isoformat(),
            "source": figure.source,
        }
        for figure in campaign.reported_figures.select_related("unit")
    ]


def periodic_reports_of(campaign) -> list[dict]:
    """The campaign area's quarterly, 6-month, annual and irregular reports from a year before the campaign to a
    year after it, as stored (never split into months): the admin report page, its PDF and its XLSX show these."""

    if campaign is None:
        return []
    return [
        {
            "unit_code": report.unit.code,
            "unit": report.unit.name,
            "label": report.label,
            "start": report.start.isoformat(),
            "end": report.end.isoformat(),
            "received": report.denominator,
            "online": report.online,
            "rate": report.rate.value,
            "source": report.source,
        }
        for report in campaign_periodic_reports(campaign)
    ]


def _units(panel: Panel, campaign_start: int) -> list[dict]:
    baseline_cols = _columns(panel, campaign_start - BASELINE_MONTHS, campaign_start - 1) or [0]
    latest_cols = _columns(panel, panel.months[-1] - LATEST_MONTHS + 1, panel.months[-1])
    rows = []
    for index, unit in enumerate(panel.units):
        if not panel.total[index].any():
            continue  # no dossiers reported at all (counted in the missing_months warning)
        base_total = int(panel.total[index, baseline_cols].sum())
        late_total = int(panel.total[index, latest_cols].sum())
        base = panel.online[index, baseline_cols].sum() / base_total if base_total else None
        late = panel.online[index, latest_cols].sum() / late_total if late_total else None
        reached = int(panel.first_reached[index])
        rows.append(
            {
                "code": unit.code,
                "name": unit.name,
                "reached": index_label(reached) if reached and reached <= panel.months[-1] else None,
                "baseline_rate": _finite(float(base)) if base is not None else None,
                "latest_rate": _finite(float(late)) if late is not None else None,
                "change_pp": float(late - base) if base is not None and late is not None else None,
                "dossiers": int(panel.total[index].sum()),
            }
        )
    rows.sort(key=lambda row: (row["change_pp"] is None, -(row["change_pp"] or 0), row["code"]))
    return rows


def _recommendations(panel: Panel, units: list[dict]) -> dict:
    latest_cols = _columns(panel, panel.months[-1] - LATEST_MONTHS + 1, panel.months[-1])
    units_by_code = {row["code"]: row for row in units}
    code_index = {unit.code: index for index, unit in enumerate(panel.units)}
    ranking_rows = []
    for row in units:
        volume = float(panel.total[code_index[row["code"]], latest_cols].sum()) / max(1, len(latest_cols))
        if row["latest_rate"] is None or volume <= 0:
            continue
        ranking_rows.append(
            {"unit": row["code"], "rate": row["latest_rate"], "volume": volume, "reached": row["reached"] is not None}
        )
    ranked = recommend.next_units(ranking_rows, limit=10)
    thresholds = IndicatorTargets.load()
    goal = thresholds.online_target_fraction
    projections = []
    for unit in panel.units:
        index = code_index[unit.code]
        projection = recommend.projected_month(
            panel.months, panel.online[index].tolist(), panel.total[index].tolist(), target=goal
        )
        projections.append(
            {
                "code": unit.code,
                "name": unit.name,
                "status": projection.status,
                "month": index_label(projection.month) if projection.month else None,
                "earliest": index_label(projection.earliest) if projection.earliest else None,
                "latest": index_label(projection.latest) if projection.latest else None,
                "slope_per_month": projection.slope_per_month,
            }
        )
    return {
        "target": goal,
        "next_units": [
            {
                "code": item.unit,
                "name": units_by_code[item.unit]["name"],
                "rate": item.rate,
                "volume": item.volume,
                "score": item.score,
            }
            for item in ranked
        ],
        "projections": projections,
    }


def _current_recommendations(root, scope_ids, rules, panel: Panel, units: list[dict], campaign_start: int) -> dict:
    """Recommendations and projections from the latest data, naming only units in force today.

    A campaign on units abolished since (a district before 07/2025) is followed into today's communes
    that its communes went into, so that the units it recommends exist."""
    today = timezone.localdate()
    if isinstance(root, Nation):
        pass  # every province, old and new: the panel below takes the communes in force today
    elif not AdministrativeUnit.objects.valid_on(today).filter(pk=root.pk).exists():
        successors = areas.successors_in_force(scope_ids, today)
        if successors:
            scope_ids = successors
    _first, last_data = statistics_months(scope_ids)
    if last_data is not None and month_index(last_data) > panel.months[-1]:
        start = month_from_index(max(month_index(last_data) - RECOMMENDATION_MONTHS + 1, panel.months[0]))
        panel = build_panel(root=root, scope_ids=scope_ids, start=start, end=last_data, rules=rules)
        units = _units(panel, campaign_start)
    in_force = {unit.code for unit in panel.units if areas.in_force(unit.valid_from, unit.valid_to, today)}
    result = _recommendations(panel, [row for row in units if row["code"] in in_force])
    result["projections"] = [row for row in result["projections"] if row["code"] in in_force]
    result["data_end"] = index_label(panel.months[-1])
    return result


def _plan(campaign, panel: Panel) -> dict | None:
    """The measurement plan saved before launch, next to the month each planned unit was actually reached."""
    plan = getattr(campaign, "rollout_plan", None) if campaign is not None else None
    if plan is None:
        return None
    reached = {
        unit.code: index_label(int(month)) if 0 < month <= panel.months[-1] else None
        for unit, month in zip(panel.units, panel.first_reached, strict=True)
    }
    names = {unit.code: unit.name for unit in panel.units}
    rows = [
        {"code": code, "name": names.get(code, code), "planned": wave["month"], "reached": reached.get(code)}
        for wave in plan.waves
        for code in wave["units"]
    ]
    planned = {row["code"] for row in rows}
    rows += [
        {"code": code, "name": names[code], "planned": None, "reached": month}
        for code, month in sorted(reached.items())
        if month and code not in planned
    ]
    return {"mde80": plan.mde80, "waves": plan.waves, "units": rows}


def reported_targets(campaign: Campaign) -> list[dict]:
    """The campaign's targets judged on the values reported for them (no statistics behind them): reached when the
    reported value meets the target, not reached when it does not and the deadline has passed. The report without
    monthly statistics, its PDF and XLSX and the admin page show these."""
    today = month_index(timezone.localdate())
    labels = dict(Indicator.choices)
    targets = []
    for target in campaign.targets.prefetch_related("units"):
        goal = target.resolved_value(IndicatorTargets.load())
        if goal is None:
            continue
        value = target.reported_fraction if target.indicator in RATE_INDICATORS else target.reported_value
        due = month_index(target.deadline) <= today
        verdict = (
            "no_data"
            if value is None
            else "reached"
            if float(value) >= goal
            else ("not_reached" if due else "not_yet_due")
        )
        targets.append(
            {
                "indicator": target.indicator,
                "label": str(labels[target.indicator]),
                "target": goal,
                "deadline": target.deadline.isoformat(),
                "units": [],
                "unit_names": sorted(unit.name for unit in target.units.all()),
                "value": float(value) if value is not None else None,
                "ci95": None,
                "verdict": verdict,
                "reported_on": target.reported_on.isoformat() if target.reported_on else None,
                "reported_source": target.reported_source,
            }
        )
    return targets


def unavailable_report(campaign: Campaign, error: ImpactError) -> dict:
    """What can be said of a campaign whose communes have no monthly statistics: why no effect can be estimated,
    its targets with the values reported for them, its reported figures. The PDF and XLSX are made from it, so
    they always exist; every figure in it is as reported, none is estimated."""
    targets = reported_targets(campaign)
    rules = [
        {"channel": rule.channel, "minimum": float(rule.minimum), "per_thousand_dossiers": rule.per_thousand_dossiers}
        for rule in campaign.reach_rules.all()
    ]
    payload = {
        "campaign": {"slug": campaign.slug, "title": campaign.name},
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "scope": {
            "unit_code": campaign.unit.code,
            "unit_name": campaign.unit.name,
            "units": 0,
            "treated_units": 0,
            "never_treated_units": 0,
        },
        "window": {
            "start": index_label(month_index(campaign.starts_on)),
            "end": index_label(month_index(campaign.ends_on)),
        },
        "treatment_rule": {"channels": sorted({rule["channel"] for rule in rules}), "rules": rules},
        "observed": {"baseline_rate": None, "latest_rate": None, "change_pp": None, "series": []},
        "effect": None,
        "did": None,
        "extra_online_dossiers": None,
        "counterfactual": [],
        "channels": [],
        "targets": targets,
        "units": [],
        "recommendations": {"next_units": [], "projections": []},
        "plan": None,
        "reported_figures": reported_figures(campaign),
        "periodic_reports": periodic_reports_of(campaign),
        "method_version": METHOD_VERSION,
        "warnings": [{"code": error.code, "message": error.message}],
        # Why no effect can be estimated: the stored report says so instead of being computed again and again.
        "unavailable": {"code": error.code, "message": error.message},
    }

    payload["narrative"] = narrative(payload)
    return _clean(payload)


def impact_report(
    *,
    campaign: Campaign | None = None,
    scope: AdministrativeUnit | Nation | None = None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    channels: list[str] | None = None,
    control: str | None = None,
) -> dict:
    """The report for a campaign, or for a scope and window with the given channels counting as reach."""
    if campaign is None and (scope is None or start is None or end is None):
        raise ImpactError("missing_scope", gettext("Give a campaign, or a unit with a start and an end month."))
    root, scope_ids, rules, control = _settings(campaign, scope, channels, control)
    _check_settings(rules, control)
    start, end = _window(campaign, start, end, scope_ids)
    campaign_start = month_index(campaign.starts_on) if campaign is not None else month_index(start) + BASELINE_MONTHS
    panel = build_panel(root=root, scope_ids=scope_ids, start=start, end=end, rules=rules)
    if not panel.units:
        raise ImpactError("no_units", gettext("No communes or wards lie in this scope."))
    warnings = _panel_warnings(panel)
    did_block, _did_extra, _did_counterfactual = _did(panel, control)
    headline = _effect(panel, control, warnings)
    units = _units(panel, campaign_start)
    recommendations = _current_recommendations(root, scope_ids, rules, panel, units, campaign_start)
    payload = {
        "campaign": {"slug": campaign.slug, "title": campaign.name} if campaign else None,
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "scope": _scope_block(root, panel),
        "window": {"start": index_label(panel.months[0]), "end": index_label(panel.months[-1])},
        "treatment_rule": {
            "channels": sorted({rule.channel for rule in rules}),
            "rules": [
                {"channel": r.channel, "minimum": r.minimum, "per_thousand_dossiers": r.per_thousand_dossiers}
                for r in rules
            ],
        },
        "observed": _observed(panel, campaign_start),
        "effect": headline,
        "did": did_block,
        "extra_online_dossiers": (
            {key: headline["extra_online_dossiers"][key] for key in ("estimate", "ci95")} if headline else None
        ),
        "counterfactual": headline["counterfactual"] if headline else [],
        "channels": _channels(panel, warnings),
        "targets": _targets(campaign, panel),
        "units": units,
        "recommendations": recommendations,
        "plan": _plan(campaign, panel),
        "reported_figures": reported_figures(campaign),
        "method_version": METHOD_VERSION,
    }
    payload["warnings"] = impact_warnings.messages(warnings)

    payload["narrative"] = narrative(payload)
    return _clean(payload)


def _settings(
    campaign: Campaign | None, scope: AdministrativeUnit | None, channels: list[str] | None, control: str | None
) -> tuple[AdministrativeUnit, list[int], list[RuleSpec], str]:
    """(root unit, scope unit ids, reach rules, comparison group): the campaign's, unless given here."""
    if campaign is not None:
        scope_ids = areas.campaign_unit_ids(campaign)
        rules = [RuleSpec(r.channel, float(r.minimum), r.per_thousand_dossiers) for r in campaign.reach_rules.all()]
        if channels:
            rules = [RuleSpec(name, 1.0) for name in channels]
        return campaign.unit, scope_ids, rules or list(DEFAULT_RULES), control or campaign.control_group
    rules = [RuleSpec(name, 1.0) for name in channels] if channels else list(DEFAULT_RULES)
    scope_ids = _nation_ids() if isinstance(scope, Nation) else [scope.pk]
    return scope, scope_ids, rules, control or ControlGroup.NEVER


def _check_settings(rules: list[RuleSpec], control: str) -> None:
    """Refuses (ImpactError) an unknown channel or comparison group."""
    unknown = sorted({rule.channel for rule in rules} - set(Channel.values))
    if unknown:
        raise ImpactError(
            "unknown_channel",
            gettext("Unknown channel “%(value)s”; use one of: %(choices)s.")
            % {"value": ", ".join(unknown), "choices": ", ".join(Channel.values)},
        )
    if control not in ControlGroup.values:
        raise ImpactError(
            "unknown_control", gettext("Compare with “never” or “notyet”, not “%(value)s”.") % {"value": control}
        )


def _panel_warnings(panel: Panel) -> list[dict]:
    """Units only partly in the scope, and unit-months without statistics."""
    warnings: list[dict] = []
    if panel.partial_units:
        warnings.append({"code": "partial_units", "params": {"count": len(panel.partial_units)}})
    missing = int((~panel.reported).sum())
    if missing:
        warnings.append({"code": "missing_months", "params": {"count": missing}})
    return warnings


def _scope_block(root: AdministrativeUnit, panel: Panel) -> dict:
    """The scope's unit, its units and how many of them were reached within the window."""
    last = panel.months[-1]
    reached = panel.first_reached[(panel.first_reached > 0) & (panel.first_reached <= last)]
    return {
        "unit_code": root.code,
        "unit_name": root.name,
        "units": len(panel.units),
        "treated_units": int(len(reached)),
        "never_treated_units": int(len(panel.units) - len(reached)),
    }


def _clean(value):
    """JSON-safe: numpy scalars to Python, non-finite floats to None."""
    if isinstance(value, dict):
        return {str(key): _clean(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(item) for item in value]
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating | float):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, np.bool_):
        return bool(value)
    return value
