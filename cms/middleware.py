import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError, close_old_connections
from django.middleware.locale import LocaleMiddleware
from django.template.response import TemplateResponse
from django.utils import translation

logger = logging.getLogger(__name__)


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
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        logger.error("database unavailable: %s", type(exception).__name__)
        close_old_connections()
        from django.db import connections

        for connection in connections.all(initialized_only=True):
            connection.close_if_unusable_or_obsolete()
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
