"""A participant's actions on the night: post an idea, put or take back a dot, join a team.

Each works as a plain POST answered by a redirect (or the page again, with what was typed); the
htmx answer is the notice out of band, and a ``board-changed`` event after a success. Who acts
is the signed cookie of that table (``participant.py``).
"""

import uuid

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from events.domain.participation import (
    IdeaNotOnTable,
    ParticipationRefused,
    SeatLost,
    TooManyIdeas,
    cast_vote,
    post_idea,
    withdraw_vote,
)
from events.domain.teams import join_team
from events.enums import Phase
from events.forms_participant import (
    RATE_LIMITED,
    STALE_FORM,
    IdeaForm,
    TeamJoinForm,
    VoteForm,
)
from events.models import FormedProject, Idea, Participant, Vote
from events.notices import notices_html
from events.queries_participant import (
    TableRef,
    participant_for,
    table_for_joining,
    table_is_over,
    table_projects,
)
from events.views.participant import (
    PAGE,
    join_url,
    not_seated,
    refresh_page,
    render_page,
    seated,
    seated_to_write,
    see_other,
    with_team_forms,
)
from territoire.http import HtmxRequest

# Actions


def _add_message(request: HtmxRequest, notice: tuple[str, str]) -> None:
    level, text = notice
    messages.add_message(request, messages.ERROR if level == "error" else messages.SUCCESS, text)


def _page_is_stale(ref: TableRef, phase: str) -> bool:
    """The table left the ``phase`` the phone's page was made for, or is over (one query)."""
    table = table_for_joining(ref.table_id)
    return table is None or table_is_over(table) or table.phase != phase


def _answer(
    request: HtmxRequest,
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
                return not_seated(request, ref.code, ref)
            notices = [notice] if notice else []
            return render_page(
                request, participant, status=status, idea_form=idea_form, notices=notices
            )
        if notice:
            _add_message(request, notice)
        return see_other(join_url(ref.code))
    succeeded = notice is not None and notice[0] == "success"
    if not succeeded and _page_is_stale(ref, phase):
        if notice:
            _add_message(request, notice)
        return refresh_page()
    html: str = notices_html([notice] if notice else [], oob=True)
    if idea_form is not None and not idea_form.is_bound:
        html += _fresh_idea_form(request, ref)
    elif idea_form is not None:
        _focus_text(idea_form)
        context = {"table": ref, "idea_form": idea_form, "oob": True}
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


def _fresh_idea_form(request: HtmxRequest, ref: TableRef) -> str:
    """The ideas form, empty, out of band, with a new client key."""
    cache_key = (get_language(), ref.code)
    html = _FRESH_IDEA_FORMS.get(cache_key)
    if html is None:
        form = IdeaForm()
        form.__dict__["render_key"] = _KEY_STAND_IN  # the cached_property, set beforehand
        _focus_text(form)
        context = {"table": ref, "idea_form": form, "oob": True, "csrf_token": _CSRF_STAND_IN}
        html = render_to_string(f"{PAGE}#idea_form", context)
        if len(_FRESH_IDEA_FORMS) >= 500:
            _FRESH_IDEA_FORMS.clear()
        _FRESH_IDEA_FORMS[cache_key] = html
    return html.replace(_CSRF_STAND_IN, get_token(request)).replace(
        _KEY_STAND_IN, str(uuid.uuid4())
    )


def _focus_text(form: IdeaForm) -> None:
    """The idea field of a form sent back after a post takes the focus again (htmx focuses
    ``autofocus`` in swapped content): the next idea is typed at once."""
    form.fields["text"].widget.attrs["autofocus"] = True


def _seat_lost(request: HtmxRequest, code: str) -> HttpResponse:
    """The seat signed in the cookie no longer holds (the participant was removed, the code
    now names another table): what the code names now, and this browser's seat there."""
    code, ref, _seat = seated(request, code)
    return not_seated(request, code, ref)


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
def idea_post(request: HtmxRequest, code: str) -> HttpResponse:
    code, ref, seat = seated_to_write(request, code)
    if seat is None:
        return not_seated(request, code, ref)
    form = IdeaForm(request.POST)
    notice, status = None, 200
    if not form.is_valid():
        # Text errors show under the field; an unusable key is said at the top.
        notice = ("error", str(STALE_FORM)) if "client_key" in form.errors else None
        status = 400
    else:
        try:
            post_idea(
                participant=seat,
                text=form.cleaned_data["text"],
                client_key=form.cleaned_data["client_key"],
                table_code=code,
            )
        except SeatLost:
            return _seat_lost(request, code)
        except TooManyIdeas:
            notice, status = ("error", str(RATE_LIMITED)), 429
        except ParticipationRefused as refusal:
            notice, status = _refusal(ref, refusal), 409
        else:
            notice, form = ("success", _("Votre idée est au tableau. Merci !")), IdeaForm()
    return _answer(
        request, seat, ref, phase=Phase.IDEATION, notice=notice, idea_form=form, status=status
    )


@require_POST
@vary_on_headers("HX-Request")
def vote_cast(request: HtmxRequest, code: str, idea_id: int) -> HttpResponse:
    code, ref, seat = seated_to_write(request, code)
    if seat is None:
        return not_seated(request, code, ref)
    form = VoteForm(request.POST)
    if not form.is_valid():
        notice = ("error", str(STALE_FORM))
        return _answer(request, seat, ref, phase=Phase.VOTE, notice=notice)
    try:
        cast_vote(
            participant=seat,
            idea=Idea(pk=idea_id, table_id=ref.table_id),
            client_key=vote_key(form.cleaned_data["client_key"], idea_id),
            table_code=code,
        )
    except SeatLost:
        return _seat_lost(request, code)
    except IdeaNotOnTable:
        raise Http404 from None
    except ParticipationRefused as refusal:
        return _answer(request, seat, ref, phase=Phase.VOTE, notice=_refusal(ref, refusal))
    notice = ("success", _("Gommette posée."))
    return _answer(request, seat, ref, phase=Phase.VOTE, notice=notice)


@require_POST
@vary_on_headers("HX-Request")
def vote_withdraw(request: HtmxRequest, code: str, vote_id: int) -> HttpResponse:
    code, ref, seat = seated(request, code)
    if seat is None:
        return not_seated(request, code, ref)
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
def team_join(request: HtmxRequest, code: str, project_id: int) -> HttpResponse:
    code, ref, seat = seated(request, code)
    participant = participant_for(ref.table_id, seat.key) if seat else None
    if participant is None:
        return not_seated(request, code, ref)
    project = FormedProject.objects.filter(pk=project_id, table_id=participant.table_id).first()
    if project is None:
        raise Http404
    form = TeamJoinForm(request.POST, prefix=f"p{project.pk}")
    shown: TeamJoinForm | None = form  # None once joined: a fresh form then
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
                return see_other(join_url(code) + f"#projet-{project.pk}")
            shown, status = None, 200
    if not request.htmx:
        return render_page(
            request, participant, status=status, team_form=shown, notices=[notice] if notice else []
        )
    projects = with_team_forms(
        table_projects(participant.table, participant, project_id=project.pk), shown
    )
    context = {
        "participant": participant,
        "table": participant.table,
        "project": projects[0].project,
        "join_form": projects[0].form,
        "notices": [notice] if notice else [],
        "oob": True,
        "can_join": participant.table.phase == Phase.FORMATION,
    }
    html = render_to_string(f"{PAGE}#project", context, request) + notices_html(
        [notice] if notice else [], oob=True
    )
    return HttpResponse(html)
