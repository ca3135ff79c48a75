"""A campaign impact payload (campaigns/impact/schema.json) rendered as plain text, XLSX and PDF.

Pure rendering: the payload is a dict as built from the database (or read from its JSON); nothing here touches
the database. Every label is an English msgid translated with gettext in the active language; numbers follow
the active language (vi "1.234,5", "39,5 %"). When the headline ``effect`` is null the effect cannot be estimated: the
renderings say so and show the observed figures and the warnings only (the XLSX keeps all its sheets, with a
note instead of estimates, so that its layout does not change).
"""

import datetime
import io
import re
import textwrap
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

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
    narrative_text,
)
from campaigns.statistics.exports import escape_formula

TOP_UNITS_PDF = 20
CHART_WIDTH_MM = 150  # two charts with their headings and captions fit on one A4 page
TEXT_WIDTH = 100

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

# Spreadsheet number formats (Excel shows them with the reader's own separators).
RATE_FORMAT = "0.0%"
POINTS_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
SCORE_FORMAT = "#,##0.0"

# Characters openpyxl refuses in a cell (control characters other than tab, newline, carriage return).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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


def _ci(item: Mapping | None) -> tuple[float | None, float | None]:
    ci = interval(item)
    return ci if ci else (None, None)


def key_figures(payload: Mapping) -> list[KeyFigure]:
    """The summary table: observed rates, the effect, additional dossiers, the pre-trend check."""
    observed = payload.get("observed") or {}

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
            *_ci({"ci95": observed.get("baseline_ci95")}),
        ),
        KeyFigure(
            with_period(
                _("Online rate at the end (%(period)s)"), _("Online rate at the end"), observed.get("latest_period")
            ),
            "rate",
            observed.get("latest_rate"),
            *_ci({"ci95": observed.get("latest_ci95")}),
        ),
        KeyFigure(
            _("Observed change (percentage points)"),
            "points",
            observed.get("change_pp"),
            *_ci({"ci95": observed.get("change_ci95")}),
            note=_("Observed, not the effect of the campaign"),
        ),
    ]
    headline = payload.get("effect")
    if effect_verdict(headline) == "none":
        figures.append(KeyFigure(_("Effect of the campaign"), "text", _("Cannot be estimated")))
        return figures
    figures.append(
        KeyFigure(
            _("Effect of the campaign (percentage points)"),
            "points",
            headline.get("att"),
            *_ci(headline),
            note=str(VERDICT_WORDS[effect_verdict(headline)]),
        )
    )
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
        figures.append(KeyFigure(_("Additional online dossiers"), "count", extra.get("estimate"), *_ci(extra)))
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


def _is_rate(target: Mapping) -> bool:
    return "rate" in str(target.get("indicator") or "")


def _target_value(target: Mapping, value) -> str:
    if value is None:
        return "—"
    if _is_rate(target):
        return format_percent(value)
    return format_number(value, 0 if float(value).is_integer() else 1)  # counts: 750, not 750,0


def _day(value) -> str:
    """ "2022-12-31" -> "31/12/2022"; a month "2022-12" -> "12/2022"; anything else as it is."""
    if not value:
        return ""
    try:
        return datetime.date.fromisoformat(str(value)).strftime("%d/%m/%Y")
    except ValueError:
        return format_month(value)


def _moment(value) -> str:
    """An ISO timestamp as "21/11/2026 16:00" in its own offset."""
    if not value:
        return ""
    try:
        return datetime.datetime.fromisoformat(str(value)).strftime("%d/%m/%Y %H:%M")
    except ValueError:
        return str(value)


def ranked_units(payload: Mapping) -> list[Mapping]:
    """Units by observed change, largest first (units without a change last)."""
    units = list(payload.get("units") or [])
    return sorted(units, key=lambda u: (u.get("change_pp") is None, -(u.get("change_pp") or 0)))


def _reached(unit: Mapping) -> str:
    return format_month(unit["reached"]) if unit.get("reached") else _("Not yet reached")


def _association(channel: Mapping) -> str:
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


