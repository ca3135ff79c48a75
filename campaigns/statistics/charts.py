"""Monthly rate chart rendered to PNG with matplotlib's object API (never pyplot: no global figure state).

All visible text (title, axis label, target label) comes from the caller, already translated; numbers and
months are formatted the Vietnamese way ("39,5 %", "07/2021").
"""

import datetime
import io
import math
from collections.abc import Sequence

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.dates import date2num, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MultipleLocator

from campaigns.core.formatting import percent_vi
from campaigns.core.months import month_from_index, month_index

# DejaVu Sans ships with matplotlib and has the Vietnamese glyphs (ă, ơ, ư, ệ, ỷ …).
FONT_FAMILY = "DejaVu Sans"
FIGSIZE = (8, 3.2)
COMPACT_FIGSIZE = (4.8, 3.6)  # shown about 360 px wide on a phone: 13 pt type stays readable
DPI = 100
MAX_MONTH_LABELS = 12
# Month steps between x labels, chosen so that labels fall on the same months every year (01 and 07, …).
MONTH_STEPS = (1, 2, 3, 4, 6, 12, 24, 36, 60, 120)
MAX_Y_TICKS = 6  # intervals between 0 and the top of the y axis
Y_STEPS = (0.001, 0.002, 0.0025, 0.005, 0.01, 0.02, 0.025, 0.05, 0.1, 0.2)

RATE_COLOUR = "#1f5fa8"
BAND_COLOUR = "#1f5fa8"
TARGET_COLOUR = "#c0392b"


def _floats(values: Sequence[float | None], name: str, length: int) -> np.ndarray:
    if len(values) != length:
        raise ValueError(f"{name} has {len(values)} values for {length} months")
    return np.array([np.nan if value is None else float(value) for value in values], dtype=float)


def month_tick_indexes(first: int, last: int, *, most: int = MAX_MONTH_LABELS) -> list[int]:
    """At most ``most`` month indexes between two, on multiples of the step (January, July, …) when possible."""
    span = last - first + 1
    step = next((step for step in MONTH_STEPS if math.ceil(span / step) <= most), MONTH_STEPS[-1])
    start = first + (-first) % step
    if start > last:
        start = first
    return list(range(start, last + 1, step))


def _month_ticks(first: int, last: int) -> list[float]:
    """First-of-month positions for at most MAX_MONTH_LABELS labels between two month indexes."""
    return [date2num(month_from_index(index)) for index in month_tick_indexes(first, last)]


def _format_month(value: float, _pos=None) -> str:
    return num2date(value).strftime("%m/%Y")


def _percent_axis(top: float) -> tuple[float, float, int]:
    """A round upper limit, the tick step and the decimals its labels need, for a y axis from 0 to ``top``."""
    step = next((step for step in Y_STEPS if top / step <= MAX_Y_TICKS), Y_STEPS[-1])
    limit = min(1.0, math.ceil(top / step - 1e-9) * step)
    decimals = next(d for d in range(4) if abs(round(step * 100, d) - step * 100) < 1e-9)
    return limit, step, decimals


def _finite(*arrays: np.ndarray | None, extra: float | None = None) -> list[float]:
    values = [float(v) for array in arrays if array is not None for v in array[np.isfinite(array)]]
    if extra is not None:
        values.append(extra)
    return values


