"""The night on a participant's phone, without an account.

Someone scans their table's QR code (or types its code) and gives a name; from then on a signed
cookie for THAT table, ``t_<CODE>``, holding the random key of their Participant row, is who they
are. A cookie of table A says nothing at table B. Every action is a plain POST answered by a
redirect; htmx adds the live board (polled, answered 304 while nothing changed) and answers in
place with the re-rendered board.
"""

import uuid

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from events.domain.board import current_version
from events.domain.participation import (
    IdeaNotOnTable,
    ParticipationRefused,
    cast_vote,
    join_table,
    new_participant_key,
    post_idea,
    withdraw_vote,
)
from events.domain.teams import join_team
from events.enums import Phase
from events.forms_participant import (
    RATE_LIMITED,
    STALE_FORM,
    CodeForm,
    IdeaForm,
    JoinForm,
    TeamJoinForm,
    VoteForm,
)
from events.live_board import SharedBoard, personal_board, phone_state, shared_board
from events.models import FormedProject, Idea, Participant, Vote
from events.queries_live import sibling_with_room
from events.queries_participant import (
    TableRef,
    forget_table_code,
    normalise_code,
    participant_for,
    remember_participant,
    seat_for,
    table_for_joining,
    table_is_over,
    table_projects,
    table_ref,
)
from territoire.ratelimit import allow

PAGE = "events/table_participant.html"
JOIN_PAGE = "events/table_join.html"
CODE_PAGE = "events/table_code_entry.html"
COOKIE_SALT = "events.participant"
COOKIE_MAX_AGE = 12 * 3600


def cookie_name(code: str) -> str:
    return f"t_{code}"


def _participant_key(request: HttpRequest, code: str) -> str | None:
    return request.get_signed_cookie(
        cookie_name(code), default=None, salt=COOKIE_SALT, max_age=COOKIE_MAX_AGE
    )


def _see_other(url: str) -> HttpResponse:
    return HttpResponseRedirect(url, status=303)


def _join_url(code: str) -> str:
    return reverse("table_join", kwargs={"code": code})


def _seated(request: HttpRequest, code: str) -> tuple[str, TableRef, Participant | None]:
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
    if participant_id is None:
        return code, ref, None
    return code, ref, Participant(pk=participant_id, table_id=ref.table_id, key=key)


# Pages


@require_safe
def code_entry(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.GET if "code" in request.GET else None)
    ticket = request.GET.get("billet", "")[:40]
    if form.is_bound and form.is_valid():
        code = form.cleaned_data["code"]
        if table_ref(code) is not None:
            url = _join_url(code)
            return redirect(f"{url}?{urlencode({'billet': ticket})}" if ticket else url)
        return _unknown_code(request, code, form=form)
    return render(
        request,
        CODE_PAGE,
        {"form": form, "ticket": ticket},
        status=400 if form.is_bound else 200,
    )


def _unknown_code(request: HttpRequest, code: str, form: CodeForm | None = None) -> HttpResponse:
    return render(
        request,
        CODE_PAGE,
        {"form": form or CodeForm(initial={"code": code[:16]}), "unknown_code": code[:16]},
        status=404,
    )


@require_http_methods(["GET", "POST"])
def table_join(request: HttpRequest, code: str) -> HttpResponse:
    """The table's page: the join form, or the participant page once this browser has joined."""
    code = normalise_code(code)
    ref = table_ref(code)
    if ref is None:
        return _unknown_code(request, code)
    key = _participant_key(request, code)
    participant = participant_for(ref.table_id, key) if key else None
    if participant is not None:
        if request.method == "POST":
            return _see_other(_join_url(code))
        return _render_page(request, participant)
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
                form.add_error(None, str(refusal))
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


def _welcome(request: HttpRequest, participant: Participant, code: str) -> HttpResponse:
    remember_participant(participant)
    messages.success(request, _("Bienvenue à la table ! Vos idées sont attendues."))
    response = _see_other(_join_url(code))
    response.set_signed_cookie(
        cookie_name(code),
        participant.key,
        salt=COOKIE_SALT,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
        max_age=COOKIE_MAX_AGE,
    )
    return response


def _board_html(request: HttpRequest, participant_id: int, board: SharedBoard, **state):
    return personal_board(request, board, phone_state(board, participant_id, **state))