def _named(item: Mapping) -> str:
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
            _association(channel),
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
            f"{_day(figure.get('start'))}–{_day(figure.get('end'))}",
            _reported_value(figure),
            str(figure.get("source") or "—"),
        ]
        for figure in figures
    ]
    return headers, rows


def periodic_period(report: Mapping) -> str:
    """ "Quý 2/2023 (01/04/2023–30/06/2023)", or the dates alone for an irregular period."""
    dates = f"{_day(report.get('start'))}–{_day(report.get('end'))}"
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
            _named(row),
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


def _target_label(target: Mapping) -> str:
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
    source, day = str(target.get("reported_source") or ""), _day(target.get("reported_on"))
    said = ", ".join(part for part in (source, "" if day in source else day) if part)  # no date twice
    return f"{text} ({said})" if said else text


def target_table(payload: Mapping) -> tuple[list[str], list[list[str]]]:
    headers = [_("Indicator"), _("Target"), _("Deadline"), _("Value"), _("95 %% interval") % {}, _("Verdict")]
    rows = [
        [
            _target_label(target),
            _target_value(target, target.get("target")),
            _day(target.get("deadline")),
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
            _named(unit),
            _reached(unit),
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
            _named(item),
            format_percent(item.get("rate")),
            format_number(item.get("volume")),
            format_number(item.get("score"), 1),
        ]  # fmt: skip
        for item in items
    ]
    return headers, rows


def projection_table(items: Sequence[Mapping]) -> tuple[list[str], list[list[str]]]:
    headers = [_("Unit"), _("Projection"), _("Trend (points per month)")]
    rows = [[_named(item), projection_text(item), format_points(item.get("slope_per_month"), 2)] for item in items]
    return headers, rows


def _scope_line(payload: Mapping) -> str:
    scope = payload.get("scope") or {}
    return _("%(name)s (%(code)s): %(units)s units, %(treated)s ran the campaign, %(never)s never ran it") % {
        "name": scope.get("unit_name") or "",
        "code": scope.get("unit_code") or "",
        "units": format_number(scope.get("units")),
        "treated": format_number(scope.get("treated_units")),
        "never": format_number(scope.get("never_treated_units")),
    }


def _window_line(payload: Mapping) -> str:
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


# --- Plain text ----------------------------------------------------------------------------------------------


def _text_table(headers: Sequence[str], rows: Iterable[Sequence[str]], right: Sequence[int] = ()) -> list[str]:
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max([len(headers[i])] + [len(row[i]) for row in rows]) for i in range(len(headers))]

    def line(cells):
        parts = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(cells)]
        return "  ".join(parts).rstrip()

    return [line(headers), "  ".join("-" * width for width in widths), *(line(row) for row in rows)]


def _heading(title: str) -> list[str]:
    return ["", title.upper(), "=" * len(title)]


def _wrap(text: str, indent: str = "") -> list[str]:
    return textwrap.wrap(text, TEXT_WIDTH, initial_indent=indent, subsequent_indent=indent) or [indent]


