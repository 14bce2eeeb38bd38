"""One person's footprint in every app, and a scan of every text field for what is left of it
(tests/territoire/test_privacy*.py)."""

import secrets

from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.utils import timezone

from accompaniment.models import JobRecord, ReminderPreference
from challenges.models import Contribution, SignUp
from events.enums import EventStatus, RegistrationStatus
from events.models import Idea, Participant, Registration, Table, TableFollower, TeamMember, Vote
from projects.models import ProjectMember
from territoire.enums import ReportStatus, Role
from territoire.models import User
from territoire.reports.models import Report
from tests.accompaniment.factories import (
    IndicatorValueFactory,
    JobRecordFactory,
    ResourceOfferFactory,
)
from tests.challenges.factories import (
    ChallengeFactory,
    ContributionFactory,
    SignUpFactory,
    TrainingAttendanceFactory,
    TrainingSessionFactory,
)
from tests.events.factories import (
    EventFactory,
    FormedProjectFactory,
    IdeaFactory,
    ParticipantFactory,
    QuoteFactory,
    RegistrationFactory,
    SynthesisContributionFactory,
    TableFactory,
    TeamMemberFactory,
    VoteFactory,
)
from tests.factories import InvitationFactory, MembershipFactory
from tests.projects.factories import ProjectFollowerFactory, ProjectMemberFactory

EMAIL = "jeanne.privatissima@example.org"
NAME = "Jeanne Privatissima"
PHONE = "0612345678"
OTHER_EMAIL = "paul.autrissimo@example.org"
OTHER_NAME = "Paul Autrissimo"
APPS = ("territoire", "challenges", "events", "projects", "accompaniment", "admin", "account")


def footprint(cast, *, email: str, name: str, phone: str, user: User | None) -> None:
    """Rows about one person in every app."""
    territory = cast.territory
    challenge = ChallengeFactory(territory=territory)
    signup = SignUpFactory(territory=territory, full_name=name, email=email, challenges=[challenge])
    ContributionFactory(challenge=challenge, author_name=name, author_email=email, signup=signup)
    # The evening is over (an upcoming one: test_erasure_gives_up_a_place_still_to_come).
    event = EventFactory(territory=territory, status=EventStatus.FINISHED)
    table = TableFactory(event=event, challenge=challenge)
    registration = RegistrationFactory(
        event=event, full_name=name, email=email.upper(), consent_to_be_named=True
    )
    participant = ParticipantFactory(table=table, registration=registration, display_name=name)
    idea = IdeaFactory(table=table, participant=participant, text="Un jardin partagé")
    VoteFactory(idea=idea, participant=participant)
    VoteFactory(idea=IdeaFactory(table=table), participant=participant)
    QuoteFactory(table=table, participant=participant, speaker_name=name)
    # Typed by the facilitator, with her name only.
    QuoteFactory(table=table, participant=None, speaker_name=name.upper())
    SynthesisContributionFactory(table=table, participant=participant, person_name=name)
    TableFollower.objects.create(table=table, email=email, token=secrets.token_urlsafe(16))
    formed = FormedProjectFactory(table=table)
    TeamMemberFactory(
        project=formed,
        participant=participant,
        full_name=name,
        email=email,
        phone=phone,
        is_lead=True,
    )
    ProjectMemberFactory(project=cast.project, user=user, full_name=name, email=email, phone=phone)
    ProjectFollowerFactory(project=cast.project, email=email)
    ResourceOfferFactory(territory=territory, contact_name=name, contact_email=email)
    InvitationFactory(territory=territory, email=email, full_name=name)
    if user is not None:
        MembershipFactory(territory=territory, role=Role.FACILITATOR, user=user)
        TrainingAttendanceFactory(
            session=TrainingSessionFactory(territory=territory), facilitator=user
        )
        JobRecordFactory(project=cast.project, declared_by=user)
        IndicatorValueFactory(indicator__project=cast.project, declared_by=user)
        ReminderPreference.objects.create(user=user, token=secrets.token_urlsafe(16))
        LogEntry.objects.create(
            user=cast.organiser,
            content_type=ContentType.objects.get_for_model(Registration),
            object_id=str(registration.pk),
            object_repr=f"{name} <{email}>",
            action_flag=ADDITION,
        )


def rendered_report(territory) -> Report:
    report = Report(territory=territory, kind="synthesis", title="Synthèse", parameters={})
    report.file.save("synthese.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    report.status = ReportStatus.READY
    report.page_count = 1
    report.finished_at = timezone.now()
    report.save()
    return report


def rows_mentioning(needle: str) -> list[str]:
    """Every row of every model of ours (and the admin's history, allauth's addresses) whose
    text fields contain ``needle``."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label not in APPS:
            continue
        text_fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if not text_fields:
            continue
        query = Q()
        for name in text_fields:
            query |= Q(**{f"{name}__icontains": needle})
        for pk in model._base_manager.filter(query).values_list("pk", flat=True):
            found.append(f"{model._meta.label}#{pk}")
    return found


def aggregates() -> dict[str, object]:
    return {
        "registrations": Registration.objects.count(),
        "confirmed": Registration.objects.filter(status=RegistrationStatus.CONFIRMED).count(),
        "signups": SignUp.objects.count(),
        "contributions": Contribution.objects.count(),
        "participants": Participant.objects.count(),
        "ideas": Idea.objects.count(),
        "votes": Vote.objects.count(),
        "team": TeamMember.objects.count(),
        "project_members": ProjectMember.objects.count(),
        "jobs": JobRecord.objects.count(),
        "job_numbers": sum(JobRecord.objects.values_list("number", flat=True)),
        "tables": list(Table.objects.order_by("pk").values_list("vote_count", "idea_count")),
    }
