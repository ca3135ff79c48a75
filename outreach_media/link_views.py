"""The public short link behind a QR code, and the QR code downloads in the admin.

``public_urlpatterns`` belong at the site root under the app name "outreach_media";
``admin_urlpatterns`` are registered with Wagtail's ``register_admin_urls`` hook.

A scan redirects at once and is counted per link and day, nothing else: no address, cookie,
session or device is stored or logged, and the redirect sets no cookie (not even a signed-in
editor's session cookie is refreshed). Redirects are never cached, so every scan reaches the
server. HEAD requests (link previews, bots) are answered but not counted.

A code that does not exist gets a friendly 404 page. A link that has been switched off gets
410 Gone: the code did exist, so the page can tell the reader that the printed material is out
of date rather than that the address was mistyped, and 410 tells search engines and link
checkers that the address has been withdrawn on purpose.
"""

import logging

from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from campaigns.access import permissions
from outreach_media import links
from outreach_media.models import MediaItem, TrackedLink

logger = logging.getLogger(__name__)

NOT_FOUND_TEMPLATE = "cms/not_found.html"
FORBIDDEN_TEMPLATE = "trainings/admin/forbidden.html"


# -- public: the short link ----------------------------------------------------------------------------------
def _not_found(request, *, gone: bool = False) -> TemplateResponse:
    if gone:
        words = {
            "heading": _("This QR code is no longer in use"),
            "status": _("The material you scanned is out of date and its link has been switched off."),
            "advice": _("Up-to-date guidance on online public services is on the home page."),
        }
    else:
        words = {
            "heading": _("QR code not found"),
            "status": _("No page matches this QR code or short link."),
            "advice": _(
                "Check that the whole address was typed correctly: it is printed next to the QR code. If it still "
                "does not work, contact the unit that issued the material."
            ),
        }
    context = {**words, "tone": "warning"}
    response = TemplateResponse(request, NOT_FOUND_TEMPLATE, context, status=410 if gone else 404)
    response["X-Robots-Tag"] = "noindex"
    return response


def _without_session(request) -> None:
    """Leave the session alone: the session middleware then neither saves it nor sets its cookie."""
    if hasattr(request, "session"):
        del request.session


@never_cache
@require_http_methods(["GET", "HEAD"])
def scan(request, code: str):
    link = links.find_link(code)
    if link is None:
        return _not_found(request)
    if not link.active:
        return _not_found(request, gone=True)
    target = link.target()
    if not links.is_usable_target(target):
        logger.warning("tracked link %s has an unusable target", link.pk)
        return _not_found(request)
    if request.method == "GET":
        links.record_scan(link)
    response = HttpResponseRedirect(target)
    response["X-Robots-Tag"] = "noindex"
    _without_session(request)
    return response


public_urlpatterns = [path("q/<str:code>/", scan, name="scan")]


# -- admin: QR code downloads --------------------------------------------------------------------------------
def may_download_qr(user, link: TrackedLink) -> bool:
    """Anyone who may view the link (its media item's unit is in their scope) or the link's media item."""
    return permissions.user_can(user, permissions.VIEW, link) or permissions.user_can(
        user, permissions.VIEW, link.media_item
    )


def _forbidden(request) -> TemplateResponse:
    """A plain 403 page (Wagtail would turn PermissionDenied into a redirect to the dashboard)."""
    message = _("You are not allowed to download the QR codes of this media item.")
    return TemplateResponse(request, FORBIDDEN_TEMPLATE, {"message": message}, status=403)


CONTENT_TYPES = {"svg": "image/svg+xml", "png": "image/png"}


def _qr_download(request, pk: int, kind: str):
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("wagtailadmin_login"))
    if not (
        permissions.has_model_permission(user, permissions.VIEW, TrackedLink)
        or permissions.has_model_permission(user, permissions.VIEW, MediaItem)
    ):
        permissions.log_denial(user, permissions.VIEW, TrackedLink, pk)
        return _forbidden(request)
    link = get_object_or_404(TrackedLink.objects.select_related("media_item"), pk=pk)
    if not may_download_qr(user, link):
        permissions.log_denial(user, permissions.VIEW, TrackedLink, pk)
        return _forbidden(request)
    response = HttpResponse(links.qr_image(link, kind), content_type=CONTENT_TYPES[kind])
    response["Content-Disposition"] = f'attachment; filename="qr-{link.code}.{kind}"'
    return response


@never_cache
@require_safe
def qr_svg(request, pk: int):
    return _qr_download(request, pk, "svg")


@never_cache
@require_safe
def qr_png(request, pk: int):
    return _qr_download(request, pk, "png")


admin_urlpatterns = [
    path("outreach-media/links/<int:pk>/qr.svg", qr_svg, name="outreach_media_link_qr_svg"),
    path("outreach-media/links/<int:pk>/qr.png", qr_png, name="outreach_media_link_qr_png"),
]
