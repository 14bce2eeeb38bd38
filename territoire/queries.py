"""Reads several callers share: who holds which role where."""

from collections import defaultdict

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, QuerySet

from territoire.enums import Role
from territoire.models import Domain, Membership, Territory, User

_CACHE_ATTR = "_territoire_roles"


def roles_by_territory(user: User | AnonymousUser) -> dict[int, frozenset[str]]:
    """The roles ``user`` holds, by territory id. One query, then cached on the user object."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        roles: dict[int, set[str]] = defaultdict(set)
        for territory_id, role in Membership.objects.filter(user=user).values_list(
            "territory_id", "role"
        ):
            roles[territory_id].add(role)
        cached = {tid: frozenset(r) for tid, r in roles.items()}
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_roles(user: User) -> None:
    """Drop the cached roles, after a membership of ``user`` changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def territory_ids_with_role(user: User | AnonymousUser, role: str) -> set[int]:
    return {tid for tid, roles in roles_by_territory(user).items() if role in roles}


def organised_territory_ids(user: User | AnonymousUser) -> set[int]:
    return territory_ids_with_role(user, Role.ORGANISER)


def public_territories() -> QuerySet[Territory]:
    """Territories for the home page, with their domains, in two queries."""
    return Territory.objects.annotate(
        domain_count=Count("domains", distinct=True)
    ).prefetch_related(Prefetch("domains", queryset=Domain.objects.order_by("name")))


def memberships_for_space(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("territory", "organisation")
        .order_by("territory__name", "role")
    )


def count_by(queryset: QuerySet, field: str) -> dict[int, int]:
    """How many rows of ``queryset`` per value of ``field`` (a territory's id, say). One query."""
    return dict(queryset.values(field).annotate(n=Count("pk")).values_list(field, "n"))
