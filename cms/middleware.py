import logging

from django.db import InterfaceError, OperationalError, close_old_connections
from django.template.response import TemplateResponse

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
