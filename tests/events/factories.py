"""Factories of the evening: one per model, no surprising defaults."""

import datetime
import uuid

import factory
from django.utils import timezone

from events.enums import EventStatus, Phase, ProgrammeKind, RegistrationStatus
from events.models import (
    Event,
    FormedProject,
    Idea,
    Participant,
    ProgrammeItem,
    Quote,
    Registration,
    SynthesisContribution,
    Table,
    TeamMember,
    Vote,
)
from tests.challenges.factories import ChallengeFactory
from tests.factories import TerritoryFactory


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    territory = factory.SubFactory(TerritoryFactory)
    title = factory.Sequence(lambda n: f"Soirée de lancement {n}")
    slug = factory.Sequence(lambda n: f"soiree-{n}")
    venue = "Vélodrome couvert, Roubaix"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=6))
    capacity = 1000
    status = EventStatus.REGISTRATION_OPEN


class ProgrammeItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeItem

    event = factory.SubFactory(EventFactory)
    kind = ProgrammeKind.WELCOME
    title = "Accueil"
    starts_at = factory.LazyAttribute(lambda o: o.event.starts_at)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    full_name = factory.Sequence(lambda n: f"Participant·e {n}")
    email = factory.Sequence(lambda n: f"soiree{n}@example.org")
    status = RegistrationStatus.CONFIRMED
    ticket_code = factory.Sequence(lambda n: f"T{n:07d}")
    consented_at = factory.LazyFunction(timezone.now)


class TableFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Table
        skip_postgeneration_save = True

    event = factory.SubFactory(EventFactory)
    challenge = factory.LazyAttribute(lambda o: ChallengeFactory(territory=o.event.territory))
    name = factory.Sequence(lambda n: f"Table {n}")
    code = factory.Sequence(lambda n: f"TB{n:04d}")
    phase = Phase.IDEATION

    @factory.post_generation
    def facilitators(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.facilitators.set(extracted)


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    table = factory.SubFactory(TableFactory)
    display_name = factory.Sequence(lambda n: f"Voisin·e {n}")
    key = factory.Sequence(lambda n: f"cle-{n:040d}")
    dots_left = factory.LazyAttribute(lambda o: o.table.dots_per_participant)


class IdeaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Idea

    table = factory.SubFactory(TableFactory)
    participant = factory.LazyAttribute(lambda o: ParticipantFactory(table=o.table))
    text = factory.Sequence(lambda n: f"Idée n°{n} : un bus numérique de quartier")
    client_key = factory.LazyFunction(uuid.uuid4)


class VoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vote

    idea = factory.SubFactory(IdeaFactory)
    participant = factory.LazyAttribute(lambda o: ParticipantFactory(table=o.idea.table))
    client_key = factory.LazyFunction(uuid.uuid4)


class FormedProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FormedProject

    table = factory.SubFactory(TableFactory)
    name = factory.Sequence(lambda n: f"Projet {n}")
    pitch = "Un bus qui va au-devant des seniors isolés."


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    project = factory.SubFactory(FormedProjectFactory)
    full_name = factory.Sequence(lambda n: f"Équipier·e {n}")
    email = factory.Sequence(lambda n: f"equipe{n}@example.org")


class SynthesisContributionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SynthesisContribution

    table = factory.SubFactory(TableFactory)
    person_name = "Marie Exemple"
    organisation_name = "Mutuelle du Nord"
    consent_to_be_named = True
    text = "Lutter contre l'isolement numérique des seniors, avec les associations."


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    table = factory.SubFactory(TableFactory)
    text = "Quand on y croit, on y va !"
    speaker_name = "Jean Exemple"
    organisation_name = "Mairie"
    consent_to_be_named = True
