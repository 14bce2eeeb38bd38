"""The night on a participant's phone, without an account.

Someone scans their table's QR code (or types its code) and gives a name; from then on a signed
cookie for THAT table, ``t_<CODE>``, holding the random key of their Participant row, is who they
are. A cookie of table A says nothing at table B. Every action is a plain POST answered by a
redirect; htmx adds the live board (polled, answered 304 while nothing changed) and answers in
place with the re-rendered board.
"""

import time
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from events.domain.board import current_version_and_deadline
from events.domain.participation import (
    ParticipationRefused,
    join_table,
    new_participant_key,
)
from events.enums import Phase
from events.forms_participant import (
    CodeForm,
    IdeaForm,
    JoinForm,
    TeamJoinForm,
)
from events.live_board import (
    SharedBoard,
    naming_requests_oob,
    personal_board,
    phone_state,
    shared_board,
)
from events.models import FormedProject, Participant
from events.notices import notices_html
from events.queries_live import sibling_with_room
from events.queries_participant import (
    TableRef,
    forget_table_code,
    is_plausible_code,
    naming_requests,
    normalise_code,
    participant_for,
    remember_participant,
    seat_for,
    table_for_joining,
    table_is_over,
    table_projects,
    table_ref,
)
from territoire.forms import apply_refusal
from territoire.http import HtmxRequest
from territoire.inputs import parse_int

PAGE = "events/table_participant.html"
JOIN_PAGE = "events/table_join.html"
CODE_PAGE = "events/table_code_entry.html"
COOKIE_SALT = "events.participant"
COOKIE_MAX_AGE = 12 * 3600


def cookie_name(code: str) -> str:
    return f"t_{code}"


def _cookie_value(participant: Participant) -> str:
    """What the table's cookie holds: the participant's key, their id and their table's id.
    Signed (with the table's code in the signature), so the ids can be trusted as they are."""
    return f"{participant.key}:{participant.pk}:{participant.table_id}"


def _read_cookie(request: HtmxRequest, code: str) -> tuple[str, int, int] | None:
    """(key, participant id, table id) from the table's signed cookie; None without a valid
    cookie (a signed value of another shape included)."""
    value = request.get_signed_cookie(
        cookie_name(code), default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )
    if value is None:
        return None
    key, _sep, ids = value.partition(":")
    participant_id, _sep, table_id = ids.partition(":")
    participant_pk, table_pk = parse_int(participant_id), parse_int(table_id)
    if not key or participant_pk is None or table_pk is None:
        return None
    return key, participant_pk, table_pk


def _participant_key(request: HtmxRequest, code: str) -> str | None:
    cookie = _read_cookie(request, code)
    return cookie[0] if cookie else None


def see_other(url: str) -> HttpResponse:
    return HttpResponseRedirect(url, status=303)


def join_url(code: str) -> str:
    return reverse("table_join", kwargs={"code": code})


def seated(request: HtmxRequest, code: str) -> tuple[str, TableRef, Participant | None]:
    """The normalised code, the table behind it (404 when unknown) and this browser's
    participant at THAT table (None without a cookie).

    The participant is a handle made from the cache, without a query: only its ``pk``,
    ``table_id`` and ``key`` are set, which is all the participation functions read.
    """
    code = normalise_code(code)
    key = _participant_key(request, code)
    ref, participant_id = seat_for(code, key)
    if ref is None:
        raise Http404
    if participant_id is None or key is None:
        return code, ref, None
    return code, ref, Participant(pk=participant_id, table_id=ref.table_id, key=key)


def seated_to_write(request: HtmxRequest, code: str) -> tuple[str, TableRef, Participant | None]:
    """``seated()`` for the night's two writes (an idea, a dot), without its cache round trip:
    the seat signed in the cookie is taken as it is, and the write itself checks, in its own
    statement, that the code still names that table and the participant still sits there
    (``SeatLost`` otherwise)."""
    code = normalise_code(code)
    cookie = _read_cookie(request, code)
    if cookie is None or not is_plausible_code(code):
        return seated(request, code)
    key, participant_id, table_id = cookie
    ref = TableRef(table_id=table_id, event_id=None, code=code)
    return code, ref, Participant(pk=participant_id, table_id=table_id, key=key)


