"""The facilitators' table console, on a phone or a tablet: ideas arriving live, merges, themes,
phases and projects formed (the synthesis is in events/views/synthesis.py).

Every action is a plain POST answered by a redirect (303) and a message; htmx swaps the live part
of the page instead. The live part answers unchanged polls with 304 from the table's version.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from events import live_stamps
from events.domain.facilitation import (
    FacilitationRefused,
    form_project,
    merge_ideas,
    set_phase,
    set_theme,
    unmerge_idea,
)
from events.domain.timer import time_is_up
from events.enums import Phase
from events.forms_facilitation import PhaseForm
from events.models import Idea, Table
from events.queries_live import ConsoleState, console_state
from events.queries_participant import is_plausible_code, normalise_code
from territoire.form_fields import choice_field
from territoire.forms import apply_refusal
from territoire.http import AuthenticatedRequest, HtmxRequest
from territoire.inputs import parse_int

MEMBER_ROWS = 3
LIVE_CACHE_CONTROL = "private, no-cache"


# Helpers shared with the control room -----------------------------------------------------------


class HttpResponseSeeOther(HttpResponseRedirect):
    status_code = 303


def see_other(url: str) -> HttpResponse:
    """The answer to a plain POST: go back with a GET (303), the message in the session."""
    return HttpResponseSeeOther(url)


def poll_headers(etag: str, parts: dict[str, str] | None = None) -> str:
    """The ``hx-headers`` of a polling element: it asks for its own version conditionally,
    and names the stamps of the parts it holds (``live_stamps``) to get only the others."""
    headers = {"If-None-Match": etag}
    if parts:
        headers[live_stamps.HEADER] = live_stamps.header_value(parts)
    return json.dumps(headers)


def not_modified(request: HttpRequest, etag: str) -> HttpResponse | None:
    """A 304 when the client already holds ``etag`` (weak comparison), else None.

    ``HX-Reswap: none`` keeps htmx from swapping the empty 304 body into the page.
    """
    held = parse_etags(request.headers.get("If-None-Match", ""))
    if "*" in held or _weak(etag) in {_weak(tag) for tag in held}:
        response = HttpResponseNotModified()
        response.headers["ETag"] = etag
        response.headers["Cache-Control"] = LIVE_CACHE_CONTROL
        response.headers["HX-Reswap"] = "none"
        return response
    return None


def _weak(etag: str) -> str:
    return etag.removeprefix("W/")


def with_etag(response: HttpResponse, etag: str) -> HttpResponse:
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = LIVE_CACHE_CONTROL
    return response


def posted_int(value: str | None) -> int | None:
    """A posted id or number of minutes: ASCII digits only, at most 9 of them, else None."""
    return parse_int(value, max_digits=9)


# Access -----------------------------------------------------------------------------------------


def get_table_for_console(request: HttpRequest, code: str) -> Table:
    """The table whose code is in the URL (any case), if the person may use its console.

    404 for a code that does not exist (or cannot be one: never looked up, PostgreSQL refuses a
    NUL in a query), 403 for a table the person does not run.
    """
    if not is_plausible_code(normalise_code(code)):
        raise Http404
    table = get_object_or_404(
        Table.objects.select_related("event", "challenge"), code__iexact=code.strip()
    )
    if not request.user.has_perm("events.use_console", table):
        raise PermissionDenied
    return table


def console_etag(table: Table) -> str:
    # The row was just read for the permission check: its version is exact and costs nothing
    # more than board.current_version would (which reads the same column when not cached).
    # The end of the timer changes the page without a write: it is part of the tag.
    over = "-x" if time_is_up(table) else ""
    return f'W/"c{table.pk}-v{table.version}{over}"'


def console_url(table: Table, anchor: str = "") -> str:
    return reverse("console", kwargs={"code": table.code}) + anchor


def synthesis_url(table: Table, anchor: str = "") -> str:
    return reverse("console_synthesis", kwargs={"code": table.code}) + anchor


# Forms ------------------------------------------------------------------------------------------


class ProjectForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Nom du projet"), max_length=150)
    pitch = forms.CharField(
        label=gettext_lazy("Pitch"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("En une ou deux phrases : pour qui, pour quoi faire."),
    )
    ideas = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Idées portées"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    participants = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Participant·es de la table dans l'équipe"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    lead = forms.TypedChoiceField(
        label=gettext_lazy("Qui porte le projet, parmi les personnes cochées ?"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy(
            "Ou cochez « Porte le projet » sur une ligne ci-dessous. Sans choix : la première "
            "personne qui a une adresse e-mail."
        ),
    )

    def __init__(self, *args, state: ConsoleState, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "ideas").choices = [
            (idea.pk, f"n°{idea.number} — {idea.text[:120]}") for idea in state.ideas
        ]
        participants = [
            (p.pk, " — ".join(part for part in (p.display_name, p.organisation_name) if part))
            for p in state.participants
        ]
        choice_field(self, "participants").choices = participants
        choice_field(self, "lead").choices = [("", "—"), *participants]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        lead = cleaned.get("lead")
        if lead is not None and lead not in cleaned.get("participants", []):
            self.add_error("lead", gettext_lazy("Cochez aussi cette personne dans l'équipe."))
        return cleaned


class MemberForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Nom"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("Adresse e-mail"), required=False)
    phone = forms.CharField(label=gettext_lazy("Téléphone"), max_length=30, required=False)
    organisation_name = forms.CharField(
        label=gettext_lazy("Organisation"), max_length=200, required=False
    )
    is_lead = forms.BooleanField(label=gettext_lazy("Porte le projet"), required=False)


def member_forms(data=None) -> list[MemberForm]:
    return [MemberForm(data, prefix=f"membre-{i}") for i in range(MEMBER_ROWS)]


# Pages ------------------------------------------------------------------------------------------


def _live_context(table: Table, state: ConsoleState) -> dict:
    etag = console_etag(table)
    stamps = live_stamps.console_stamps(state, table.phase)
    return {
        "table": table,
        "state": state,
        "etag": etag,
        "stamps": stamps,
        "poll_headers": poll_headers(etag, stamps),
        "phases": Phase.choices,
        "time_is_up": time_is_up(table),
    }


def _render_console(
    request: HttpRequest,
    table: Table,
    state: ConsoleState,
    *,
    project_form: ProjectForm | None = None,
    members: list[MemberForm] | None = None,
) -> HttpResponse:
    context = _live_context(table, state) | {
        "project_form": project_form or ProjectForm(state=state),
        "member_forms": members or member_forms(),
    }
    return with_etag(render(request, "events/console.html", context), context["etag"])


def _render_live(
    request: HttpRequest, table: Table, *, flash: bool, held: dict[str, str] | None = None
) -> HttpResponse:
    """The status bar (the polling element) and, out of band, the parts of the console that
    changed since the stamps ``held`` by the page (all of them when it holds none)."""
    state = console_state(table)
    context = _live_context(table, state) | {"flash": flash}
    context["changed"] = live_stamps.changed_parts(context["stamps"], held or {})
    context["idea_changes"] = live_stamps.console_idea_changes(state, context["stamps"], held or {})
    return render(request, "events/console_live.html", context)


@login_required
@require_safe
def console(request: AuthenticatedRequest, code: str) -> HttpResponse:
    table = get_table_for_console(request, code)
    return _render_console(request, table, console_state(table))


@login_required
@require_safe
@vary_on_headers("HX-Request", live_stamps.HEADER)
def console_live(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The live part of the console; 304 while the table's version has not moved."""
    table = get_table_for_console(request, code)
    etag = console_etag(table)
    unchanged = not_modified(request, etag)
    if unchanged is not None:
        return unchanged
    held = live_stamps.held_stamps(request)
    return with_etag(_render_live(request, table, flash=False, held=held), etag)


