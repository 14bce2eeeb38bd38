"""The console's live actions on the night: hide an idea and show it again, extend the timer.

Plain POSTs answered by a redirect and a message; htmx gets the console's live part again
(``console._after_action``), like the console's other actions.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from events.domain.facilitation import FacilitationRefused
from events.domain.moderation import hide_idea, unhide_idea
from events.domain.timer import extend_phase
from events.models import Idea
from events.views.console import (
    _after_action,
    _local_time,
    get_table_for_console,
    posted_int,
)
from territoire.http import AuthenticatedRequest


def _idea_of(table, idea_id: int) -> Idea:
    idea = Idea.objects.filter(table=table, pk=idea_id).first()
    if idea is None:
        raise FacilitationRefused(_("Cette idée n'est pas sur cette table."))
    return idea


@login_required
@require_POST
@vary_on_headers("HX-Request")
def hide(request: AuthenticatedRequest, code: str, idea_id: int) -> HttpResponse:
    """Take an idea off the board at once (its dots go back to their voters)."""
    table = get_table_for_console(request, code)
    try:
        returned = hide_idea(table=table, idea=_idea_of(table, idea_id), by=request.user)
    except FacilitationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        text = _("L'idée est masquée : elle n'est plus au tableau ni au vote.")
        if returned:
            text += " " + ngettext(
                "%(count)d gommette a été rendue.", "%(count)d gommettes ont été rendues.", returned
            ) % {"count": returned}
        messages.success(request, text)
    return _after_action(request, table, "#idees")


@login_required
@require_POST
@vary_on_headers("HX-Request")
def unhide(request: AuthenticatedRequest, code: str, idea_id: int) -> HttpResponse:
    table = get_table_for_console(request, code)
    try:
        unhide_idea(table=table, idea=_idea_of(table, idea_id), by=request.user)
    except FacilitationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("L'idée est de nouveau au tableau."))
    return _after_action(request, table, "#idees-masquees")


@login_required
@require_POST
def extend(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """Give the current phase a few more minutes (``minutes``)."""
    table = get_table_for_console(request, code)
    minutes = posted_int(request.POST.get("minutes"))
    try:
        if minutes is None:
            raise FacilitationRefused(_("Indiquez de combien de minutes prolonger."))
        extend_phase(table=table, minutes=minutes, by=request.user)
    except FacilitationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request,
            _("Phase prolongée jusqu'à %(time)s.") % {"time": _local_time(table.phase_ends_at)},
        )
    return _after_action(request, table, "")