def _page_context(
    request: HttpRequest,
    participant: Participant,
    *,
    idea_form: IdeaForm | None = None,
    team_form: TeamJoinForm | None = None,
    notices: list[tuple[str, str]] | None = None,
) -> dict:
    table = participant.table
    context = {"participant": participant, "table": table, "notices": notices or []}
    if table_is_over(table):
        context["over"] = True
        context["projects"] = table_projects(table, participant)
        return context
    board = shared_board(table.pk, table=table)
    if board is not None and not board.over:
        context["board_html"] = _board_html(request, participant.pk, board)
    if table.phase == Phase.IDEATION:
        context["idea_form"] = idea_form or IdeaForm()
    if table.phase == Phase.FORMATION:
        context["projects"] = _with_team_forms(table_projects(table, participant), team_form)
        context["can_join"] = True
    return context


def _with_team_forms(projects: list[FormedProject], bound: TeamJoinForm | None) -> list:
    for project in projects:
        prefix = f"p{project.pk}"
        project.form = bound if bound and bound.prefix == prefix else TeamJoinForm(prefix=prefix)
    return projects


def _render_page(request: HttpRequest, participant: Participant, status: int = 200, **kwargs):
    return render(request, PAGE, _page_context(request, participant, **kwargs), status=status)


# The live board


def _not_seated(request: HttpRequest, code: str, ref: TableRef) -> HttpResponse:
    """This browser has no seat at this table (no cookie for it, or a stale one)."""
    join_url = _join_url(code)
    if request.htmx:
        response = HttpResponse(status=403 if request.method == "POST" else 204)
        response["HX-Redirect"] = join_url
        return response
    if request.method != "POST":
        return redirect(join_url)
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
def table_board(request: HttpRequest, code: str) -> HttpResponse:
    """The board, polled every few seconds by every phone at the table.

    An unchanged board answers 304 from the cache alone: the table behind the code, the
    participant behind the cookie and the board's version are all cached. A changed one is the
    table's shared board (events/live_board.py) with this phone's part filled in.
    """
    code = normalise_code(code)
    key = _participant_key(request, code)
    ref, participant_id = seat_for(code, key)
    if ref is None:
        raise Http404
    if participant_id is None:
        return _not_seated(request, code, ref)
    version = current_version(ref.table_id)
    etag = _etag(ref.table_id, version, participant_id)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        board = shared_board(ref.table_id, version=version)
        if board is None:
            raise Http404
        page_phase = request.GET.get("phase", board.phase)
        if board.over or (page_phase, board.phase) not in _SWAPPABLE_PHASES:
            # The page around the board changes with the phase (idea form, projects…).
            return _refresh_page()
        seen = request.GET.get("projets", "")
        seen_projects = int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 6 else None
        etag = _etag(board.table_id, board.version, participant_id)
        html = _board_html(request, participant_id, board, seen_projects=seen_projects)
        if page_phase != board.phase:
            html += _vote_opened(request)
        response = HttpResponse(html)
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


# (phase the page was made for, the table's phase now): the board alone can follow. When the
# vote opens, the idea form leaves the page and the new board comes in: 1,000 phones switched
# at once by the control room do not all reload their page.
_SWAPPABLE_PHASES = {(phase, phase) for phase in Phase.values} | {(Phase.IDEATION, Phase.VOTE)}


def _vote_opened(request: HttpRequest) -> str:
    """Out of band: the idea form removed, and a notice that the vote is open."""
    notice = (
        "success",
        _("Le vote est ouvert : posez vos gommettes sur les idées que vous soutenez."),
    )
    context = {"notices": [notice], "oob": True}
    return '<form id="idea-form" hx-swap-oob="delete"></form>' + render_to_string(
        f"{PAGE}#notices", context, request
    )


def _etag(table_id: int, version: int, participant_id: int) -> str:
    return f'W/"t{table_id}-v{version}-p{participant_id}"'


# Actions


def _add_message(request: HttpRequest, notice: tuple[str, str]) -> None:
    level, text = notice
    messages.add_message(request, messages.ERROR if level == "error" else messages.SUCCESS, text)


def _refresh_page() -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


def _page_is_stale(ref: TableRef, phase: str) -> bool:
    """The table left the ``phase`` the phone's page was made for, or is over (one query)."""
    table = table_for_joining(ref.table_id)
    return table is None or table_is_over(table) or table.phase != phase


