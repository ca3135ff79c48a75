"""What the three renderings of an impact payload share: the key figures, value formats and the tables.

Every table is (headers, rows of text) so that the plain text, the PDF and the admin page show the same cells;
the XLSX rebuilds the numeric ones with numbers and number formats.
"""

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from campaigns.impact.narrative import (
    channel_name,
    channel_per,
    comparison_label,
    effect_verdict,
    excludes_zero,
    format_month,
    format_months,
    format_number,
    format_percent,
    format_points,
    format_range,
    interval,
)

VERDICT_LABELS = {
    "reached": gettext_lazy("Reached"),
    "not_reached": gettext_lazy("Not reached"),
    "too_close": gettext_lazy("Too close to call"),
    "no_data": gettext_lazy("No data"),
    "not_yet_due": gettext_lazy("Not yet due"),
}
VERDICT_WORDS = {
    "rise": gettext_lazy("Clear rise"),
    "fall": gettext_lazy("Clear fall"),
    "unclear": gettext_lazy("Not enough evidence yet"),
}


# --- Figures shared by the three renderings ------------------------------------------------------------------


@dataclass
class KeyFigure:
    """One key figure: kind is "rate" (fraction), "points" (rate units), "count", "p" or "text"."""

    label: str
    kind: str
    value: float | str | None
    low: float | None = None
    high: float | None = None
    note: str = ""


def ci_bounds(item: Mapping | None) -> tuple[float | None, float | None]:
    ci = interval(item)
    return ci if ci else (None, None)


def key_figures(payload: Mapping) -> list[KeyFigure]:
    """The summary table: observed rates, the effect, additional dossiers, the pre-trend check."""
    figures = _observed_figures(payload.get("observed") or {})
    headline = payload.get("effect")
    if effect_verdict(headline) == "none":
        figures.append(KeyFigure(_("Effect of the campaign"), "text", _("Cannot be estimated")))
        return figures
    return figures + _effect_figures(payload, headline)


def _observed_figures(observed: Mapping) -> list[KeyFigure]:
    """The online rate at the start and at the end, and the change between them (observed, not the effect)."""

    def with_period(label_with_period: str, label: str, period) -> str:
        # Without monthly statistics there is no period to name: no empty "()".
        months = format_months(period)
        return label_with_period % {"period": months} if months else label

    figures = [
        KeyFigure(
            with_period(
                _("Online rate at the start (%(period)s)"),
                _("Online rate at the start"),
                observed.get("baseline_period"),
            ),
            "rate",
            observed.get("baseline_rate"),
            *ci_bounds({"ci95": observed.get("baseline_ci95")}),
        ),
        KeyFigure(
            with_period(
                _("Online rate at the end (%(period)s)"), _("Online rate at the end"), observed.get("latest_period")
            ),
            "rate",
            observed.get("latest_rate"),
            *ci_bounds({"ci95": observed.get("latest_ci95")}),
        ),
        KeyFigure(
            _("Observed change (percentage points)"),
            "points",
            observed.get("change_pp"),
            *ci_bounds({"ci95": observed.get("change_ci95")}),
            note=_("Observed, not the effect of the campaign"),
        ),
    ]
    return figures


def _effect_figures(payload: Mapping, headline: Mapping) -> list[KeyFigure]:
    """The effect, its comparison group, the smallest effect the rollout can show, additional dossiers, the check
    of the trends before the campaign and the group-time cross-check."""
    figures = [
        KeyFigure(
            _("Effect of the campaign (percentage points)"),
            "points",
            headline.get("att"),
            *ci_bounds(headline),
            note=str(VERDICT_WORDS[effect_verdict(headline)]),
        )
    ]
    figures.append(KeyFigure(_("Comparison group"), "text", comparison_label(headline)))
    figures.append(
        KeyFigure(
            _("Smallest effect this rollout can show (percentage points)"),
            "points",
            headline.get("mde80"),
            note=_("Found four times out of five"),
        )
    )
    extra = payload.get("extra_online_dossiers")
    if extra:
        figures.append(KeyFigure(_("Additional online dossiers"), "count", extra.get("estimate"), *ci_bounds(extra)))
    pretrend = headline.get("pretrend") or {}
    alarm = pretrend.get("p_value") is not None and pretrend["p_value"] < 0.05
    figures.append(
        KeyFigure(
            _("Trends before the campaign"),
            "text",
            _("Not checked: too few months")
            if pretrend.get("p_value") is None
            else (_("Already moving apart: caution") if alarm else _("No clear difference seen")),
        )
    )
    if pretrend.get("breakdown") is not None:
        figures.append(
            KeyFigure(
                _("The finding holds unless the gap grew by more than (points a month)"),
                "points2",
                pretrend["breakdown"],
            )
        )
    cross_check = ((payload.get("did") or {}).get("overall") or {}).get("att")
    if cross_check is not None:
        figures.append(
            KeyFigure(
                _("Cross-check: group-time estimate (percentage points)"),
                "points",
                cross_check,
                note=_("Callaway & Sant'Anna, no range shown"),
            )
        )
    return figures


