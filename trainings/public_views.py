"""Public registration, tickets, cancellation and feedback.

Nobody signs in here: the registration page is found through the class's public token, and a
person's pages (ticket, cancellation, consent record, feedback) through the registration's token,
which only they receive. Those pages are never cached and never indexed.

Sending the form holds no seat: it keeps a pending registration and sends a code to the phone or
to the e-mail on record (``services.pending_registration_create``); the answer is the same whether the
phone is known or not, and only the code leads to a ticket (``pending_registration_confirm``). Registration posts are
counted per client address in the cache, successful and failed posts apart: past
``REGISTRATION_CHALLENGE_AFTER`` failures the form asks a small sum, past ``REGISTRATION_FAILURE_LIMIT`` failures or
``REGISTRATION_RATE_LIMIT`` codes asked it answers 429; a missing cache only weakens these (the per-phone and per-class
limits are in the database). Nothing personal is logged.
"""

import hashlib
import io
import logging
import re
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from trainings import ics, notifications, selectors, services
from trainings.choices import Status
from trainings.forms import ConfirmationForm, FeedbackForm, FindTicketForm, RegistrationForm, new_challenge
from trainings.identity import mask_name, mask_phone
from trainings.models import Feedback, PendingRegistration, Registration, TrainingSession
from trainings.sms import sms_available
from trainings.tasks import find_tickets

logger = logging.getLogger(__name__)

# Tokens are made by ``secrets.token_urlsafe``: anything else (a NUL byte, 10 kB of text) is simply not found.
_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")
RATE_LIMIT_WINDOW_SECONDS = 60 * 60


def _check_token(token: str) -> str:
    if not _TOKEN.fullmatch(token):
        raise Http404
    return token


def _private(response: HttpResponse) -> HttpResponse:
    """A page reached through a personal link: kept out of search engines and shared caches."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _registration(token: str) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("session", "session__unit", "attendee"), token=_check_token(token)
    )


def check_in_url(registration: Registration) -> str:
    """The absolute admin address a trainer's phone opens when it scans the ticket's QR code."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("trainings_check_in", args=[registration.token])


# -- rate limiting ------------------------------------------------------------------------------
# Two counters per client address and hour. Requests that passed the form (a code was asked for) are limited by
# REGISTRATION_RATE_LIMIT, high enough for a commune hall behind one address; the phone and class limits in
# services.pending_registration_create stop the abuse of those. Failed posts (invalid form, wrong sum, refusal) are counted
# apart: past REGISTRATION_CHALLENGE_AFTER the form asks a small sum, past REGISTRATION_FAILURE_LIMIT it answers 429.
# So a hall of villagers who type well is never slowed down, and a script that posts garbage is.
def _rate_key(request, kind: str) -> str:
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return f"registration-post:{kind}:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def _count(request, kind: str) -> int:
    """Count one more post of ``kind`` from the client's address within the hour (0 without a cache)."""
    key = _rate_key(request, kind)
    try:
        return 1 if cache.add(key, 1, RATE_LIMIT_WINDOW_SECONDS) else cache.incr(key)
    except Exception:  # noqa: BLE001 - a missing cache must not block registration
        return 0


def _so_far(request, kind: str) -> int:
    try:
        return cache.get(_rate_key(request, kind)) or 0
    except Exception:  # noqa: BLE001
        return 0


def registration_is_throttled(request) -> bool:
    """True once the address has asked for more codes, or failed more often, than the hour allows."""
    return (
        _so_far(request, "ok") >= settings.REGISTRATION_RATE_LIMIT
        or _so_far(request, "failed") >= settings.REGISTRATION_FAILURE_LIMIT
    )


def _form(request, data=None) -> RegistrationForm:
    """The form; once one address has failed REGISTRATION_CHALLENGE_AFTER times within the hour it asks a sum too."""
    return RegistrationForm(
        data,
        email_required=not sms_available(),
        challenge=_so_far(request, "failed") >= settings.REGISTRATION_CHALLENGE_AFTER,
    )


# -- registration --------------------------------------------------------------------------------
def _seats_taken(session: TrainingSession) -> int:
    return session.registrations.filter(seat__isnull=False).count()


