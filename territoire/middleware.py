"""Text no keyboard types: a request whose query string or posted form carries a NUL or another
control character (tab, line feed and carriage return excepted) is refused with a 400 page that
says why, before any view sees it. (Tokens and codes in the path are checked by their shape
where they are read, and answer as unknown ones: tests/test_malformed_tokens.py.)

One place for every form, htmx endpoint and the admin, rather than a cleaning per form: views
also read ``request.GET``/``request.POST`` directly (searches, ids, reasons), and PostgreSQL
refuses NUL in text ("A string literal cannot contain NUL"), which would otherwise be a 500.
Refusing beats a silent strip: the person is told, and nothing half-cleaned is stored. Nobody
types these characters; they come from tampering or from a broken copy-paste."""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string

# C0 controls and DEL, except tab (\t), line feed (\n) and carriage return (\r).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control_characters(request: HttpRequest) -> bool:
    """Whether the query string or the posted form holds a forbidden character."""
    try:
        sources = [request.GET]
        if request.method == "POST":
            sources.append(request.POST)
    except (MultiPartParserError, OSError):
        return False  # a broken upload: Django's own handling answers it
    return any(
        CONTROL_CHARACTERS.search(key) or any(CONTROL_CHARACTERS.search(v) for v in values)
        for source in sources
        for key, values in source.lists()
    )


class RefuseControlCharactersMiddleware:
    """Answer 400, in the person's language, to text holding control characters."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if has_control_characters(request):
            return HttpResponseBadRequest(render_to_string("400.html", request=request))
        return self.get_response(request)
