"""The class's feedback link for the room: one QR code on the wall, no ticket, no personal data asked.

Answers are anonymous (``Feedback.registration`` empty). Posts are counted per client address and class in the
cache (``TRAINING_ROOM_FEEDBACK_PER_ADDRESS`` an hour: a commune hall shares one address); the link works from the
opening of check-in until ``TRAINING_ROOM_FEEDBACK_DAYS`` after the class.
"""

import hashlib
import io
import re

import segno
from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from trainings import schedule
from trainings.forms import FeedbackForm
from trainings.models import TrainingSession
from trainings.services import feedback_create

_TOKEN = re.compile(r"[A-Za-z0-9_-]{8,64}")
WINDOW_SECONDS = 60 * 60
TEMPLATE = "trainings/public/room_feedback.html"


def room_feedback_url(session: TrainingSession) -> str:
    """The absolute address on the room's poster (the site's configured address, not the request's)."""
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + reverse("trainings:room_feedback", args=[session.public_token])


def _session(public_token: str) -> TrainingSession:
    if not _TOKEN.fullmatch(public_token):
        raise Http404
    return get_object_or_404(TrainingSession.objects.select_related("unit"), public_token=public_token)


def _throttled(request, session: TrainingSession) -> bool:
    """Count this post; True once the address has sent more than the limit for this class within the hour."""
    address = request.META.get("REMOTE_ADDR") or "unknown"
    key = f"room-feedback:{session.pk}:{hashlib.sha256(address.encode()).hexdigest()[:32]}"
    try:
        count = 1 if cache.add(key, 1, WINDOW_SECONDS) else cache.incr(key)
    except Exception:  # noqa: BLE001 - a missing cache must not block feedback
        return False
    return count > settings.TRAINING_ROOM_FEEDBACK_PER_ADDRESS


def _render(request, session, status=200, **context):
    response = TemplateResponse(request, TEMPLATE, {"session": session, **context}, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def room_feedback(request, public_token: str):
    session = _session(public_token)
    if not schedule.room_feedback_open(session):
        return _render(request, session, state="closed", status=403)
    if request.method == "GET" and request.GET.get("da-gui") == "1":
        return _render(request, session, state="received")
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if _throttled(request, session):
            return _render(request, session, state="throttled", status=429)
        if form.is_valid():
            feedback_create(actor=None, session=session, **form.cleaned_data)
            return redirect(reverse("trainings:room_feedback", args=[session.public_token]) + "?da-gui=1")
    return _render(request, session, state="form", form=form)


@require_safe
def room_feedback_qr(request, public_token: str):
    session = _session(public_token)
    buffer = io.BytesIO()
    segno.make(room_feedback_url(session), error="m", micro=False).save(buffer, kind="svg", scale=8, border=2)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


urlpatterns = [
    path("lop-tap-huan/<str:public_token>/gop-y/", room_feedback, name="room_feedback"),
    path("lop-tap-huan/<str:public_token>/gop-y/qr.svg", room_feedback_qr, name="room_feedback_qr"),
]
