import logging
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections
from django.http import HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.template import loader
from django.template.response import TemplateResponse
from django.utils import translation
from django.views import defaults

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)


def _close_broken_connections() -> None:
    close_old_connections()
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()


def database_unavailable_response() -> HttpResponse:
    """The 503 page, rendered without the request (its context processors could read the database)."""
    response = HttpResponse(loader.get_template("503.html").render({}), status=503)
    response["Retry-After"] = "30"
    return response


def server_error(request, template_name="500.html"):
    """``handler500``: a database that went away outside a view (loading or saving the session, authentication
    in a middleware) still gets the friendly 503 page, not a 500."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        logger.error("database unavailable: %s", type(exception).__name__)
        _close_broken_connections()
        return database_unavailable_response()
    return defaults.server_error(request, template_name)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy on every answer (the admin's policy allows inline scripts)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"

    def __call__(self, request):
        response = self.get_response(request)
        admin = request.path.startswith(self.admin_prefix)
        policy = settings.CONTENT_SECURITY_POLICY_ADMIN if admin else settings.CONTENT_SECURITY_POLICY
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response


class DatabaseUnavailableMiddleware:
    """Answer a friendly 503 page when the database goes away mid-request.

    The broken connection is closed so that the next request opens a fresh one: the site
    recovers by itself once the database is back.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_ERRORS):
            return None
        logger.error("database unavailable: %s", type(exception).__name__)
        _close_broken_connections()
        response = TemplateResponse(request, "503.html", status=503)
        response["Retry-After"] = "30"
        return response.render()


def language_for_request(request) -> str:
    """The visitor's language: the language cookie if it names an available language, else Vietnamese."""
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if language not in dict(settings.LANGUAGES) or not translation.check_for_language(language):
        language = settings.LANGUAGE_CODE
    return language


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Vietnamese unless the visitor chose another language (language cookie or admin profile).

    Django's LocaleMiddleware follows the browser's Accept-Language, so a phone set to English
    would get an English government site and login page. Here the browser header is ignored:
    the language switcher (cookie) and Wagtail's per-user admin language decide.
    """

    def process_request(self, request):
        translation.activate(language_for_request(request))
        request.LANGUAGE_CODE = translation.get_language()
