"""The certificate of attendance: A4 landscape, laid out as an administrative document (Nghị định 30/2020/NĐ-CP)."""

import io
import re
from dataclasses import dataclass
from xml.sax.saxutils import escape

import segno
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from campaigns.core.pdf import (
    ACCENT,
    INK,
    TITLE_RED,
    centred_paragraph,
    fitting_style,
    markup,
    register_fonts,
)
from campaigns.core.text import fold
from trainings.pdf.common import CERTIFICATE_QR, draw_qr, session_dates, unit_label, verification_url

UNIT_TYPE_PREFIXES = ("thanh pho", "thi tran", "thi xa", "dac khu", "phuong", "huyen", "quan", "tinh", "xa")


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


@dataclass
class _Page:
    """The canvas being drawn and the fonts and header styles every part of the certificate uses."""

    canvas: Canvas
    width: float
    height: float
    regular: str
    bold: str
    header: ParagraphStyle
    header_bold: ParagraphStyle


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
    heading = _("CERTIFICATE")
    canvas = Canvas(buffer, pagesize=(page_width, page_height), invariant=True, lang="vi")
    number_text = _("No.: %(number)s") % {"number": certificate.number}
    _describe(canvas, session, f"{heading} {number_text}")
    header = ParagraphStyle(
        "cert-header", fontName=regular, fontSize=12, leading=15, alignment=TA_CENTER, textColor=INK
    )
    page = _Page(
        canvas,
        page_width,
        page_height,
        regular,
        bold,
        header,
        ParagraphStyle("cert-header-bold", parent=header, fontName=bold),
    )
    _draw_frame(page)
    number_bottom = _draw_issuing_body(page, session, number_text)
    date_bottom = _draw_national_heading(page, session, certificate.issued_at)
    body_bottom = _draw_body(page, heading, attendee, session, top=min(number_bottom, date_bottom) - 8 * mm)
    _draw_signature(page, session, top=body_bottom - 5 * mm)
    _draw_verification(page, verification_url(certificate))
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _describe(canvas: Canvas, session, title: str) -> None:
    """The document's properties: its title and number, the issuer, the class."""
    upper_body, issuing_body = issuing_body_lines(session)
    canvas.setTitle(title)
    issuer = f"{upper_body} {issuing_body}"
    canvas.setAuthor(issuer)
    canvas.setSubject(session.title)
    canvas.setCreator(issuer)
    canvas.setProducer(issuer)
    canvas.setKeywords(_("certificate, training class"))


def _draw_frame(page: _Page) -> None:
    """A strong outer line and a thin inner one."""
    canvas = page.canvas
    canvas.setStrokeColor(ACCENT)
    canvas.setLineWidth(2.4)
    canvas.rect(9 * mm, 9 * mm, page.width - 18 * mm, page.height - 18 * mm)
    canvas.setLineWidth(0.7)
    canvas.rect(12 * mm, 12 * mm, page.width - 24 * mm, page.height - 24 * mm)


# Header blocks, as in Nghị định 30/2020/NĐ-CP, Phụ lục I: the issuing body left, Quốc hiệu and Tiêu ngữ right.
LEFT_BLOCK, RIGHT_BLOCK = 100 * mm, 130 * mm
HEADER_TOP = 20 * mm  # from the top of the page


def _draw_issuing_body(page: _Page, session, number_text: str) -> float:
    """Top left: the issuing body (with the unit), a short rule, the number; return the bottom of the number."""
    canvas = page.canvas
    upper_body, issuing_body = issuing_body_lines(session)
    left_centre, top = 20 * mm + LEFT_BLOCK / 2, page.height - HEADER_TOP
    bottom = centred_paragraph(canvas, markup(upper_body), page.header, left_centre, top, LEFT_BLOCK)
    bottom = centred_paragraph(canvas, markup(issuing_body), page.header_bold, left_centre, bottom, LEFT_BLOCK)
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.6)
    rule = 25 * mm
    canvas.line(left_centre - rule / 2, bottom - 5, left_centre + rule / 2, bottom - 5)
    return centred_paragraph(canvas, markup(number_text), page.header, left_centre, bottom - 5 * mm, LEFT_BLOCK)


