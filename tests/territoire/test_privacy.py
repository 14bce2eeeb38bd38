"""Privacy (GDPR): a person downloads everything held about them and has it erased; the notice
and the register list every processing of every app."""

import datetime
import json
import re
import secrets

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from accompaniment.models import JobRecord, ReminderPreference
from challenges.models import Contribution, SignUp
from events.enums import EventStatus, RegistrationStatus
from events.models import Idea, Participant, Registration, Table, TableFollower, TeamMember, Vote
from projects.models import ProjectMember
from territoire.enums import ReportStatus, Role
from territoire.models import User
from territoire.privacy import links as privacy_links
from territoire.privacy.people import erase_person, export_person
from territoire.privacy.registry import privacy_providers, processings
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
from tests.factories import InvitationFactory, MembershipFactory, UserFactory
from tests.projects.factories import ProjectFollowerFactory, ProjectMemberFactory

EMAIL = "jeanne.privatissima@example.org"
NAME = "Jeanne Privatissima"
PHONE = "0612345678"
OTHER_EMAIL = "paul.autrissimo@example.org"
OTHER_NAME = "Paul Autrissimo"
APPS = ("territoire", "challenges", "events", "projects", "accompaniment", "admin", "account")


def _footprint(cast, *, email: str, name: str, phone: str, user: User | None) -> None:
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


def _report(territory) -> Report:
    report = Report(territory=territory, kind="synthesis", title="Synthèse", parameters={})
    report.file.save("synthese.pdf", ContentFile(b"%PDF-1.7\n%%EOF\n"), save=False)
    report.status = ReportStatus.READY
    report.page_count = 1
    report.finished_at = timezone.now()
    report.save()
    return report


@pytest.fixture
def jeanne(cast) -> User:
    user = UserFactory(email=EMAIL, full_name=NAME)
    _footprint(cast, email=EMAIL, name=NAME, phone=PHONE, user=user)
    other = UserFactory(email=OTHER_EMAIL, full_name=OTHER_NAME)
    _footprint(cast, email=OTHER_EMAIL, name=OTHER_NAME, phone="0798765432", user=other)
    return user


def _rows_mentioning(needle: str) -> list[str]:
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


def _aggregates() -> dict[str, object]:
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


def test_every_app_registers_its_processings():
    assert [p.app for p in privacy_providers()] == [
        "territoire",
        "challenges",
        "events",
        "projects",
        "accompaniment",
    ]
    names = {str(p.name) for p in processings()}
    assert {"Inscriptions à la mobilisation", "Inscriptions à la soirée", "Équipes projet"} <= names
    assert all(p.legal_basis and p.retention for p in processings())


def test_export_holds_the_persons_rows_from_every_app_and_nothing_of_others(jeanne):
    data = export_person(EMAIL, jeanne)
    text = json.dumps(data, ensure_ascii=False)
    assert OTHER_NAME not in text and OTHER_EMAIL not in text
    assert data["territoire"]["compte"]["nom"] == NAME
    assert data["territoire"]["invitations"][0]["adresse"] == EMAIL
    assert data["challenges"]["inscriptions"][0]["nom"] == NAME
    assert len(data["challenges"]["contributions"]) == 1
    assert len(data["challenges"]["formation"]) == 1
    events = data["events"]
    assert events["inscriptions"][0]["adresse"] == EMAIL.upper()
    assert events["tables"][0]["idees"] == ["Un jardin partagé"]
    assert events["tables"][0]["votes"] == 2
    assert len(events["citations"]) == len(events["synthese"]) == 1
    assert events["nouvelles_de_table"][0]["adresse"] == EMAIL
    assert events["equipes"][0]["telephone"] == PHONE
    assert data["projects"]["equipes_projet"][0]["telephone"] == PHONE
    assert len(data["projects"]["nouvelles_de_projet"]) == 1
    accompaniment = data["accompaniment"]
    assert accompaniment["offres"][0]["contact"] == NAME
    assert accompaniment["emplois"][0]["declare_par_vous"] is True
    assert len(accompaniment["indicateurs"]) == 1
    assert accompaniment["rappels"]["stopped"] is False


