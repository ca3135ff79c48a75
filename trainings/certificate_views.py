"""Certificate PDF download and public verification.

No login: the certificate's code (in the QR on the certificate, 144 random bits) is the key. The verification
page confirms the number, issue date, class and, unless the holder's data has been erased or their consent to the
name on the certificate withdrawn, the holder's name. Pages are not indexed and not cached, so an erasure or a
withdrawal takes effect at once.
"""

import functools
import re

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from trainings.choices import ConsentPurpose, Status
from trainings.models import Certificate
from trainings.pdf import certificate_pdf, format_date, session_dates, unit_label

NOT_FOUND_TEMPLATE = "cms/not_found.html"
VERIFY_TEMPLATE = "trainings/certificates/verify.html"


_CODE = re.compile(r"[A-Za-z0-9_-]{8,64}")


def _find(code: str) -> Certificate | None:
    """The certificate of a person who attended (a certificate stops being valid if attendance is corrected)."""
    if not _CODE.fullmatch(code or ""):
        return None
    return (
        Certificate.objects.select_related("registration__attendee", "registration__session__unit__parent")
        .filter(code=code, registration__status=Status.ATTENDED)
        .first()
    )


def _named(attendee) -> bool:
    """The holder still agrees to their name on the certificate (a withdrawn consent hides it from now on)."""
    return attendee.consents.filter(purpose=ConsentPurpose.CERTIFICATE, withdrawn_at__isnull=True).exists()


def _not_found(request, *, erased: bool = False) -> HttpResponse:
    if erased:
        words = {
            "heading": _("Certificate no longer available"),
            "status": _(
                "This certificate can no longer be downloaded: the holder’s personal data has been erased at their "
                "request."
            ),
        }
    else:
        words = {
            "heading": _("Certificate not found"),
            "status": _("No certificate matches this address."),
            "advice": _(
                "Check that the whole address was typed or scanned: it is printed next to the QR code on the "
                "certificate. If it still does not work, contact the unit that organised the class."
            ),
        }
    return render(request, NOT_FOUND_TEMPLATE, {**words, "tone": "error"}, status=404)


def _private(response: HttpResponse) -> HttpResponse:
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _certificate_page(view):
    """A public view of one certificate, found by its code: not indexed, not cached, and a friendly 404 without it."""

    @require_safe
    @never_cache
    @functools.wraps(view)
    def page(request, code: str):
        certificate = _find(code)
        if certificate is None:
            return _private(_not_found(request))
        return _private(view(request, certificate))

    return page


@_certificate_page
def certificate_verify(request, certificate: Certificate):
    registration = certificate.registration
    attendee, session = registration.attendee, registration.session
    erased = attendee.anonymised_at is not None or not _named(attendee)
    context = {
        "number": certificate.number,
        "issued": format_date(certificate.issued_at),
        "name": None if erased else attendee.full_name,
        "erased": erased,
        "title": session.title,
        "date": session_dates(session),
        "unit": unit_label(session.unit),
        "pdf_url": None if erased else reverse("trainings:certificate_pdf", args=[certificate.code]),
    }
    return render(request, VERIFY_TEMPLATE, context)


@_certificate_page
def certificate_download(request, certificate: Certificate):
    attendee = certificate.registration.attendee
    if attendee.anonymised_at is not None or not _named(attendee):
        return _not_found(request, erased=True)
    response = HttpResponse(certificate_pdf(certificate), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="giay-chung-nhan-{slugify(certificate.number)}.pdf"'
    return response


urlpatterns = [
    path("chung-nhan/<str:code>/", certificate_verify, name="certificate_verify"),
    path("chung-nhan/<str:code>/giay-chung-nhan.pdf", certificate_download, name="certificate_pdf"),
]
