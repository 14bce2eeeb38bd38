"""The territory's public page where a local actor, without an account, proposes a resource."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accompaniment.domain import needs
from accompaniment.domain.errors import Refused
from accompaniment.forms import ProposeOfferForm
from territoire.forms import apply_refusal
from territoire.models import Territory
from territoire.ratelimit import allow, client_key

THANKS = "merci"


@require_http_methods(["GET", "HEAD", "POST"])
def resource_offer_public(request: HttpRequest, territory: str) -> HttpResponse:
    """GET: the form (or the thank-you state after a proposal). POST: propose, then 303 back."""
    place = get_object_or_404(Territory, slug=territory)
    status = 200
    if request.method == "POST":
        form = ProposeOfferForm(request.POST)
        if not allow("resource_offer", client_key(request), limit=5, window=600):
            form.refuse_flood()
            status = 429
        elif form.is_valid():
            try:
                needs.propose_offer(territory=place, **form.offer_fields())
            except Refused as refusal:
                apply_refusal(form, refusal)
                status = 400
            else:
                url = reverse("resource_offer_public", kwargs={"territory": place.slug})
                return HttpResponseRedirect(f"{url}?{THANKS}=1", status=303)
        else:
            status = 400
    else:
        form = ProposeOfferForm()
    return render(
        request,
        "accompaniment/resource_offer_public.html",
        {
            "territory": place,
            "form": form,
            "thanks": request.method != "POST" and THANKS in request.GET,
        },
        status=status,
    )
