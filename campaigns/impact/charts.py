"""The two charts of the campaign impact report, as PNG (or SVG) bytes.

Built on matplotlib's object API (``Figure`` + Agg canvas, never pyplot: this runs in the web process), in the
style of campaigns.statistics.charts: DejaVu Sans (Vietnamese glyphs), no top/right spines, light horizontal grid. Sized
and lettered to stay readable on a phone. Labels are gettext msgids translated in the active language; numbers
use the active language's separators (Vietnamese by default: "39,5 %", "7,0").
"""

import io
import math
from collections.abc import Mapping

import matplotlib
import numpy as np
from django.utils.translation import gettext as _
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from campaigns.core.months import index_label, label_index
from campaigns.impact.narrative import format_month, format_percent, format_points, interval
from campaigns.statistics.charts import FONT_FAMILY, RATE_COLOUR, _percent_axis, month_tick_indexes

FIGSIZE = (6.4, 4.4)  # inches: 640 x 440 px at 100 dpi, about the width of a phone screen at 2x
DPI = 100
FONT_SIZE = 13
MAX_MONTH_LABELS = 5  # "04/2022" at 13 pt: five fit across the axis without overlapping

OBSERVED_COLOUR = RATE_COLOUR
COUNTERFACTUAL_COLOUR = "#7a4f9a"
PRE_COLOUR = "#8a939c"
POST_COLOUR = RATE_COLOUR
ZERO_COLOUR = "#333333"


def _month_label(index: float, _pos=None) -> str:
    return format_month(index_label(int(round(index))))


def _figure(title: str) -> tuple[Figure, object, float]:
    """The figure, its axes, and where the drawing may reach at the top (lower with a title, to leave it room)."""
    figure = Figure(figsize=FIGSIZE, dpi=DPI)
    FigureCanvasAgg(figure)
    # The title on the figure, flush left: the whole width for long Vietnamese titles, and no title placement
    # from the axes' tight box at every draw (a quarter of the drawing time).
    if title:
        figure.text(0.015, 0.975, title, ha="left", va="top", fontsize=FONT_SIZE + 1, fontweight="bold")
    axes = figure.add_subplot()
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.grid(axis="y", color="#dddddd", linewidth=0.8)
    axes.set_axisbelow(True)
    return figure, axes, 0.9 if title else 0.97


def _no_data(figure: Figure, axes, message: str, *, top_margin: float, svg: bool, dpi: int) -> bytes:
    """The chart of a report without the estimate it draws: the message instead of axes."""
    axes.set_axis_off()
    axes.text(0.5, 0.5, message, ha="center", va="center", transform=axes.transAxes, color="#555555", wrap=True)
    figure.subplots_adjust(left=0.04, right=0.96, bottom=0.05, top=top_margin - 0.02)
    return _save(figure, svg, dpi)


def _save(figure: Figure, svg: bool, dpi: int) -> bytes:
    buffer = io.BytesIO()
    if svg:
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    else:
        # zlib level 3: a few more kilobytes, a third of the encoding time.
        figure.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None}, pil_kwargs={"compress_level": 3})
    return buffer.getvalue()


def _rc() -> dict:
    return {
        "font.family": FONT_FAMILY,
        "font.size": FONT_SIZE,
        "legend.fontsize": FONT_SIZE - 2,
        "svg.hashsalt": "campaign-impact",  # deterministic SVG ids
    }


def counterfactual_chart(payload: Mapping, *, svg: bool = False, dpi: int = DPI, title: bool = True) -> bytes:
    """Observed online rate of the units that ran the campaign against the estimated rate without it.

    The "without the campaign" line carries its 95 % band; y in %, x in months. An empty counterfactual gives a
    chart that says there is nothing to show.
    """
    rows = sorted(
        (row for row in payload.get("counterfactual") or [] if row.get("period")),
        key=lambda row: label_index(row["period"]),
    )
    with matplotlib.rc_context(_rc()):
        figure, axes, top_margin = _figure(_("Online rate with and without the campaign") if title else "")
        if not rows:
            message = _("No estimate of the rate without the campaign")
            return _no_data(figure, axes, message, top_margin=top_margin, svg=svg, dpi=dpi)

        x = np.array([label_index(row["period"]) for row in rows], dtype=float)

        def values(key):
            return np.array([np.nan if row.get(key) is None else float(row[key]) for row in rows], dtype=float)

        observed, without = values("observed"), values("without_campaign")
        bounds = [interval(row) or (math.nan, math.nan) for row in rows]
        low = np.array([b[0] for b in bounds], dtype=float)
        high = np.array([b[1] for b in bounds], dtype=float)

        axes.fill_between(
            x, low, high, color=COUNTERFACTUAL_COLOUR, alpha=0.18, linewidth=0, label=_("Plausible range (95 %%)") % {}
        )
        marker = {"marker": "o", "markersize": 5} if len(rows) <= 24 else {}
        axes.plot(
            x,
            without,
            color=COUNTERFACTUAL_COLOUR,
            linewidth=2.2,
            linestyle="--",
            label=_("Without the campaign (estimate)"),
        )
        axes.plot(x, observed, color=OBSERVED_COLOUR, linewidth=2.6, label=_("Observed"), **marker)

        finite = np.concatenate([a[np.isfinite(a)] for a in (observed, without, low, high)])
        top = float(finite.max()) if finite.size else 1.0
        top, step, decimals = _percent_axis(min(1.0, max(top * 1.12, 0.01)))
        axes.set_ylim(0, top)
        axes.yaxis.set_major_locator(FixedLocator(np.arange(0, top + step / 2, step)))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_percent(value, decimals)))

        first, last = int(x[0]), int(x[-1])
        axes.set_xlim(first - 0.5, last + 0.5)
        axes.xaxis.set_major_locator(FixedLocator(month_tick_indexes(first, last, most=MAX_MONTH_LABELS)))
        axes.xaxis.set_major_formatter(FuncFormatter(_month_label))
        axes.set_ylabel(_("Online rate"))
        axes.legend(loc="best", frameon=True, framealpha=0.9, edgecolor="none")
        figure.subplots_adjust(left=0.15, right=0.97, bottom=0.1, top=top_margin)
        return _save(figure, svg, dpi)


