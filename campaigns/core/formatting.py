"""Numbers as Vietnamese readers expect them, without heavy imports (the admin loads this at start-up)."""

import math


def percent_vi(value: float | None, decimals: int = 1) -> str:
    """A fraction as a Vietnamese percentage: 0.395 -> "39,5 %"; None (or NaN) -> "—"."""
    if value is None or math.isnan(value):
        return "—"
    text = f"{value * 100:.{decimals}f}"
    if float(text) == 0:
        text = text.lstrip("-")  # "0,0 %", not "-0,0 %"
    return text.replace(".", ",") + " %"
