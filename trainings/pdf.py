"""Sign-in sheets and certificates of attendance as PDF (reportlab), in DejaVu Sans so that Vietnamese renders.

Pure rendering: callers pass model instances (with their related objects loaded or loadable) and get bytes back.
Every label is an English msgid translated with gettext in the active language; dates are dd/mm/yyyy in local
time. QR codes are drawn as vector paths from segno's module matrix, so they stay sharp in print.
"""

import io
import re
from functools import lru_cache
from xml.sax.saxutils import escape

import matplotlib
import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from campaigns.core.text import fold
from trainings.identity import mask_phone

FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

INK = colors.HexColor("#1b1f24")
MUTED = colors.HexColor("#4a5560")
ACCENT = colors.HexColor("#0b4f94")
TITLE_RED = colors.HexColor("#a4161a")
HEADER_FILL = colors.HexColor("#e8eef5")
GRID = colors.HexColor("#7a8590")

SHEET_MARGIN = 15 * mm
# Sign-in sheet columns (mm): No., full name, organisation, phone, present, signature, QR — 180 mm in all.
SHEET_COLUMNS = (9, 42, 36, 25, 15, 33, 20)
SHEET_QR = 17 * mm
CERTIFICATE_QR = 30 * mm


@lru_cache(maxsize=1)
def register_fonts() -> tuple[str, str]:
    """Register DejaVu Sans (regular and bold, shipped with matplotlib) once; return their reportlab names."""
    folder = f"{matplotlib.get_data_path()}/fonts/ttf"
    pdfmetrics.registerFont(TTFont(FONT, f"{folder}/DejaVuSans.ttf"))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, f"{folder}/DejaVuSans-Bold.ttf"))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    return FONT, FONT_BOLD


# --- Shared helpers ------------------------------------------------------------------------------------------


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def check_in_url(registration) -> str:
    """The trainer's check-in page for one registration (what the QR on the sign-in sheet opens)."""
    return absolute_url(reverse("trainings_check_in", args=[registration.token]))


def verification_url(certificate) -> str:
    """The public page that confirms a certificate (what the QR on the certificate opens)."""
    return absolute_url(reverse("trainings:certificate_verify", args=[certificate.code]))


def format_date(value) -> str:
    """dd/mm/yyyy of a date or of an aware datetime in local time."""
    if hasattr(value, "hour"):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


def session_dates(session) -> str:
    """The class's date, or its first and last day when it spans several days."""
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    if starts.date() == ends.date():
        return format_date(starts)
    return f"{format_date(starts)} – {format_date(ends)}"


def session_times(session) -> str:
    """Start and end in local time: dd/mm/yyyy HH:MM – HH:MM, or with both dates when it spans days."""
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    if starts.date() == ends.date():
        return f"{starts:%d/%m/%Y %H:%M} – {ends:%H:%M}"
    return f"{starts:%d/%m/%Y %H:%M} – {ends:%d/%m/%Y %H:%M}"


def unit_label(unit) -> str:
    """The unit and the unit above it, as in "Xã Tánh Linh, Tỉnh Lâm Đồng"."""
    parent = getattr(unit, "parent", None)
    return f"{unit.name}, {parent.name}" if parent else unit.name


def person_name(user) -> str:
    """A user's name in Vietnamese order (family name first), or the username."""
    name = f"{user.last_name} {user.first_name}".strip()
    return name or user.get_username()


def _text(value) -> str:
    """User data made safe for reportlab's paragraph mark-up."""
    return escape(str(value or ""))


class QRCode(Flowable):
    """A QR code drawn as one vector path (no image, no seams between modules), with a 2-module quiet zone."""

    QUIET = 2

    def __init__(self, data: str, size: float):
        super().__init__()
        self.data = data
        self.qr = segno.make(data, error="m", micro=False)
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        draw_qr(self.canv, self.qr, 0, 0, self.width, quiet=self.QUIET)