# Pages


@require_safe
def code_entry(request: HtmxRequest) -> HttpResponse:
    form = CodeForm(request.GET if "code" in request.GET else None)
    ticket = request.GET.get("billet", "")[:40]
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if table_ref(code) is not None:
            url = join_url(code)
            return redirect(f"{url}?{urlencode({'billet': ticket})}" if ticket else url)
        return _unknown_code(request, code, form=form)
    return render(
        request,
        CODE_PAGE,
        {"form": form, "ticket": ticket},
        status=400 if form.is_bound else 200,
    )


def _unknown_code(request: HtmxRequest, code: str, form: CodeForm | None = None) -> HttpResponse:
    return render(
        request,
        CODE_PAGE,
        {"form": form or CodeForm(initial={"code": code[:16]}), "unknown_code": code[:16]},
        status=404,
    )


@require_http_methods(["GET", "POST"])
def table_join(request: HtmxRequest, code: str) -> HttpResponse:
    """The table's page: the join form, or the participant page once this browser has joined."""
    code = normalise_code(code)
    ref = table_ref(code)
    if ref is None:
        return _unknown_code(request, code)
    key = _participant_key(request, code)
    participant = participant_for(ref.table_id, key) if key else None
    if participant is not None:
        if request.method == "POST":
            return see_other(join_url(code))
        return render_page(request, participant)
    table = table_for_joining(ref.table_id)
    if table is None:
        forget_table_code(code)
        return _unknown_code(request, code)
    context = {"table": table, "over": table_is_over(table)}
    if not context["over"] and table.participant_count >= table.capacity:
        # The control room's "send newcomers next door": the sibling table with the most room.
        context["sibling"] = sibling_with_room(table)
    if context["over"]:
        return render(request, JOIN_PAGE, context)
    status = 200
    if request.method == "POST":
        form = JoinForm(request.POST, event_id=table.event_id)
        if form.is_valid():
            try:
                participant = join_table(
                    table=table, key=new_participant_key(), **form.join_fields()
                )
            except ParticipationRefused as refusal:
                apply_refusal(form, refusal)
                status = 409
            else:
                return _welcome(request, participant, code)
        else:
            status = 400
    else:
        ticket = request.GET.get("billet", "")
        form = JoinForm.for_ticket(event_id=table.event_id, ticket_code=ticket)
        context["ticket_unknown"] = bool(ticket.strip()) and form.registration is None
    context.update({"form": form, "registration": form.registration})
    return render(request, JOIN_PAGE, context, status=status)


def _welcome(request: HtmxRequest, participant: Participant, code: str) -> HttpResponse:
    remember_participant(participant)
    messages.success(request, _("Bienvenue à la table ! Vos idées sont attendues."))
    response = see_other(join_url(code))
    response.set_signed_cookie(
        cookie_name(code),
        _cookie_value(participant),
        salt=COOKIE_SALT,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
        max_age=COOKIE_MAX_AGE,
    )
    return response


def _board_html(request: HtmxRequest, participant_id: int, board: SharedBoard, **state):
    return personal_board(request, board, phone_state(board, participant_id, **state))


def _page_context(
    request: HtmxRequest,
    participant: Participant,
    *,
    idea_form: IdeaForm | None = None,
    team_form: TeamJoinForm | None = None,
    notices: list[tuple[str, str]] | None = None,
) -> dict:
    table = participant.table
    context = {
        "participant": participant,
        "table": table,
        "notices": notices or [],
        "naming_requests": naming_requests(participant),
    }
    if table_is_over(table):
        # The projects born here come from the ``table_outcome`` tag (with their public pages).
        context["over"] = True
        return context
    board = shared_board(table.pk, table=table)
    if board is not None and not board.over:
        context["board_html"] = _board_html(request, participant.pk, board)
    if table.phase == Phase.IDEATION:
        context["idea_form"] = idea_form or IdeaForm()
    if table.phase == Phase.FORMATION:
        context["projects"] = with_team_forms(table_projects(table, participant), team_form)
        context["can_join"] = True
    return context


