"""The class's A4 sign-in sheet: heading, the class's details, one row per seat holder, the trainer's count."""

import io

from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from campaigns.core.pdf import GRID, HEADER_FILL, INK, MUTED, PAGE_MARGIN, markup, numbered_canvas, register_fonts
from trainings.identity import mask_phone
from trainings.pdf.common import (
    SHEET_QR,
    QRCode,
    TickBox,
    check_in_url,
    format_date,
    person_name,
    session_times,
    unit_label,
)

# Sign-in sheet columns (mm): No., full name, organisation, phone, present, signature, QR — 180 mm in all.
SHEET_COLUMNS = (9, 42, 36, 25, 15, 33, 20)
DETAILS_LABEL_WIDTH = 42 * mm
CONFIRMATION_HEIGHT = 30 * mm


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
        leftMargin=PAGE_MARGIN,
        rightMargin=PAGE_MARGIN,
        topMargin=13 * mm,
        bottomMargin=16 * mm,
        title=f"{heading} – {session.title}",
        lang="vi",
        invariant=True,
    )
    story = [
        *_heading(session, heading, styles),
        _details_table(session, registrations, styles),
        Spacer(1, 5 * mm),
        _attendance_table(registrations, styles),
    ]
    footer = f"{heading} · {session.title} · {format_date(session.starts_at)}"
    document.build(story, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def _heading(session, heading: str, styles) -> list:
    """The unit (upper case), the document's name and the class's title."""
    return [
        Paragraph(markup(unit_label(session.unit)).upper(), styles["unit"]),
        Paragraph(markup(heading), styles["title"]),
        Paragraph(markup(session.title), styles["subtitle"]),
        Spacer(1, 4 * mm),
    ]


def _details_table(session, registrations: list, styles) -> Table:
    """Venue, time, trainers and the number of seat holders, as label: value lines."""
    trainers = ", ".join(person_name(user) for user in session.trainers.all())
    details = [
        (_("Venue"), session.venue),
        (_("Time"), session_times(session)),
        (_("Trainers"), trainers),
        (_("Seat holders"), str(len(registrations))),
    ]
    table = Table(
        [
            [Paragraph(markup(label), styles["label"]), Paragraph(markup(value) or "—", styles["base"])]
            for label, value in details
        ],
        colWidths=[DETAILS_LABEL_WIDTH, 180 * mm - DETAILS_LABEL_WIDTH],
        hAlign="LEFT",
    )
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ]
        )
    )
    return table


def _attendance_header(styles) -> list:
    return [
        Paragraph(markup(label), styles["head"])
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


def _attendance_row(number: int, registration, styles) -> list:
    """One seat holder: number, name, organisation (and position), masked phone, tick box, signature, QR."""
    attendee = registration.attendee
    organisation = markup(attendee.organisation)
    if attendee.position:
        position = f'<font size="7.5" color="#4a5560">{markup(attendee.position)}</font>'
        organisation = f"{organisation}<br/>{position}" if organisation else position
    return [
        Paragraph(str(number), styles["number"]),
        Paragraph(markup(attendee.full_name), styles["name"]),
        Paragraph(organisation, styles["cell"]),
        Paragraph(markup(mask_phone(attendee.phone)), styles["cell"]),
        TickBox(),
        "",
        QRCode(check_in_url(registration), SHEET_QR),
    ]


def _confirmation_row(styles) -> list:
    """Room for the trainer to confirm the count by hand: a last row without lines."""
    return [
        Paragraph(markup(_("Number present: ..........")), styles["base"]),
        "",
        "",
        Paragraph(markup(_("Trainer (signature and full name)")), styles["sign"]),
        "",
        "",
        "",
    ]


def _attendance_table(registrations: list, styles) -> Table:
    """The header row (repeated on every page), a row per seat holder, the confirmation row (never alone)."""
    rows = [_attendance_header(styles)]
    rows += [
        _attendance_row(number, registration, styles) for number, registration in enumerate(registrations, start=1)
    ]
    if not registrations:
        rows.append([Paragraph(markup(_("No one holds a seat in this class yet.")), styles["base"])] + [""] * 6)
    last = len(rows) - 1
    rows.append(_confirmation_row(styles))
    table = Table(
        rows,
        colWidths=[width * mm for width in SHEET_COLUMNS],
        rowHeights=[None] * (last + 1) + [CONFIRMATION_HEIGHT],
        repeatRows=1,
        hAlign="LEFT",
    )
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
    if not registrations:
        commands.append(("SPAN", (0, 1), (-1, 1)))
    table.setStyle(TableStyle(commands))
    return table