def draw_qr(canvas: Canvas, qr, x: float, y: float, size: float, *, quiet: int = 2) -> None:
    matrix = qr.matrix
    count = len(matrix)
    module = size / (count + 2 * quiet)
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(x, y, size, size, stroke=0, fill=1)
    canvas.setFillColor(colors.black)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (quiet + row_index) * module
        column = 0
        while column < count:
            if row[column]:
                start = column
                while column < count and row[column]:
                    column += 1
                path.rect(x + (quiet + start) * module, top - module, (column - start) * module, module)
            else:
                column += 1
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


class TickBox(Flowable):
    """An empty square to tick by hand."""

    def __init__(self, size: float = 6 * mm):
        super().__init__()
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self):
        self.canv.setStrokeColor(INK)
        self.canv.setLineWidth(0.9)
        self.canv.rect(0, 0, self.width, self.height, stroke=1, fill=0)


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = register_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9, leading=11.5, textColor=INK)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED),
        "unit": ParagraphStyle("unit", parent=base, fontName=bold, fontSize=9.5, leading=12),
        "title": ParagraphStyle(
            "title", parent=base, fontName=bold, fontSize=16, leading=20, alignment=TA_CENTER, spaceBefore=2 * mm
        ),
        "subtitle": ParagraphStyle(
            "subtitle", parent=base, fontName=bold, fontSize=12, leading=15, alignment=TA_CENTER, spaceBefore=1 * mm
        ),
        "label": ParagraphStyle("label", parent=base, fontName=bold),
        "sign": ParagraphStyle("sign", parent=base, fontName=bold, alignment=TA_CENTER),
        "head": ParagraphStyle("head", parent=base, fontName=bold, fontSize=8, leading=10, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5, splitLongWords=True),
        "name": ParagraphStyle("name", parent=base, fontName=bold, fontSize=9, leading=11, splitLongWords=True),
        "number": ParagraphStyle("number", parent=base, fontSize=8.5, leading=10.5, alignment=TA_CENTER),
    }