def event_study_chart(payload: Mapping, *, svg: bool = False, dpi: int = DPI, title: bool = True) -> bytes:
    """The headline's effect by quarter since reach, with its simultaneous 95 % band.

    Quarters before reach (placebo, should be near zero) are grey open circles, quarters from reach on are
    filled, each drawn at the middle of its months; a zero line and a dashed vertical line at reach.
    """
    headline = payload.get("effect") or {}
    rows = sorted(
        (row for row in headline.get("event_study") or [] if row.get("att") is not None), key=lambda r: r["e"]
    )
    with matplotlib.rc_context(_rc()):
        figure, axes, top_margin = _figure(_("Difference by quarter since reach") if title else "")
        if not rows:
            message = _("No event-study estimate")
            return _no_data(figure, axes, message, top_margin=top_margin, svg=svg, dpi=dpi)

        e = np.array([(int(row["e"]) + int(row.get("e_last", row["e"]))) / 2 for row in rows], dtype=float)
        att = np.array([float(row["att"]) * 100 for row in rows], dtype=float)
        bounds = [interval(row) for row in rows]
        low = np.array([att[i] if b is None else b[0] * 100 for i, b in enumerate(bounds)], dtype=float)
        high = np.array([att[i] if b is None else b[1] * 100 for i, b in enumerate(bounds)], dtype=float)
        size = 6 if len(rows) <= 24 else 4
        for mask, colour, face, label in (
            (e < 0, PRE_COLOUR, "white", _("Before the campaign")),
            (e >= 0, POST_COLOUR, POST_COLOUR, _("From the campaign on")),
        ):
            if not mask.any():
                continue
            axes.errorbar(
                e[mask],
                att[mask],
                yerr=[att[mask] - low[mask], high[mask] - att[mask]],
                fmt="o",
                color=colour,
                markerfacecolor=face,
                markeredgewidth=1.6,
                markersize=size,
                elinewidth=1.6,
                capsize=0 if len(rows) > 24 else 3,
                label=label,
            )
        axes.axhline(0, color=ZERO_COLOUR, linewidth=1.1)
        axes.axvline(-0.5, color=ZERO_COLOUR, linewidth=1.1, linestyle="--")

        lowest, highest = min(0.0, float(np.nanmin(low))), max(0.0, float(np.nanmax(high)))
        pad = max((highest - lowest) * 0.08, 0.05)
        ticks = MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]).tick_values(lowest - pad, highest + pad)
        step = float(ticks[1] - ticks[0]) if len(ticks) > 1 else 1.0
        decimals = next((d for d in range(4) if abs(round(step, d) - step) < 1e-9), 3)
        axes.set_ylim(lowest - pad, highest + pad)
        axes.yaxis.set_major_locator(FixedLocator(ticks))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_points(value / 100, decimals)))
        axes.set_xlim(e[0] - 1.7, e[-1] + 1.7)
        axes.xaxis.set_major_locator(MaxNLocator(nbins=8, integer=True))
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _pos: format_points(value / 100, 0)))
        axes.set_ylabel(_("Difference (percentage points)"))
        axes.set_xlabel(_("Months since the campaign reached the unit (by quarter)"))
        axes.legend(loc="upper left", frameon=True, framealpha=0.9, edgecolor="none")
        figure.subplots_adjust(left=0.13, right=0.97, bottom=0.15, top=top_margin)
        return _save(figure, svg, dpi)