def _draw_national_heading(page: _Page, session, issued_at) -> float:
    """Top right: Quốc hiệu, Tiêu ngữ (underlined), place and date; return the bottom of the date."""
    canvas = page.canvas
    right_centre, top = page.width - 18 * mm - RIGHT_BLOCK / 2, page.height - HEADER_TOP
    motto_style = ParagraphStyle("cert-motto", parent=page.header_bold, fontSize=13, leading=16)
    nation = centred_paragraph(
        canvas, markup(_("SOCIALIST REPUBLIC OF VIETNAM")), page.header_bold, right_centre, top, RIGHT_BLOCK
    )
    motto_text = _("Independence - Freedom - Happiness")
    motto_bottom = centred_paragraph(canvas, markup(motto_text), motto_style, right_centre, nation, RIGHT_BLOCK)
    motto_width = min(RIGHT_BLOCK, pdfmetrics.stringWidth(motto_text, page.bold, 13))
    canvas.line(right_centre - motto_width / 2, motto_bottom - 1, right_centre + motto_width / 2, motto_bottom - 1)
    date_style = ParagraphStyle("cert-date", parent=page.header, fontName=page.regular, fontSize=12)
    return centred_paragraph(
        canvas,
        f"<i>{markup(place_and_date(session, issued_at))}</i>",
        date_style,
        right_centre,
        motto_bottom - 5 * mm,
        RIGHT_BLOCK,
    )


def _draw_body(page: _Page, heading: str, attendee, session, *, top: float) -> float:
    """Centred across the page: the title, the holder's name, the class and when and where it was held.

    The name and the class's title shrink to fit (one line, two lines). Returns the bottom of the last line.
    """
    body_width = page.width - 60 * mm

    def centred(name: str, font: str, size: float, leading: float, color) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=font, fontSize=size, leading=leading, alignment=TA_CENTER, textColor=color
        )

    lead_style = centred("cert-lead", page.regular, 13, 17, INK)
    title_style = centred("cert-title", page.bold, 26, 32, TITLE_RED)
    name_style = centred("cert-name", page.bold, 22, 28, ACCENT)
    class_style = centred("cert-class", page.bold, 15, 19, INK)
    held = _("held on %(date)s in %(unit)s") % {"date": session_dates(session), "unit": unit_label(session.unit)}
    body = [  # (text, style, space above)
        (heading, title_style, 0),
        (_("This is to certify that"), lead_style, 5 * mm),
        (
            attendee.full_name,
            fitting_style(name_style, markup(attendee.full_name), body_width, max_lines=1, minimum=14),
            2 * mm,
        ),
        (_("has attended the training class"), lead_style, 3 * mm),
        (
            session.title,
            fitting_style(class_style, markup(session.title), body_width, max_lines=2, minimum=11),
            2 * mm,
        ),
        (held, lead_style, 2 * mm),
    ]
    y = top
    for text, style, space in body:
        paragraph = Paragraph(markup(text), style)
        paragraph.wrap(body_width, page.height)
        y -= space + paragraph.height
        paragraph.drawOn(page.canvas, page.width / 2 - body_width / 2, y)
    return y


def _draw_signature(page: _Page, session, *, top: float) -> None:
    """Bottom right: the signer's title (bold, upper case), room for the signature and the seal, the name."""
    sign_block = 100 * mm
    sign_centre = page.width - 24 * mm - sign_block / 2
    signer_title = (session.signer_title or _("Chairman")).upper()
    title_lines = [line.strip() for line in re.split(r"\n| / ", signer_title) if line.strip()]
    sign_bottom = centred_paragraph(
        page.canvas, "<br/>".join(markup(line) for line in title_lines), page.header_bold, sign_centre, top, sign_block
    )
    if session.signer_name:
        centred_paragraph(
            page.canvas, markup(session.signer_name), page.header_bold, sign_centre, sign_bottom - 26 * mm, sign_block
        )


def _draw_verification(page: _Page, url: str) -> None:
    """Bottom left: the verification QR with its address (the site's configured address, never the request's host)."""
    canvas = page.canvas
    qr_x, qr_y = 22 * mm, 18 * mm
    draw_qr(canvas, segno.make(url, error="m", micro=False), qr_x, qr_y, CERTIFICATE_QR)
    canvas.linkURL(url, (qr_x, qr_y, qr_x + CERTIFICATE_QR, qr_y + CERTIFICATE_QR), relative=0)
    verify_style = ParagraphStyle(
        "cert-verify",
        fontName=page.regular,
        fontSize=8,
        leading=10.5,
        alignment=TA_LEFT,
        textColor=INK,
        splitLongWords=True,
    )
    verify_width = 75 * mm
    scan_hint = _("Scan the code or open this address to check that the certificate is genuine:")
    verify = Paragraph(
        f'{markup(scan_hint)}<br/><a href="{escape(url, {chr(34): "&quot;"})}" color="#0b4f94">{markup(url)}</a>',
        verify_style,
    )
    _w, verify_height = verify.wrap(verify_width, 100 * mm)
    verify.drawOn(canvas, qr_x + CERTIFICATE_QR + 3 * mm, qr_y + (CERTIFICATE_QR - verify_height) / 2)
