"""The door, on a volunteer's phone: find a person by ticket code or name, one tap to check
them in, walk-ins, and the live count of people present."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_http_methods, require_safe

from events.domain.checkin import (
    AlreadyCheckedIn,
    CheckInRefused,
    check_in,
    present_count,
    register_walk_in,
)
from events.domain.registration import normalise_ticket_code
from events.forms_registration import WalkInForm
from events.models import Event, Registration
from territoire.http import AuthenticatedRequest
from territoire.inputs import parse_int

SEARCH_LIMIT = 20
SEARCH_MIN_LENGTH = 2
QUERY_MAX_LENGTH = 100
CODE_PREFIX_MIN = 4


def get_event_for_door(request: HttpRequest, slug: str) -> Event:
    """The event named in the URL, if ``request.user`` may check people in at its door.

    404 for an event that does not exist, 403 for one the person may not act on.
    """
    event = get_object_or_404(Event, slug=slug)
    if not request.user.has_perm("events.check_in", event):
        raise PermissionDenied
    return event


def search_registrations(event: Event, text: str) -> QuerySet[Registration]:
    """Registrations whose ticket code is ``text`` (typed or scanned), or whose name,
    organisation or e-mail contains it."""
    code = normalise_ticket_code(text)
    # A code read out in part ("it starts with K7M…") narrows the search too.
    by_code = (
        Q(ticket_code__startswith=code) if len(code) >= CODE_PREFIX_MIN else Q(ticket_code=code)
    )
    return (
        Registration.objects.filter(event=event)
        .filter(
            by_code
            | Q(full_name__icontains=text)
            | Q(organisation_name__icontains=text)
            | Q(email__icontains=text)
        )
        .order_by("full_name", "pk")
    )


def clock(moment) -> str:
    """18h42 in French, 18:42 in English, in the event's local time."""
    # Translators: a time of day, in Django's date format syntax (French: 18h42).
    return format_date(timezone.localtime(moment), pgettext("clock time format", "H\\hi"))


def _desk_url(event: Event) -> str:
    return reverse("checkin_desk", kwargs={"slug": event.slug})


@login_required
@require_http_methods(["GET", "POST"])
def desk(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    event = get_event_for_door(request, slug)
    if request.method == "POST":
        _check_in_posted(request, event)
        return redirect(_desk_url(event))
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    results, too_many = [], False
    if len(query) >= SEARCH_MIN_LENGTH:
        results = list(search_registrations(event, query)[: SEARCH_LIMIT + 1])
        too_many = len(results) > SEARCH_LIMIT
        results = results[:SEARCH_LIMIT]
    context = {
        "event": event,
        "query": query,
        "searched": len(query) >= SEARCH_MIN_LENGTH,
        "too_short": 0 < len(query) < SEARCH_MIN_LENGTH,
        "results": results,
        "too_many": too_many,
        "search_limit": SEARCH_LIMIT,
        "present": present_count(event),
    }
    return render(request, "events/checkin_desk.html", context)


def _check_in_posted(request: AuthenticatedRequest, event: Event) -> None:
    posted = parse_int(request.POST.get("registration"))  # a tampered id is unknown, never a 500
    registration = (
        Registration.objects.filter(event=event, pk=posted).first() if posted is not None else None
    )
    if registration is None:
        messages.error(request, _("Cette inscription n'existe pas pour cette soirée."))
        return
    try:
        check_in(registration=registration, by=request.user)
    except AlreadyCheckedIn as already:
        messages.warning(
            request,
            _("%(name)s est déjà arrivé·e à %(time)s.")
            % {
                "name": already.registration.full_name,
                "time": clock(already.registration.checked_in_at),
            },
        )
    except CheckInRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, _("%(name)s est arrivé·e. Bienvenue !") % {"name": registration.full_name}
        )


@login_required
@require_http_methods(["GET", "POST"])
def walk_in(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    event = get_event_for_door(request, slug)
    status = 200
    if request.method == "POST":
        form = WalkInForm(request.POST)
        if form.is_valid():
            try:
                registration = register_walk_in(
                    event=event, by=request.user, **form.walk_in_fields()
                )
            except AlreadyCheckedIn as already:
                messages.warning(
                    request,
                    _("Cette adresse est déjà inscrite : %(name)s est arrivé·e à %(time)s.")
                    % {
                        "name": already.registration.full_name,
                        "time": clock(already.registration.checked_in_at),
                    },
                )
                return redirect(_desk_url(event))
            messages.success(
                request,
                _("%(name)s est inscrit·e sur place et arrivé·e. Bienvenue !")
                % {"name": registration.full_name},
            )
            return redirect(_desk_url(event))
        status = 400
    else:
        form = WalkInForm()
    return render(
        request, "events/checkin_walk_in.html", {"event": event, "form": form}, status=status
    )


@login_required
@require_safe
def count(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The count of people present, polled by the desk: 304 while it has not changed."""
    event = get_event_for_door(request, slug)
    present = present_count(event)
    etag = f'W/"present-{present}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = render(
            request, "events/checkin_desk.html#count", {"event": event, "present": present}
        )
    response["ETag"] = etag
    # Revalidate on every poll: the browser sends If-None-Match and gets a 304 for free.
    patch_cache_control(response, private=True, no_cache=True)
    return response