def rate_chart_png(
    *,
    months: Sequence[datetime.date],
    rates: Sequence[float | None],
    low: Sequence[float | None] | None = None,
    high: Sequence[float | None] | None = None,
    target: float | None = None,
    title: str = "",
    y_label: str = "",
    target_label: str = "",
    compact: bool = False,
) -> bytes:
    """PNG of a monthly rate (fractions) with an optional confidence band and a dashed target line.

    ``compact``: a narrower figure with larger type, for a phone screen (the public campaign page), where the
    wide dashboard figure shrunk to 360 px would leave 5-pixel labels.

    ``months`` may be any day of each month (plotted on the first); they are sorted, and a month may appear
    only once. None rates or bounds leave a gap.
    """
    count = len(months)
    indexes = [month_index(month) for month in months]
    if len(set(indexes)) != count:
        raise ValueError("months must not repeat")
    y = _floats(rates, "rates", count)
    y_low = _floats(low, "low", count) if low is not None else None
    y_high = _floats(high, "high", count) if high is not None else None
    order = np.argsort(indexes, kind="stable")
    indexes = [indexes[i] for i in order]
    x = np.array([date2num(month_from_index(index)) for index in indexes], dtype=float)
    y = y[order]
    y_low = y_low[order] if y_low is not None else None
    y_high = y_high[order] if y_high is not None else None

    font_size, figsize = (13, COMPACT_FIGSIZE) if compact else (9, FIGSIZE)
    with matplotlib.rc_context({"font.family": FONT_FAMILY, "font.size": font_size}):
        figure = Figure(figsize=figsize, dpi=DPI)
        FigureCanvasAgg(figure)
        axes = figure.add_subplot()

        if y_low is not None and y_high is not None:
            axes.fill_between(x, y_low, y_high, color=BAND_COLOUR, alpha=0.15, linewidth=0)
        elif y_low is not None or y_high is not None:
            bound = y_low if y_low is not None else y_high
            axes.plot(x, bound, color=BAND_COLOUR, alpha=0.4, linewidth=0.8, linestyle=":")
        axes.plot(x, y, color=RATE_COLOUR, linewidth=1.6, marker="o", markersize=3)

        # y axis: from 0 to a little above the highest value, never beyond 100 %.
        values = _finite(y, y_low, y_high, extra=target)
        top = max(values, default=1.0)
        top, step, decimals = _percent_axis(min(1.0, max(top * 1.08, 0.01)))
        axes.set_ylim(0, top)
        axes.yaxis.set_major_locator(MultipleLocator(step))
        axes.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: percent_vi(value, decimals)))
        axes.grid(axis="y", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)

        # x axis: "MM/YYYY", at most about a dozen labels.
        if count:
            axes.set_xlim(x[0] - 15, x[-1] + 15)
            ticks = _month_ticks(indexes[0], indexes[-1])
            if compact and len(ticks) > 4:
                ticks = ticks[:: -(-len(ticks) // 4)]
            axes.xaxis.set_major_locator(FixedLocator(ticks))
        else:
            axes.set_xticks([])
        axes.xaxis.set_major_formatter(FuncFormatter(_format_month))

        if target is not None:
            axes.axhline(target, color=TARGET_COLOUR, linestyle="--", linewidth=1.2)
            if target_label:
                _label_target(axes, x, y, target, target_label, top)

        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        if title:
            axes.set_title(title, loc="left", fontsize=font_size + 2, fontweight="bold", wrap=compact)
        if y_label:
            axes.set_ylabel(y_label)
        if compact:
            figure.subplots_adjust(left=0.2, right=0.96, bottom=0.12, top=0.8 if title else 0.95)
        else:
            figure.subplots_adjust(left=0.09, right=0.965, bottom=0.12, top=0.88 if title else 0.95)

        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _label_target(axes, x: np.ndarray, y: np.ndarray, target: float, label: str, top: float) -> None:
    """Write the target label on the line, at the end (left or right) where the rate line is further away."""
    finite = np.isfinite(y)
    quarter = max(1, len(y) // 4)

    def clearance(part: np.ndarray) -> float:
        part = part[np.isfinite(part)]
        return float(np.min(np.abs(part - target))) if part.size else math.inf

    left_clear = clearance(y[:quarter])
    right_clear = clearance(y[-quarter:])
    at_right = bool(finite.any()) and right_clear > left_clear
    # Above the line unless that would run into the top of the plot.
    above = target < top * 0.85
    axes.annotate(
        label,
        xy=(0.99 if at_right else 0.01, target),
        xycoords=axes.get_yaxis_transform(),
        xytext=(0, 3 if above else -3),
        textcoords="offset points",
        ha="right" if at_right else "left",
        va="bottom" if above else "top",
        color=TARGET_COLOUR,
        fontsize=8.5,
        bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8},
    )