def _numbered_canvas(footer: str):
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
            self.setFont(regular, 7.5)
            self.setFillColor(MUTED)
            page = _("Page %(page)s of %(pages)s") % {"page": self._pageNumber, "pages": total}
            self.drawRightString(width - SHEET_MARGIN, 9 * mm, page)
            room = width - 2 * SHEET_MARGIN - pdfmetrics.stringWidth(page, regular, 7.5) - 8 * mm
            self.drawString(SHEET_MARGIN, 9 * mm, _fit(footer, regular, 7.5, room))
            self.restoreState()

    return NumberedCanvas


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text``, cut with an ellipsis if it is wider than ``width``."""
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


# --- Sign-in sheet -------------------------------------------------------------------------------------------


def sign_in_sheet_pdf(session, registrations) -> bytes:
    """A4 portrait sign-in sheet of ``session``: one row per registration given (in the order given, seat order).

    Each row: number, full name, organisation (and position), masked phone, a box to tick, room to sign and a
    QR code that opens the trainer's check-in page for that person. The table flows onto further pages with its
    header row repeated; every page carries the class title and "Page n of m".
    """
    styles = _styles()
    registrations = list(registrations)
    buffer = io.BytesIO()
    heading = _("SIGN-IN SHEET")
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=SHEET_MARGIN,
        rightMargin=SHEET_MARGIN,
        topMargin=13 * mm,
        bottomMargin=16 * mm,
        title=f"{heading} – {session.title}",
        lang="vi",
        invariant=True,
    )

    story = [
        Paragraph(_text(unit_label(session.unit)).upper(), styles["unit"]),
        Paragraph(_text(heading), styles["title"]),
        Paragraph(_text(session.title), styles["subtitle"]),
        Spacer(1, 4 * mm),
    ]
    details_table = _session_details_table(session, len(registrations), styles)
    story += [details_table, Spacer(1, 5 * mm)]

    story.append(_attendance_table(registrations, styles))

    footer = f"{heading} · {session.title} · {format_date(session.starts_at)}"
    document.build(story, canvasmaker=_numbered_canvas(footer))
    return buffer.getvalue()


def _session_details_table(session, seat_holders: int, styles) -> Table:
    """Venue, time, trainers and the number of seat holders, as label/value rows under the title."""
    trainers = ", ".join(person_name(user) for user in session.trainers.all())
    details = [
        (_("Venue"), session.venue),
        (_("Time"), session_times(session)),
        (_("Trainers"), trainers),
        (_("Seat holders"), str(seat_holders)),
    ]
    details_table = Table(
        [
            [Paragraph(_text(label), styles["label"]), Paragraph(_text(value) or "—", styles["base"])]
            for label, value in details
        ],
        colWidths=[42 * mm, 180 * mm - 42 * mm],
        hAlign="LEFT",
    )
    details_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return details_table


def _attendance_rows(registrations: list, styles) -> list[list]:
    """The header row and one row per registration: number, name, organisation (and position), masked phone, a box
    to tick, room to sign, the check-in QR code."""
    header = [
        Paragraph(_text(label), styles["head"])
        for label in (
            _("No."),
            _("Full name"),
            _("Organisation"),
            _("Phone"),
            _("Present"),
            _("Signature"),
            _("Check-in QR"),
        )
    ]
    rows = [header]
    for number, registration in enumerate(registrations, start=1):
        attendee = registration.attendee
        organisation = _text(attendee.organisation)
        if attendee.position:
            position = f'<font size="7.5" color="#4a5560">{_text(attendee.position)}</font>'
            organisation = f"{organisation}<br/>{position}" if organisation else position
        rows.append(
            [
                Paragraph(str(number), styles["number"]),
                Paragraph(_text(attendee.full_name), styles["name"]),
                Paragraph(organisation, styles["cell"]),
                Paragraph(_text(mask_phone(attendee.phone)), styles["cell"]),
                TickBox(),
                "",
                QRCode(check_in_url(registration), SHEET_QR),
            ]
        )
    if not registrations:
        rows.append([Paragraph(_text(_("No one holds a seat in this class yet.")), styles["base"])] + [""] * 6)

    return rows


def _attendance_table(registrations: list, styles) -> Table:
    """The attendance rows, then a last row (never alone on a page) for the trainer to confirm the count."""
    rows = _attendance_rows(registrations, styles)
    last = len(rows) - 1
    # Room for the trainer to confirm the count by hand: a last row without lines, never alone on a page.
    rows.append(
        [
            Paragraph(_text(_("Number present: ..........")), styles["base"]),
            "",
            "",
            Paragraph(_text(_("Trainer (signature and full name)")), styles["sign"]),
            "",
            "",
            "",
        ]
    )
    table = Table(
        rows,
        colWidths=[width * mm for width in SHEET_COLUMNS],
        rowHeights=[None] * (last + 1) + [30 * mm],
        repeatRows=1,
        hAlign="LEFT",
    )
    table.setStyle(TableStyle(_attendance_style(last, empty=not registrations)))
    return table


def _attendance_style(last: int, *, empty: bool) -> list[tuple]:
    """Grid and header for rows 0..``last``, the confirmation row below without lines."""
    commands = [
        ("GRID", (0, 0), (-1, last), 0.6, GRID),
        ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, last), "MIDDLE"),
        ("ALIGN", (4, 1), (4, last), "CENTER"),
        ("ALIGN", (6, 1), (6, last), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (6, 1), (6, last), 1.5),
        ("BOTTOMPADDING", (6, 1), (6, last), 1.5),
        # The confirmation row.
        ("SPAN", (0, -1), (2, -1)),
        ("SPAN", (3, -1), (-1, -1)),
        ("VALIGN", (0, -1), (-1, -1), "TOP"),
        ("TOPPADDING", (0, -1), (-1, -1), 6 * mm),
        ("LEFTPADDING", (0, -1), (0, -1), 0),
        ("ALIGN", (3, -1), (-1, -1), "CENTER"),
        ("NOSPLIT", (0, last), (-1, -1)),
    ]
    if empty:
        commands.append(("SPAN", (0, 1), (-1, 1)))
    return commands


# --- Certificate ---------------------------------------------------------------------------------------------


def _centred_paragraph(canvas: Canvas, text: str, style: ParagraphStyle, centre_x: float, top: float, width: float):
    """Draw a paragraph centred on ``centre_x`` with its top at ``top``; return the y of its bottom."""
    paragraph = Paragraph(text, style)
    _w, height = paragraph.wrap(width, 1000)
    paragraph.drawOn(canvas, centre_x - width / 2, top - height)
    return top - height


def _fitting_style(style: ParagraphStyle, text: str, width: float, *, max_lines: int, minimum: float):
    """``style`` with the font shrunk (down to ``minimum`` pt) until ``text`` fits in ``max_lines`` lines."""
    size = style.fontSize
    while True:
        candidate = ParagraphStyle(f"{style.name}-{size}", parent=style, fontSize=size, leading=size * 1.25)
        lines = Paragraph(text, candidate).breakLines([width]).lines
        if len(lines) <= max_lines or size <= minimum:
            return candidate
        size -= 1


def issuing_body_lines(session) -> tuple[str, str]:
    """(the body above, in regular type; the issuing body, in bold) for the top left of a certificate.

    By default the unit's people's committee (ỦY BAN NHÂN DÂN / XÃ TÁNH LINH); with an issuing body set on the
    class, the unit's committee above it and the body below (ỦY BAN NHÂN DÂN XÃ TÁNH LINH / BAN CHỈ ĐẠO …).
    """
    committee = _("People's Committee").upper()
    unit_name = session.unit.name.upper()
    if session.issuing_body:
        return f"{committee} {unit_name}", session.issuing_body.upper()
    return committee, unit_name


def place_of_issue(session) -> str:
    """The place before the date: the class's setting, or the unit's name without its type (Xã Tánh Linh → Tánh Linh)."""
    if session.certificate_place:
        return session.certificate_place
    name = session.unit.name
    for prefix in UNIT_TYPE_PREFIXES:
        if fold(name).startswith(prefix + " "):
            return name[len(prefix) + 1 :].strip()
    return name


UNIT_TYPE_PREFIXES = ("thanh pho", "thi tran", "thi xa", "dac khu", "phuong", "huyen", "quan", "tinh", "xa")


def place_and_date(session, day) -> str:
    """As on administrative documents: "Tánh Linh, ngày 07 tháng 12 năm 2026" (day and month on two digits)."""
    if hasattr(day, "hour"):
        day = timezone.localtime(day)
    return _("%(place)s, day %(day)s month %(month)s year %(year)s") % {
        "place": place_of_issue(session),
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}",
        "year": day.year,
    }


def certificate_pdf(certificate) -> bytes:
    """The certificate in Vietnamese, whatever the reader's language (it is an administrative document)."""
    with translation.override("vi"):
        return _certificate_pdf(certificate)