def format_value(kind: str, value) -> str:
    if value is None:
        return "—"
    if kind == "rate":
        return format_percent(value)
    if kind == "points":
        return format_points(value)
    if kind == "points2":
        return format_points(value, 2)
    if kind == "count":
        return format_number(value)
    return str(value)


def figure_interval(figure: KeyFigure) -> str:
    if figure.low is None or figure.high is None:
        return ""
    return format_range(figure.low, figure.high, lambda value: format_value(figure.kind, value))


def is_rate(target: Mapping) -> bool:
    return "rate" in str(target.get("indicator") or "")


def _target_value(target: Mapping, value) -> str:
    if value is None:
        return "—"
    if is_rate(target):
        return format_percent(value)
    return format_number(value, 0 if float(value).is_integer() else 1)  # counts: 750, not 750,0


def _reformat(value, parse, pattern: str, fallback) -> str:
    """``value`` parsed from ISO text and written with ``pattern``; "" for nothing, ``fallback(value)`` if unparsable."""
    if not value:
        return ""
    try:
        return parse(str(value)).strftime(pattern)
    except ValueError:
        return fallback(value)


def format_day(value) -> str:
    """ "2022-12-31" -> "31/12/2022"; a month "2022-12" -> "12/2022"; anything else as it is."""
    return _reformat(value, datetime.date.fromisoformat, "%d/%m/%Y", format_month)


def format_moment(value) -> str:
    """An ISO timestamp as "21/11/2026 16:00" in its own offset."""
    return _reformat(value, datetime.datetime.fromisoformat, "%d/%m/%Y %H:%M", str)


def ranked_units(payload: Mapping) -> list[Mapping]:
    """Units by observed change, largest first (units without a change last)."""
    units = list(payload.get("units") or [])
    return sorted(units, key=lambda u: (u.get("change_pp") is None, -(u.get("change_pp") or 0)))


def reached_text(unit: Mapping) -> str:
    return format_month(unit["reached"]) if unit.get("reached") else _("Not yet reached")


def association_text(channel: Mapping) -> str:
    if not excludes_zero(channel):
        return _("No clear association")
    return _("Associated with a higher rate") if channel["effect_per_100"] > 0 else _("Associated with a lower rate")


def projection_text(projection: Mapping) -> str:
    status = projection.get("status")
    if status == "projected" and projection.get("earliest") and projection.get("latest"):
        return _("Reaches the target between %(earliest)s and %(latest)s") % {
            "earliest": format_month(projection["earliest"]),
            "latest": format_month(projection["latest"]),
        }
    if status == "projected" and projection.get("earliest"):
        return _("Not before %(earliest)s; possibly not at the current pace") % {
            "earliest": format_month(projection["earliest"])
        }
    if status == "reached":
        return _("Target already reached")
    if status == "not_at_current_pace":
        return _("not at the current pace")
    if status == "too_little_data":
        return _("too little data")
    return "—"  # a report stored before projections were ranges: it is recomputed, never shown as one month


# --- tables shared by the text and PDF reports ---------------------------------------------------------------


def named(item: Mapping) -> str:
    return f"{item.get('name') or ''} ({item.get('code') or ''})"


def channel_table(payload: Mapping) -> tuple[list[str], list[list[str]]]:
    headers = [_("Activity"), _("Per"), _("Effect (points)"), _("95 %% interval") % {}, _("Carry-over"),
               _("Association (not cause)")]  # fmt: skip
    rows = [
        [
            channel_name(channel),
            format_number(channel_per(channel)),
            format_points(channel.get("effect_per_100")),
            format_range(*interval(channel)) if interval(channel) else "",
            format_number(channel.get("adstock"), 2),
            association_text(channel),
        ]
        for channel in payload.get("channels") or []
    ]
    return headers, rows


def months_since(row: Mapping) -> str:
    """An event-time bin as months since reach: "0–2", "−12 to −10"."""
    first, last = int(row["e"]), int(row.get("e_last", row["e"]))
    return format_range(first, last, formatter=format_number) if last != first else format_number(first)


