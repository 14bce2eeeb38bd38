"""The organisers' control room ("régie") for the whole evening.

Its live part polls every 5 seconds; an unchanged event answers 304 from one aggregate query (the
sum of the tables' versions, their number, and the people checked in). A changed one answers the
event-wide parts and, out of band, only the tables' rows whose stamp moved (``live_stamps``).
The plenary screen is in views/plenary.py, what it spotlights and its secret link in
views/spotlight.py.
"""

import datetime
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from events import live_stamps
from events.domain.facilitation import (
    FacilitationRefused,
    redirect_newcomers,
    set_phase_for_event,
)
from events.enums import Phase
from events.forms_facilitation import PhaseForm
from events.models import Event, Table
from events.queries_live import (
    control_room_rows,
    live_fingerprint,
    with_live_fingerprint,
)
from events.queries_plenary import plenary_screen_url, spotlight_context, with_spotlight
from events.views.console import (
    not_modified,
    poll_headers,
    posted_int,
    see_other,
    with_etag,
)
from territoire.cache import cache_is_down
from territoire.http import AuthenticatedRequest

if TYPE_CHECKING:
    from events.queries_live import LiveEvent


def get_event_for(request: HttpRequest, slug: str, perm: str, extend=None) -> "LiveEvent":
    """The event in the URL with its live fingerprint, if the person holds ``perm`` on it.

    ``extend`` adds to the query (e.g. ``queries_plenary.with_spotlight``).
    404 for an event that does not exist, 403 for one the person may not act on.
    """
    events = with_live_fingerprint(Event.objects.select_related("territory"))
    event = get_object_or_404(extend(events) if extend else events, slug=slug)
    if not request.user.has_perm(perm, event):
        raise PermissionDenied
    return event


# The control room -------------------------------------------------------------------------------


def control_etag(event: "LiveEvent", now, cache_down: bool = False) -> str:
    # The minute is part of it: "silent for 15 minutes" and overdue timers change with time alone;
    # so is the cache's state, for the degraded-mode banner to come and go.
    minute = int(now.timestamp() // 60)
    return f'W/"r-{live_fingerprint(event)}-m{minute}{"-c" if cache_down else ""}"'


def _control_context(event: "LiveEvent", cache_down: bool) -> dict:
    now = timezone.now()
    rows = control_room_rows(event, now)
    etag = control_etag(event, now, cache_down)
    stamps = live_stamps.control_stamps(rows)
    for row in rows:
        row.stamp = stamps[live_stamps.control_row_key(row.table.pk)]
    return {
        "event": event,
        "rows": rows,
        "help_count": sum(1 for row in rows if row.needs_help),
        "totals": {
            "seated": sum(row.table.participant_count for row in rows),
            "capacity": sum(row.table.capacity for row in rows),
            "ideas": sum(row.table.idea_count for row in rows),
            "votes": sum(row.table.vote_count for row in rows),
            "projects": sum(row.table.project_count for row in rows),
        },
        "present": event.live_present,
        "cache_down": cache_down,
        "now": now,
        "etag": etag,
        "stamps": stamps,
        "poll_headers": poll_headers(etag, stamps),
    }


def control_url(event: Event, anchor: str = "") -> str:
    return reverse("control_room", kwargs={"slug": event.slug}) + anchor


@login_required
@require_safe
def control_room(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    event = get_event_for(request, slug, "events.use_control_room", with_spotlight)
    context = _control_context(event, cache_is_down()) | {
        "phases": Phase.choices,
        "screen_url": plenary_screen_url(event, request),
    }
    context |= spotlight_context(event, [row.table for row in context["rows"]])
    return with_etag(render(request, "events/control_room.html", context), context["etag"])


@login_required
@require_safe
@vary_on_headers("HX-Request", live_stamps.HEADER)
def control_live(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    event = get_event_for(request, slug, "events.use_control_room")
    cache_down = cache_is_down()
    etag = control_etag(event, timezone.now(), cache_down)
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    context = _control_context(event, cache_down)
    # Only the rows that moved since the stamps the page holds; all of them (the whole list)
    # when the tables themselves changed or the page holds nothing.
    changed = live_stamps.changed_parts(context["stamps"], live_stamps.held_stamps(request))
    context["all_tables"] = "tables" in changed
    context["changed_rows"] = [
        row for row in context["rows"] if live_stamps.control_row_key(row.table.pk) in changed
    ]
    return with_etag(render(request, "events/control_live.html", context), context["etag"])


@login_required
@require_POST
def control_phase(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Start a phase, with its timer, on every table of the event at once."""
    event = get_event_for(request, slug, "events.use_control_room")
    form = PhaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, PhaseForm.refusal())
        return see_other(control_url(event))
    phase, minutes = form.cleaned_data["phase"], form.cleaned_data["minutes"]
    moved = set_phase_for_event(event=event, phase=phase, minutes=minutes, by=request.user)
    text = ngettext(
        "Phase « %(phase)s » lancée sur %(count)d table.",
        "Phase « %(phase)s » lancée sur %(count)d tables.",
        moved,
    ) % {"phase": Phase(phase).label, "count": moved}
    if minutes:
        ends_at = timezone.localtime() + datetime.timedelta(minutes=minutes)
        text += " " + _("Fin prévue à %(time)s.") % {"time": formats.time_format(ends_at, "H:i")}
    messages.success(request, text)
    return see_other(control_url(event))


@login_required
@require_POST
def control_redirect(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Send a full table's newcomers to a sibling table of the same challenge."""
    event = get_event_for(request, slug, "events.use_control_room")
    ids = [posted_int(request.POST.get(name)) for name in ("table", "to_table")]
    tables = {table.pk: table for table in Table.objects.filter(event=event, pk__in=ids)}
    table, to_table = (tables.get(pk) if pk is not None else None for pk in ids)
    if table is None or to_table is None:
        messages.error(request, _("Choisissez deux tables de cette soirée."))
        return see_other(control_url(event))
    try:
        redirect_newcomers(table=table, to_table=to_table)
    except FacilitationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _(
                "Orientez les nouveaux arrivants de « %(table)s » vers « %(to_table)s » "
                "(code %(code)s). La page d'une table complète propose d'elle-même une table "
                "du même défi qui a de la place."
            )
            % {"table": table.name, "to_table": to_table.name, "code": to_table.code},
        )
    return see_other(control_url(event, f"#table-{table.pk}"))
