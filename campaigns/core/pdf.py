"""PDF building blocks shared by every printed document (reportlab): fonts, colours, the page frame, canvas helpers,
tables and the text helpers that make Vietnamese (and user data) safe in reportlab's paragraph mark-up.

Documents are in DejaVu Sans (shipped with matplotlib), which covers Vietnamese. Nothing here knows about the
documents that use it (sign-in sheets, certificates, impact reports): they build their stories from these parts.
"""

from collections.abc import Sequence
from functools import lru_cache
from xml.sax.saxutils import escape

import matplotlib
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, Table, TableStyle

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

INK = colors.HexColor("#1b1f24")
MUTED = colors.HexColor("#4a5560")
ACCENT = colors.HexColor("#0b4f94")
TITLE_RED = colors.HexColor("#a4161a")
HEADER_FILL = colors.HexColor("#e8eef5")
GRID = colors.HexColor("#7a8590")
RULE = colors.HexColor("#d5dbe1")

PAGE_MARGIN = 15 * mm
FOOTER_SIZE = 7.5
FOOTER_BASELINE = 9 * mm


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (regular and bold, shipped with matplotlib) once; return their reportlab names."""
    folder = f"{matplotlib.get_data_path()}/fonts/ttf"
    pdfmetrics.registerFont(TTFont(FONT, f"{folder}/DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, f"{folder}/DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    return FONT, FONT_BOLD


# --- Text ----------------------------------------------------------------------------------------------------


def markup(value) -> str:
    """User data made safe for reportlab's paragraph mark-up (None and empty values give "")."""
    return escape(str(value or ""))


def figure_markup(text) -> str:
    """Report text made safe for reportlab's paragraph mark-up ("<script>" is text, not a tag); 0 stays "0".

    A no-break space keeps "%" on the line of its number ("39,5 %", "95 %"), as Vietnamese writes it.
    """
    return escape(str(text if text is not None else "")).replace(" %", "\u00a0%")


def fit_text(text: str, font: str, size: float, width: float) -> str:
    """``text``, cut with an ellipsis if it is wider than ``width``."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def fitting_style(style: ParagraphStyle, text: str, width: float, *, max_lines: int, minimum: float):
    """``style`` with the font shrunk (down to ``minimum`` pt) until ``text`` fits in ``max_lines`` lines."""
    size = style.fontSize
    while True:
        candidate = ParagraphStyle(f"{style.name}-{size}", parent=style, fontSize=size, leading=size * 1.25)
        lines = Paragraph(text, candidate).breakLines([width]).lines
        if len(lines) <= max_lines or size <= minimum:
            return candidate
        size -= 1


# --- Canvas --------------------------------------------------------------------------------------------------


def centred_paragraph(canvas: Canvas, text: str, style: ParagraphStyle, centre_x: float, top: float, width: float):
    """Draw a paragraph centred on ``centre_x`` with its top at ``top``; return the y of its bottom."""
    paragraph = Paragraph(text, style)
    _w, height = paragraph.wrap(width, 1000)
    paragraph.drawOn(canvas, centre_x - width / 2, top - height)
    return top - height


def numbered_canvas(footer: str, *, margin: float = PAGE_MARGIN):
    """A canvas class that writes "footer · Page n of m" at the bottom of every page once the count is known."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int):
            regular, _bold = register_fonts()
            width, _height = self._pagesize
            self.saveState()
            self.setFont(regular, FOOTER_SIZE)
            self.setFillColor(MUTED)
            page = _("Page %(page)s of %(pages)s") % {"page": self._pageNumber, "pages": total}
            self.drawRightString(width - margin, FOOTER_BASELINE, page)
            room = width - 2 * margin - pdfmetrics.stringWidth(page, regular, FOOTER_SIZE) - 8 * mm
            self.drawString(margin, FOOTER_BASELINE, fit_text(footer, regular, FOOTER_SIZE, room))
            self.restoreState()

    return NumberedCanvas


# --- Tables --------------------------------------------------------------------------------------------------


def data_table(
    headers: Sequence[str],
    rows: Sequence[Sequence],
    widths_mm: Sequence[float],
    *,
    styles: dict[str, ParagraphStyle],
    numeric: Sequence[int] = (),
) -> Table:
    """A table of figures: a shaded header row repeated on every page, thin rules between rows.

    Cells are text (set in ``styles["cell"]``, or ``styles["number"]`` for the columns in ``numeric``) or
    ready-made flowables; headers are set in ``styles["head"]``.
    """
    data = [[Paragraph(figure_markup(header), styles["head"]) for header in headers]]
    for row in rows:
        data.append(
            [
                cell
                if hasattr(cell, "wrap")
                else Paragraph(figure_markup(cell), styles["number" if i in numeric else "cell"])
                for i, cell in enumerate(row)
            ]
        )
    table = Table(data, colWidths=[width * mm for width in widths_mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, GRID),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 2.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table