def _after_action(request: HtmxRequest, table: Table, anchor: str) -> HttpResponse:
    """htmx gets the live part re-rendered (with the message); a plain POST goes back."""
    if request.htmx:
        table.refresh_from_db(fields=["phase", "phase_started_at", "phase_ends_at", "version"])
        return _render_live(request, table, flash=True)
    return see_other(console_url(table, anchor))


@login_required
@require_POST
@vary_on_headers("HX-Request")
def merge(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Fold an idea into another one (``into``), or take it out of its group (empty ``into``)."""
    table = get_table_for_console(request, code)
    idea_id, into_id = posted_int(request.POST.get("idea")), posted_int(request.POST.get("into"))
    ideas = {
        idea.pk: idea
        for idea in Idea.objects.filter(table=table, pk__in=[i for i in (idea_id, into_id) if i])
    }
    idea = ideas.get(idea_id) if idea_id is not None else None
    try:
        if idea is None or (into_id is not None and into_id not in ideas):
            raise FacilitationRefused(_("Cette idée n'est pas sur cette table."))
        if into_id is None:
            if idea.merged_into_id is None:
                raise FacilitationRefused(_("Choisissez l'idée avec laquelle la regrouper."))
            unmerge_idea(table=table, idea=idea, by=request.user)
            messages.success(request, _("L'idée est de nouveau séparée."))
        else:
            merge_ideas(table=table, idea=idea, into=ideas[into_id], by=request.user)
            messages.success(request, _("Les deux idées sont regroupées."))
    except FacilitationRefused as refusal:
        messages.error(request, str(refusal))
    return _after_action(request, table, "#idees")


@login_required
@require_POST
@vary_on_headers("HX-Request")
def theme(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Put ideas (``idea``, one or several) under the theme ``theme_name``; empty clears it."""
    table = get_table_for_console(request, code)
    ids = [i for i in (posted_int(v) for v in request.POST.getlist("idea")) if i is not None]
    ideas = list(Idea.objects.filter(table=table, pk__in=ids))
    name = request.POST.get("theme_name", "")
    try:
        if not ideas or len(ideas) != len(set(ids)):
            raise FacilitationRefused(_("Cette idée n'est pas sur cette table."))
        chosen = set_theme(table=table, ideas=ideas, theme_name=name, by=request.user)
        if chosen is None:
            messages.success(request, _("L'idée n'a plus de thème."))
        else:
            messages.success(
                request, _("Idée classée sous le thème « %(theme)s ».") % {"theme": chosen.name}
            )
    except FacilitationRefused as refusal:
        messages.error(request, str(refusal))
    return _after_action(request, table, "#idees")


@login_required
@require_POST
def phase(request: AuthenticatedRequest, code: str) -> HttpResponse:
    table = get_table_for_console(request, code)
    form = PhaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, PhaseForm.refusal())
        return see_other(console_url(table))
    set_phase(
        table=table,
        phase=form.cleaned_data["phase"],
        minutes=form.cleaned_data["minutes"],
        by=request.user,
    )
    label = Phase(table.phase).label
    if table.phase_ends_at:
        messages.success(
            request,
            _("Phase « %(phase)s » lancée jusqu'à %(time)s.")
            % {"phase": label, "time": _local_time(table.phase_ends_at)},
        )
    else:
        messages.success(request, _("Phase « %(phase)s » lancée.") % {"phase": label})
    return see_other(console_url(table))


