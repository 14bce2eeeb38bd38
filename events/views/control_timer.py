"""The control room's "a few more minutes for every table" (the phase form's companion)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from events.domain.facilitation import FacilitationRefused
from events.domain.timer import extend_phase_for_event
from events.views.console import posted_int, see_other
from events.views.control import control_url, get_event_for
from territoire.http import AuthenticatedRequest


@login_required
@require_POST
def control_extend(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Extend the timer of every timed table of the event by ``minutes``."""
    event = get_event_for(request, slug, "events.use_control_room")
    minutes = posted_int(request.POST.get("minutes"))
    try:
        if minutes is None:
            raise FacilitationRefused(_("Indiquez de combien de minutes prolonger."))
        extended = extend_phase_for_event(event=event, minutes=minutes, by=request.user)
    except FacilitationRefused as refusal:
        messages.error(request, str(refusal))
    else:
        if extended:
            messages.success(
                request,
                ngettext(
                    "%(count)d table prolongée de %(minutes)d minutes.",
                    "%(count)d tables prolongées de %(minutes)d minutes.",
                    extended,
                )
                % {"count": extended, "minutes": minutes},
            )
        else:
            messages.error(request, _("Aucune table n'a de minuteur à prolonger."))
    return see_other(control_url(event))
