"""Facilitators get ready for the evening: training sessions, attendance, their kit."""

import rules
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from challenges import queries_board
from challenges.domain.training import TrainingRefused, mark_attendance, respond
from challenges.enums import ChallengeStatus
from challenges.models import TrainingSession
from challenges.views.organiser import get_territory_for, posted_flag
from territoire.extensions import table_consoles
from territoire.http import AuthenticatedRequest


def _training_url(territory_slug: str, anchor: str = "") -> str:
    return reverse("training_list", kwargs={"territory_slug": territory_slug}) + anchor


@login_required
@require_safe
def training_list(request: AuthenticatedRequest, territory_slug: str) -> HttpResponse:
    territory = get_territory_for(request, territory_slug, "challenges.view_training")
    # Asked of the rules alone: a superuser holds every Django permission, but only the
    # territory's facilitators answer a session.
    can_respond = rules.has_perm("challenges.respond_training", request.user, territory)
    can_mark = request.user.has_perm("challenges.mark_training_attendance", territory)
    answers = queries_board.answers_of(request.user, territory) if can_respond else {}
    facilitator_count = queries_board.facilitator_memberships(territory).count() if can_mark else 0
    now = timezone.now()
    upcoming: list[queries_board.SessionRow] = []
    past: list[queries_board.SessionRow] = []
    for session in queries_board.sessions_with_answers(territory):
        no_answer = max(facilitator_count - session.coming - session.not_coming, 0)
        row = queries_board.SessionRow(session, answers.get(session.pk), no_answer)
        (upcoming if session.starts_at > now else past).append(row)
    return render(
        request,
        "challenges/training_list.html",
        {
            "territory": territory,
            "upcoming": upcoming,
            "past": list(reversed(past)),
            "can_respond": can_respond,
            "can_mark": can_mark,
            "facilitator_count": facilitator_count,
        },
    )


@login_required
@require_POST
def training_respond(request: AuthenticatedRequest, territory_slug: str, pk: int) -> HttpResponse:
    territory = get_territory_for(request, territory_slug, "challenges.respond_training")
    session = get_object_or_404(TrainingSession, pk=pk, territory=territory)
    will_attend = posted_flag(request, "will_attend")
    if will_attend is None:
        messages.error(request, _("Dites si vous viendrez ou non."))
        return redirect(_training_url(territory.slug, f"#session-{session.pk}"))
    try:
        respond(session=session, facilitator=request.user, will_attend=will_attend)
    except TrainingRefused as refusal:
        messages.error(request, str(refusal))
    else:
        text = (
            _("C'est noté : vous viendrez à « %(session)s ».")
            if will_attend
            else _("C'est noté : vous ne pourrez pas venir à « %(session)s ».")
        )
        messages.success(request, text % {"session": session.title})
    return redirect(_training_url(territory.slug, f"#session-{session.pk}"))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def training_attendance(
    request: AuthenticatedRequest, territory_slug: str, pk: int
) -> HttpResponse:
    territory = get_territory_for(request, territory_slug, "challenges.mark_training_attendance")
    session = get_object_or_404(TrainingSession, pk=pk, territory=territory)
    memberships = list(queries_board.facilitator_memberships(territory))
    if request.method == "POST":
        # Only the territory's facilitators are read from the form: any other id is ignored.
        marked = 0
        for membership in memberships:
            attended = posted_flag(request, f"attended-{membership.user_id}")
            if attended is not None:
                mark_attendance(
                    session=session,
                    facilitator=membership.user,
                    attended=attended,
                    by=request.user,
                )
                marked += 1
        if marked:
            messages.success(
                request,
                ngettext(
                    "Présence enregistrée pour %(count)d personne.",
                    "Présences enregistrées pour %(count)d personnes.",
                    marked,
                )
                % {"count": marked},
            )
        else:
            messages.warning(request, _("Aucune présence cochée : rien n'a été enregistré."))
        return redirect("training_attendance", territory_slug=territory.slug, pk=session.pk)
    attendances = {
        attendance.facilitator_id: attendance for attendance in session.attendances.all()
    }
    rows = [
        {"membership": membership, "attendance": attendances.get(membership.user_id)}
        for membership in memberships
    ]
    return render(
        request,
        "challenges/training_attendance.html",
        {
            "territory": territory,
            "session": session,
            "rows": rows,
            "is_past": session.starts_at <= timezone.now(),
        },
    )


@login_required
@require_safe
def kit_index(request: AuthenticatedRequest, territory_slug: str) -> HttpResponse:
    territory = get_territory_for(request, territory_slug, "challenges.view_kit")
    challenges = queries_board.kit_challenges(
        territory,
        chosen_by_email=request.user.email,
        drafts=request.user.has_perm("challenges.preview_challenge", territory),
    )
    return render(
        request,
        "challenges/kit_index.html",
        {
            "territory": territory,
            "challenges": challenges,
            "has_chosen": any(kit.is_chosen for kit in challenges),
            "consoles": table_consoles(request.user, territory),
        },
    )


@login_required
@require_safe
def kit_detail(request: AuthenticatedRequest, territory_slug: str, slug: str) -> HttpResponse:
    territory = get_territory_for(request, territory_slug, "challenges.view_kit")
    challenge = get_object_or_404(territory.challenges.select_related("domain"), slug=slug)
    if challenge.status == ChallengeStatus.DRAFT and not request.user.has_perm(
        "challenges.preview_challenge", territory
    ):
        raise Http404
    return render(
        request,
        "challenges/kit_detail.html",
        {
            "territory": territory,
            "challenge": challenge,
            "consoles": table_consoles(request.user, territory),
        },
    )
