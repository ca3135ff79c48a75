"""The impact report as an A4 PDF in DejaVu Sans: summary, key figures, both charts, tables, warnings, method.

The fonts, colours, page frame and table come from ``campaigns.core.pdf``; the charts (matplotlib) are drawn
only when a PDF is, never imported with the package.
"""

import io
from collections.abc import Mapping, Sequence

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from campaigns.core.pdf import (
    ACCENT,
    INK,
    MUTED,
    PAGE_MARGIN,
    data_table,
    figure_markup,
    numbered_canvas,
    register_fonts,
)
from campaigns.impact.charts import FIGSIZE, counterfactual_chart, event_study_chart
from campaigns.impact.narrative import effect_verdict, format_number, narrative_text
from campaigns.impact.render.common import (
    band_note,
    channel_table,
    figure_interval,
    format_moment,
    format_value,
    key_figures,
    methods_note,
    next_units_table,
    periodic_table,
    plan_note,
    plan_table,
    projection_table,
    ranked_units,
    reported_table,
    scope_line,
    target_table,
    unit_table,
    window_line,
)

TOP_UNITS_PDF = 20
CHART_WIDTH_MM = 150  # two charts with their headings and captions fit on one A4 page
_p = figure_markup  # payload text made safe for reportlab's paragraph mark-up, "%" kept on its number's line


def _pdf_styles() -> dict[str, ParagraphStyle]:
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
) -> Table:
    return data_table(headers, rows, widths_mm, styles=styles, numeric=numeric)


def _chart_image(png: bytes, width_mm: float) -> Image:

    width = width_mm * mm
    return Image(io.BytesIO(png), width=width, height=width * FIGSIZE[1] / FIGSIZE[0])


def render_pdf(payload: Mapping, *, chart_dpi: int = 200) -> bytes:
    """The report as an A4 PDF in DejaVu Sans: summary, key figures, both charts, tables, warnings, method."""
    styles = _pdf_styles()
    campaign = payload.get("campaign") or {}
    estimated = effect_verdict(payload.get("effect")) != "none"
    story: list = [
        *_title_block(payload, styles),
        *_key_figures_block(payload, styles),
        *(_chart_blocks(payload, styles, chart_dpi) if estimated else []),
        *_units_block(payload, styles),
        *(_channels_block(payload, styles) if estimated else []),
        *_tables_block(payload, styles),
        *_recommendations_block(payload, styles),
        *_warnings_block(payload, styles),
        *_method_block(payload, styles),
    ]
    footer = " · ".join(
        part
        for part in (
            _("Campaign impact report"),
            str(campaign.get("title") or ""),
            format_moment(payload.get("generated_at")),
        )
        if part
    )
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=PAGE_MARGIN,
        bottomMargin=18 * mm,
        title=_("Campaign impact report"),
        author="",
        subject=str(campaign.get("title") or ""),
    )
    document.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def _heading(text: str, styles) -> Paragraph:
    return Paragraph(_p(text), styles["h2"])


def _title_block(payload: Mapping, styles) -> list:
    """Title, the campaign, scope, period and when it was generated, then the headline sentence in a box."""
    campaign = payload.get("campaign") or {}
    story: list = [Paragraph(_p(_("Campaign impact report")), styles["title"])]
    if campaign.get("title"):
        story.append(Paragraph(_p(campaign["title"]), styles["subtitle"]))
    meta = [scope_line(payload), _("Period: %(window)s") % {"window": window_line(payload)}]
    if payload.get("generated_at"):
        meta.append(_("Generated at: %(moment)s") % {"moment": format_moment(payload["generated_at"])})
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
    return story


def _key_figures_block(payload: Mapping, styles) -> list:
    rows = [
        [
            f.label,
            Paragraph(_p(format_value(f.kind, f.value)), styles["cell" if f.kind == "text" else "number"]),
            figure_interval(f),
            f.note,
        ]
        for f in key_figures(payload)
    ]
    headers = [_("Indicator"), _("Value"), _("95 %% interval") % {}, _("Note")]
    return [_heading(_("Key figures"), styles), _pdf_table(styles, headers, rows, (68, 24, 34, 54), numeric=(1,))]


