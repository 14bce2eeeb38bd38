"""The organisers' mobilisation board: sign-ups, volunteers to invite, contributions to moderate,
and the sign-up export."""

import datetime
from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from challenges import queries_board
from challenges.domain.contributions import set_hidden
from challenges.domain.signups import invite_volunteers_as_facilitators
from challenges.enums import ActorKind
from challenges.models import Contribution
from territoire.exports import CHUNK_SIZE, csv_download, neutralised
from territoire.http import AuthenticatedRequest
from territoire.inputs import parse_int
from territoire.models import Territory
from territoire.pagination import paginate

# Rows per page of the board's lists (challenges, volunteers) and contributions per page: with
# 30,000 sign-ups the board stays under 100 KB.
BOARD_PAGE_SIZE = 50
CONTRIBUTIONS_PAGE_SIZE = 20


def get_territory_for(request: HttpRequest, territory_slug: str, perm: str) -> Territory:
    """The territory named in the URL, if ``request.user`` holds ``perm`` on it.

    404 for a territory that does not exist, 403 for one the person may not act on.
    """
    territory = get_object_or_404(Territory, slug=territory_slug)
    if not request.user.has_perm(perm, territory):
        raise PermissionDenied
    return territory


def posted_flag(request: HttpRequest, name: str) -> bool | None:
    """A yes/no form field: True for "1", False for "0", None for anything else."""
    return {"1": True, "0": False}.get(request.POST.get(name, ""))


def posted_ids(request: HttpRequest, name: str) -> set[int]:
    """The integer values of a multi-valued form field; anything else is dropped."""
    values = (parse_int(value) for value in request.POST.getlist(name))
    return {value for value in values if value is not None}


def _board_url(request: HttpRequest, territory: Territory, param: str, anchor: str) -> str:
    """Back to the board at the page of the list the form was posted from (``param``, sent by
    the form as a hidden field) and at its anchor."""
    page = parse_int(request.POST.get(param), max_digits=9)
    query = f"?{param}={page}" if page and page > 1 else ""
    url = reverse("mobilisation_board", kwargs={"territory_slug": territory.slug})
    return f"{url}{query}{anchor}"


@login_required
@require_safe
def mobilisation_board(request: AuthenticatedRequest, territory_slug: str) -> HttpResponse:
    territory = get_territory_for(request, territory_slug, "challenges.view_mobilisation")
    challenges = paginate(
        request,
        queries_board.challenges_with_counts(territory),
        per_page=BOARD_PAGE_SIZE,
        param="defis",
        anchor="challenges",
    )
    volunteers = paginate(
        request,
        queries_board.volunteers(territory),
        per_page=BOARD_PAGE_SIZE,
        param="volontaires",
        anchor="volunteers",
    )
    contributions = paginate(
        request,
        queries_board.contributions_newest_first(territory),
        per_page=CONTRIBUTIONS_PAGE_SIZE,
        param="contributions",
        anchor="contributions",
    )
    facilitators = queries_board.facilitator_emails(territory)
    return render(
        request,
        "challenges/mobilisation_board.html",
        {
            "territory": territory,
            "totals": queries_board.signup_totals(territory),
            "weeks": queries_board.confirmed_by_week(territory),
            "challenges": challenges.items,
            "challenge_page": challenges,
            "challenge_peak": queries_board.challenge_peak(territory),
            "actor_kinds": queries_board.confirmed_by_actor_kind(territory),
            "volunteers": [
                {"signup": signup, "is_facilitator": signup.email.lower() in facilitators}
                for signup in volunteers.items
            ],
            "volunteer_page": volunteers,
            "contributions": contributions.items,
            "contribution_page": contributions,
            "contribution_totals": queries_board.contribution_totals(territory),
        },
    )


def _cell(value: object) -> str:
    return neutralised("" if value is None else str(value))


def _when(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M") if moment else ""


def _signup_rows(territory: Territory) -> Iterator[list[str]]:
    """The header, then one row per sign-up, read from the database a chunk at a time."""
    yield [
        _("nom"),
        _("e-mail"),
        _("organisation"),
        _("type d'acteur"),
        _("défis"),
        _("animer"),
        _("parrainer"),
        _("inscrit·e le"),
        _("confirmée le"),
        _("invitation d'animateur·rice le"),
    ]
    yes, no = _("oui"), _("non")
    # Translated once, not once a row (get_actor_kind_display hashes lazy labels every call:
    # half the export's time at 30,000 rows).
    kinds = {value: str(label) for value, label in ActorKind.choices}
    signups = queries_board.signups_for_export(territory).iterator(chunk_size=CHUNK_SIZE)
    for signup in signups:
        yield [
            _cell(value)
            for value in (
                signup.full_name,
                signup.email,
                signup.organisation_name,
                kinds.get(signup.actor_kind, signup.actor_kind),
                " | ".join(challenge.title for challenge in signup.challenges.all()),
                yes if signup.wants_to_facilitate else no,
                yes if signup.wants_to_mentor else no,
                _when(signup.created_at),
                _when(signup.confirmed_at),
                _when(signup.facilitator_invited_at),
            )
        ]


@login_required
@require_safe
def signups_csv(request: AuthenticatedRequest, territory_slug: str) -> StreamingHttpResponse:
    """Every sign-up of the territory, one row each, for a spreadsheet, streamed row by row
    (30,000 sign-ups keep memory flat; territoire/exports.py).

    Semicolon-separated and UTF-8 with a byte-order mark: what Excel expects in France, so that
    it splits the columns and shows the accents right without an import wizard. A cell that a
    spreadsheet would run as a formula gets a leading apostrophe.
    """
    territory = get_territory_for(request, territory_slug, "challenges.export_signups")
    return csv_download(
        _signup_rows(territory),
        filename=f"inscriptions-{territory.slug}-{timezone.localdate().isoformat()}.csv",
    )


@login_required
@require_POST
def volunteers_invite(request: AuthenticatedRequest, territory_slug: str) -> HttpResponse:
    territory = get_territory_for(request, territory_slug, "challenges.invite_volunteers")
    ids = posted_ids(request, "signups")
    if not ids:
        messages.warning(request, _("Cochez au moins une personne à inviter."))
        return redirect(_board_url(request, territory, "volontaires", "#volunteers"))
    # Only this territory's confirmed volunteers: other ids are ignored.
    chosen = queries_board.volunteers(territory).filter(pk__in=ids).select_related("territory")
    invited = invite_volunteers_as_facilitators(signups=chosen, by=request.user)
    if invited:
        messages.success(
            request,
            ngettext("%(count)d invitation envoyée.", "%(count)d invitations envoyées.", invited)
            % {"count": invited},
        )
    else:
        messages.info(
            request, _("Aucune invitation envoyée : ces personnes ont déjà été invitées.")
        )
    return redirect(_board_url(request, territory, "volontaires", "#volunteers"))


@login_required
@require_POST
def contribution_hide(request: AuthenticatedRequest, territory_slug: str, pk: int) -> HttpResponse:
    territory = get_territory_for(request, territory_slug, "challenges.moderate_contribution")
    contribution = get_object_or_404(Contribution, pk=pk, challenge__territory=territory)
    hidden = posted_flag(request, "hidden")
    if hidden is None:
        messages.error(request, _("Choisissez de masquer ou d'afficher la contribution."))
    else:
        set_hidden(contribution=contribution, hidden=hidden, by=request.user)
        messages.success(
            request,
            _("La contribution est masquée au public.")
            if hidden
            else _("La contribution est de nouveau visible."),
        )
    return redirect(_board_url(request, territory, "contributions", "#contributions"))
