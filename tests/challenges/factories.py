"""Factories of the mobilisation: one per model, no surprising defaults."""

import datetime

import factory
from django.utils import timezone

from challenges.enums import ActorKind, ChallengeStatus, ContributionKind
from challenges.models import Challenge, Contribution, SignUp, TrainingAttendance, TrainingSession
from tests.factories import DomainFactory, TerritoryFactory, UserFactory


class ChallengeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Challenge

    territory = factory.SubFactory(TerritoryFactory)
    domain = factory.SubFactory(DomainFactory)
    title = factory.Sequence(lambda n: f"Défi {n}")
    slug = factory.Sequence(lambda n: f"defi-{n}")
    question = "Comment faire mieux, ensemble ?"
    status = ChallengeStatus.OPEN
    order = factory.Sequence(lambda n: n * 10)


class SignUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignUp
        skip_postgeneration_save = True

    territory = factory.SubFactory(TerritoryFactory)
    full_name = factory.Sequence(lambda n: f"Personne {n}")
    email = factory.Sequence(lambda n: f"inscrit{n}@example.org")
    actor_kind = ActorKind.CITIZEN
    consented_at = factory.LazyFunction(timezone.now)
    confirmed_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def challenges(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.challenges.set(extracted)


class ContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contribution

    challenge = factory.SubFactory(ChallengeFactory)
    kind = ContributionKind.IDEA
    text = "Un bus qui va au-devant des seniors, quartier par quartier."
    author_name = factory.Sequence(lambda n: f"Contributeur {n}")
    author_email = factory.Sequence(lambda n: f"contrib{n}@example.org")


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingSession

    territory = factory.SubFactory(TerritoryFactory)
    title = "Animer une table de défi"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=10))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    place = "Maison des associations, Roubaix"


class TrainingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingAttendance

    session = factory.SubFactory(TrainingSessionFactory)
    facilitator = factory.SubFactory(UserFactory)