def event_rows(payload: Mapping) -> tuple[list[str], list[list[str]]] | None:
    rows = (payload.get("effect") or {}).get("event_study") or []
    if not rows:
        return None
    headers = [_("Months since reach"), _("Effect (points)"), _("Plausible range (all quarters together)"),
               _("Before or after")]  # fmt: skip
    body = [
        [
            months_since(row),
            format_points(row.get("att")),
            format_range(*interval(row)) if interval(row) else _("not available"),
            _("Before") if row["e"] < 0 else _("After"),
        ]
        for row in sorted(rows, key=lambda r: r["e"])
    ]
    return headers, body


def band_note() -> str:
    return _(
        "Before reach the effect should be close to zero. The ranges hold for all quarters at once, so a single "
        "quarter outside zero is not by itself a sign."
    )


def cohort_table(payload: Mapping) -> tuple[list[str], list[list[str]]]:
    """Effect per cohort from the group-time cross-check: point estimates only (a cohort is often one commune)."""
    headers = [_("Cohort (month reached)"), _("Units"), _("Effect (points)")]
    groups = ((payload.get("did") or {}).get("by_group")) or []
    rows = [
        [format_month(group.get("group")), format_number(group.get("units")), format_points(group.get("att"))]
        for group in groups
    ]
    return headers, rows


def _reported_value(figure: Mapping) -> str:
    value = figure.get("value")
    if value is None:
        return "—"
    if figure.get("is_percent"):
        return format_percent(value / 100, 2 if round(value * 10, 6) % 1 else 1)  # as precise as reported
    return format_number(value, 0 if float(value).is_integer() else 1)


def reported_table(payload: Mapping) -> tuple[list[str], list[list[str]]] | None:
    """Figures the campaign's reports give that the statistics cannot hold, as reported (never estimated)."""
    figures = payload.get("reported_figures") or []
    if not figures:
        return None
    headers = [_("Figure"), _("Unit"), _("Period"), _("Value"), _("Source")]
    rows = [
        [
            str(figure.get("label") or ""),
            str(figure.get("unit") or "—"),
            f"{format_day(figure.get('start'))}–{format_day(figure.get('end'))}",
            _reported_value(figure),
            str(figure.get("source") or "—"),
        ]
        for figure in figures
    ]
    return headers, rows


def periodic_period(report: Mapping) -> str:
    """ "Quý 2/2023 (01/04/2023–30/06/2023)", or the dates alone for an irregular period."""
    dates = f"{format_day(report.get('start'))}–{format_day(report.get('end'))}"
    label = str(report.get("label") or "")
    return dates if label in ("", dates) else f"{label} ({dates})"


PERIODIC_HEADERS = (
    gettext_lazy("Unit"),
    gettext_lazy("Period"),
    gettext_lazy("Dossiers received"),
    gettext_lazy("Received online"),
    gettext_lazy("Online rate"),
    gettext_lazy("Source"),
)


def periodic_table(payload: Mapping) -> tuple[list[str], list[list[str]]] | None:
    """Quarterly, 6-month, annual and irregular reports as stored, never split into months (the admin report
    page shows the same table)."""
    reports = payload.get("periodic_reports") or []
    if not reports:
        return None
    rows = [
        [
            str(report.get("unit") or ""),
            periodic_period(report),
            format_number(report.get("received")),
            format_number(report.get("online")),
            format_percent(report.get("rate")),
            str(report.get("source") or "—"),
        ]
        for report in reports
    ]
    return [str(header) for header in PERIODIC_HEADERS], rows


def plan_table(payload: Mapping) -> tuple[list[str], list[list[str]]] | None:
    """The measurement plan saved before launch against what happened, one row per unit."""
    plan = payload.get("plan")
    if not plan:
        return None
    headers = [_("Unit"), _("Planned from"), _("Actually reached")]
    rows = [
        [
            named(row),
            format_month(row["planned"]) if row.get("planned") else _("Not in the plan"),
            format_month(row["reached"]) if row.get("reached") else _("Not yet reached"),
        ]
        for row in plan.get("units") or []
    ]
    return headers, rows


def plan_note(payload: Mapping) -> str:
    plan = payload.get("plan") or {}
    return _(
        "Plan saved before launch: units reached in a random order, in waves; the smallest rise it could show "
        "clearly was %(mde)s percentage points."
    ) % {"mde": format_points(plan.get("mde80"))}