def _certificate_pdf(certificate) -> bytes:
    """A4 landscape certificate laid out as an administrative document (Nghị định 30/2020/NĐ-CP).

    Top left: the issuing body (with the unit) and the number (Số: 01/GCN-UBND); top right: Quốc hiệu and Tiêu
    ngữ (underlined), then place and date; the body; bottom right: the signer's title, room for the signature
    and the seal, the signer's name; bottom left: the verification QR (the site's configured address).
    Refuses (ValueError) a certificate whose holder's data has been erased: there is no name left to print.
    """
    registration = certificate.registration
    attendee, session = registration.attendee, registration.session
    if attendee.anonymised_at:
        raise ValueError("the certificate holder's data has been erased")
    regular, bold = register_fonts()
    page_width, page_height = landscape(A4)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(page_width, page_height), invariant=True, lang="vi")
    _certificate_metadata(canvas, certificate)
    _draw_frame(canvas, page_width, page_height)
    header_bottom = _draw_certificate_header(canvas, certificate, regular, bold, page_width, page_height)
    body_bottom = _draw_certificate_body(canvas, certificate, regular, bold, page_width, page_height, header_bottom)
    _draw_signature(canvas, session, regular, bold, page_width, body_bottom)
    _draw_verification(canvas, certificate, regular)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _header_styles(regular: str, bold: str) -> tuple[ParagraphStyle, ParagraphStyle]:
    """The header's regular and bold styles (also the signature's)."""
    header = ParagraphStyle(
        "cert-header", fontName=regular, fontSize=12, leading=15, alignment=TA_CENTER, textColor=INK
    )
    return header, ParagraphStyle("cert-header-bold", parent=header, fontName=bold)


