"""Public pages of the evening: the event, registering, the ticket, cancelling."""

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods, require_safe

from events import ics
from events.domain.registration import (
    RegistrationRefused,
    cancel,
    register,
    registration_from_token,
    ticket_expires_at,
    ticket_has_expired,
    ticket_qr_svg,
    ticket_token,
    waiting_list_position,
)
from events.domain.registration_changes import ChangeRefused, confirm_change, read_change
from events.enums import EventStatus, RegistrationStatus
from events.forms_registration import RegistrationForm
from events.links import places_left_step
from events.models import Event, FormedProject, Registration
from events.queries_outcome import BornProject, born_projects_shown
from events.timing import EveningState, evening_state
from territoire.forms import apply_refusal
from territoire.ratelimit import allow, client_key
from territoire.reports.downloads import report_file_response
from territoire.reports.models import Report
from territoire.reports.publishing import published_report

NOINDEX = "noindex, nofollow"
REGISTRATION_SESSION_KEY = "events_registration"


def get_event_for_visitor(request: HttpRequest, slug: str) -> Event:
    """An event as the public sees it; a draft only for those who may preview it (organisers
    of its territory), 404 for everyone else."""
    event = get_object_or_404(Event.objects.select_related("territory"), slug=slug)
    if not event.is_public and not request.user.has_perm("events.view_event", event):
        raise Http404
    return event


def get_registration_for_token(token: str) -> Registration:
    registration = registration_from_token(token)
    if registration is None:
        raise Http404
    return registration


def expired_ticket(request: HttpRequest, registration: Registration) -> HttpResponse:
    """What a ticket's links answer once its evening is past (ticket_expires_at): 410 Gone, a
    clear page and the way to the territory's public page. The name is not shown any more."""
    event = registration.event
    context = {"event": event, "territory": event.territory}
    response = render(request, "events/ticket_expired.html", context, status=410)
    response["X-Robots-Tag"] = NOINDEX
    patch_cache_control(response, private=True, no_cache=True)
    return response


def places_left(event: Event) -> int:
    confirmed = event.registrations.filter(status=RegistrationStatus.CONFIRMED).count()
    return max(event.capacity - confirmed, 0)


def _event_context(event: Event) -> dict:
    return {
        "event": event,
        "territory": event.territory,
        "is_open": event.status == EventStatus.REGISTRATION_OPEN,
        # In steps, never the exact count (events/links.py, places_left_step).
        "places_left": places_left_step(places_left(event)),
    }


def _noindex_if_draft(response: HttpResponse, event: Event) -> HttpResponse:
    if not event.is_public:
        response["X-Robots-Tag"] = NOINDEX
    return response


def born_projects(event: Event) -> list[BornProject]:
    """The projects formed at the evening's tables as the public may see them
    (events/queries_outcome.py: the published name and page once public, left out once
    published but hidden). Two queries."""
    return born_projects_shown(
        FormedProject.objects.filter(table__event=event)
        .select_related("table__challenge")
        .order_by("table__name", "created_at")
    )


