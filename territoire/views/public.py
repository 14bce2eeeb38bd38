"""Public pages: the territories and one territory's page."""

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from territoire.extensions import Meter, territory_cards, territory_links
from territoire.impact.registry import territory_progress
from territoire.models import Territory
from territoire.queries import public_territories

# The network in brief on the home page: a handful of lines, the furthest along first.
NETWORK_LINES = 6


def network_in_brief(territories: list[Territory], today: datetime.date) -> list[dict]:
    """Each territory's jobs against its target and its projects alive, for the home page: the
    territories furthest along in their cycle first, at most ``NETWORK_LINES``."""
    started = sorted(
        (t for t in territories if t.launched_on <= today),
        key=lambda t: (t.evening_on or datetime.date.max, t.name),
    )[:NETWORK_LINES]
    progress = territory_progress(started, today)
    return [
        {
            "territory": territory,
            "progress": progress[territory.pk],
            "meter": Meter(progress[territory.pk].jobs_verified, territory.job_target),
        }
        for territory in started
    ]


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
        request,
        "territoire/home.html",
        {
            "territories": territories,
            "evenings": evenings,
            "network": network_in_brief(territories, timezone.localdate()),
        },
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
    """The privacy notice in general, and each territory's (territoire/privacy)."""
    territories = Territory.objects.only("name", "slug").order_by("name")
    return render(request, "territoire/privacy.html", {"territories": territories})
