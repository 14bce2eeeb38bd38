"""The network page: every territory side by side, for the people who run the dynamic across
territories (network members) and superusers."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from territoire.http import AuthenticatedRequest
from territoire.impact.network import standings
from territoire.models import Territory


@login_required
def network(request: AuthenticatedRequest) -> HttpResponse:
    if not request.user.has_perm("territoire.view_network"):
        raise PermissionDenied
    today = timezone.localdate()
    territories = list(Territory.objects.order_by("name"))
    rows = [
        {
            "standing": standing,
            "impact_url": reverse("impact", kwargs={"territory": standing.territory.slug}),
        }
        for standing in standings(territories, today)
    ]
    return render(request, "territoire/network.html", {"rows": rows, "today": today})