@require_safe
def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The evening's page. Before: register, add to the calendar. On the night: join a table.
    After: the projects born that night (their public pages once published); the synthesis
    of debates is not public (reports are read by organisers, coaches and officials), so the
    page says whom to ask, and links the reports page for those who may read it."""
    event = get_event_for_visitor(request, slug)
    now = timezone.now()
    state = evening_state(event, now)
    context = _event_context(event) | {
        "programme": list(event.programme.all()),
        "state": state,
        "is_tonight": state == EveningState.TONIGHT,
        # On the day, registering stays the first thing to do until the doors open.
        "join_first": state == EveningState.TONIGHT
        and (now >= event.starts_at or event.status != EventStatus.REGISTRATION_OPEN),
        "is_finished": state == EveningState.FINISHED,
    }
    if state == EveningState.FINISHED:
        context["is_open"] = False
        context["born_projects"] = born_projects(event)
        context["may_read_reports"] = request.user.has_perm(
            "territoire.view_reports", event.territory
        )
        context["synthesis"] = published_synthesis(event)
    return _noindex_if_draft(render(request, "events/event_detail.html", context), event)


def published_synthesis(event: Event) -> Report | None:
    """The synthesis of debates an organiser published for the evening, if any. One query."""
    return published_report(
        kind="synthesis", territory_id=event.territory_id, parameters={"event": event.pk}
    )


@require_safe
def event_synthesis(request: HttpRequest, slug: str) -> FileResponse:
    """The published synthesis of debates of a public evening, for anyone (404 until then)."""
    event = get_event_for_visitor(request, slug)
    report = published_synthesis(event)
    if report is None or not event.is_public:
        raise Http404
    return report_file_response(report, cache_control="public, max-age=300")


@require_safe
def event_ics(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_event_for_visitor(request, slug)
    body = ics.event_ics(event, url=settings.SITE_URL + event.get_absolute_url())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return _noindex_if_draft(response, event)


@require_http_methods(["GET", "POST"])
def event_register(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_event_for_visitor(request, slug)
    status = 200
    if request.method == "POST":
        form = RegistrationForm(request.POST, event=event)
        if not allow("event-register", client_key(request), limit=5, window=600):
            form.refuse_flood()
            status = 429
        elif form.is_valid():
            try:
                # For an address already registered, nothing changes and its owner gets an
                # e-mail: the same redirect and page either way, no telling who registered.
                registration = register(event=event, **form.registration_fields())
            except RegistrationRefused as refusal:
                apply_refusal(form, refusal)
                status = 409
            else:
                request.session[REGISTRATION_SESSION_KEY] = {
                    "event": event.pk,
                    "email": registration.email,
                }
                return redirect("event_register_done", slug=event.slug)
        else:
            status = 400
    else:
        form = RegistrationForm(event=event)
    context = _event_context(event) | {"form": form}
    response = render(request, "events/event_register.html", context, status=status)
    return _noindex_if_draft(response, event)


@require_safe
def event_register_done(request: HttpRequest, slug: str) -> HttpResponse:
    event = get_event_for_visitor(request, slug)
    # The same page for a new address and a known one: the e-mail says which it was.
    last = request.session.get(REGISTRATION_SESSION_KEY) or {}
    email = last.get("email") if last.get("event") == event.pk else None
    context = {"event": event, "territory": event.territory, "email": email}
    return render(request, "events/event_register_done.html", context)


@require_safe
def ticket(request: HttpRequest, token: str) -> HttpResponse:
    registration = get_registration_for_token(token)
    if ticket_has_expired(registration):
        return expired_ticket(request, registration)
    context = {
        "registration": registration,
        "event": registration.event,
        "token": token,
        "position": waiting_list_position(registration),
        "is_cancelled": registration.status == RegistrationStatus.CANCELLED,
    }
    response = render(request, "events/ticket.html", context)
    response["X-Robots-Tag"] = NOINDEX
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_safe
def ticket_qr(request: HttpRequest, token: str) -> HttpResponse:
    registration = get_registration_for_token(token)
    now = timezone.now()
    if ticket_has_expired(registration, now):
        return expired_ticket(request, registration)
    response = HttpResponse(ticket_qr_svg(registration), content_type="image/svg+xml")
    response["X-Robots-Tag"] = NOINDEX
    # A ticket's code never changes: the phone keeps the image, even offline at the door, for
    # a week at most and never beyond the ticket's expiry.
    until_expiry = int((ticket_expires_at(registration.event) - now).total_seconds())
    max_age = min(7 * 24 * 3600, until_expiry)
    patch_cache_control(response, private=True, max_age=max_age, immutable=True)
    return response


@require_http_methods(["GET", "POST"])
def ticket_cancel(request: HttpRequest, token: str) -> HttpResponse:
    # E-mail scanners open links: a GET only shows the button, the POST cancels.
    registration = get_registration_for_token(token)
    if ticket_has_expired(registration):
        return expired_ticket(request, registration)
    status = 200
    refusal = None
    if request.method == "POST":
        try:
            cancel(registration=registration)
        except RegistrationRefused as error:
            refusal = str(error)
            status = 409
        else:
            return redirect("ticket_cancel", token=token)
    context = {
        "registration": registration,
        "event": registration.event,
        "token": token,
        "refusal": refusal,
        "is_cancelled": registration.status == RegistrationStatus.CANCELLED,
    }
    response = render(request, "events/ticket_cancel.html", context, status=status)
    response["X-Robots-Tag"] = NOINDEX
    return response


@require_http_methods(["GET", "POST"])
def registration_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link e-mailed to an address already registered: the GET shows the details proposed
    (e-mail scanners open links), the POST applies them and shows the ticket."""
    try:
        context: dict[str, object]
        if request.method == "GET":
            context = {"change": read_change(token)}
        else:
            registration = confirm_change(token=token)
            return redirect("ticket", token=ticket_token(registration))
    except (ChangeRefused, RegistrationRefused) as refusal:
        context, status = {"refusal": str(refusal)}, 400
    else:
        status = 200
    response = render(request, "events/registration_change_confirm.html", context, status=status)
    response["X-Robots-Tag"] = NOINDEX
    return response
