"""The impact report as plain text, for a terminal (the ``campaign_impact`` command)."""

import textwrap
from collections.abc import Iterable, Mapping, Sequence

from django.utils.translation import gettext as _

from campaigns.impact.narrative import effect_verdict, format_number, format_range, interval, narrative_text
from campaigns.impact.render import common

TEXT_WIDTH = 100


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
    lines = _title_lines(payload) + _summary_lines(payload)
    if effect_verdict(payload.get("effect")) != "none":
        lines += _estimate_lines(payload)
    lines += _table_lines(payload)
    lines += _unit_lines(payload)
    lines += _recommendation_lines(payload)
    lines += _warning_lines(payload)
    lines += _heading(_("Method"))
    for paragraph in common.methods_note(payload):
        lines += _wrap(paragraph)
    return "\n".join(lines) + "\n"


def _title_lines(payload: Mapping) -> list[str]:
    campaign = payload.get("campaign") or {}
    lines = [_("Campaign impact report").upper()]
    if campaign.get("title"):
        lines.append(str(campaign["title"]))
    lines.append(_("Scope: %(scope)s") % {"scope": common.scope_line(payload)})
    lines.append(_("Period: %(window)s") % {"window": common.window_line(payload)})
    if payload.get("generated_at"):
        lines.append(_("Generated at: %(moment)s") % {"moment": common.format_moment(payload["generated_at"])})
    return lines


def _summary_lines(payload: Mapping) -> list[str]:
    """The narrative, then the key figures."""
    lines = _heading(_("Summary"))
    lines += _wrap(narrative_text(payload))
    lines += _heading(_("Key figures"))
    lines += _text_table(
        [_("Indicator"), _("Value"), _("95 %% interval") % {}, _("Note")],
        [
            [f.label, common.format_value(f.kind, f.value), common.figure_interval(f), f.note]
            for f in common.key_figures(payload)
        ],
        right=(1,),
    )
    return lines


def _estimate_lines(payload: Mapping) -> list[str]:
    """What only an estimated effect has: by quarter, by cohort, additional dossiers, the activity mix."""
    lines = _heading(_("Effect by quarter since reach"))
    rows = common.event_rows(payload)
    if rows:
        lines += _text_table(*rows, right=(1,))
        lines += _wrap(common.band_note())
    else:
        lines.append(_("No data."))

    lines += _heading(_("By cohort (cross-check)"))
    headers, groups = common.cohort_table(payload)
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
        lines += _text_table(*common.channel_table(payload), right=(1, 2, 4))
        lines += _wrap(_("Associations, not causes: activities often go together with other changes."))
    else:
        lines.append(_("No data."))
    return lines


def _table_lines(payload: Mapping) -> list[str]:
    """Targets, then periodic reports, figures reported elsewhere and the measurement plan when there are some."""
    lines = _heading(_("Targets"))
    if payload.get("targets"):
        lines += _text_table(*common.target_table(payload), right=(1, 3))
    else:
        lines.append(_("No data."))

    if common.periodic_table(payload):
        lines += _heading(_("Quarterly, 6-month, annual and other reports"))
        lines += _text_table(*common.periodic_table(payload), right=(2, 3, 4))

    if common.reported_table(payload):
        lines += _heading(_("Figures reported"))
        lines += _text_table(*common.reported_table(payload))

    if common.plan_table(payload):
        lines += _heading(_("Measurement plan and what happened"))
        lines += _wrap(common.plan_note(payload))
        lines += _text_table(*common.plan_table(payload))
    return lines


def _unit_lines(payload: Mapping) -> list[str]:
    lines = _heading(_("Units ranked by change in online rate"))
    units = common.ranked_units(payload)
    if units:
        lines += _text_table(*common.unit_table(units), right=(0, 3, 4, 5, 6))
    else:
        lines.append(_("No data."))
    return lines


def _recommendation_lines(payload: Mapping) -> list[str]:
    recommendations = payload.get("recommendations") or {}
    if not (recommendations.get("next_units") or recommendations.get("projections")):
        return []
    lines = _heading(_("Recommendations"))
    if recommendations.get("next_units"):
        lines.append(_("Units to reach next:"))
        lines += _text_table(*common.next_units_table(recommendations["next_units"]), right=(1, 2, 3))
    if recommendations.get("projections"):
        lines.append("")
        lines.append(_("Projections at the current pace:"))
        lines += _text_table(*common.projection_table(recommendations["projections"]), right=(2,))
    return lines


def _warning_lines(payload: Mapping) -> list[str]:
    lines = _heading(_("Warnings"))
    warnings = payload.get("warnings") or []
    for warning in warnings:
        lines += _wrap(f"- {warning.get('message') or ''}", "")
    if not warnings:
        lines.append(_("None."))
    return lines
