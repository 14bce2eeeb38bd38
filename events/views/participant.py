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
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from events.domain.board import current_version
from events.domain.participation import (
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
from events.models import FormedProject, Idea, Participant, Vote
from events.queries_live import sibling_with_room
from events.queries_participant import (
    TableRef,
    board_ideas,
    forget_table_code,
    my_votes_by_idea,
    normalise_code,
    participant_for,
    participant_id_for,
    remember_participant,
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
    participant at THAT table, with the table, its event and challenge (None without a cookie)."""
    code = normalise_code(code)
    ref = table_ref(code)
    if ref is None:
        raise Http404
    key = _participant_key(request, code)
    return code, ref, participant_for(ref.table_id, key) if key else None


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


def _board_context(participant: Participant, *, seen_projects: int | None = None) -> dict:
    """What the board shows this participant: phase, timer, their dots, the ideas."""
    table = participant.table
    groups = board_ideas(table, by_votes=table.phase == Phase.FORMATION)
    if table.phase == Phase.VOTE:
        mine = my_votes_by_idea(participant)
        for group in groups:
            for idea in group.ideas:
                idea.my_vote_ids = mine.get(idea.pk, [])
                # Each +1 button carries its own key: a double tap on it spends one dot.
                idea.vote_key = uuid.uuid4()
    dots_used = max(table.dots_per_participant - participant.dots_left, 0)
    return {
        "participant": participant,
        "table": table,
        "groups": groups,
        "idea_total": sum(len(g.ideas) + sum(len(i.merged_ideas) for i in g.ideas) for g in groups),
        "dots": [True] * participant.dots_left + [False] * dots_used,
        "seen_projects": table.project_count if seen_projects is None else seen_projects,
    }


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
    context.update(_board_context(participant))
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
    participant behind the cookie and the board's version are all cached.
    """
    code = normalise_code(code)
    ref = table_ref(code)
    if ref is None:
        raise Http404
    key = _participant_key(request, code)
    participant_id = participant_id_for(ref.table_id, key) if key else None
    if participant_id is None:
        return _not_seated(request, code, ref)
    etag = f'W/"t{ref.table_id}-v{current_version(ref.table_id)}-p{participant_id}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        participant = participant_for(ref.table_id, key)
        if participant is None:
            return _not_seated(request, code, ref)
        table = participant.table
        if table_is_over(table) or request.GET.get("phase", table.phase) != table.phase:
            # The page around the board changes with the phase (idea form, vote buttons…).
            return _refresh_page()
        seen = request.GET.get("projets", "")
        seen_projects = int(seen) if seen.isascii() and seen.isdigit() and len(seen) < 6 else None
        context = _board_context(participant, seen_projects=seen_projects)
        response = render(request, f"{PAGE}#board", context)
    response["ETag"] = etag
    patch_cache_control(response, private=True, no_cache=True)
    patch_vary_headers(response, ["Cookie"])
    return response


# Actions


def _add_message(request: HttpRequest, notice: tuple[str, str]) -> None:
    level, text = notice
    messages.add_message(request, messages.ERROR if level == "error" else messages.SUCCESS, text)


def _refresh_page() -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response


def _answer(
    request: HttpRequest,
    participant: Participant,
    *,
    phase: str,
    notice: tuple[str, str] | None,
    idea_form: IdeaForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """A participant's action answered.

    htmx: the fresh board, with the notice (and the idea form) swapped in out of band; when the
    table has left the ``phase`` the page was made for, the whole page again with the notice.
    Plain POST: a redirect with a message, or the page again (``status``) when an idea form
    must come back with what was typed.
    """
    if not request.htmx:
        if idea_form is not None and idea_form.is_bound:
            notices = [notice] if notice else []
            return _render_page(
                request, participant, status=status, idea_form=idea_form, notices=notices
            )
        if notice:
            _add_message(request, notice)
        return _see_other(_join_url(participant.table.code))
    participant = participant_for(participant.table_id, participant.key)
    if table_is_over(participant.table) or participant.table.phase != phase:
        if notice:
            _add_message(request, notice)
        return _refresh_page()
    context = _page_context(request, participant, idea_form=idea_form)
    context.update({"notices": [notice] if notice else [], "oob": True})
    fragments = ["board", "notices"] + (["idea_form"] if idea_form is not None else [])
    html = "".join(render_to_string(f"{PAGE}#{name}", context, request) for name in fragments)
    return HttpResponse(html)


def _closed_notice() -> tuple[str, str]:
    return ("error", _("Cette table est terminée : elle ne prend plus de contributions."))


@require_POST
@vary_on_headers("HX-Request")
def idea_post(request: HttpRequest, code: str) -> HttpResponse:
    code, ref, participant = _seated(request, code)
    if participant is None:
        return _not_seated(request, code, ref)
    form = IdeaForm(request.POST)
    notice, status = None, 200
    if not allow("idea", f"{participant.pk}", limit=20, window=60):
        notice, status = ("error", str(RATE_LIMITED)), 429
    elif not form.is_valid():
        # Text errors show under the field; an unusable key is said at the top.
        notice = ("error", str(STALE_FORM)) if "client_key" in form.errors else None
        status = 400
    elif table_is_over(participant.table):
        notice, status = _closed_notice(), 409
    else:
        try:
            post_idea(
                participant=participant,
                text=form.cleaned_data["text"],
                client_key=form.cleaned_data["client_key"],
            )
        except ParticipationRefused as refusal:
            notice, status = ("error", str(refusal)), 409
        else:
            notice, form = ("success", _("Votre idée est au tableau. Merci !")), IdeaForm()
    return _answer(
        request, participant, phase=Phase.IDEATION, notice=notice, idea_form=form, status=status
    )


@require_POST
@vary_on_headers("HX-Request")
def vote_cast(request: HttpRequest, code: str, idea_id: int) -> HttpResponse:
    code, ref, participant = _seated(request, code)
    if participant is None:
        return _not_seated(request, code, ref)
    idea = (
        Idea.objects.filter(pk=idea_id, table_id=participant.table_id)
        .only("pk", "table_id", "merged_into_id")
        .first()
    )
    if idea is None:
        raise Http404
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _answer(request, participant, phase=Phase.VOTE, notice=("error", str(STALE_FORM)))
    if table_is_over(participant.table):
        return _answer(request, participant, phase=Phase.VOTE, notice=_closed_notice())
    try:
        cast_vote(participant=participant, idea=idea, client_key=form.cleaned_data["client_key"])
    except ParticipationRefused as refusal:
        return _answer(request, participant, phase=Phase.VOTE, notice=("error", str(refusal)))
    return _answer(request, participant, phase=Phase.VOTE, notice=("success", _("Gommette posée.")))


@require_POST
@vary_on_headers("HX-Request")
def vote_withdraw(request: HttpRequest, code: str, vote_id: int) -> HttpResponse:
    code, ref, participant = _seated(request, code)
    if participant is None:
        return _not_seated(request, code, ref)
    vote = Vote.objects.filter(pk=vote_id, participant=participant).first()
    if vote is None:
        # Already taken back (a retried request), or not theirs: nothing to do either way.
        return _answer(
            request,
            participant,
            phase=Phase.VOTE,
            notice=("success", _("Cette gommette est retirée.")),
        )
    if table_is_over(participant.table):
        return _answer(request, participant, phase=Phase.VOTE, notice=_closed_notice())
    try:
        withdraw_vote(participant=participant, vote=vote)
    except ParticipationRefused as refusal:
        return _answer(request, participant, phase=Phase.VOTE, notice=("error", str(refusal)))
    return _answer(
        request, participant, phase=Phase.VOTE, notice=("success", _("Gommette retirée."))
    )


@require_POST
@vary_on_headers("HX-Request")
def team_join(request: HttpRequest, code: str, project_id: int) -> HttpResponse:
    code, ref, participant = _seated(request, code)
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