def _certificate_metadata(canvas: Canvas, certificate) -> None:
    """Title (heading and number), author and creator (the issuing body), subject (the class), keywords."""
    session = certificate.registration.session
    upper_body, issuing_body = issuing_body_lines(session)
    number_text = _("No.: %(number)s") % {"number": certificate.number}
    heading = _("CERTIFICATE")
    canvas.setTitle(f"{heading} {number_text}")
    issuer = f"{upper_body} {issuing_body}"
    canvas.setAuthor(issuer)
    canvas.setSubject(session.title)
    canvas.setCreator(issuer)
    canvas.setProducer(issuer)
    canvas.setKeywords(_("certificate, training class"))


def _draw_frame(canvas: Canvas, page_width: float, page_height: float) -> None:
    """A strong outer line and a thin inner one."""
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2.4)
    canvas.rect(9 * mm, 9 * mm, page_width - 18 * mm, page_height - 18 * mm)
    canvas.setLineWidth(0.7)
    canvas.rect(12 * mm, 12 * mm, page_width - 24 * mm, page_height - 24 * mm)


def _draw_certificate_header(
    canvas: Canvas, certificate, regular: str, bold: str, page_width: float, page_height: float
) -> float:
    """Issuing body and number (left), Quốc hiệu, Tiêu ngữ, place and date (right), as in Nghị định 30/2020/NĐ-CP,
    Phụ lục I. Returns the y below the lower of the two blocks."""
    session = certificate.registration.session
    upper_body, issuing_body = issuing_body_lines(session)
    number_text = _("No.: %(number)s") % {"number": certificate.number}
    left_block, right_block = 100 * mm, 130 * mm
    left_centre, right_centre = 20 * mm + left_block / 2, page_width - 18 * mm - right_block / 2
    top = page_height - 20 * mm
    header, header_bold = _header_styles(regular, bold)
    motto_style = ParagraphStyle("cert-motto", parent=header_bold, fontSize=13, leading=16)
    bottom_left = _centred_paragraph(canvas, _text(upper_body), header, left_centre, top, left_block)
    bottom_left = _centred_paragraph(canvas, _text(issuing_body), header_bold, left_centre, bottom_left, left_block)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    rule = 25 * mm
    canvas.line(left_centre - rule / 2, bottom_left - 5, left_centre + rule / 2, bottom_left - 5)
    number_bottom = _centred_paragraph(
        canvas, _text(number_text), header, left_centre, bottom_left - 5 * mm, left_block
    )

    nation = _centred_paragraph(
        canvas, _text(_("SOCIALIST REPUBLIC OF VIETNAM")), header_bold, right_centre, top, right_block
    )
    motto_text = _("Independence - Freedom - Happiness")
    motto_bottom = _centred_paragraph(canvas, _text(motto_text), motto_style, right_centre, nation, right_block)
    motto_width = min(right_block, pdfmetrics.stringWidth(motto_text, bold, 13))
    canvas.line(right_centre - motto_width / 2, motto_bottom - 1, right_centre + motto_width / 2, motto_bottom - 1)
    date_style = ParagraphStyle("cert-date", parent=header, fontName=regular, fontSize=12)
    date_bottom = _centred_paragraph(
        canvas,
        f"<i>{_text(place_and_date(session, certificate.issued_at))}</i>",
        date_style,
        right_centre,
        motto_bottom - 5 * mm,
        right_block,
    )
    return min(number_bottom, date_bottom)


