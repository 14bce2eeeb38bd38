"""Public pages: the territories and one territory's page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from territoire.extensions import territory_links
from territoire.queries import public_territories


def home(request: HttpRequest) -> HttpResponse:
    territories = public_territories()
    return render(request, "territoire/home.html", {"territories": territories})


def territory_detail(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_object_or_404(public_territories(), slug=slug)
    today = timezone.localdate()
    return render(
        request,
        "territoire/territory_detail.html",
        {
            "territory": territory,
            "domains": territory.domains.all(),
            "phase": territory.phase_on(today),
            "links": territory_links(territory),
            "today": today,
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice people consent to when they sign up."""
    return render(request, "territoire/privacy.html")
