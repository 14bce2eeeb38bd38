"""What organisers print for the night: one sign per table, with its code and its QR code."""

import io

import segno
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from events.models import Event, Table
from events.queries_participant import is_plausible_code
from territoire.http import AuthenticatedRequest


def join_url(table: Table) -> str:
    return settings.SITE_URL + reverse("table_join", kwargs={"code": table.code})


@require_safe
@cache_control(public=True, max_age=3600)
def table_qr(request: HttpRequest, code: str) -> HttpResponse:
    """The QR code of a table's join page (public: the code is printed on the table anyway)."""
    if not is_plausible_code(code.upper()):  # never looked up: PostgreSQL refuses a NUL
        raise Http404
    table = get_object_or_404(Table.objects.only("code"), code=code.upper())
    buffer = io.BytesIO()
    segno.make(join_url(table), error="m").save(buffer, kind="svg", scale=10, border=2)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")


@require_safe
@login_required
def table_signs(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """A printable page: one A5 sign per table, with its name, challenge, code and QR code."""
    event = get_object_or_404(Event.objects.select_related("territory"), slug=slug)
    if not request.user.has_perm("events.change_event", event):
        raise PermissionDenied
    tables = event.tables.select_related("challenge").order_by("challenge__order", "name")
    return render(
        request,
        "events/table_signs.html",
        {
            "event": event,
            "tables": tables,
            "join_base": settings.SITE_URL + "/t/",
            "console_base": settings.SITE_URL,
        },
    )