def _chart_blocks(payload: Mapping, styles, chart_dpi: int) -> list:
    """Both charts (when there is something to draw), each kept with its heading and caption."""

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
    return [
        KeepTogether(
            [
                _heading(heading, styles),
                _chart_image(png, CHART_WIDTH_MM),
                Paragraph(_p(caption), styles["note"]),
            ]
        )
        for heading, png, caption in charts
    ]


def _units_block(payload: Mapping, styles) -> list:
    """The units with the largest change (the first TOP_UNITS_PDF), saying so when there are more."""
    units = ranked_units(payload)
    if not units:
        return []
    shown = units[:TOP_UNITS_PDF]
    story = [
        _heading(_("Units ranked by change in online rate"), styles),
        _pdf_table(styles, *unit_table(shown), (9, 63, 22, 20, 20, 24, 22), numeric=(0, 3, 4, 5, 6)),
    ]
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
    return story


def _channels_block(payload: Mapping, styles) -> list:
    if not payload.get("channels"):
        return []
    block = [
        _heading(_("Activity mix"), styles),
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
    return [KeepTogether(block)]


def _tables_block(payload: Mapping, styles) -> list:
    """Targets, periodic reports, figures reported elsewhere and the measurement plan, each when there is one."""
    story: list = []
    if payload.get("targets") or []:
        story.append(_heading(_("Targets"), styles))
        story.append(_pdf_table(styles, *target_table(payload), (44, 18, 22, 40, 24, 32), numeric=(1, 3)))

    if periodic_table(payload):
        story.append(_heading(_("Quarterly, 6-month, annual and other reports"), styles))
        story.append(_pdf_table(styles, *periodic_table(payload), (34, 50, 24, 24, 20, 28), numeric=(2, 3, 4)))

    if reported_table(payload):
        story.append(_heading(_("Figures reported"), styles))
        story.append(_pdf_table(styles, *reported_table(payload), (50, 34, 36, 24, 36)))

    if plan_table(payload):
        story.append(_heading(_("Measurement plan and what happened"), styles))
        story.append(Paragraph(_p(plan_note(payload)), styles["note"]))
        story.append(_pdf_table(styles, *plan_table(payload), (90, 45, 45)))
    return story


def _recommendations_block(payload: Mapping, styles) -> list:
    recommendations = payload.get("recommendations") or {}
    if not (recommendations.get("next_units") or recommendations.get("projections")):
        return []
    story: list = [_heading(_("Recommendations"), styles)]
    if recommendations.get("next_units"):
        story.append(Paragraph(_p(_("Units to reach next:")), styles["base"]))
        story.append(Spacer(1, 1.5 * mm))
        story.append(
            _pdf_table(styles, *next_units_table(recommendations["next_units"]), (80, 30, 36, 34), numeric=(1, 2, 3))
        )
    if recommendations.get("projections"):
        story.append(Spacer(1, 3 * mm))
        story.append(Paragraph(_p(_("Projections at the current pace:")), styles["base"]))
        story.append(Spacer(1, 1.5 * mm))
        story.append(_pdf_table(styles, *projection_table(recommendations["projections"]), (70, 76, 34), numeric=(2,)))
    return story


def _warnings_block(payload: Mapping, styles) -> list:
    warnings = payload.get("warnings") or []
    story: list = [_heading(_("Warnings"), styles)]
    for warning in warnings:
        story.append(Paragraph(_p(warning.get("message") or ""), styles["warning"], bulletText="•"))
    if not warnings:
        story.append(Paragraph(_p(_("None.")), styles["base"]))
    return story


def _method_block(payload: Mapping, styles) -> list:
    return [_heading(_("Method"), styles)] + [
        Paragraph(_p(paragraph), styles["note"]) for paragraph in methods_note(payload)
    ]