def render_text(payload: Mapping) -> str:
    """The report for a terminal: headline, figures, tables, warnings, narrative and method, in plain text."""
    campaign = payload.get("campaign") or {}
    lines = [_("Campaign impact report").upper()]
    if campaign.get("title"):
        lines.append(str(campaign["title"]))
    lines.append(_("Scope: %(scope)s") % {"scope": _scope_line(payload)})
    lines.append(_("Period: %(window)s") % {"window": _window_line(payload)})
    if payload.get("generated_at"):
        lines.append(_("Generated at: %(moment)s") % {"moment": _moment(payload["generated_at"])})

    lines += _heading(_("Summary"))
    lines += _wrap(narrative_text(payload))

    lines += _heading(_("Key figures"))
    lines += _text_table(
        [_("Indicator"), _("Value"), _("95 %% interval") % {}, _("Note")],
        [[f.label, format_value(f.kind, f.value), figure_interval(f), f.note] for f in key_figures(payload)],
        right=(1,),
    )

    headline = payload.get("effect")
    if effect_verdict(headline) != "none":
        lines += _heading(_("Effect by quarter since reach"))
        rows = event_rows(payload)
        if rows:
            lines += _text_table(*rows, right=(1,))
            lines += _wrap(band_note())
        else:
            lines.append(_("No data."))

        lines += _heading(_("By cohort (cross-check)"))
        headers, groups = cohort_table(payload)
        if groups:
            lines += _text_table(headers, groups, right=(1, 2))
        else:
            lines.append(_("No data."))

        extra = payload.get("extra_online_dossiers")
        lines += _heading(_("Additional online dossiers"))
        if extra and extra.get("estimate") is not None:
            ci = interval(extra)
            lines.append(
                _("About %(estimate)s (plausible range: %(interval)s)")
                % {
                    "estimate": format_number(extra["estimate"]),
                    "interval": format_range(*ci, formatter=format_number) if ci else _("not available"),
                }
            )
        else:
            lines.append(_("Not available."))

        lines += _heading(_("Activity mix"))
        if payload.get("channels"):
            lines += _text_table(*channel_table(payload), right=(1, 2, 4))
            lines += _wrap(_("Associations, not causes: activities often go together with other changes."))
        else:
            lines.append(_("No data."))

    lines += _heading(_("Targets"))
    if payload.get("targets"):
        lines += _text_table(*target_table(payload), right=(1, 3))
    else:
        lines.append(_("No data."))

    if periodic_table(payload):
        lines += _heading(_("Quarterly, 6-month, annual and other reports"))
        lines += _text_table(*periodic_table(payload), right=(2, 3, 4))

    if reported_table(payload):
        lines += _heading(_("Figures reported"))
        lines += _text_table(*reported_table(payload))

    if plan_table(payload):
        lines += _heading(_("Measurement plan and what happened"))
        lines += _wrap(plan_note(payload))
        lines += _text_table(*plan_table(payload))

    lines += _heading(_("Units ranked by change in online rate"))
    units = ranked_units(payload)
    if units:
        lines += _text_table(*unit_table(units), right=(0, 3, 4, 5, 6))
    else:
        lines.append(_("No data."))

    recommendations = payload.get("recommendations") or {}
    if recommendations.get("next_units") or recommendations.get("projections"):
        lines += _heading(_("Recommendations"))
        if recommendations.get("next_units"):
            lines.append(_("Units to reach next:"))
            lines += _text_table(*next_units_table(recommendations["next_units"]), right=(1, 2, 3))
        if recommendations.get("projections"):
            lines.append("")
            lines.append(_("Projections at the current pace:"))
            lines += _text_table(*projection_table(recommendations["projections"]), right=(2,))

    lines += _heading(_("Warnings"))
    warnings = payload.get("warnings") or []
    for warning in warnings:
        lines += _wrap(f"- {warning.get('message') or ''}", "")
    if not warnings:
        lines.append(_("None."))

    lines += _heading(_("Method"))
    for paragraph in methods_note(payload):
        lines += _wrap(paragraph)
    return "\n".join(lines) + "\n"


# --- XLSX ----------------------------------------------------------------------------------------------------


def _cell_text(value: str) -> str:
    """Text for a cell: without the control characters openpyxl rejects, never run as a formula."""
    return escape_formula(ILLEGAL_CHARACTERS.sub("", value))


def _points_value(value) -> float | None:
    return None if value is None else round(float(value) * 100, 6)


class _Sheet:
    """One worksheet: a bold header row, then rows whose text is made safe and whose numbers get formats."""

    def __init__(self, workbook, title: str, headers: Sequence[str], widths: Sequence[int]):
        from openpyxl.styles import Alignment, Font
        from openpyxl.utils import get_column_letter

        self.sheet = workbook.create_sheet(_sheet_title(title))
        self.sheet.append([_cell_text(str(header)) for header in headers])
        for cell in self.sheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for index, width in enumerate(widths, 1):
            self.sheet.column_dimensions[get_column_letter(index)].width = width
        self.sheet.freeze_panes = "A2"

    def row(self, values: Sequence, formats: Sequence[str | None] = ()) -> None:
        self.sheet.append([_cell_text(value) if isinstance(value, str) else value for value in values])
        for cell, number_format in zip(self.sheet[self.sheet.max_row], formats, strict=False):
            if number_format and isinstance(cell.value, int | float):
                cell.number_format = number_format

    def note(self, text: str) -> None:
        self.row([text])


