"""The plenary screen, on the projector at the back of the velodrome.

Organisers open it signed in (``/espace/soirees/<slug>/pleniere/``); the projector's computer
opens it without any session through the event's secret screen link (``/ecran/<token>/``),
read-only, until an organiser revokes it. Both poll a live part every 5 seconds; an unchanged
evening answers 304 from the one query that reads the event with its live fingerprint, a changed
one only the parts that moved (a table's card, the figures…: ``live_stamps``).
"""

import io
from typing import TYPE_CHECKING

import segno
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from events import live_stamps
from events.domain.plenary import screen_secret_matches, split_screen_token
from events.models import Event
from events.queries_live import live_fingerprint, with_live_fingerprint
from events.queries_plenary import join_url, plenary_screen, with_spotlight
from events.views.console import not_modified, poll_headers, with_etag
from events.views.control import get_event_for
from territoire.http import AuthenticatedRequest, HtmxRequest

if TYPE_CHECKING:
    from events.queries_live import LiveEvent

NOINDEX = "noindex, nofollow"


def plenary_etag(event: "LiveEvent") -> str:
    return f'W/"p-{live_fingerprint(event)}-s{event.plenary_version}"'


def _context(event: "LiveEvent", live_url: str) -> dict:
    etag = plenary_etag(event)
    join = join_url()
    screen = plenary_screen(event)
    stamps = live_stamps.plenary_stamps(event, screen)
    return {
        "event": event,
        "screen": screen,
        "live_url": live_url,
        "join_url": join,
        "join_short": join.split("://", 1)[-1],
        "etag": etag,
        "stamps": stamps,
        "poll_headers": poll_headers(etag, stamps),
    }


def _page(request: HttpRequest, event: "LiveEvent", live_url: str) -> HttpResponse:
    context = _context(event, live_url)
    return with_etag(render(request, "events/plenary.html", context), context["etag"])


def _live(request: HttpRequest, event: "LiveEvent", live_url: str) -> HttpResponse:
    etag = plenary_etag(event)
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    context = _context(event, live_url)
    # Only the parts that moved since the stamps the screen holds (all when it holds none).
    changed = live_stamps.changed_parts(context["stamps"], live_stamps.held_stamps(request))
    context["changed"] = changed
    context["changed_cards"] = [
        table
        for table in context["screen"].stats.tables
        if live_stamps.plenary_card_key(table.pk) in changed
    ]
    return with_etag(render(request, "events/plenary_live.html", context), etag)


# Signed in, for organisers ----------------------------------------------------------------------


def _event_for_organiser(request: HttpRequest, slug: str) -> "LiveEvent":
    return get_event_for(request, slug, "events.view_plenary", with_spotlight)


@login_required
@require_safe
def plenary(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    event = _event_for_organiser(request, slug)
    return _page(request, event, reverse("plenary_live", kwargs={"slug": slug}))


@login_required
@require_safe
@vary_on_headers("HX-Request", live_stamps.HEADER)
def plenary_live(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    event = _event_for_organiser(request, slug)
    return _live(request, event, reverse("plenary_live", kwargs={"slug": slug}))


# Through the secret screen link, for the projector ----------------------------------------------


def get_event_for_screen(token: str) -> "LiveEvent":
    """The event whose screen link ``token`` is, with its fingerprint and spotlight.

    404 for a token that is malformed, unknown, renewed or revoked: the same answer for all,
    so the link says nothing about why.
    """
    parts = split_screen_token(token)
    if parts is None:
        raise Http404
    pk, secret = parts
    event = (
        with_spotlight(with_live_fingerprint(Event.objects.select_related("territory")))
        .filter(pk=pk)
        .first()
    )
    if event is None or not screen_secret_matches(event, secret):
        raise Http404
    return event


def _screen_headers(response: HttpResponse) -> HttpResponse:
    response.headers["X-Robots-Tag"] = NOINDEX
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _screen_closed(request: HtmxRequest) -> HttpResponse:
    """What a projector shows once its link is revoked or renewed (or for a wrong token): a
    404 that says so. A poll of the live part gets ``HX-Refresh`` so htmx reloads the whole
    page into this one instead of freezing on the last frame (htmx swaps no 404)."""
    response = render(request, "events/screen_closed.html", status=404)
    if request.htmx:
        response.headers["HX-Refresh"] = "true"
    return _screen_headers(response)


@require_safe
def screen(request: HtmxRequest, token: str) -> HttpResponse:
    """The plenary for whoever holds the link: read-only, no sign-in, no session."""
    try:
        event = get_event_for_screen(token)
    except Http404:
        return _screen_closed(request)
    live_url = reverse("plenary_screen_live", kwargs={"token": token})
    return _screen_headers(_page(request, event, live_url))


@require_safe
@vary_on_headers("HX-Request", live_stamps.HEADER)
def screen_live(request: HtmxRequest, token: str) -> HttpResponse:
    try:
        event = get_event_for_screen(token)
    except Http404:
        return _screen_closed(request)
    live_url = reverse("plenary_screen_live", kwargs={"token": token})
    return _screen_headers(_live(request, event, live_url))


# The QR code of the join page -------------------------------------------------------------------


@require_safe
@cache_control(public=True, max_age=3600)
def join_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the short address where a phone types its table's code (public)."""
    buffer = io.BytesIO()
    segno.make(join_url(), error="m").save(buffer, kind="svg", scale=10, border=2)
    return HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