def _registration_page(request, session, form, *, refusal: str = "", status: int = 200):
    seats = selectors.availability(session, seated=_seats_taken(session))
    context = {
        "session": session,
        "form": form,
        "refusal": refusal,
        "seats": seats,
        "is_open": seats.can_register,
        "not_yet_open": seats.state == "not_yet_open",
        "is_full": seats.state == "full",
        "seats_left": seats.seats_left,
    }
    return TemplateResponse(request, "trainings/public/register.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def register(request, public_token: str):
    session = get_object_or_404(
        TrainingSession.objects.select_related("unit"), public_token=_check_token(public_token), is_public=True
    )
    if request.method != "POST":
        return _registration_page(request, session, _form(request))
    if registration_is_throttled(request):
        logger.warning("public registration refused: too many posts from one address")
        response = TemplateResponse(request, "trainings/public/rate_limited.html", {"session": session}, status=429)
        response["Retry-After"] = str(RATE_LIMIT_WINDOW_SECONDS)
        return response
    form = _form(request, request.POST)
    if not form.is_valid():
        failures = _count(request, "failed")
        if form.has_challenge() and "challenge_answer" in form.errors:
            form = _rebind_with_new_challenge(request, form)
        elif not form.has_challenge() and failures >= settings.REGISTRATION_CHALLENGE_AFTER:
            form = _rebind_with_new_challenge(request, form, first=True)
        return _registration_page(request, session, form)
    try:
        pending = services.pending_registration_create(
            actor=None,
            session=session,
            phone=form.cleaned_data["phone"],
            details=form.details(session),
            consents=form.consents(),
            address=request.META.get("REMOTE_ADDR") or "",
        )
    except services.RegistrationRefused as refused:
        _count(request, "failed")
        # Outside the window the page itself says when registration opens or that it has closed.
        refusal = refused.message if session.registration_open() else ""
        return _registration_page(request, session, form, refusal=refusal)
    _count(request, "ok")
    # The same answer whether the phone number is known or not: the code went to the phone or e-mail on record.
    logger.info("public registration request %s for session %s", pending.pk, session.pk)
    return redirect("trainings:confirm", token=pending.token)


def _rebind_with_new_challenge(request, form: RegistrationForm, *, first: bool = False) -> RegistrationForm:
    """Keep what the person typed and the errors found, with a new question (the old answer was wrong, or this
    failure was the one after which the form asks)."""
    question, token = new_challenge()
    data = request.POST.copy()
    data["challenge_token"] = token
    data["challenge_answer"] = ""
    rebound = RegistrationForm(data, email_required=not sms_available(), challenge=True)
    rebound.is_valid()
    if first:
        rebound.errors.pop("challenge_answer", None)
    else:
        rebound.errors["challenge_answer"] = form.errors["challenge_answer"]
    return rebound


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    pending = get_object_or_404(PendingRegistration.objects.select_related("session"), token=_check_token(token))
    context = {"session": pending.session, "sms": sms_available()}
    template = "trainings/public/confirm.html"
    if request.method != "POST":
        initial = {"code": request.GET.get("ma", "")[:12]}
        return _private(TemplateResponse(request, template, context | {"form": ConfirmationForm(initial=initial)}))
    form = ConfirmationForm(request.POST)
    if not form.is_valid():
        return _private(TemplateResponse(request, template, context | {"form": form}))
    try:
        result = services.pending_registration_confirm(actor=None, pending=pending, code=form.cleaned_data["code"])
    except services.RegistrationRefused as refused:
        expired = not PendingRegistration.objects.filter(pk=pending.pk).exists()
        return _private(
            TemplateResponse(
                request, template, context | {"form": form, "refusal": refused.message, "expired": expired}
            )
        )
    registration = result.registration
    logger.info(
        "public registration %s for session %s: %s", registration.pk, registration.session_id, registration.status
    )
    return redirect("trainings:ticket", token=registration.token)


# -- the person's own pages --------------------------------------------------------------------------
@never_cache
@require_http_methods(["GET", "HEAD"])
def ticket(request, token: str):
    registration = _registration(token)
    context = {
        "registration": registration,
        "session": registration.session,
        "attendee": registration.attendee,
        "masked_phone": mask_phone(registration.attendee.phone),
        "masked_name": mask_name(registration.attendee.full_name),
        # The code is for getting in: shown while the person holds a seat and has not been checked in.
        "show_qr": registration.status in (Status.REGISTERED, Status.NO_SHOW),
        "can_cancel": registration.status in (Status.REGISTERED, Status.WAITLISTED),
        "check_in_url": check_in_url(registration),
        "Status": Status,
        "position": notifications.waiting_position(registration),
        "address": notifications.class_address(registration.session),
        "map_url": map_url(registration.session),
    }
    return _private(TemplateResponse(request, "trainings/public/ticket.html", context))


def map_url(session: TrainingSession) -> str:
    """A map search for the class's address (OpenStreetMap: no account, no tracking script on our page)."""
    address = notifications.class_address(session)
    return "https://www.openstreetmap.org/search?" + urlencode({"query": address}) if address else ""


@never_cache
@require_http_methods(["GET", "HEAD"])
def ticket_ics(request, token: str):
    """The class as an iCalendar event ("Thêm vào lịch"), times in UTC, text escaped (RFC 5545)."""
    registration = _registration(token)
    body = ics.event(
        uid=f"{hashlib.sha256(registration.token.encode()).hexdigest()[:24]}@{request.get_host()}",
        session=registration.session,
        location=notifications.class_address(registration.session),
        url=notifications.ticket_url(registration),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lop-tap-huan.ics"'
    return _private(response)


# -- "Tìm vé của tôi" ----------------------------------------------------------------------------------------
def _find_rate_key(request) -> str:
    address = request.META.get("REMOTE_ADDR") or "unknown"
    return f"find-ticket:ip:{hashlib.sha256(address.encode()).hexdigest()[:32]}"


def _find_throttled(request) -> bool:
    key = _find_rate_key(request)
    try:
        count = 1 if cache.add(key, 1, RATE_LIMIT_WINDOW_SECONDS) else cache.incr(key)
    except Exception:  # noqa: BLE001 - a missing cache must not block the page (the per-contact limit still holds)
        return False
    return count > settings.FIND_TICKET_RATE_LIMIT


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def find_ticket(request):
    """Someone types a phone or an e-mail address; the links go to that phone or address, if it is on record.
    The page answers the same in every case (it never tells whether a phone is registered)."""

    template = "trainings/public/find_ticket.html"
    if request.method != "POST":
        sent = "da-gui" in request.GET
        return _private(TemplateResponse(request, template, {"form": FindTicketForm(), "sent": sent}))
    if _find_throttled(request):
        logger.warning("find-my-ticket refused: too many requests from one address")
        response = TemplateResponse(request, template, {"form": FindTicketForm(), "throttled": True}, status=429)
        response["Retry-After"] = str(RATE_LIMIT_WINDOW_SECONDS)
        return _private(response)
    form = FindTicketForm(request.POST)
    if not form.is_valid():
        return _private(TemplateResponse(request, template, {"form": form}))
    phone, email = form.cleaned_data["phone"], form.cleaned_data["email"]
    # Queued whether or not anything was found: the page and its timing tell nothing.
    find_tickets.enqueue(notifications.tickets_for_contact(phone=phone, email=email), bool(phone))
    return redirect(reverse("trainings:find_ticket") + "?da-gui=1")


@never_cache
@require_http_methods(["GET", "HEAD"])
def ticket_qr(request, token: str):
    registration = _registration(token)
    buffer = io.BytesIO()
    segno.make(check_in_url(registration), error="m").save(buffer, kind="svg", scale=6, border=2)
    return _private(HttpResponse(buffer.getvalue(), content_type="image/svg+xml"))


@never_cache
@require_http_methods(["GET", "POST"])
def cancel(request, token: str):
    registration = _registration(token)
    can_cancel = registration.status in (Status.REGISTERED, Status.WAITLISTED)
    if request.method == "POST":
        if can_cancel:
            services.registration_cancel(actor=None, registration=registration)
            logger.info("public cancellation of registration %s", registration.pk)
        return redirect("trainings:ticket", token=registration.token)
    context = {"registration": registration, "session": registration.session, "can_cancel": can_cancel}
    return _private(TemplateResponse(request, "trainings/public/cancel.html", context))


@never_cache
@require_http_methods(["GET", "HEAD"])
def consent_record(request, token: str):
    registration = _registration(token)
    attendee = registration.attendee
    context = {
        "registration": registration,
        "session": registration.session,
        "attendee": attendee,
        "phone": mask_phone(attendee.phone),
        "masked_name": mask_name(attendee.full_name),
        "consents": attendee.consents.order_by("given_at", "pk"),
        "printed_at": timezone.now(),
    }
    return _private(TemplateResponse(request, "trainings/public/consent_record.html", context))


@never_cache
@require_http_methods(["GET", "POST"])
def feedback(request, token: str):
    registration = _registration(token)
    context = {"registration": registration, "session": registration.session}
    template = "trainings/public/feedback.html"
    if registration.status != Status.ATTENDED:
        return _private(TemplateResponse(request, template, context | {"state": "not_attended"}, status=403))
    if Feedback.objects.filter(registration=registration).exists():
        return _private(TemplateResponse(request, template, context | {"state": "received"}))
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        # The same form sent twice at once: the first one counts (the service returns None for the second).
        services.feedback_create(actor=None, registration=registration, **form.cleaned_data)
        return redirect("trainings:feedback", token=registration.token)
    return _private(TemplateResponse(request, template, context | {"state": "form", "form": form}))


urlpatterns = [
    path("lop-tap-huan/<str:public_token>/dang-ky/", register, name="register"),
    path("lop-tap-huan/xac-nhan/<str:token>/", confirm, name="confirm"),
    path("lop-tap-huan/ve/<str:token>/", ticket, name="ticket"),
    path("lop-tap-huan/ve/<str:token>/qr.svg", ticket_qr, name="ticket_qr"),
    path("lop-tap-huan/ve/<str:token>/lop-tap-huan.ics", ticket_ics, name="ticket_ics"),
    path("lop-tap-huan/tim-ve/", find_ticket, name="find_ticket"),
    path("lop-tap-huan/ve/<str:token>/huy/", cancel, name="cancel"),
    path("lop-tap-huan/ve/<str:token>/dong-y/", consent_record, name="consent_record"),
    path("lop-tap-huan/phan-hoi/<str:token>/", feedback, name="feedback"),
]
