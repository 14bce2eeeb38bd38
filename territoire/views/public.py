"""Public pages: the territories and one territory's page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from territoire.extensions import territory_cards, territory_links
from territoire.queries import public_territories


def home(request: HttpRequest) -> HttpResponse:
    territories = list(public_territories())
    cards = territory_cards(territories, slots=["evening"])
    evenings = [
        card
        for territory in territories
        for card in cards.get(territory.pk, [])
        if card.slot == "evening"
    ]
    return render(
        request, "territoire/home.html", {"territories": territories, "evenings": evenings}
    )


def territory_detail(request: HttpRequest, slug: str) -> HttpResponse:
    territory = get_object_or_404(public_territories(), slug=slug)
    today = timezone.localdate()
    cards = territory_cards([territory], slots=["evening", "progress"]).get(territory.pk, [])
    return render(
        request,
        "territoire/territory_detail.html",
        {
            "territory": territory,
            "domains": territory.domains.all(),
            "phase": territory.phase_on(today),
            "links": territory_links(territory),
            "evening_cards": [card for card in cards if card.slot == "evening"],
            "progress_cards": [card for card in cards if card.slot == "progress"],
            "today": today,
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    """The privacy notice people consent to when they sign up."""
    return render(request, "territoire/privacy.html")
