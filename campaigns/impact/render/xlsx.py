"""The impact report as a workbook: one sheet per table, numbers as numbers with percent/number formats.

When the effect cannot be estimated every sheet is still there, with a note instead of estimates, so that the
layout does not change.
"""

import io
import re
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _

from campaigns.impact.narrative import channel_name, channel_per, effect_verdict, format_month, narrative_text
from campaigns.impact.render.common import (
    PERIODIC_HEADERS,
    VERDICT_LABELS,
    association_text,
    band_note,
    ci_bounds,
    cohort_table,
    format_day,
    format_moment,
    is_rate,
    key_figures,
    months_since,
    periodic_period,
    periodic_table,
    plan_note,
    plan_table,
    ranked_units,
    reached_text,
    reported_table,
    scope_line,
    target_label,
    window_line,
)
from campaigns.statistics.exports import escape_formula

# Spreadsheet number formats (Excel shows them with the reader's own separators).
RATE_FORMAT = "0.0%"
POINTS_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
SCORE_FORMAT = "#,##0.0"

# Characters openpyxl refuses in a cell (control characters other than tab, newline, carriage return).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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

    def note_missing(self, headline, rows) -> None:
        """Say why the sheet is empty: no estimate at all, or no rows of its own."""
        if not headline:
            self.note(_no_estimate())
        elif not rows:
            self.note(_("No data."))


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

    workbook = Workbook()
    workbook.remove(workbook.active)
    # The estimates are shown only when the effect can be estimated; their sheets say so otherwise.
    headline = payload.get("effect") if effect_verdict(payload.get("effect")) != "none" else None
    for add_sheet in SHEETS:
        add_sheet(workbook, payload, headline)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _points_heading() -> str:
    return _("Effect (percentage points)")


def _no_estimate() -> str:
    return _("The effect of the campaign cannot be estimated from these data.")


def _summary_sheet(workbook, payload: Mapping, headline: Mapping | None) -> None:
    """Summary: what, where, when; the narrative; the key figures."""
    from openpyxl.styles import Alignment

    campaign = payload.get("campaign") or {}
    summary = _Sheet(
        workbook,
        _("Summary"),
        [_("Indicator"), _("Value"), _("95 % interval, low"), _("95 % interval, high"), _("Note")],
        [48, 16, 16, 16, 44],
    )
    summary.row([_("Campaign"), str(campaign.get("title") or campaign.get("slug") or "")])
    summary.row([_("Scope"), scope_line(payload)])
    summary.row([_("Period"), window_line(payload)])
    summary.row([_("Generated at"), format_moment(payload.get("generated_at"))])
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


def _event_study_sheet(workbook, payload: Mapping, headline: Mapping | None) -> None:
    """Event study, by quarter since reach."""
    sheet = _Sheet(
        workbook,
        _("Event study"),
        [
            _("Months since reach"),
            _("Before or after"),
            _points_heading(),
            _("Plausible range, low"),
            _("Plausible range, high"),
        ],
        [16, 12, 16, 16, 16],
    )
    events = (headline or {}).get("event_study") or []
    sheet.note_missing(headline, events)
    for row in sorted(events, key=lambda r: r["e"]):
        low, high = ci_bounds(row)
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
    if events:
        sheet.row([])
        sheet.note(band_note())


def _cohort_sheet(workbook, payload: Mapping, headline: Mapping | None) -> None:
    """By cohort: the cross-check's point estimates."""
    headers, rows = cohort_table(payload)
    sheet = _Sheet(workbook, _("By cohort"), headers, [18, 10, 16])
    sheet.note_missing(headline, rows)
    for group in (payload.get("did") or {}).get("by_group") or [] if headline else []:
        sheet.row(
            [format_month(group.get("group")), group.get("units"), _points_value(group.get("att"))],
            [None, COUNT_FORMAT, POINTS_FORMAT],
        )


