"""A signed-in person's space: their territories and roles, and what they can do there."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from territoire.enums import Role
from territoire.extensions import space_links, space_territories
from territoire.models import Invitation
from territoire.queries import memberships_for_space


@login_required
def space(request: HttpRequest) -> HttpResponse:
    territories: dict[int, dict] = {}
    for membership in memberships_for_space(request.user):
        entry = territories.setdefault(
            membership.territory_id, {"territory": membership.territory, "roles": []}
        )
        entry["roles"].append(membership)
    for territory in space_territories(request.user):
        territories.setdefault(territory.pk, {"territory": territory, "roles": []})
    for entry in territories.values():
        roles = frozenset(m.role for m in entry["roles"])
        entry["is_organiser"] = Role.ORGANISER in roles
        entry["links"] = space_links(request.user, entry["territory"], roles)
    pending = Invitation.objects.filter(
        email__iexact=request.user.email,
        accepted_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("territory")
    return render(
        request,
        "territoire/space.html",
        {"territories": list(territories.values()), "pending_invitations": pending},
    )
