"""Accepting an invitation: set up an account, or sign in with an existing one, then join."""

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
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

ALLAUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = get_object_or_404(
        Invitation.objects.select_related("territory", "organisation"), token=token
    )
    context: dict = {"invitation": invitation}
    try:
        check_usable(invitation)
    except InvitationRefused as refusal:
        context["refusal"] = str(refusal)
        return render(request, "territoire/invitation_accept.html", context, status=410)

    user = request.user
    if user.is_authenticated:
        if user.email.lower() != invitation.email.lower():
            context["wrong_account"] = True
            return render(request, "territoire/invitation_accept.html", context, status=403)
        if request.method == "POST":
            try:
                accept_invitation(invitation=invitation, user=user)
            except InvitationRefused as refusal:
                context["refusal"] = str(refusal)
                return render(request, "territoire/invitation_accept.html", context, status=410)
            messages.success(request, _welcome(invitation))
            return redirect("space")
        return render(request, "territoire/invitation_accept.html", context)

    if User.objects.filter(email__iexact=invitation.email).exists():
        context["login_url"] = (
            reverse("account_login") + "?" + urlencode({"next": invitation.get_absolute_url()})
        )
        return render(request, "territoire/invitation_accept.html", context)

    form = AccountSetupForm(
        request.POST or None, email=invitation.email, initial={"full_name": invitation.full_name}
    )
    if request.method == "POST" and form.is_valid():
        try:
            new_user = create_account_from_invitation(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"] or None,
            )
        except InvitationRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            login(request, new_user, backend=ALLAUTH_BACKEND)
            messages.success(request, _welcome(invitation))
            return redirect("space")
    context["form"] = form
    return render(request, "territoire/invitation_accept.html", context)


def _welcome(invitation: Invitation) -> str:
    return _("Bienvenue ! Vous êtes désormais %(role)s pour %(territory)s.") % {
        "role": invitation.get_role_display(),
        "territory": invitation.territory.name,
    }