def _answer(
    request: HttpRequest,
    seat: Participant,
    ref: TableRef,
    *,
    phase: str,
    notice: tuple[str, str] | None,
    idea_form: IdeaForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A participant's action answered.

    htmx (the forms say ``hx-swap="none"``): the notice (and the idea form) swapped in out of
    band, nothing else; after a success, the ``board-changed`` event makes the page fetch its
    board at once: the table's shared board (events/live_board.py), not a render of its own.
    When a refusal shows that the table has left the ``phase`` the page was made for, the
    whole page again, with the notice. Plain POST: a redirect with a message, or the page
    again (``status``) when an idea form must come back with what was typed.
    """
    if not request.htmx:
        if idea_form is not None and idea_form.is_bound:
            participant = participant_for(ref.table_id, seat.key)
            if participant is None:
                return _not_seated(request, ref.code, ref)
            notices = [notice] if notice else []
            return _render_page(
                request, participant, status=status, idea_form=idea_form, notices=notices
            )
        if notice:
            _add_message(request, notice)
        return _see_other(_join_url(ref.code))
    succeeded = notice is not None and notice[0] == "success"
    if not succeeded and _page_is_stale(ref, phase):
        if notice:
            _add_message(request, notice)
        return _refresh_page()
    context = {"table": ref, "idea_form": idea_form, "notices": [notice] if notice else []}
    context["oob"] = True
    html = render_to_string(f"{PAGE}#notices", context, request)
    if idea_form is not None and not idea_form.is_bound:
        html += _fresh_idea_form(request, ref)
    elif idea_form is not None:
        html += render_to_string(f"{PAGE}#idea_form", context, request)
    response = HttpResponse(html)
    if succeeded:
        response["HX-Trigger"] = "board-changed"
    return response


def vote_key(form_key: uuid.UUID, idea_id: int) -> uuid.UUID:
    """The vote's client key: the board's one vote form serves every +1 button, so its key
    is made per idea (a retried or doubled tap on one idea is one dot; two ideas, two)."""
    return uuid.uuid5(form_key, f"idee-{idea_id}")


# The empty idea form each posted idea brings back, rendered once per table and language with
# stand-ins for the two values that are each answer's own (its CSRF token, a new client key).
_FRESH_IDEA_FORMS: dict[tuple[str, str], str] = {}
_CSRF_STAND_IN = "csrf-stand-in-0d5c1b"
_KEY_STAND_IN = "key-stand-in-8e02f4"


def _fresh_idea_form(request: HttpRequest, ref: TableRef) -> str:
    """The ideas form, empty, out of band, with a new client key."""
    cache_key = (get_language(), ref.code)
    html = _FRESH_IDEA_FORMS.get(cache_key)
    if html is None:
        form = IdeaForm()
        form.__dict__["render_key"] = _KEY_STAND_IN  # the cached_property, set beforehand
        context = {"table": ref, "idea_form": form, "oob": True, "csrf_token": _CSRF_STAND_IN}
        html = render_to_string(f"{PAGE}#idea_form", context)
        if len(_FRESH_IDEA_FORMS) >= 500:
            _FRESH_IDEA_FORMS.clear()
        _FRESH_IDEA_FORMS[cache_key] = html
    return html.replace(_CSRF_STAND_IN, get_token(request)).replace(
        _KEY_STAND_IN, str(uuid.uuid4())
    )


def _closed_notice() -> tuple[str, str]:
    return ("error", _("Cette table est terminée : elle ne prend plus de contributions."))


def _refusal(ref: TableRef, refusal: ParticipationRefused) -> tuple[str, str]:
    """The notice for a refused action: "the table is over" when it is, else the reason."""
    table = table_for_joining(ref.table_id)
    if table is None or table_is_over(table):
        return _closed_notice()
    return ("error", str(refusal))


@require_POST
@vary_on_headers("HX-Request")
def idea_post(request: HttpRequest, code: str) -> HttpResponse:
    code, ref, seat = _seated(request, code)
    if seat is None:
        return _not_seated(request, code, ref)
    form = IdeaForm(request.POST)
    notice, status = None, 200
    if not allow("idea", f"{seat.pk}", limit=20, window=60):
        notice, status = ("error", str(RATE_LIMITED)), 429
    elif not form.is_valid():
        # Text errors show under the field; an unusable key is said at the top.
        notice = ("error", str(STALE_FORM)) if "client_key" in form.errors else None
        status = 400
    else:
        try:
            post_idea(
                participant=seat,
                text=form.cleaned_data["text"],
                client_key=form.cleaned_data["client_key"],
            )
        except ParticipationRefused as refusal:
            notice, status = _refusal(ref, refusal), 409
        else:
            notice, form = ("success", _("Votre idée est au tableau. Merci !")), IdeaForm()
    return _answer(
        request, seat, ref, phase=Phase.IDEATION, notice=notice, idea_form=form, status=status
    )


@require_POST
@vary_on_headers("HX-Request")
def vote_cast(request: HttpRequest, code: str, idea_id: int) -> HttpResponse:
    code, ref, seat = _seated(request, code)
    if seat is None:
        return _not_seated(request, code, ref)
    form = VoteForm(request.POST)
    if not form.is_valid():
        notice = ("error", str(STALE_FORM))
        return _answer(request, seat, ref, phase=Phase.VOTE, notice=notice)
    try:
        cast_vote(
            participant=seat,
            idea=Idea(pk=idea_id, table_id=ref.table_id),
            client_key=vote_key(form.cleaned_data["client_key"], idea_id),
        )
    except IdeaNotOnTable:
        raise Http404 from None
    except ParticipationRefused as refusal:
        return _answer(request, seat, ref, phase=Phase.VOTE, notice=_refusal(ref, refusal))
    notice = ("success", _("Gommette posée."))
    return _answer(request, seat, ref, phase=Phase.VOTE, notice=notice)


@require_POST
@vary_on_headers("HX-Request")
def vote_withdraw(request: HttpRequest, code: str, vote_id: int) -> HttpResponse:
    code, ref, seat = _seated(request, code)
    if seat is None:
        return _not_seated(request, code, ref)
    vote = Vote.objects.filter(pk=vote_id, participant_id=seat.pk).first()
    notice = ("success", _("Gommette retirée."))
    if vote is None:
        # Already taken back (a retried request), or not theirs: nothing to do either way.
        notice = ("success", _("Cette gommette est retirée."))
    else:
        try:
            withdraw_vote(participant=seat, vote=vote)
        except ParticipationRefused as refusal:
            notice = _refusal(ref, refusal)
    return _answer(request, seat, ref, phase=Phase.VOTE, notice=notice)


@require_POST
@vary_on_headers("HX-Request")
def team_join(request: HttpRequest, code: str, project_id: int) -> HttpResponse:
    code, ref, seat = _seated(request, code)
    participant = participant_for(ref.table_id, seat.key) if seat else None
    if participant is None:
        return _not_seated(request, code, ref)
    project = FormedProject.objects.filter(pk=project_id, table_id=participant.table_id).first()
    if project is None:
        raise Http404
    form = TeamJoinForm(request.POST, prefix=f"p{project.pk}")
    notice = None
    if not form.is_valid():
        status = 400
    elif table_is_over(participant.table):
        notice, status = _closed_notice(), 409
    else:
        try:
            join_team(participant=participant, project=project, **form.cleaned_data)
        except ParticipationRefused as refusal:
            notice, status = ("error", str(refusal)), 409
        else:
            notice = (
                "success",
                _("Vous êtes dans l'équipe « %(name)s ».") % {"name": project.name},
            )
            if not request.htmx:
                messages.success(request, notice[1])
                return _see_other(_join_url(code) + f"#projet-{project.pk}")
            form, status = None, 200
    if not request.htmx:
        return _render_page(
            request, participant, status=status, team_form=form, notices=[notice] if notice else []
        )
    projects = _with_team_forms(
        table_projects(participant.table, participant, project_id=project.pk), form
    )
    context = {
        "participant": participant,
        "table": participant.table,
        "project": projects[0],
        "notices": [notice] if notice else [],
        "oob": True,
        "can_join": participant.table.phase == Phase.FORMATION,
    }
    html = render_to_string(f"{PAGE}#project", context, request) + render_to_string(
        f"{PAGE}#notices", context, request
    )
    return HttpResponse(html)