def _draw_certificate_body(
    canvas: Canvas, certificate, regular: str, bold: str, page_width: float, page_height: float, top: float
) -> float:
    """The heading, the holder's name and the class, centred across the page below ``top``; returns its bottom."""
    registration = certificate.registration
    attendee, session = registration.attendee, registration.session
    heading = _("CERTIFICATE")
    centre = page_width / 2
    body_width = page_width - 60 * mm
    lead_style = ParagraphStyle(
        "cert-lead", fontName=regular, fontSize=13, leading=17, alignment=TA_CENTER, textColor=INK
    )
    title_style = ParagraphStyle(
        "cert-title", fontName=bold, fontSize=26, leading=32, alignment=TA_CENTER, textColor=TITLE_RED
    )
    name_style = ParagraphStyle(
        "cert-name", fontName=bold, fontSize=22, leading=28, alignment=TA_CENTER, textColor=ACCENT
    )
    class_style = ParagraphStyle(
        "cert-class", fontName=bold, fontSize=15, leading=19, alignment=TA_CENTER, textColor=INK
    )
    held = _("held on %(date)s in %(unit)s") % {"date": session_dates(session), "unit": unit_label(session.unit)}
    body = [  # (text, style, space above)
        (heading, title_style, 0),
        (_("This is to certify that"), lead_style, 5 * mm),
        (
            attendee.full_name,
            _fitting_style(name_style, _text(attendee.full_name), body_width, max_lines=1, minimum=14),
            2 * mm,
        ),
        (_("has attended the training class"), lead_style, 3 * mm),
        (
            session.title,
            _fitting_style(class_style, _text(session.title), body_width, max_lines=2, minimum=11),
            2 * mm,
        ),
        (held, lead_style, 2 * mm),
    ]
    paragraphs = [(Paragraph(_text(text), style), space) for text, style, space in body]
    y = top - 8 * mm
    for paragraph, space in paragraphs:
        paragraph.wrap(body_width, page_height)
        y -= space + paragraph.height
        paragraph.drawOn(canvas, centre - body_width / 2, y)
    return y


def _draw_signature(canvas: Canvas, session, regular: str, bold: str, page_width: float, top: float) -> None:
    """The signer's title (bold, upper case), room for the signature and the seal, the signer's name (bold)."""
    _header, header_bold = _header_styles(regular, bold)
    sign_block = 100 * mm
    sign_centre = page_width - 24 * mm - sign_block / 2
    sign_top = top - 5 * mm
    signer_title = (session.signer_title or _("Chairman")).upper()
    title_lines = [line.strip() for line in re.split(r"\n| / ", signer_title) if line.strip()]
    sign_bottom = _centred_paragraph(
        canvas, "<br/>".join(_text(line) for line in title_lines), header_bold, sign_centre, sign_top, sign_block
    )
    if session.signer_name:
        _centred_paragraph(
            canvas, _text(session.signer_name), header_bold, sign_centre, sign_bottom - 26 * mm, sign_block
        )


def _draw_verification(canvas: Canvas, certificate, regular: str) -> None:
    """Bottom left: the verification QR with its address (the site's configured address, never the request's host)."""
    url = verification_url(certificate)
    qr_x, qr_y = 22 * mm, 18 * mm
    draw_qr(canvas, segno.make(url, error="m", micro=False), qr_x, qr_y, CERTIFICATE_QR)
    canvas.linkURL(url, (qr_x, qr_y, qr_x + CERTIFICATE_QR, qr_y + CERTIFICATE_QR), relative=0)
    verify_style = ParagraphStyle(
        "cert-verify",
        fontName=regular,
        fontSize=8,
        leading=10.5,
        alignment=TA_LEFT,
        textColor=INK,
        splitLongWords=True,
    )
    verify_width = 75 * mm
    scan_hint = _("Scan the code or open this address to check that the certificate is genuine:")
    verify = Paragraph(
        f'{_text(scan_hint)}<br/><a href="{escape(url, {chr(34): "&quot;"})}" color="#0b4f94">{_text(url)}</a>',
        verify_style,
    )
    _w, verify_height = verify.wrap(verify_width, 100 * mm)
    verify.drawOn(canvas, qr_x + CERTIFICATE_QR + 3 * mm, qr_y + (CERTIFICATE_QR - verify_height) / 2)
