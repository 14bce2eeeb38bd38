"""Factories of the followed projects: one per model, no surprising defaults."""

import secrets

import factory
from django.utils import timezone

from projects.enums import MemberRole, ProjectStatus
from projects.models import Project, ProjectFollower, ProjectMember
from tests.factories import TerritoryFactory


class ProjectFactory(factory.django.DjangoModelFactory):
    """A published project, public in its territory's showcase."""

    class Meta:
        model = Project

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Projet suivi {n}")
    slug = factory.Sequence(lambda n: f"projet-suivi-{n}")
    pitch = "Un bus qui va au-devant des seniors isolés."
    status = ProjectStatus.ACTIVE
    is_public = True


class ProjectMemberFactory(factory.django.DjangoModelFactory):
    """A team member who accepted their invitation when ``user`` is given, invited otherwise."""

    class Meta:
        model = ProjectMember

    project = factory.SubFactory(ProjectFactory)
    user = None
    full_name = factory.Sequence(lambda n: f"Membre {n}")
    email = factory.LazyAttribute(
        lambda o: o.user.email if o.user else f"membre{secrets.token_hex(4)}@example.org"
    )
    role = MemberRole.MEMBER
    invited_at = factory.LazyFunction(timezone.now)
    joined_at = factory.LazyAttribute(lambda o: timezone.now() if o.user else None)


class ProjectFollowerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectFollower

    project = factory.SubFactory(ProjectFactory)
    email = factory.Sequence(lambda n: f"suiveur{n}@example.org")
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))
    confirmed_at = factory.LazyFunction(timezone.now)
