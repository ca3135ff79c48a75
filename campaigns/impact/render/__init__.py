"""A campaign impact payload (campaigns/impact/schema.json) rendered as plain text, XLSX and PDF.

Pure rendering: the payload is a dict as built from the database (or read from its JSON); nothing here touches
the database. Every label is an English msgid translated with gettext in the active language; numbers follow
the active language (vi "1.234,5", "39,5 %"). When the headline ``effect`` is null the effect cannot be estimated: the
renderings say so and show the observed figures and the warnings only (the XLSX keeps all its sheets, with a
note instead of estimates, so that its layout does not change).

- ``common``: the key figures and the tables the renderings (and the admin report page) share;
- ``text``, ``xlsx``, ``pdf``: one module per format.
"""

from collections.abc import Callable, Mapping

from campaigns.impact.render.common import (
    PERIODIC_HEADERS,
    VERDICT_LABELS,
    VERDICT_WORDS,
    KeyFigure,
    band_note,
    channel_table,
    cohort_table,
    event_rows,
    figure_interval,
    format_value,
    key_figures,
    methods_note,
    months_since,
    next_units_table,
    periodic_period,
    periodic_table,
    plan_note,
    plan_table,
    projection_table,
    projection_text,
    ranked_units,
    reported_table,
    target_table,
    unit_table,
)
from campaigns.impact.render.pdf import render_pdf
from campaigns.impact.render.text import render_text
from campaigns.impact.render.xlsx import render_xlsx

RENDERERS: dict[str, Callable[[Mapping], bytes | str]] = {
    "text": render_text,
    "xlsx": render_xlsx,
    "pdf": render_pdf,
}

__all__ = [
    "PERIODIC_HEADERS",
    "RENDERERS",
    "VERDICT_LABELS",
    "VERDICT_WORDS",
    "KeyFigure",
    "band_note",
    "channel_table",
    "cohort_table",
    "event_rows",
    "figure_interval",
    "format_value",
    "key_figures",
    "methods_note",
    "months_since",
    "next_units_table",
    "periodic_period",
    "periodic_table",
    "plan_note",
    "plan_table",
    "projection_table",
    "projection_text",
    "ranked_units",
    "reported_table",
    "render_pdf",
    "render_text",
    "render_xlsx",
    "target_table",
    "unit_table",
]
