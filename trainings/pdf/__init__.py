"""Sign-in sheets and certificates of attendance as PDF (reportlab), in DejaVu Sans so that Vietnamese renders.

Pure rendering: callers pass model instances (with their related objects loaded or loadable) and get bytes back.
Every label is an English msgid translated with gettext in the active language; dates are dd/mm/yyyy in local
time. QR codes are drawn as vector paths from segno's module matrix, so they stay sharp in print.

- ``common``: what both documents share (addresses the QR codes open, dates, names, the QR code, the tick box);
- ``sign_in_sheet``: the class's A4 sign-in sheet;
- ``certificate``: the certificate of attendance, laid out as an administrative document.

The fonts, colours, page frame and table helpers are ``campaigns.core.pdf``'s.
"""

from trainings.pdf.certificate import certificate_pdf, issuing_body_lines, place_and_date, place_of_issue
from trainings.pdf.common import (
    absolute_url,
    check_in_url,
    format_date,
    person_name,
    session_dates,
    session_times,
    unit_label,
    verification_url,
)
from trainings.pdf.sign_in_sheet import sign_in_sheet_pdf

__all__ = [
    "absolute_url",
    "certificate_pdf",
    "check_in_url",
    "format_date",
    "issuing_body_lines",
    "person_name",
    "place_and_date",
    "place_of_issue",
    "session_dates",
    "session_times",
    "sign_in_sheet_pdf",
    "unit_label",
    "verification_url",
]