def _sheet_title(title: str) -> str:
    for character in "[]:*?/\\":
        title = title.replace(character, " ")
    return title[:31]


def _kind_format(kind: str) -> str | None:
    return {"rate": RATE_FORMAT, "points": POINTS_FORMAT, "points2": "0.00", "count": COUNT_FORMAT}.get(kind)


def _kind_value(kind: str, value):
    if value is None or isinstance(value, str):
        return value
    return _points_value(value) if kind in ("points", "points2") else value


def render_xlsx(payload: Mapping) -> bytes:
    """The report as a workbook: one sheet per table, numbers as numbers with percent/number formats."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment

    workbook = Workbook()
    workbook.remove(workbook.active)
    no_estimate = _("The effect of the campaign cannot be estimated from these data.")
    campaign = payload.get("campaign") or {}

    # Summary: what, where, when; the narrative; the key figures.
    summary = _Sheet(
        workbook,
        _("Summary"),
        [_("Indicator"), _("Value"), _("95 % interval, low"), _("95 % interval, high"), _("Note")],
        [48, 16, 16, 16, 44],
    )
    summary.row([_("Campaign"), str(campaign.get("title") or campaign.get("slug") or "")])
    summary.row([_("Scope"), _scope_line(payload)])
    summary.row([_("Period"), _window_line(payload)])
    summary.row([_("Generated at"), _moment(payload.get("generated_at"))])
    summary.row([_("Summary"), narrative_text(payload)])
    narrative_row = summary.sheet.max_row
    summary.sheet.cell(narrative_row, 2).alignment = Alignment(wrap_text=True, vertical="top")
    summary.sheet.merge_cells(start_row=narrative_row, start_column=2, end_row=narrative_row, end_column=5)
    summary.sheet.row_dimensions[narrative_row].height = 15 * max(3, len(narrative_text(payload)) // 90 + 1)
    summary.row([])
    for figure in key_figures(payload):
        number_format = _kind_format(figure.kind)
        summary.row(
            [
                figure.label,
                _kind_value(figure.kind, figure.value),
                _kind_value(figure.kind, figure.low),
                _kind_value(figure.kind, figure.high),
                figure.note,
            ],
            [None, number_format, number_format, number_format],
        )

    # Event study, by quarter since reach.
    points = _("Effect (percentage points)")
    headline = payload.get("effect") if effect_verdict(payload.get("effect")) != "none" else None
    sheet = _Sheet(
        workbook,
        _("Event study"),
        [
            _("Months since reach"),
            _("Before or after"),
            points,
            _("Plausible range, low"),
            _("Plausible range, high"),
        ],
        [16, 12, 16, 16, 16],
    )
    if not headline:
        sheet.note(no_estimate)
    elif not headline.get("event_study"):
        sheet.note(_("No data."))
    for row in sorted((headline or {}).get("event_study") or [], key=lambda r: r["e"]):
        low, high = _ci(row)
        sheet.row(
            [
                months_since(row),
                _("Before") if row["e"] < 0 else _("After"),
                _points_value(row.get("att")),
                _points_value(low),
                _points_value(high),
            ],
            [None, None, POINTS_FORMAT, POINTS_FORMAT, POINTS_FORMAT],
        )
    if headline and headline.get("event_study"):
        sheet.row([])
        sheet.note(band_note())

    # By cohort: the cross-check's point estimates.
    headers, rows = cohort_table(payload)
    sheet = _Sheet(workbook, _("By cohort"), headers, [18, 10, 16])
    if not headline:
        sheet.note(no_estimate)
    elif not rows:
        sheet.note(_("No data."))
    for group in (payload.get("did") or {}).get("by_group") or [] if headline else []:
        sheet.row(
            [format_month(group.get("group")), group.get("units"), _points_value(group.get("att"))],
            [None, COUNT_FORMAT, POINTS_FORMAT],
        )

    # Counterfactual.
    sheet = _Sheet(
        workbook,
        _("Counterfactual"),
        [
            _("Month"),
            _("Observed"),
            _("Without the campaign (estimate)"),
            _("95 % interval, low"),
            _("95 % interval, high"),
            points,
        ],
        [12, 14, 20, 16, 16, 16],
    )
    counterfactual = (payload.get("counterfactual") or []) if headline else []
    if not headline:
        sheet.note(no_estimate)
    elif not counterfactual:
        sheet.note(_("No data."))
    for row in counterfactual:
        low, high = _ci(row)
        observed, without = row.get("observed"), row.get("without_campaign")
        difference = None if observed is None or without is None else _points_value(observed - without)
        sheet.row(
            [format_month(row.get("period")), observed, without, low, high, difference],
            [None, RATE_FORMAT, RATE_FORMAT, RATE_FORMAT, RATE_FORMAT, POINTS_FORMAT],
        )

    # Units.
    sheet = _Sheet(
        workbook,
        _("Units"),
        [
            "#",
            _("Code"),
            _("Unit"),
            _("Campaign since"),
            _("Online rate at the start"),
            _("Online rate at the end"),
            _("Change (percentage points)"),
            _("Dossiers"),
        ],
        [6, 10, 32, 14, 16, 16, 16, 12],
    )
    units = ranked_units(payload)
    if not units:
        sheet.note(_("No data."))
    for rank, unit in enumerate(units, 1):
        sheet.row(
            [
                rank,
                str(unit.get("code") or ""),
                str(unit.get("name") or ""),
                _reached(unit),
                unit.get("baseline_rate"),
                unit.get("latest_rate"),
                _points_value(unit.get("change_pp")),
                unit.get("dossiers"),
            ],
            ["0", None, None, None, RATE_FORMAT, RATE_FORMAT, POINTS_FORMAT, COUNT_FORMAT],
        )

    # Activity mix.
    sheet = _Sheet(
        workbook,
        _("Activity mix"),
        [
            _("Activity"),
            _("Per"),
            points,
            _("95 % interval, low"),
            _("95 % interval, high"),
            _("Carry-over"),
            _("Association (not cause)"),
        ],
        [24, 8, 16, 16, 16, 12, 30],
    )
    channels = (payload.get("channels") or []) if headline else []
    if not headline:
        sheet.note(no_estimate)
    elif not channels:
        sheet.note(_("No data."))
    for channel in channels:
        low, high = _ci(channel)
        sheet.row(
            [
                channel_name(channel),
                channel_per(channel),
                _points_value(channel.get("effect_per_100")),
                _points_value(low),
                _points_value(high),
                channel.get("adstock"),
                _association(channel),
            ],
            [None, COUNT_FORMAT, POINTS_FORMAT, POINTS_FORMAT, POINTS_FORMAT, "0.00"],
        )
    if channels:
        sheet.row([])
        sheet.note(_("Associations, not causes: activities often go together with other changes."))

    # Targets.
    sheet = _Sheet(
        workbook,
        _("Targets"),
        [
            _("Indicator"),
            _("Target"),
            _("Deadline"),
            _("Value"),
            _("95 % interval, low"),
            _("95 % interval, high"),
            _("Verdict"),
        ],
        [28, 12, 12, 12, 16, 16, 26],
    )
    targets = payload.get("targets") or []
    if not targets:
        sheet.note(_("No data."))
    for target in targets:
        low, high = _ci(target)
        number_format = RATE_FORMAT if _is_rate(target) else "#,##0.0"
        sheet.row(
            [
                _target_label(target),
                target.get("target"),
                _day(target.get("deadline")),
                target.get("value"),
                low,
                high,
                str(VERDICT_LABELS.get(target.get("verdict"), target.get("verdict") or "")),
            ],
            [None, number_format, None, number_format, number_format, number_format],
        )

    # Reports of longer or irregular periods, as stored.
    if periodic_table(payload):
        sheet = _Sheet(
            workbook, _("Periodic reports"), [str(header) for header in PERIODIC_HEADERS], [28, 36, 16, 16, 14, 30]
        )
        for report in payload.get("periodic_reports") or []:
            sheet.row(
                [
                    str(report.get("unit") or ""),
                    periodic_period(report),
                    report.get("received"),
                    report.get("online"),
                    report.get("rate"),
                    str(report.get("source") or "—"),
                ],
                [None, None, COUNT_FORMAT, COUNT_FORMAT, RATE_FORMAT],
            )

    # Figures reported elsewhere, as reported.
    if reported_table(payload):
        headers, rows = reported_table(payload)
        sheet = _Sheet(workbook, _("Figures reported"), headers, [40, 28, 24, 14, 30])
        for row in rows:
            sheet.row(row)

    # Measurement plan.
    if plan_table(payload):
        headers, rows = plan_table(payload)
        sheet = _Sheet(workbook, _("Plan"), headers, [40, 18, 18])
        sheet.note(plan_note(payload))
        for row in rows:
            sheet.row(row)

    # Warnings.
    sheet = _Sheet(workbook, _("Warnings"), [_("Message")], [120])
    warnings = payload.get("warnings") or []
    if not warnings:
        sheet.note(_("None."))
    for warning in warnings:
        sheet.row([str(warning.get("message") or "")])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- PDF -----------------------------------------------------------------------------------------------------


def _p(text) -> str:
    """Payload text made safe for reportlab's paragraph mark-up ("<script>" is text, not a tag).

    A no-break space keeps "%" on the line of its number ("39,5 %", "95 %").
    """
    return escape(str(text if text is not None else "")).replace(" %", "\u00a0%")


def _pdf_styles():
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm

    from trainings.pdf import ACCENT, INK, MUTED, register_fonts

    regular, bold = register_fonts()
    base = ParagraphStyle("impact-base", fontName=regular, fontSize=9.5, leading=12.5, textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle("impact-title", parent=base, fontName=bold, fontSize=17, leading=21, textColor=ACCENT),
        "subtitle": ParagraphStyle("impact-subtitle", parent=base, fontName=bold, fontSize=11.5, leading=15),
        "meta": ParagraphStyle("impact-meta", parent=base, fontSize=8.5, leading=11, textColor=MUTED),
        "h2": ParagraphStyle(
            "impact-h2",
            parent=base,
            fontName=bold,
            fontSize=12.5,
            leading=16,
            textColor=ACCENT,
            spaceBefore=5 * mm,
            spaceAfter=2 * mm,
            keepWithNext=True,
        ),
        "lead": ParagraphStyle("impact-lead", parent=base, fontSize=10.5, leading=14.5),
        "cell": ParagraphStyle("impact-cell", parent=base, fontSize=8.5, leading=10.5, splitLongWords=True),
        "number": ParagraphStyle("impact-number", parent=base, fontSize=8.5, leading=10.5, alignment=TA_RIGHT),
        "head": ParagraphStyle("impact-head", parent=base, fontName=bold, fontSize=8, leading=10),
        "note": ParagraphStyle(
            "impact-note", parent=base, fontSize=8.5, leading=11, textColor=MUTED, spaceBefore=1.5 * mm
        ),
        "warning": ParagraphStyle(
            "impact-warning",
            parent=base,
            fontSize=9,
            leading=12,
            textColor=colors.HexColor("#8a4b00"),
            leftIndent=4 * mm,
            bulletIndent=0,
        ),
    }


def _pdf_table(
    styles,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    widths_mm: Sequence[float],
    numeric: Sequence[int] = (),
):
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    from trainings.pdf import GRID, HEADER_FILL

    data = [[Paragraph(_p(header), styles["head"]) for header in headers]]
    for row in rows:
        data.append(
            [
                cell if hasattr(cell, "wrap") else Paragraph(_p(cell), styles["number" if i in numeric else "cell"])
                for i, cell in enumerate(row)
            ]
        )
    table = Table(data, colWidths=[width * mm for width in widths_mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#d5dbe1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


def _chart_image(png: bytes, width_mm: float):
    from reportlab.lib.units import mm
    from reportlab.platypus import Image

    from campaigns.impact.charts import FIGSIZE

    width = width_mm * mm
    return Image(io.BytesIO(png), width=width, height=width * FIGSIZE[1] / FIGSIZE[0])


def render_pdf(payload: Mapping, *, chart_dpi: int = 200) -> bytes:
    """The report as an A4 PDF in DejaVu Sans: summary, key figures, both charts, tables, warnings, method."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from campaigns.impact.charts import counterfactual_chart, event_study_chart
    from trainings.pdf import SHEET_MARGIN, _numbered_canvas

    styles = _pdf_styles()
    campaign = payload.get("campaign") or {}
    estimated = effect_verdict(payload.get("effect")) != "none"
    story: list = [Paragraph(_p(_("Campaign impact report")), styles["title"])]
    if campaign.get("title"):
        story.append(Paragraph(_p(campaign["title"]), styles["subtitle"]))
    meta = [_scope_line(payload), _("Period: %(window)s") % {"window": _window_line(payload)}]
    if payload.get("generated_at"):
        meta.append(_("Generated at: %(moment)s") % {"moment": _moment(payload["generated_at"])})
    story.append(Paragraph("<br/>".join(_p(line) for line in meta), styles["meta"]))
    story.append(Spacer(1, 4 * mm))

    headline = Table([[Paragraph(_p(narrative_text(payload)), styles["lead"])]], colWidths=[180 * mm])
    headline.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#eef3f9")),
                ("LINEBEFORE", (0, 0), (0, -1), 3, colors.HexColor("#0b4f94")),
                ("LEFTPADDING", (0, 0), (-1, -1), 4 * mm),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 3 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3 * mm),
            ]
        )
    )
    story.append(headline)

    story.append(Paragraph(_p(_("Key figures")), styles["h2"]))
    story.append(
        _pdf_table(
            styles,
            [_("Indicator"), _("Value"), _("95 %% interval") % {}, _("Note")],
            [
                [
                    f.label,
                    Paragraph(_p(format_value(f.kind, f.value)), styles["cell" if f.kind == "text" else "number"]),
                    figure_interval(f),
                    f.note,
                ]
                for f in key_figures(payload)
            ],
            (68, 24, 34, 54),
            numeric=(1,),
        )
    )

    if estimated:
        charts = []
        if payload.get("counterfactual"):
            charts.append(
                (
                    _("Online rate with and without the campaign"),
                    counterfactual_chart(payload, dpi=chart_dpi, title=False),
                    _(
                        "Solid line: observed online rate of the units that ran the campaign. Dashed line: the rate "
                        "they would have had without it, estimated from the comparison units, with its plausible "
                        "range (95 %%, all months together)."
                    )
                    % {},
                )
            )
        if payload["effect"].get("event_study"):
            charts.append(
                (
                    _("Difference by quarter since reach"),
                    event_study_chart(payload, dpi=chart_dpi, title=False),
                    _(
                        "Difference between the reached units and what they would have had without the campaign, "
                        "by quarter since reach. Quarters before reach (grey) should be close to zero."
                    )
                    + " "
                    + band_note(),
                )
            )
        for heading, png, caption in charts:
            story.append(
                KeepTogether(
                    [
                        Paragraph(_p(heading), styles["h2"]),
                        _chart_image(png, CHART_WIDTH_MM),
                        Paragraph(_p(caption), styles["note"]),
                    ]
                )
            )

    units = ranked_units(payload)
    if units:
        story.append(Paragraph(_p(_("Units ranked by change in online rate")), styles["h2"]))
        shown = units[:TOP_UNITS_PDF]
        story.append(_pdf_table(styles, *unit_table(shown), (9, 63, 22, 20, 20, 24, 22), numeric=(0, 3, 4, 5, 6)))
        if len(units) > len(shown):
            story.append(
                Paragraph(
                    _p(
                        _("The %(shown)s units with the largest change out of %(total)s.")
                        % {"shown": format_number(len(shown)), "total": format_number(len(units))}
                    ),
                    styles["note"],
                )
            )

    channels = payload.get("channels") or []
    if estimated and channels:
        block = [
            Paragraph(_p(_("Activity mix")), styles["h2"]),
            _pdf_table(styles, *channel_table(payload), (40, 14, 24, 34, 20, 48), numeric=(1, 2, 4)),
            Paragraph(
                _p(
                    _(
                        "These are associations, not proof of cause: activities often happen together with other "
                        "changes in the same units, so a unit with more of one activity may differ in other ways."
                    )
                ),
                styles["note"],
            ),
        ]
        story.append(KeepTogether(block))

    targets = payload.get("targets") or []
    if targets:
        story.append(Paragraph(_p(_("Targets")), styles["h2"]))
        story.append(_pdf_table(styles, *target_table(payload), (44, 18, 22, 40, 24, 32), numeric=(1, 3)))

    if periodic_table(payload):
        story.append(Paragraph(_p(_("Quarterly, 6-month, annual and other reports")), styles["h2"]))
        story.append(_pdf_table(styles, *periodic_table(payload), (34, 50, 24, 24, 20, 28), numeric=(2, 3, 4)))

    if reported_table(payload):
        story.append(Paragraph(_p(_("Figures reported")), styles["h2"]))
        story.append(_pdf_table(styles, *reported_table(payload), (50, 34, 36, 24, 36)))

    if plan_table(payload):
        story.append(Paragraph(_p(_("Measurement plan and what happened")), styles["h2"]))
        story.append(Paragraph(_p(plan_note(payload)), styles["note"]))
        story.append(_pdf_table(styles, *plan_table(payload), (90, 45, 45)))

    recommendations = payload.get("recommendations") or {}
    if recommendations.get("next_units") or recommendations.get("projections"):
        story.append(Paragraph(_p(_("Recommendations")), styles["h2"]))
        if recommendations.get("next_units"):
            story.append(Paragraph(_p(_("Units to reach next:")), styles["base"]))
            story.append(Spacer(1, 1.5 * mm))
            story.append(
                _pdf_table(
                    styles, *next_units_table(recommendations["next_units"]), (80, 30, 36, 34), numeric=(1, 2, 3)
                )
            )
        if recommendations.get("projections"):
            story.append(Spacer(1, 3 * mm))
            story.append(Paragraph(_p(_("Projections at the current pace:")), styles["base"]))
            story.append(Spacer(1, 1.5 * mm))
            story.append(
                _pdf_table(styles, *projection_table(recommendations["projections"]), (70, 76, 34), numeric=(2,))
            )

    warnings = payload.get("warnings") or []
    story.append(Paragraph(_p(_("Warnings")), styles["h2"]))
    for warning in warnings:
        story.append(Paragraph(_p(warning.get("message") or ""), styles["warning"], bulletText="•"))
    if not warnings:
        story.append(Paragraph(_p(_("None.")), styles["base"]))

    story.append(Paragraph(_p(_("Method")), styles["h2"]))
    for paragraph in methods_note(payload):
        story.append(Paragraph(_p(paragraph), styles["note"]))

    footer = " · ".join(
        part
        for part in (
            _("Campaign impact report"),
            str(campaign.get("title") or ""),
            _moment(payload.get("generated_at")),
        )
        if part
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=SHEET_MARGIN,
        rightMargin=SHEET_MARGIN,
        topMargin=SHEET_MARGIN,
        bottomMargin=18 * mm,
        title=_("Campaign impact report"),
        author="",
        subject=str(campaign.get("title") or ""),
    )
    document.build(story, canvasmaker=_numbered_canvas(footer))
    return buffer.getvalue()


RENDERERS: dict[str, Callable[[Mapping], bytes | str]] = {
    "text": render_text,
    "xlsx": render_xlsx,
    "pdf": render_pdf,
}
