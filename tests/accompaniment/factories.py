"""Factories of the accompaniment: one per model, no surprising defaults."""

import datetime
import secrets
from decimal import Decimal

import factory

from accompaniment.enums import Aggregation, Contract, JobKind, JobStatus, NeedKind, ReminderKind
from accompaniment.models import (
    Indicator,
    IndicatorValue,
    JobRecord,
    MeetingNote,
    Milestone,
    MilestoneTemplate,
    Need,
    NeedMatch,
    Plan,
    ProjectUpdate,
    ReminderDigest,
    ReminderItem,
    ReminderPreference,
    ResourceOffer,
)
from tests.factories import TerritoryFactory, UserFactory
from tests.projects.factories import ProjectFactory


class MilestoneTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MilestoneTemplate

    territory = factory.SubFactory(TerritoryFactory)
    title = factory.Sequence(lambda n: f"Jalon type {n}")
    month = 3
    order = 0


class PlanFactory(factory.django.DjangoModelFactory):
    """An 18-month plan started on 1 July 2026 (no milestones: use start_plan for those)."""

    class Meta:
        model = Plan

    project = factory.SubFactory(ProjectFactory)
    months = 18
    starts_on = datetime.date(2026, 7, 1)
    ends_on = factory.LazyAttribute(
        lambda o: datetime.date(
            o.starts_on.year + (o.starts_on.month - 1 + o.months) // 12,
            (o.starts_on.month - 1 + o.months) % 12 + 1,
            1,
        )
    )


class MilestoneFactory(factory.django.DjangoModelFactory):
    """An open milestone, due on 1 October 2026."""

    class Meta:
        model = Milestone

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Jalon {n}")
    due_on = datetime.date(2026, 10, 1)


class ProjectUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectUpdate

    project = factory.SubFactory(ProjectFactory)
    month = datetime.date(2026, 9, 1)
    text = "Le bus a fait sa première tournée."
    is_public = False
    author = None


class JobRecordFactory(factory.django.DjangoModelFactory):
    """One full-time permanent job created, declared (not yet verified)."""

    class Meta:
        model = JobRecord

    project = factory.SubFactory(ProjectFactory)
    occurred_on = datetime.date(2026, 9, 15)
    number = 1
    contract = Contract.PERMANENT
    fte = Decimal("1.00")
    kind = JobKind.CREATED
    status = JobStatus.DECLARED
    declared_by = None


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    project = factory.SubFactory(ProjectFactory)
    kind = NeedKind.PREMISES
    description = "Un garage pour le bus, l'hiver."


class ResourceOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ResourceOffer

    territory = factory.SubFactory(TerritoryFactory)
    organisation = None
    kind = NeedKind.PREMISES
    title = factory.Sequence(lambda n: f"Ressource {n}")
    contact_name = "Claire Ressource"
    contact_email = factory.Sequence(lambda n: f"ressource{n}@example.org")


class NeedMatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NeedMatch

    need = factory.SubFactory(NeedFactory)
    offer = factory.SubFactory(
        ResourceOfferFactory, territory=factory.SelfAttribute("..need.project.territory")
    )
    note = ""
    matched_by = None


class MeetingNoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingNote

    project = factory.SubFactory(ProjectFactory)
    met_on = datetime.date(2026, 9, 20)
    text = "Point d'étape : le prototype roule."
    author = None


class ReminderPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderPreference

    user = factory.SubFactory(UserFactory)
    token = factory.LazyFunction(lambda: secrets.token_urlsafe(32))


class ReminderDigestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderDigest

    user = factory.SubFactory(UserFactory)
    day = datetime.date(2026, 10, 1)


class ReminderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderItem

    digest = factory.SubFactory(ReminderDigestFactory)
    user = factory.SelfAttribute("digest.user")
    kind = ReminderKind.NO_UPDATE
    project = factory.SubFactory(ProjectFactory)
    milestone = None
    occasion = datetime.date(2026, 10, 1)


class IndicatorFactory(factory.django.DjangoModelFactory):
    """ "Seniors rencontrés", 0 → 300 personnes, the periods' values added up."""

    class Meta:
        model = Indicator

    project = factory.SubFactory(ProjectFactory)
    name = factory.Sequence(lambda n: f"Seniors rencontrés {n}")
    unit = "personnes"
    baseline = Decimal("0")
    target = Decimal("300")
    aggregation = Aggregation.SUM


class IndicatorValueFactory(factory.django.DjangoModelFactory):
    """40 over September 2026, declared (not yet verified)."""

    class Meta:
        model = IndicatorValue

    indicator = factory.SubFactory(IndicatorFactory)
    period_start = datetime.date(2026, 9, 1)
    period_end = datetime.date(2026, 9, 30)
    value = Decimal("40")
    status = JobStatus.DECLARED
    declared_by = None
