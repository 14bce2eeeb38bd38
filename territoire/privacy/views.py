"""The privacy pages: a territory's notice and register, "my data" (access and erasure)."""

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from territoire.exports import csv_download, neutralised
from territoire.http import AuthenticatedRequest
from territoire.models import Territory
from territoire.privacy.forms import DataRequestForm, ErasureConfirmForm
from territoire.privacy.links import (
    ERASURE,
    LINK_MAX_AGE,
    LinkRefused,
    read_link,
    send_link,
    use_erasure_link,
)
from territoire.privacy.people import account_for, erase_person, export_person
from territoire.privacy.registry import processings
from territoire.ratelimit import allow, client_key

REQUESTS_PER_HOUR = 5


def privacy_notice(request: HttpRequest, territory: str) -> HttpResponse:
    """The territory's privacy notice: its controller, every processing of every app."""
    territory_obj = get_object_or_404(Territory, slug=territory)
    return render(
        request,
        "territoire/privacy/notice.html",
        {
            "territory": territory_obj,
            "processings": processings(),
            "may_export_register": request.user.has_perm(
                "territoire.view_privacy_register", territory_obj
            ),
        },
    )


@login_required
def privacy_register_csv(request: AuthenticatedRequest, territory: str) -> StreamingHttpResponse:
    """The territory's register of processing, as CSV, for its organisers."""
    territory_obj = get_object_or_404(Territory, slug=territory)
    if not request.user.has_perm("territoire.view_privacy_register", territory_obj):
        raise PermissionDenied
    rows: list[list[object]] = [
        [_("Responsable du traitement"), territory_obj.privacy_controller],
        [_("Contact"), territory_obj.privacy_contact],
        [],
        [
            _("Traitement"),
            _("Finalité"),
            _("Base légale"),
            _("Données"),
            _("Durée de conservation"),
            _("Destinataires"),
        ],
    ]
    rows += [
        [p.name, p.purpose, p.legal_basis, p.data, p.retention, p.recipients] for p in processings()
    ]
    # Semicolons and inert formulas, as the impact exports (what a French Excel opens).
    return csv_download(
        ([neutralised(str(cell)) for cell in row] for row in rows),
        filename=f"registre-des-traitements-{territory_obj.slug}.csv",
    )


def _json_download(data: dict) -> JsonResponse:
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="mes-donnees-{stamp}.json"'
    return response


@require_http_methods(["GET", "POST"])
def data_request(request: HttpRequest) -> HttpResponse:
    """Without an account: an address and what to do; a link is e-mailed to that address."""
    form = DataRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if not allow("privacy-request", client_key(request), limit=REQUESTS_PER_HOUR, window=3600):
            form.add_error(
                None, _("Trop de demandes depuis cette connexion. Réessayez dans une heure.")
            )
        else:
            send_link(email=form.cleaned_data["email"], action=form.cleaned_data["action"])
            # The same page whatever the address: nobody learns who is known here.
            return render(
                request,
                "territoire/privacy/request_sent.html",
                {"hours": int(LINK_MAX_AGE.total_seconds() // 3600)},
            )
    return render(request, "territoire/privacy/request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def data_link(request: HttpRequest, token: str) -> HttpResponse:
    """An e-mailed link. GET shows a button (mail scanners open links); POST acts. An erasure
    link already used shows the "erased" page again (a double click is not an error)."""
    try:
        data_request_row = read_link(token)
    except LinkRefused as refused:
        return render(request, "territoire/privacy/link.html", {"refused": str(refused)})
    action = data_request_row.action
    if action == ERASURE and data_request_row.used_at is not None:
        if request.method == "POST":
            return render(request, "territoire/privacy/erased.html")
        used = _("Ce lien a déjà servi : les données de cette adresse sont effacées.")
        return render(request, "territoire/privacy/link.html", {"refused": used})
    form = (
        ErasureConfirmForm(request.POST if request.method == "POST" else None)
        if action == ERASURE
        else None
    )
    if request.method == "POST":
        email = data_request_row.email
        user = account_for(email)
        if action != ERASURE:
            return _json_download(export_person(email, user))
        assert form is not None  # an erasure link
        if form.is_valid():
            try:
                use_erasure_link(token)
            except LinkRefused as refused:
                return render(request, "territoire/privacy/link.html", {"refused": str(refused)})
            if request.user.is_authenticated and request.user == user:
                logout(request)
            erase_person(email, user)
            return render(request, "territoire/privacy/erased.html")
    return render(
        request, "territoire/privacy/link.html", {"erasure": action == ERASURE, "form": form}
    )


@login_required
def my_data(request: AuthenticatedRequest) -> HttpResponse:
    """A signed-in person's data: download it, or ask for its erasure."""
    return render(request, "territoire/privacy/my_data.html")


@login_required
def my_data_export(request: AuthenticatedRequest) -> JsonResponse:
    return _json_download(export_person(request.user.email, request.user))


@login_required
@require_http_methods(["GET", "POST"])
def my_data_erase(request: AuthenticatedRequest) -> HttpResponse:
    """The confirmation step, then the erasure of everything, the account last."""
    form = ErasureConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        email = user.email
        logout(request)
        erase_person(email, user)
        return redirect("privacy_erased")
    return render(request, "territoire/privacy/erase_confirm.html", {"form": form})


def erased(request: HttpRequest) -> HttpResponse:
    return render(request, "territoire/privacy/erased.html")
