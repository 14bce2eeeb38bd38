"""PostgreSQL away: a 503 "réessayez dans un instant" page, never a traceback.

``DatabaseUnavailableMiddleware`` answers a view's database failure; ``server_error`` (the
``handler500``) answers one raised by a middleware (a session saved, a user loaded) and keeps
Django's plain 500 page for everything else. The page is a static template rendered without the
request: no context processor, nothing that could ask the database again.
"""

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# When to come back, in seconds (a PostgreSQL restart or failover).
RETRY_AFTER = 10


def unavailable_response() -> HttpResponse:
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.warning("database unavailable on %s: %s", request.path, exception)
            return unavailable_response()
        return None


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 page, or the 503 one when the failure is the database being away."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_UNAVAILABLE):
        return unavailable_response()
    return HttpResponseServerError(loader.get_template("500.html").render())
