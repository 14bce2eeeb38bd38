"""A signed-in person's space: per territory, what to do next (cards), then the other pages."""

import rules
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from territoire.enums import Role
from territoire.extensions import (
    SpaceEntry,
    space_cards,
    space_links,
    space_territories,
    space_todos,
)
from territoire.http import AuthenticatedRequest
from territoire.models import Invitation
from territoire.queries import memberships_for_space


@login_required
def space(request: AuthenticatedRequest) -> HttpResponse:
    territories: dict[int, dict] = {}
    for membership in memberships_for_space(request.user):
        entry = territories.setdefault(
            membership.territory_id, {"territory": membership.territory, "roles": []}
        )
        entry["roles"].append(membership)
    for territory in space_territories(request.user):
        territories.setdefault(territory.pk, {"territory": territory, "roles": []})
    entries = [
        SpaceEntry(entry["territory"], frozenset(m.role for m in entry["roles"]))
        for entry in territories.values()
    ]
    cards = space_cards(request.user, entries)
    todos = space_todos(request.user, entries)
    for space_entry, entry in zip(entries, territories.values(), strict=True):
        pk = space_entry.territory.pk
        entry["is_organiser"] = request.user.is_superuser or Role.ORGANISER in space_entry.roles
        entry["cards"] = cards.get(pk, [])
        entry["todos"] = todos.get(pk, [])
        entry["links"] = space_links(request.user, space_entry.territory, space_entry.roles)
    pending = Invitation.objects.filter(
        email__iexact=request.user.email,
        accepted_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).select_related("territory")
    return render(
        request,
        "territoire/space.html",
        {
            "territories": list(territories.values()),
            "pending_invitations": pending,
            # The rule alone: Django's model backend would query the user's permissions twice.
            "can_view_network": rules.has_perm("territoire.view_network", request.user),
        },
    )
