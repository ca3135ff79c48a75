"""What the sign-in sheet and the certificate share: the addresses their QR codes open, dates and names as
printed, and two drawn parts (a QR code as vector paths, an empty box to tick by hand)."""

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from campaigns.core.pdf import INK

SHEET_QR = 17 * mm
CERTIFICATE_QR = 30 * mm


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