def test_erasure_leaves_no_trace_and_keeps_the_figures(
    cast, jeanne, django_capture_on_commit_callbacks
):
    mine = _report(cast.territory)
    elsewhere = _report(cast.other_territory)
    assert _rows_mentioning("privatissima")
    before = _aggregates()

    with django_capture_on_commit_callbacks(execute=True):
        erase_person(EMAIL, jeanne)

    assert _rows_mentioning("privatissima") == []
    assert _rows_mentioning(PHONE) == []
    assert not User.objects.filter(email__iexact=EMAIL).exists()
    assert _aggregates() == before
    # The other person is untouched.
    assert len(_rows_mentioning("autrissimo")) >= 12
    # The rendered PDFs that could name her are gone, with their files; elsewhere stays.
    assert not Report.objects.filter(pk=mine.pk).exists()
    assert not mine.file.storage.exists(mine.file.name)
    assert Report.objects.filter(pk=elsewhere.pk).exists()
    # Her verified figure stays counted, without her.
    assert JobRecord.objects.filter(declared_by__isnull=True).count() == 1


def test_erasure_without_an_account(cast, db):
    _footprint(cast, email=EMAIL, name=NAME, phone=PHONE, user=None)
    before = _aggregates()
    erase_person(EMAIL, None)
    assert _rows_mentioning("privatissima") == []
    assert _aggregates() == before


# The pages


def test_territory_notice_lists_every_processing_and_its_controller(
    client, cast, django_assert_max_num_queries
):
    cast.territory.privacy_controller = "Métropole A, 1 place de la Mairie"
    cast.territory.privacy_contact = "dpo@metropole-a.example.org"
    cast.territory.save()
    with django_assert_max_num_queries(6):
        response = client.get(reverse("privacy_notice", args=[cast.territory.slug]))
    content = response.content.decode()
    assert "1 place de la Mairie" in content
    assert "dpo@metropole-a.example.org" in content
    for processing in processings():
        assert str(escape(processing.name)) in content
        assert str(escape(processing.retention)) in content


def test_sign_up_and_registration_forms_link_the_territory_notice(client, cast):
    url = reverse("privacy_notice", args=[cast.territory.slug])
    assert url in client.get(reverse("signup", args=[cast.territory.slug])).content.decode()
    event = EventFactory(territory=cast.territory)
    response = client.get(reverse("event_register", args=[event.slug]))
    assert url in response.content.decode()
    assert (
        url in client.get(reverse("territory_detail", args=[cast.territory.slug])).content.decode()
    )


def test_organisers_export_the_register(client, cast, django_assert_max_num_queries):
    url = reverse("privacy_register_csv", args=[cast.territory.slug])
    client.force_login(cast.organiser)
    with django_assert_max_num_queries(8):
        response = client.get(url)
    body = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    assert "Inscriptions à la soirée" in body and "Base légale" in body
    client.force_login(cast.other_organiser)
    assert client.get(url).status_code == 403
    client.force_login(cast.facilitator)
    assert client.get(url).status_code == 403


