"""Check-in without a connection: the day's classes on the trainer's phone, scans queued and sent when back online.

The page (``OfflineCheckInView``) carries the rosters of the trainer's classes whose check-in is open today as JSON;
a service worker (``service_worker``) keeps the page and its script so that it reopens without a network; the
script keeps scans in the browser's storage and posts them to ``sync`` (CSRF-protected, signed-in trainers only)
whenever the phone is back online. The server checks a ticket in once, however often the queue is sent.
"""

import datetime
import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from trainings import access, schedule, services
from trainings.choices import SEATED, Status

MAX_SCANS = 500
MAX_BODY = 200_000


def todays_sessions(user, now=None):
    """The user's classes (as trainer or administrator) whose check-in window meets today, soonest first."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    candidates = (
        access.sessions_for(user)
        .filter(starts_at__lt=end + datetime.timedelta(minutes=settings.TRAINING_CHECK_IN_OPENS_BEFORE_MINUTES))
        .filter(ends_at__gte=start - datetime.timedelta(minutes=settings.TRAINING_CHECK_IN_CLOSES_AFTER_MINUTES))
        .select_related("unit")
        .order_by("starts_at")
    )
    result = []
    for session in candidates:
        window = schedule.check_in_window(session)
        if window.opens < end and window.closes >= start and access.can_see_roster(user, session):
            result.append(session)
    return result


def page_data(user, now=None) -> dict:
    sessions = todays_sessions(user, now)
    people = {session.pk: [] for session in sessions}
    registrations = (
        services.Registration.objects.filter(session__in=sessions, status__in=SEATED)
        .select_related("attendee")
        .order_by("seat")
    )
    for registration in registrations:
        people[registration.session_id].append(
            {
                "token": registration.token,
                "name": registration.attendee.full_name,
                "seat": registration.seat,
                "attended": registration.status == Status.ATTENDED,
                "checked_in_at": _local(registration.checked_in_at),
            }
        )
    return {
        "sessions": [
            {
                "id": session.pk,
                "title": session.title,
                "when": f"{timezone.localtime(session.starts_at):%H:%M} – {timezone.localtime(session.ends_at):%H:%M}",
                "place": session.venue or session.unit.name,
                "people": people[session.pk],
            }
            for session in sessions
        ],
        "loaded_at": _local(timezone.now()),
    }


def _local(value) -> str:
    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y") if value else ""


def _texts() -> dict:
    return {
        "online": _("Connected: check-ins are sent at once."),
        "offline": _("No connection: check-ins are kept on this phone and sent when the connection is back."),
        "pending": _("Waiting to be sent: %(count)s"),
        "synced": _("All check-ins are sent."),
        "login": _("Sign in again to send the check-ins kept on this phone."),
        "present": _("Present"),
        "check_in": _("Check in"),
        "checked_at": _("checked in at %(time)s"),
        "not_found": _("This code is not on today's rosters."),
        "done": _("Checked in: %(name)s"),
        "already": _("Already checked in: %(name)s"),
        "refused": _("Not checked in (%(name)s): %(reason)s"),
        "seat": _("Seat %(seat)s"),
    }


class OfflineCheckInView(View):
    template = "trainings/admin/offline_check_in.html"

    def get(self, request):
        data = page_data(request.user)
        data.update(
            {
                "sync_url": reverse("trainings_check_in_sync"),
                "csrf_token": get_token(request),
                "texts": _texts(),
                "user": request.user.pk,
            }
        )
        response = TemplateResponse(
            request,
            self.template,
            {
                "data": data,
                "sessions": data["sessions"],
                "service_worker_url": reverse("trainings_check_in_worker"),
                "scope": reverse("trainings_offline_check_in"),
                "script": static("trainings/offline_check_in.js"),
            },
        )
        response["Cache-Control"] = "private, no-cache"
        return response


def service_worker(request):
    """Keeps the check-in page and its script: network first, the kept copy when there is no network."""
    paths = {
        "page": reverse("trainings_offline_check_in"),
        "assets": [static("trainings/offline_check_in.js"), static("trainings/offline_check_in.css")],
    }
    body = render_to_string("trainings/admin/offline_check_in_worker.js", {"paths": json.dumps(paths)})
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = paths["page"]
    response["Cache-Control"] = "no-cache"
    return response


class SyncView(View):
    """POST ``{"scans": [{"token": …, "at": …}, …]}`` → ``{"results": [{"token", "status", "message", "time"}]}``."""

    def post(self, request):
        if len(request.body) > MAX_BODY:
            return HttpResponseBadRequest(_("Too many check-ins at once."))
        try:
            payload = json.loads(request.body.decode("utf-8"))
            scans = payload["scans"]
            if not isinstance(scans, list) or len(scans) > MAX_SCANS or not all(isinstance(s, dict) for s in scans):
                raise ValueError
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            return HttpResponseBadRequest(_("The check-ins sent could not be read."))
        results = services.registration_check_in_scans(actor=request.user, scans=scans)
        return JsonResponse(
            {
                "results": [
                    {
                        "token": result.token,
                        "status": result.status,
                        "message": result.message,
                        "time": _local(result.checked_in_at),
                    }
                    for result in results
                ]
            }
        )
