"""Needs and resources: the team's needs, the organisers' offers and matches."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accompaniment.domain import needs
from accompaniment.domain.errors import Refused
from accompaniment.enums import NeedStatus
from accompaniment.forms import MatchForm, NeedForm, OfferForm
from accompaniment.models import Need, NeedMatch, ResourceOffer
from accompaniment.views.common import flash_outcome, project_for, project_kwargs, territory_for
from territoire.forms import apply_refusal
from territoire.http import AuthenticatedRequest
from territoire.models import Organisation
from territoire.pagination import paginate

GET_OR_POST = require_http_methods(["GET", "HEAD", "POST"])
# Needs per page (each with its kind's offers and a form) and resources per page.
NEEDS_PAGE_SIZE = 20
RESOURCES_PAGE_SIZE = 50


@login_required
@GET_OR_POST
def need_list(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.read_project_space")
    can_change = request.user.has_perm("accompaniment.change_project_space", project)
    form = NeedForm()
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        form = NeedForm(request.POST)
        if form.is_valid():
            try:
                needs.state_need(project=project, by=request.user, **form.cleaned_data)
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Besoin enregistré : l'équipe d'organisation le voit."))
                return redirect(reverse("need_list", kwargs=project_kwargs(project)))
    matches = NeedMatch.objects.select_related("offer__organisation")
    return render(
        request,
        "accompaniment/need_list.html",
        {
            "project": project,
            "needs": project.needs.prefetch_related(Prefetch("matches", queryset=matches)),
            "form": form if can_change else None,
            "OPEN": NeedStatus.OPEN,
        },
    )


@login_required
@require_POST
def need_close(request: AuthenticatedRequest, territory: str, slug: str, pk: int) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.change_project_space")
    need = get_object_or_404(Need, project=project, pk=pk)
    status = request.POST.get("status", "")
    flash_outcome(
        request,
        lambda: needs.close_need(need=need, status=status, by=request.user),
        _("Besoin clos."),
    )
    return redirect(reverse("need_list", kwargs=project_kwargs(project)))


def _available_offers(territory):
    return ResourceOffer.objects.filter(territory=territory, is_available=True).select_related(
        "organisation"
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def needs_across(request: AuthenticatedRequest, territory: str) -> HttpResponse:
    """Open needs of every project of the territory, a page at a time, each beside the
    available offers of its kind. Four queries whatever the number of needs and offers."""
    place = territory_for(request, territory, "accompaniment.view_needs_across")
    open_needs = paginate(
        request,
        Need.objects.filter(project__territory=place, status=NeedStatus.OPEN)
        .select_related("project")
        .prefetch_related("matches")
        .order_by("kind", "-created_at", "-pk"),
        per_page=NEEDS_PAGE_SIZE,
    )
    needs_shown = list(open_needs.items)
    matched_ids = {match.offer_id for need in needs_shown for match in need.matches.all()}
    # Only the offers this page needs: those of its needs' kinds, and those already matched.
    offers = list(
        _available_offers(place).filter(
            Q(kind__in={need.kind for need in needs_shown}) | Q(pk__in=matched_ids)
        )
    )
    by_kind: dict[str, list[ResourceOffer]] = {}
    for offer in offers:
        by_kind.setdefault(offer.kind, []).append(offer)
    can_match = request.user.has_perm("accompaniment.match_needs", place)
    rows = []
    for need in needs_shown:
        matched = {match.offer_id for match in need.matches.all()}
        rows.append(
            {
                "need": need,
                "offers": [o for o in by_kind.get(need.kind, []) if o.pk not in matched],
                "matched": [o for o in offers if o.pk in matched],
            }
        )
    return render(
        request,
        "accompaniment/needs_across.html",
        {"territory": place, "rows": rows, "needs": open_needs, "can_match": can_match},
    )


@login_required
@require_POST
def need_match(request: AuthenticatedRequest, territory: str, pk: int) -> HttpResponse:
    place = territory_for(request, territory, "accompaniment.match_needs")
    need = get_object_or_404(
        Need.objects.select_related("project__territory"), project__territory=place, pk=pk
    )
    form = MatchForm(request.POST, offers=_available_offers(place))
    if form.is_valid():
        flash_outcome(
            request,
            lambda: needs.match_need(need=need, by=request.user, **form.cleaned_data),
            _("Mise en relation faite : les deux parties sont prévenues."),
        )
    else:
        messages.error(request, _("Choisissez une ressource disponible."))
    return redirect("needs_across", territory=place.slug)


@login_required
@GET_OR_POST
def resource_list(request: AuthenticatedRequest, territory: str) -> HttpResponse:
    place = territory_for(request, territory, "accompaniment.view_resources")
    can_manage = request.user.has_perm("accompaniment.manage_resources", place)
    organisations = Organisation.objects.filter(territory=place).order_by("name")
    form = OfferForm(organisations=organisations)
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        form = OfferForm(request.POST, organisations=organisations)
        if form.is_valid():
            try:
                needs.record_offer(territory=place, by=request.user, **form.cleaned_data)
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Ressource enregistrée."))
                return redirect("resource_list", territory=place.slug)
    offers = ResourceOffer.objects.filter(territory=place).select_related("organisation")
    # Proposed on the public page and not accepted yet: to review, not to match.
    to_review = Q(proposed_publicly=True, is_available=False)
    proposed = paginate(
        request,
        offers.filter(to_review).order_by("kind", "title", "pk"),
        per_page=RESOURCES_PAGE_SIZE,
        param="propositions",
        anchor="propositions",
    )
    offer_page = paginate(
        request,
        offers.exclude(to_review).order_by("kind", "title", "pk"),
        per_page=RESOURCES_PAGE_SIZE,
    )
    return render(
        request,
        "accompaniment/resource_list.html",
        {
            "territory": place,
            "offers": offer_page.items,
            "offer_page": offer_page,
            "proposed": proposed.items,
            "proposed_page": proposed,
            "can_manage": can_manage,
            "form": form if can_manage else None,
        },
    )


@login_required
@require_POST
def resource_offer_accept(request: AuthenticatedRequest, territory: str, pk: int) -> HttpResponse:
    """An organiser accepts a resource a local actor proposed: it becomes matchable."""
    place = territory_for(request, territory, "accompaniment.manage_resources")
    offer = get_object_or_404(ResourceOffer, territory=place, pk=pk)
    flash_outcome(
        request,
        lambda: needs.accept_offer(offer=offer, by=request.user),
        _("Proposition acceptée : la ressource peut être mise en relation."),
    )
    return HttpResponseRedirect(
        reverse("resource_list", kwargs={"territory": place.slug}), status=303
    )