def test_signed_in_person_downloads_their_data(client, jeanne, django_assert_max_num_queries):
    client.force_login(jeanne)
    with django_assert_max_num_queries(6):
        assert client.get(reverse("my_data")).status_code == 200
    with django_assert_max_num_queries(40):
        response = client.get(reverse("my_data_export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["territoire"]["compte"]["adresse"] == EMAIL
    assert OTHER_EMAIL not in response.content.decode()


def test_signed_in_erasure_asks_for_confirmation_then_erases_everything(client, cast, jeanne):
    client.force_login(jeanne)
    url = reverse("my_data_erase")
    response = client.post(url, {})
    assert response.status_code == 200
    assert "Cochez la case" in response.content.decode()
    assert User.objects.filter(pk=jeanne.pk).exists()

    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302 and response.url == reverse("privacy_erased")
    assert not User.objects.filter(pk=jeanne.pk).exists()
    assert _rows_mentioning("privatissima") == []
    assert client.get(reverse("space")).status_code == 302  # signed out


def _without_csrf(response) -> str:
    content = re.sub(r'"X-CSRFToken": "[^"]*"', "", response.content.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content)


def test_public_request_answers_the_same_for_known_and_unknown_addresses(
    client, jeanne, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    url = reverse("privacy_request")
    with django_assert_max_num_queries(40), django_capture_on_commit_callbacks(execute=True):
        known = client.post(url, {"email": EMAIL, "action": "access"})
    with django_capture_on_commit_callbacks(execute=True):
        unknown = client.post(url, {"email": "personne.inconnue@example.org", "action": "access"})
    assert known.status_code == unknown.status_code == 200
    assert _without_csrf(known) == _without_csrf(unknown)
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert "/mes-donnees/lien/" in mail.outbox[0].body


def test_public_request_keeps_what_was_typed_on_a_bad_address(client, db):
    response = client.post(
        reverse("privacy_request"), {"email": "pas-une-adresse", "action": "access"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "pas-une-adresse" in content and "n&#x27;est pas valide" in content
    assert mail.outbox == []


def test_e_mailed_access_link_downloads_the_data(client, jeanne):
    url = reverse("privacy_link", args=[privacy_links.link_token(EMAIL, privacy_links.ACCESS)])
    assert "Télécharger mes données" in client.get(url).content.decode()
    response = client.post(url)
    data = json.loads(response.content)
    assert data["challenges"]["inscriptions"][0]["nom"] == NAME


def test_e_mailed_erasure_link_erases_only_after_the_confirmation(client, jeanne):
    url = reverse("privacy_link", args=[privacy_links.link_token(EMAIL, privacy_links.ERASURE)])
    client.get(url)  # a mail scanner opening the link changes nothing
    assert User.objects.filter(pk=jeanne.pk).exists()
    client.post(url, {})
    assert User.objects.filter(pk=jeanne.pk).exists()
    response = client.post(url, {"confirm": "on"})
    assert "Vos données ont été effacées" in response.content.decode()
    assert not User.objects.filter(pk=jeanne.pk).exists()
    assert _rows_mentioning("privatissima") == []


@pytest.mark.parametrize(
    "token",
    ["nimporte-quoi", "eyJlIjoiYUBiLmMiLCJhIjoiZXJhc3VyZSJ9:1abc:xyz", "\u00b2", "a" * 500],
)
def test_tampered_links_answer_in_french(client, jeanne, token):
    response = client.post(reverse("privacy_link", args=[token]), {"confirm": "on"})
    assert response.status_code == 200
    assert "Ce lien n&#x27;est pas valide." in response.content.decode()
    assert User.objects.filter(pk=jeanne.pk).exists()


def test_expired_links_answer_in_french(client, jeanne, monkeypatch):
    token = privacy_links.link_token(EMAIL, privacy_links.ERASURE)
    monkeypatch.setattr(privacy_links, "LINK_MAX_AGE", datetime.timedelta(seconds=-1))
    response = client.post(reverse("privacy_link", args=[token]), {"confirm": "on"})
    assert "Ce lien a expiré." in response.content.decode()
    assert User.objects.filter(pk=jeanne.pk).exists()


def test_general_notice_links_each_territory_notice_and_the_request_page(
    client, cast, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        response = client.get(reverse("privacy"))
    content = response.content.decode()
    assert reverse("privacy_notice", args=[cast.territory.slug]) in content
    assert reverse("privacy_notice", args=[cast.other_territory.slug]) in content
    assert reverse("privacy_request") in content


def test_the_space_links_my_data_and_the_organisers_register(client, cast):
    client.force_login(cast.organiser)
    content = client.get(reverse("space")).content.decode()
    assert reverse("my_data") in content
    assert reverse("privacy_register_csv", args=[cast.territory.slug]) in content
    client.force_login(cast.facilitator)
    content = client.get(reverse("space")).content.decode()
    assert reverse("privacy_register_csv", args=[cast.territory.slug]) not in content


def test_erasure_gives_up_a_place_still_to_come(cast, db, django_capture_on_commit_callbacks):
    event = EventFactory(territory=cast.territory, capacity=1)
    RegistrationFactory(event=event, full_name=NAME, email=EMAIL)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITLISTED)

    with django_capture_on_commit_callbacks(execute=True):
        erase_person(EMAIL, None)

    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert Registration.objects.filter(event=event).count() == 2
    assert _rows_mentioning("privatissima") == []
    assert all("anonyme.invalid" not in message.to[0] for message in mail.outbox)


def test_erasure_runs_a_bounded_number_of_queries(cast, jeanne, django_assert_max_num_queries):
    # Every change is an update or a delete over her rows, whatever their number.
    with django_assert_max_num_queries(100):
        erase_person(EMAIL, jeanne)