def _counterfactual_sheet(workbook, payload: Mapping, headline: Mapping | None) -> None:
    """Counterfactual."""
    sheet = _Sheet(
        workbook,
        _("Counterfactual"),
        [
            _("Month"),
            _("Observed"),
            _("Without the campaign (estimate)"),
            _("95 % interval, low"),
            _("95 % interval, high"),
            _points_heading(),
        ],
        [12, 14, 20, 16, 16, 16],
    )
    counterfactual = (payload.get("counterfactual") or []) if headline else []
    sheet.note_missing(headline, counterfactual)
    for row in counterfactual:
        low, high = ci_bounds(row)
        observed, without = row.get("observed"), row.get("without_campaign")
        difference = None if observed is None or without is None else _points_value(observed - without)
        sheet.row(
            [format_month(row.get("period")), observed, without, low, high, difference],
            [None, RATE_FORMAT, RATE_FORMAT, RATE_FORMAT, RATE_FORMAT, POINTS_FORMAT],
        )


def _units_sheet(workbook, payload: Mapping, headline: Mapping | None) -> None:
    """Units."""
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
                reached_text(unit),
                unit.get("baseline_rate"),
                unit.get("latest_rate"),
                _points_value(unit.get("change_pp")),
                unit.get("dossiers"),
            ],
            ["0", None, None, None, RATE_FORMAT, RATE_FORMAT, POINTS_FORMAT, COUNT_FORMAT],
        )


def _activity_mix_sheet(workbook, payload: Mapping, headline: Mapping | None) -> None:
    """Activity mix."""
    sheet = _Sheet(
        workbook,
        _("Activity mix"),
        [
            _("Activity"),
            _("Per"),
            _points_heading(),
            _("95 % interval, low"),
            _("95 % interval, high"),
            _("Carry-over"),
            _("Association (not cause)"),
        ],
        [24, 8, 16, 16, 16, 12, 30],
    )
    channels = (payload.get("channels") or []) if headline else []
    sheet.note_missing(headline, channels)
    for channel in channels:
        low, high = ci_bounds(channel)
        sheet.row(
            [
                channel_name(channel),
                channel_per(channel),
                _points_value(channel.get("effect_per_100")),
                _points_value(low),
                _points_value(high),
                channel.get("adstock"),
                association_text(channel),
            ],
            [None, COUNT_FORMAT, POINTS_FORMAT, POINTS_FORMAT, POINTS_FORMAT, "0.00"],
        )
    if channels:
        sheet.row([])
        sheet.note(_("Associations, not causes: activities often go together with other changes."))


def _targets_sheet(workbook, payload: Mapping, headline: Mapping | None) -> None:
    """Targets."""
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
        low, high = ci_bounds(target)
        number_format = RATE_FORMAT if is_rate(target) else "#,##0.0"
        sheet.row(
            [
                target_label(target),
                target.get("target"),
                format_day(target.get("deadline")),
                target.get("value"),
                low,
                high,
                str(VERDICT_LABELS.get(target.get("verdict"), target.get("verdict") or "")),
            ],
            [None, number_format, None, number_format, number_format, number_format],
        )


def _periodic_sheet(workbook, payload: Mapping, headline: Mapping | None) -> None:
    """Reports of longer or irregular periods, as stored."""
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


def _reported_sheet(workbook, payload: Mapping, headline: Mapping | None) -> None:
    """Figures reported elsewhere, as reported."""
    if reported_table(payload):
        headers, rows = reported_table(payload)
        sheet = _Sheet(workbook, _("Figures reported"), headers, [40, 28, 24, 14, 30])
        for row in rows:
            sheet.row(row)


def _plan_sheet(workbook, payload: Mapping, headline: Mapping | None) -> None:
    """Measurement plan."""
    if plan_table(payload):
        headers, rows = plan_table(payload)
        sheet = _Sheet(workbook, _("Plan"), headers, [40, 18, 18])
        sheet.note(plan_note(payload))
        for row in rows:
            sheet.row(row)


def _warnings_sheet(workbook, payload: Mapping, headline: Mapping | None) -> None:
    """Warnings."""
    sheet = _Sheet(workbook, _("Warnings"), [_("Message")], [120])
    warnings = payload.get("warnings") or []
    if not warnings:
        sheet.note(_("None."))
    for warning in warnings:
        sheet.row([str(warning.get("message") or "")])


SHEETS = (
    _summary_sheet,
    _event_study_sheet,
    _cohort_sheet,
    _counterfactual_sheet,
    _units_sheet,
    _activity_mix_sheet,
    _targets_sheet,
    _periodic_sheet,
    _reported_sheet,
    _plan_sheet,
    _warnings_sheet,
)
