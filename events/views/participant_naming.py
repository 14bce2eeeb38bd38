"""The participant's own answer, on her phone, to "may we name you in the synthesis?"."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from events.domain.naming import NAMING_KINDS, NamingRefused, answer_naming_request
from events.domain.participation import ParticipationRefused
from events.domain.teams import set_team_name_public
from events.models import FormedProject
from events.queries_participant import participant_for
from events.views.participant import join_url, not_seated, seated, see_other
from territoire.http import HtmxRequest

ANSWERS = {"oui": True, "non": False}


@require_POST
def naming_answer(request: HtmxRequest, code: str, kind: str, item_id: int) -> HttpResponse:
    """Accept or decline being named with a quote or contribution; only the participant it is
    linked to, from the browser seated at her table, can answer. 303 back to her page."""
    code, ref, seat = seated(request, code)
    participant = participant_for(ref.table_id, seat.key) if seat else None
    if participant is None:
        return not_seated(request, code, ref)
    model = NAMING_KINDS.get(kind)
    item = (
        model.objects.filter(pk=item_id, table_id=participant.table_id).first()
        if model is not None and item_id < 2**31
        else None
    )
    if item is None:
        raise Http404
    accept = ANSWERS.get(request.POST.get("reponse", ""))
    if accept is None:
        messages.error(request, _("Choisissez : vous acceptez ou vous refusez."))
        return see_other(join_url(code) + "#nommer")
    try:
        answer_naming_request(participant=participant, item=item, accept=accept)
    except NamingRefused as refusal:
        raise Http404(str(refusal)) from None
    if accept:
        messages.success(request, _("Merci : vous serez nommé·e dans la synthèse."))
    else:
        messages.success(request, _("C'est noté : seule votre organisation apparaîtra."))
    return see_other(join_url(code) + "#nommer")


@require_POST
def team_name_public(request: HtmxRequest, code: str, project_id: int) -> HttpResponse:
    """A team member says, herself, whether her name may appear on the project's public pages.
    303 back to her page."""
    code, ref, seat = seated(request, code)
    participant = participant_for(ref.table_id, seat.key) if seat else None
    if participant is None:
        return not_seated(request, code, ref)
    project = (
        FormedProject.objects.filter(pk=project_id, table_id=participant.table_id).first()
        if project_id < 2**31
        else None
    )
    public = ANSWERS.get(request.POST.get("reponse", ""))
    if project is None or public is None:
        raise Http404
    try:
        set_team_name_public(participant=participant, project=project, public=public)
    except ParticipationRefused:
        raise Http404 from None
    if public:
        messages.success(request, _("Votre nom figurera sur la page publique du projet."))
    else:
        messages.success(request, _("Votre nom ne figurera pas sur la page publique du projet."))
    return see_other(join_url(code) + f"#projet-{project.pk}")
