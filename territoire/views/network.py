"""The network page: every territory side by side, for the people who run the dynamic across
territories (network members) and superusers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from territoire.impact.network import standings
from territoire.models import Territory


def impact_url(territory: Territory) -> str:
    """The territory's impact page, when the site has one."""
    try:
        return reverse("impact", kwargs={"territory": territory.slug})
    except NoReverseMatch:
        return ""


@login_required
def network(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("territoire.view_network"):
        raise PermissionDenied
    today = timezone.localdate()
    territories = list(Territory.objects.order_by("name"))
    rows = [
        {"standing": standing, "impact_url": impact_url(standing.territory)}
        for standing in standings(territories, today)
    ]
    return render(request, "territoire/network.html", {"rows": rows, "today": today})