def _local_time(moment) -> str:
    return formats.time_format(timezone.localtime(moment), "H:i")


@login_required
@require_POST
def project(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Form a project from the table's ideas; on bad input the form comes back as typed."""
    table = get_table_for_console(request, code)
    state = console_state(table)
    form = ProjectForm(request.POST, state=state)
    members = member_forms(request.POST)
    if form.is_valid() and all(member.is_valid() for member in members):
        ideas_by_pk = {idea.pk: idea for idea in state.ideas}
        participants_by_pk = {p.pk: p for p in state.participants}
        lead = form.cleaned_data["lead"]
        team = [
            {"participant": participants_by_pk[pk], "is_lead": pk == lead}
            for pk in form.cleaned_data["participants"]
        ]
        team += [member.cleaned_data for member in members]
        try:
            formed = form_project(
                table=table,
                name=form.cleaned_data["name"],
                pitch=form.cleaned_data["pitch"],
                ideas=[ideas_by_pk[pk].idea for pk in form.cleaned_data["ideas"]],
                members=team,
                by=request.user,
            )
        except FacilitationRefused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(
                request, _("Le projet « %(name)s » est né à cette table.") % {"name": formed.name}
            )
            return see_other(console_url(table, "#projets"))
    messages.error(request, _("Le projet n'a pas été créé : corrigez le formulaire."))
    return _render_console(request, table, state, project_form=form, members=members)


# The synthesis ----------------------------------------------------------------------------------
