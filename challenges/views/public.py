"""Public pages of the mobilisation: the challenges, contributing, signing up and confirming."""

from itertools import groupby

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from challenges.domain.contributions import ContributionRefused, contribute
from challenges.domain.signup_changes import confirm_change, read_change
from challenges.domain.signups import ConfirmationRefused, confirm_sign_up, sign_up
from challenges.forms import ContributionForm, SignUpForm
from challenges.models import Challenge
from challenges.queries import (
    open_challenges,
    public_challenges,
    visible_contributions,
    with_confirmed_counts,
)
from territoire.forms import apply_refusal
from territoire.models import Territory
from territoire.pagination import paginate
from territoire.ratelimit import allow, client_key

NOINDEX = "noindex, nofollow"
# Cards per page of the public list of challenges (whole rows of 2, 3 or 4 columns).
CHALLENGES_PAGE_SIZE = 24
# Contributions per page of a challenge's public page, newest first.
CONTRIBUTIONS_PAGE_SIZE = 20
SIGNUP_SESSION_KEY = "challenges_signup"


@require_safe
def challenge_list(request: HttpRequest, territory_slug: str) -> HttpResponse:
    territory = get_object_or_404(Territory, slug=territory_slug)
    challenges = paginate(request, public_challenges(territory), per_page=CHALLENGES_PAGE_SIZE)
    # A page in domain order: a domain cut by the page's end goes on under its title next page.
    groups = [
        (domain, list(items)) for domain, items in groupby(challenges.items, lambda c: c.domain)
    ]
    return render(
        request,
        "challenges/challenge_list.html",
        {"territory": territory, "groups": groups, "challenges": challenges},
    )


def get_challenge_for_visitor(request: HttpRequest, territory_slug: str, slug: str) -> Challenge:
    """A challenge as the public sees it, with its confirmed count; drafts only for those who
    may preview them (organisers of its territory), 404 for everyone else."""
    challenge = get_object_or_404(
        with_confirmed_counts(Challenge.objects.select_related("territory", "domain")),
        territory__slug=territory_slug,
        slug=slug,
    )
    if not challenge.is_public and not request.user.has_perm(
        "challenges.preview_challenge", challenge
    ):
        raise Http404
    return challenge


@require_safe
def challenge_detail(request: HttpRequest, territory_slug: str, slug: str) -> HttpResponse:
    challenge = get_challenge_for_visitor(request, territory_slug, slug)
    return _render_detail(request, challenge, ContributionForm())


@require_http_methods(["GET", "POST"])
def contribution_create(request: HttpRequest, territory_slug: str, slug: str) -> HttpResponse:
    challenge = get_challenge_for_visitor(request, territory_slug, slug)
    if request.method == "GET":
        return redirect(challenge.get_absolute_url() + "#contribuer")
    form = ContributionForm(request.POST)
    if not allow("contribution", client_key(request), limit=10, window=600):
        form.refuse_flood()
        return _render_detail(request, challenge, form, status=429)
    if not form.is_valid():
        return _render_detail(request, challenge, form, status=400)
    try:
        contribution = contribute(challenge=challenge, **form.contribution_fields())
    except ContributionRefused as refusal:
        apply_refusal(form, refusal)
        return _render_detail(request, challenge, form, status=409)
    messages.success(request, _("Merci ! Votre contribution est publiée."))
    return redirect(f"{challenge.get_absolute_url()}#contribution-{contribution.pk}")


def _render_detail(
    request: HttpRequest, challenge: Challenge, form: ContributionForm, status: int = 200
) -> HttpResponse:
    contributions = paginate(
        request,
        visible_contributions(challenge),
        per_page=CONTRIBUTIONS_PAGE_SIZE,
        param="contributions",
        anchor="contributions",
    )
    response = render(
        request,
        "challenges/challenge_detail.html",
        {
            "territory": challenge.territory,
            "challenge": challenge,
            "contributions": contributions.items,
            "contribution_page": contributions,
            "form": form,
        },
        status=status,
    )
    if not challenge.is_public:
        response["X-Robots-Tag"] = NOINDEX
    return response


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest, territory_slug: str) -> HttpResponse:
    territory = get_object_or_404(Territory, slug=territory_slug)
    status = 200
    if request.method == "POST":
        form = SignUpForm(request.POST, territory=territory)
        if not allow("signup", client_key(request), limit=5, window=600):
            form.refuse_flood()
            status = 429
        elif form.is_valid():
            # The same redirect and page whether the address was new or had already signed up
            # (then its owner gets an e-mail and nothing changes): no telling who signed up.
            person = sign_up(territory=territory, **form.signup_fields())
            request.session[SIGNUP_SESSION_KEY] = {"territory": territory.pk, "email": person.email}
            return redirect("signup_thanks", territory_slug=territory.slug)
        else:
            status = 400
    else:
        chosen = request.GET.get("defi", "")
        initial = {}
        if chosen:
            initial["challenges"] = list(
                open_challenges(territory).filter(slug=chosen).values_list("pk", flat=True)
            )
        form = SignUpForm(territory=territory, initial=initial)
    return render(
        request, "challenges/signup.html", {"territory": territory, "form": form}, status=status
    )


@require_safe
def signup_thanks(request: HttpRequest, territory_slug: str) -> HttpResponse:
    territory = get_object_or_404(Territory, slug=territory_slug)
    last = request.session.get(SIGNUP_SESSION_KEY) or {}
    email = last.get("email") if last.get("territory") == territory.pk else None
    return render(
        request, "challenges/signup_thanks.html", {"territory": territory, "email": email}
    )


@require_http_methods(["GET", "POST"])
def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    # E-mail scanners open links: a GET only shows the button, the POST spends the token.
    if request.method == "GET":
        return render(request, "challenges/signup_confirm.html")
    try:
        person = confirm_sign_up(token=token)
    except ConfirmationRefused as refusal:
        return render(
            request, "challenges/signup_confirm.html", {"refusal": str(refusal)}, status=400
        )
    return render(
        request,
        "challenges/signup_confirm.html",
        {
            "signup": person,
            "territory": person.territory,
            "challenges": person.challenges.order_by("order", "title"),
        },
    )


@require_http_methods(["GET", "POST"])
def signup_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link e-mailed to an address that had already signed up: the GET shows the details
    proposed (e-mail scanners open links), the POST applies them."""
    try:
        if request.method == "GET":
            change = read_change(token)
            return render(request, "challenges/signup_change_confirm.html", {"change": change})
        person = confirm_change(token=token)
    except ConfirmationRefused as refusal:
        return render(
            request,
            "challenges/signup_change_confirm.html",
            {"refusal": str(refusal)},
            status=400,
        )
    return render(
        request,
        "challenges/signup_confirm.html",
        {
            "signup": person,
            "territory": person.territory,
            "challenges": person.challenges.order_by("order", "title"),
        },
    )