@dataclass(frozen=True)
class ProjectToJoin:
    """A project of the table as the participant's page shows it, with its form to join."""

    project: FormedProject
    form: TeamJoinForm


def with_team_forms(
    projects: list[FormedProject], bound: TeamJoinForm | None
) -> list[ProjectToJoin]:
    """The projects with their join forms: ``bound`` for the project it was posted to."""
    joinable = []
    for project in projects:
        prefix = f"p{project.pk}"
        form = bound if bound and bound.prefix == prefix else TeamJoinForm(prefix=prefix)
        joinable.append(ProjectToJoin(project, form))
    return joinable


def render_page(request: HtmxRequest, participant: Participant, status: int = 200, **kwargs):
    return render(request, PAGE, _page_context(request, participant, **kwargs), status=status)


# The live board


def not_seated(request: HtmxRequest, code: str, ref: TableRef) -> HttpResponse:
    """This browser has no seat at this table (no cookie for it, or a stale one)."""
    url = join_url(code)
    if request.htmx:
        response = HttpResponse(status=403 if request.method == "POST" else 204)
        response["HX-Redirect"] = url
        return response
    if request.method != "POST":
        return redirect(url)
    table = table_for_joining(ref.table_id)
    if table is None:
        raise Http404
    return render(
        request,
        JOIN_PAGE,
        {
            "table": table,
            "over": table_is_over(table),
            "form": JoinForm(event_id=table.event_id),
            "notices": [("error", _("Rejoignez d'abord cette table pour y participer."))],
        },
        status=403,
    )


@require_safe
def table_board(request: HtmxRequest, code: str) -> HttpResponse:
    """The board, polled every few seconds by every phone at the table.

    An unchanged board answers 304 from the cache alone: the table behind the code, the
    participant behind the cookie and the board's version are all cached. A changed one is the
    table's shared board (events/live_board.py) with this phone's part filled in.
    """
    code, ref, seat = seated(request, code)
    if seat is None:
        return not_seated(request, code, ref)
    participant_id = seat.pk
    version, ends_at = current_version_and_deadline(ref.table_id)
    # A timer that ran out changes the board without a write: the tag says it.
    time_up = ends_at is not None and time.time() >= ends_at
    etag = _etag(ref.table_id, version, participant_id, time_up)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        board = shared_board(ref.table_id, version=version)
        if board is None:
            raise Http404
        page_phase = request.GET.get("phase", board.phase)
        if board.over or (page_phase, board.phase) not in _SWAPPABLE_PHASES:
            # The page around the board changes with the phase (idea form, projects…).
            return refresh_page()
        seen = request.GET.get("projets", "")
        seen_projects = int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 6 else None
        etag = _etag(board.table_id, board.version, participant_id, time_up)
        html = _board_html(request, participant_id, board, seen_projects=seen_projects)
        if page_phase != board.phase:
            html += _vote_opened(request)
        html += naming_requests_oob(request, board, participant_id)
        response = HttpResponse(html)
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def refresh_page() -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


# (phase the page was made for, the table's phase now): the board alone can follow. When the
# vote opens, the idea form leaves the page and the new board comes in: 1,000 phones switched
# at once by the control room do not all reload their page.
_SWAPPABLE_PHASES = {(phase, phase) for phase in Phase.values} | {(Phase.IDEATION, Phase.VOTE)}


def _vote_opened(request: HtmxRequest) -> str:
    """Out of band: the idea form removed, and a notice that the vote is open."""
    notice = (
        "success",
        _("Le vote est ouvert : posez vos gommettes sur les idées que vous soutenez."),
    )
    return '<form id="idea-form" hx-swap-oob="delete"></form>' + notices_html([notice], oob=True)


def _etag(table_id: int, version: int, participant_id: int, time_up: bool = False) -> str:
    over = "-x" if time_up else ""
    return f'W/"t{table_id}-v{version}-p{participant_id}{over}"'
