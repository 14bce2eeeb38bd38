"""Accepting an invitation: set up an account, or sign in with an existing one, then join."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from territoire.domain.invitations import (
    InvitationRefused,
    accept_invitation,
    check_usable,
    create_account_from_invitation,
)
from territoire.forms import AccountSetupForm
from territoire.models import Invitation, User
from territoire.tokens import is_urlsafe_token

ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@dataclass(frozen=True)
class InvitationPage:
    """What differs between the invitations people accept (a role in a territory, a place in a
    project team); ``accept_invitation_page`` runs the steps they share."""

    email: str
    full_name: str
    template: str
    context: dict
    # The domain's refusal, and the calls that may raise it.
    refused: type[Exception]
    check: Callable[[], object]
    accept: Callable[[User], object]
    create_account: Callable[[str, str | None], User]
    accept_url: str  # where signing in sends the person back
    done_url: str
    welcome: str
    invalid_status: int = 200


def accept_invitation_page(request: HttpRequest, page: InvitationPage) -> HttpResponse:
    """An invitation link opened: refused (410), someone else's (403), accept with the account
    signed in, sign in first with an existing account, or set up a new one and join."""
    context = dict(page.context)

    def refused(refusal: Exception) -> HttpResponse:
        context["refusal"] = str(refusal)
        return render(request, page.template, context, status=410)

    try:
        page.check()
    except page.refused as refusal:
        return refused(refusal)

    user = request.user
    if user.is_authenticated:
        if user.email.lower() != page.email.lower():
            context["wrong_account"] = True
            return render(request, page.template, context, status=403)
        if request.method == "POST":
            try:
                page.accept(user)
            except page.refused as refusal:
                return refused(refusal)
            messages.success(request, page.welcome)
            return redirect(page.done_url)
        return render(request, page.template, context)

    if User.objects.filter(email__iexact=page.email).exists():
        context["login_url"] = reverse("account_login") + "?" + urlencode({"next": page.accept_url})
        return render(request, page.template, context)

    form = AccountSetupForm(
        request.POST or None, email=page.email, initial={"full_name": page.full_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            new_user = page.create_account(
                form.cleaned_data["full_name"], form.cleaned_data["password1"] or None
            )
        except page.refused as refusal:
            form.add_error(None, str(refusal))
        else:
            login(request, new_user, backend=ALLAUTH_BACKEND)
            messages.success(request, page.welcome)
            return redirect(page.done_url)
    context["form"] = form
    return render(
        request, page.template, context, status=page.invalid_status if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    if not is_urlsafe_token(token):  # never one of ours; PostgreSQL refuses a NUL in a query
        raise Http404
    invitation = get_object_or_404(
        Invitation.objects.select_related("territory", "organisation"), token=token
    )
    return accept_invitation_page(
        request,
        InvitationPage(
            email=invitation.email,
            full_name=invitation.full_name,
            template="territoire/invitation_accept.html",
            context={"invitation": invitation},
            refused=InvitationRefused,
            check=lambda: check_usable(invitation),
            accept=lambda user: accept_invitation(invitation=invitation, user=user),
            create_account=lambda full_name, password: create_account_from_invitation(
                invitation=invitation, full_name=full_name, password=password
            ),
            accept_url=invitation.get_absolute_url(),
            done_url=reverse("space"),
            welcome=_welcome(invitation),
        ),
    )


def _welcome(invitation: Invitation) -> str:
    return _("Bienvenue ! Vous êtes désormais %(role)s pour %(territory)s.") % {
        "role": invitation.get_role_display(),
        "territory": invitation.territory.name,
    }