def target_label(target: Mapping) -> str:
    """The indicator, and the units a target is set for when it is not the whole campaign's."""
    label = str(target.get("label") or target.get("indicator") or "")
    names = target.get("unit_names") or []
    if not names:
        return label
    if len(names) <= 3:
        return f"{label} ({', '.join(names)})"
    return _("%(indicator)s (%(count)s units)") % {"indicator": label, "count": len(names)}


def _reported_target_value(target: Mapping) -> str:
    """A value as reported for a target, with who reported it and when."""
    text = _target_value(target, target.get("value"))
    if target.get("value") is None or not (target.get("reported_source") or target.get("reported_on")):
        return text
    source, day = str(target.get("reported_source") or ""), format_day(target.get("reported_on"))
    said = ", ".join(part for part in (source, "" if day in source else day) if part)  # no date twice
    return f"{text} ({said})" if said else text


def target_table(payload: Mapping) -> tuple[list[str], list[list[str]]]:
    headers = [_("Indicator"), _("Target"), _("Deadline"), _("Value"), _("95 %% interval") % {}, _("Verdict")]
    rows = [
        [
            target_label(target),
            _target_value(target, target.get("target")),
            format_day(target.get("deadline")),
            _reported_target_value(target),
            format_range(*interval(target), formatter=lambda v, t=target: _target_value(t, v))
            if interval(target)
            else "",
            str(VERDICT_LABELS.get(target.get("verdict"), target.get("verdict") or "")),
        ]
        for target in payload.get("targets") or []
    ]
    return headers, rows


def unit_table(units: Sequence[Mapping]) -> tuple[list[str], list[list[str]]]:
    headers = ["#", _("Unit"), _("Campaign since"), _("Start"), _("End"), _("Change (points)"), _("Dossiers")]
    rows = [
        [
            str(rank),
            named(unit),
            reached_text(unit),
            format_percent(unit.get("baseline_rate")),
            format_percent(unit.get("latest_rate")),
            format_points(unit.get("change_pp")),
            format_number(unit.get("dossiers")),
        ]
        for rank, unit in enumerate(units, 1)
    ]
    return headers, rows


def next_units_table(items: Sequence[Mapping]) -> tuple[list[str], list[list[str]]]:
    headers = [_("Unit"), _("Online rate"), _("Dossiers per month"), _("Priority score")]
    rows = [
        [
            named(item),
            format_percent(item.get("rate")),
            format_number(item.get("volume")),
            format_number(item.get("score"), 1),
        ]  # fmt: skip
        for item in items
    ]
    return headers, rows


def projection_table(items: Sequence[Mapping]) -> tuple[list[str], list[list[str]]]:
    headers = [_("Unit"), _("Projection"), _("Trend (points per month)")]
    rows = [[named(item), projection_text(item), format_points(item.get("slope_per_month"), 2)] for item in items]
    return headers, rows


def scope_line(payload: Mapping) -> str:
    scope = payload.get("scope") or {}
    return _("%(name)s (%(code)s): %(units)s units, %(treated)s ran the campaign, %(never)s never ran it") % {
        "name": scope.get("unit_name") or "",
        "code": scope.get("unit_code") or "",
        "units": format_number(scope.get("units")),
        "treated": format_number(scope.get("treated_units")),
        "never": format_number(scope.get("never_treated_units")),
    }


def window_line(payload: Mapping) -> str:
    window = payload.get("window") or {}
    return format_months([window.get("start"), window.get("end")]) if window.get("start") else ""


def methods_note(payload: Mapping) -> list[str]:
    headline = payload.get("effect")
    comparison = (
        comparison_label(headline) if headline else _("units that never ran the campaign or had not yet run it")
    )
    return [
        _(
            "The online rate each reached unit would have had without the campaign is estimated from its own months "
            "before it was reached and from the month-to-month changes of %(comparison)s (imputation estimator, "
            "Borusyak, Jaravel & Spiess); the effect is the average gap over the reached months."
        )
        % {"comparison": comparison},
        _(
            "The plausible range is found by giving the same reach months to other units many times over and "
            "keeping every effect that the observed result does not rule out (randomisation over the timing of "
            "reach; by district when reach followed districts). It holds with few units; with very few ways of "
            "choosing the units it is wide or cannot be given."
        ),
        _(
            "The group-time estimate of Callaway & Sant'Anna is shown as a cross-check. The activity mix comes from "
            "a separate regression of the online rate on activity volumes, with a carry-over from month to month "
            "fixed in advance: it shows associations, not causes."
        ),
    ]
