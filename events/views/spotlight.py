"""From the control room: what the big screen spotlights, and the screen's secret link.

Plain POST forms answered with a 303 back to the control room (the message in the session); the
spotlight's form is also posted by htmx, which gets its section of the control room back.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.domain.plenary import (
    SpotlightRefused,
    clear_spotlight,
    renew_screen_link,
    revoke_screen_link,
    spotlight_idea,
    spotlight_project,
)
from events.models import Event, FormedProject, Idea, Table
from events.queries_plenary import spotlight_context, with_spotlight
from events.views.console import posted_int, see_other
from events.views.control import control_url, get_event_for
from territoire.http import AuthenticatedRequest


def _spotlight(request: AuthenticatedRequest, event: Event) -> str:
    """Carry out the posted choice; the message to show. Raises SpotlightRefused."""
    if "clear" in request.POST:
        clear_spotlight(event=event, by=request.user)
        return _("L'écran montre de nouveau la vue d'ensemble de la soirée.")
    idea_id = posted_int(request.POST.get("idea"))
    project_id = posted_int(request.POST.get("project"))
    if idea_id is not None:
        idea = Idea.objects.select_related("table").filter(pk=idea_id).first()
        if idea is None:
            raise SpotlightRefused(_("Cette idée n'existe plus."))
        spotlight_idea(event=event, idea=idea, by=request.user)
        return _("L'idée est à l'écran.")
    if project_id is not None:
        project = FormedProject.objects.select_related("table").filter(pk=project_id).first()
        if project is None:
            raise SpotlightRefused(_("Ce projet n'existe plus."))
        spotlight_project(event=event, project=project, by=request.user)
        return _("Le projet « %(name)s » est à l'écran.") % {"name": project.name}
    raise SpotlightRefused(_("Choisissez une idée ou un projet à mettre à l'écran."))


@login_required
@require_POST
def control_spotlight(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Put an idea or a project on the big screen, or go back to the overview."""
    event = get_event_for(request, slug, "events.spotlight", with_spotlight)
    try:
        notice, refused = _spotlight(request, event), False
    except SpotlightRefused as refusal:
        notice, refused = str(refusal), True
    if request.htmx:
        tables = list(
            Table.objects.filter(event=event)
            .select_related("challenge")
            .order_by("challenge__order", "challenge__title", "name")
        )
        context = {"event": event, "notice": notice, "notice_refused": refused}
        context |= spotlight_context(event, tables)
        return render(request, "events/control_room.html#spotlight", context)
    (messages.error if refused else messages.success)(request, notice)
    return see_other(control_url(event, "#spotlight"))


@login_required
@require_POST
def control_screen_link(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Create, renew or revoke the plenary's secret screen link."""
    event = get_event_for(request, slug, "events.manage_screen_link")
    if request.POST.get("action") == "revoke":
        revoke_screen_link(event=event, by=request.user)
        messages.success(
            request, _("Le lien d'écran est révoqué : il ne montre plus rien, dès maintenant.")
        )
    elif request.POST.get("action") == "renew":
        renew_screen_link(event=event, by=request.user)
        messages.success(
            request,
            _(
                "Nouveau lien d'écran créé. Ouvrez-le sur l'ordinateur du vidéoprojecteur ; "
                "l'ancien lien, s'il y en avait un, ne marche plus."
            ),
        )
    else:
        messages.error(request, _("Choisissez de créer, renouveler ou révoquer le lien."))
    return see_other(control_url(event, "#screen-link"))
