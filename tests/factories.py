"""One factory per model, no surprising defaults."""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from territoire.enums import OrganisationKind, Role
from territoire.models import Domain, Invitation, Membership, Organisation, Territory, User

PASSWORD = "un-mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    full_name = factory.Faker("name", locale="fr_FR")
    password = factory.LazyFunction(lambda: make_password(PASSWORD, hasher="md5"))

    @factory.post_generation
    def verified_email(self, create: bool, extracted, **kwargs) -> None:
        if create:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Domaine {n}")
    slug = factory.Sequence(lambda n: f"domaine-{n}")


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Territoire {n}")
    slug = factory.Sequence(lambda n: f"territoire-{n}")
    description = "Un territoire qui se mobilise."
    job_target = 250
    launched_on = datetime.date(2026, 3, 2)
    evening_on = datetime.date(2026, 6, 4)
    accompaniment_ends_on = datetime.date(2028, 6, 4)
    job_target_deadline = datetime.date(2029, 6, 4)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.ASSOCIATION


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    territory = factory.SubFactory(TerritoryFactory)
    role = Role.ORGANISER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    territory = factory.SubFactory(TerritoryFactory)
    email = factory.Sequence(lambda n: f"invite{n}@example.org")
    role = Role.FACILITATOR
    token = factory.Sequence(lambda n: f"jeton-{n:032d}")
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
