"""The evening part of the demo: a finished Roubaix-like launch evening (tables with their ideas,
dots, syntheses and projects born) and Pays de Figeac's upcoming one, open for registration.

Facts restated from the seed documents; every person is fictional (organisations are real names
from the seeds). Idempotent: natural keys, fixed dates, deterministic client keys.
"""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from challenges.models import Challenge
from events.demo_tables import TABLES, TableWork
from events.domain.naming import CHANNEL_TABLE_PHONE, answer_naming_request
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
from territoire.demo import Demo
from territoire.enums import ReportStatus
from territoire.reports.kinds import Scope
from territoire.reports.lifecycle import render_in_process
from territoire.reports.models import Report
from territoire.reports.publishing import publish_report

PARIS = ZoneInfo("Europe/Paris")
NAMESPACE = uuid.UUID("6f1c2a7e-3b7d-4c1e-9a51-0d3f6c2b8e90")
EVENING = datetime.datetime(2026, 6, 4, 18, tzinfo=PARIS)

PROGRAMME = [
    (0, 45, ProgrammeKind.WELCOME, "Accueil et installation"),
    (45, 45, ProgrammeKind.TALK, "Interventions inspirantes : entrepreneurs d'ici et d'ailleurs"),
    (90, 120, ProgrammeKind.WORKSHOP, "Ateliers aux tables des défis"),
    (210, 30, ProgrammeKind.VOTE, "Vote aux gommettes"),
    (240, 60, ProgrammeKind.PITCH, "Les projets nés ce soir se présentent"),
    (300, 60, ProgrammeKind.OTHER, "Verre de l'amitié"),
]

FIRST = [
    "Alice",
    "Brahim",
    "Céline",
    "David",
    "Emma",
    "Fatou",
    "Grégoire",
    "Hélène",
    "Idris",
    "Julie",
    "Kevin",
    "Laura",
    "Mehdi",
    "Nora",
    "Olivier",
    "Pauline",
    "Rachid",
    "Sarah",
]
LAST = [
    "Dupont",
    "Lambert",
    "Nowak",
    "Haddad",
    "Vermeersch",
    "Lecomte",
    "Diallo",
    "Masson",
    "Leroy",
    "Caron",
    "Fontaine",
    "Bouchez",
]
ORGS = [
    "",
    "Humanis",
    "Damartex",
    "Centre social de l'Alma",
    "",
    "Mairie de Roubaix",
    "Orientoi",
    "Stirrup",
    "",
    "Université de Lille",
    "SoBizHub",
    "",
]

INTRODUCTION = (
    "Comment un territoire peut-il inventer, ensemble, de nouvelles réponses à ses défis ? "
    "À Roubaix, SoBizHub et la ville ont réuni des acteurs locaux de tous horizons — "
    "entreprises, associations, start-up, habitants — pour imaginer des projets durables et à "
    "fort impact social.\n\n"
    "Avec les participants, la ville et ses partenaires ont retenu trois thèmes de travail : "
    "l'économie circulaire, la jeunesse et le bien-être dans la ville.\n\n"
    "Co-créer, c'est échanger, travailler en groupe et être accompagné de l'idée jusqu'au "
    "développement du projet. Les projets nés ce soir-là relèvent de l'économie sociale et "
    "solidaire et dessinent une ville plus collaborative. Cette synthèse rend compte des "
    "débats, table par table, pour donner à d'autres l'envie de se lancer."
)


def _further_reading(demo: Demo) -> str:
    """The demo's "Pour en savoir plus": pages of this very site (``SITE_URL``), so that every
    link of the demo's synthesis opens on the platform the demo runs on."""
    slug = demo.territory.slug
    pages = [
        ("Les défis de la Métropole lilloise", reverse("challenge_list", args=[slug])),
        ("La Métropole lilloise sur Territoire", reverse("territory_detail", args=[slug])),
    ]
    return "\n".join(f"{label} | {settings.SITE_URL}{path}" for label, path in pages)


def _key(*parts: object) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts))


def _event(demo: Demo) -> Event:
    event, _created = Event.objects.get_or_create(
        slug="soiree-velodrome-roubaix",
        defaults={
            "territory": demo.territory,
            "title": "Soirée de lancement au vélodrome de Roubaix",
            "description": "Une grande soirée inspirante et créative : plus de mille habitants et "
            "acteurs du territoire, des entrepreneurs remarquables, et des tables de travail sur "
            "chaque défi pour faire naître 20 à 30 projets à fort impact social.",
            "venue": "Vélodrome couvert Jean-Stablinski",
            "address": "Rue de l'Alma, Roubaix",
            "starts_at": EVENING,
            "ends_at": EVENING + datetime.timedelta(hours=6),
            "capacity": 1200,
            "status": EventStatus.FINISHED,
        },
    )
    if not event.synthesis_introduction and not event.further_reading:
        event.synthesis_introduction, event.further_reading = INTRODUCTION, _further_reading(demo)
        event.save(update_fields=["synthesis_introduction", "further_reading"])
    event.partners.add(*demo.territory.organisations.all())
    for offset, minutes, kind, title in PROGRAMME:
        ProgrammeItem.objects.get_or_create(
            event=event,
            title=title,
            defaults={
                "kind": kind,
                "starts_at": EVENING + datetime.timedelta(minutes=offset),
                "ends_at": EVENING + datetime.timedelta(minutes=offset + minutes),
            },
        )
    return event


def _registrations(event: Event, count: int, *, checked_in: bool, start: datetime.datetime):
    made = []
    for index in range(count):
        name = f"{FIRST[index % len(FIRST)]} {LAST[(index * 5) % len(LAST)]}"
        registration, _created = Registration.objects.get_or_create(
            event=event,
            email=f"soiree.{event.pk}.{index}@exemple.demo",
            defaults={
                "full_name": name,
                "organisation_name": ORGS[index % len(ORGS)],
                "status": RegistrationStatus.CONFIRMED,
                "ticket_code": f"D{event.pk:02d}{index:05d}",
                "consent_to_be_named": index % 4 != 3,
                "consented_at": start + datetime.timedelta(hours=index),
                "checked_in_at": EVENING + datetime.timedelta(minutes=index % 80)
                if checked_in and index % 10 != 9
                else None,
            },
        )
        made.append(registration)
    return made


def _table_work(table: Table, registrations: list[Registration], work: TableWork) -> None:
    seated = registrations[: 6 + len(work.ideas)]
    participants = []
    for index, registration in enumerate(seated):
        participant, _created = Participant.objects.get_or_create(
            table=table,
            key=f"demo-{table.code}-{index}",
            defaults={
                "registration": registration,
                "display_name": registration.full_name,
                "organisation_name": registration.organisation_name,
                "dots_left": table.dots_per_participant,
                "consent_to_be_named": registration.consent_to_be_named,
            },
        )
        participants.append(participant)
    ideas = []
    for index, text in enumerate(work.ideas):
        idea, _created = Idea.objects.get_or_create(
            table=table,
            client_key=_key(table.code, "idea", index),
            defaults={"participant": participants[index % len(participants)], "text": text},
        )
        ideas.append(idea)
    for p_index, participant in enumerate(participants):
        for dot in range(table.dots_per_participant):
            # Most dots go to the first ideas, which became projects.
            idea = ideas[(p_index + dot) % min(len(ideas), 3)]
            Vote.objects.get_or_create(
                participant=participant,
                client_key=_key(table.code, "vote", p_index, dot),
                defaults={"idea": idea},
            )
    for born in work.projects:
        project, created = FormedProject.objects.get_or_create(
            table=table, name=born.name, defaults={"pitch": born.pitch}
        )
        if created:
            project.ideas.set([ideas[i] for i in born.ideas])
            for member in participants[:3]:
                # Those who agreed to be named in the synthesis plausibly said yes, on their
                # phone, to their name on the project's public pages too.
                agreed = member.consent_to_be_named
                TeamMember.objects.create(
                    project=project,
                    participant=member,
                    full_name=member.display_name,
                    email=member.registration.email if member.registration else "",
                    organisation_name=member.organisation_name,
                    name_public=agreed,
                    name_public_answered_at=member.joined_at if agreed else None,
                    name_public_channel=CHANNEL_TABLE_PHONE if agreed else "",
                )
    for order, said in enumerate(work.contributions):
        contribution, created = SynthesisContribution.objects.get_or_create(
            table=table,
            order=order,
            defaults={
                "person_name": said.person,
                "organisation_name": said.organisation,
                "text": said.text,
            },
        )
        if created and said.consent:
            _named_by_their_own_consent(table, contribution, said.person, said.organisation)
    for quoted in work.quotes:
        quote, created = Quote.objects.get_or_create(
            table=table,
            text=quoted.text,
            defaults={"speaker_name": quoted.speaker, "organisation_name": quoted.organisation},
        )
        if created and quoted.consent:
            _named_by_their_own_consent(table, quote, quoted.speaker, quoted.organisation)


def _named_by_their_own_consent(
    table: Table, item: SynthesisContribution | Quote, name: str, organisation: str
) -> None:
    """The facilitator asked; the person, seated at the table, accepted on her phone: the same
    domain function as the phone's (events/domain/naming.py). Nobody else sets the consent."""
    kind = "quote" if isinstance(item, Quote) else "contribution"
    participant, _created = Participant.objects.get_or_create(
        table=table,
        key=f"demo-{table.code}-{kind}-{item.pk}",
        defaults={
            "display_name": name[:80],
            "organisation_name": organisation,
            "dots_left": table.dots_per_participant,
        },
    )
    item.participant = participant
    item.naming_asked_at = timezone.now()
    item.save(update_fields=["participant", "naming_asked_at"])
    answer_naming_request(participant=participant, item=item, accept=True)


def recount(tables) -> None:
    """Set the denormalised counters of ``tables`` from the rows (demo data is written directly)."""
    for table in tables.annotate(
        n_participants=Count("participants", distinct=True),
        n_ideas=Count("ideas", distinct=True),
        n_projects=Count("projects", distinct=True),
    ):
        votes = Vote.objects.filter(participant__table=table).count()
        Table.objects.filter(pk=table.pk).update(
            participant_count=table.n_participants,
            idea_count=table.n_ideas,
            vote_count=votes,
            project_count=table.n_projects,
        )
        for idea in Idea.objects.filter(table=table).annotate(n=Count("votes")):
            if idea.vote_count != idea.n:
                Idea.objects.filter(pk=idea.pk).update(vote_count=idea.n)
        for participant in table.participants.annotate(n=Count("votes")):
            left = max(table.dots_per_participant - participant.n, 0)
            if participant.dots_left != left:
                Participant.objects.filter(pk=participant.pk).update(dots_left=left)


@transaction.atomic
def load(demo: Demo) -> None:
    event = _event(demo)
    registrations = _registrations(
        event, 140, checked_in=True, start=datetime.datetime(2026, 4, 15, 9, tzinfo=PARIS)
    )
    challenges = Challenge.objects.filter(territory=demo.territory, status__in=["open", "closed"])
    facilitator = demo.accounts["facilitator"]
    offset = 0
    for order, challenge in enumerate(challenges.order_by("order"), start=1):
        names = ["A", "B"] if challenge.slug == "seniors-numerique" else [""]
        for suffix in names:
            table, _created = Table.objects.get_or_create(
                event=event,
                name=f"Table {order}{suffix}",
                defaults={
                    "challenge": challenge,
                    "code": f"RBX{order:02d}{suffix or 'Z'}",
                    "capacity": 12,
                    "phase": Phase.CLOSED,
                },
            )
            if challenge.slug == "seniors-numerique" and suffix == "A":
                table.facilitators.add(facilitator)
            work = TABLES.get(f"{challenge.slug}:B" if suffix == "B" else challenge.slug)
            if work is not None:
                _table_work(table, registrations[offset : offset + 12], work)
            offset = (offset + 11) % 120
    recount(event.tables.all())
    _synthesis_ready(event)

    upcoming, _created = Event.objects.get_or_create(
        slug="soiree-lancement-figeac",
        defaults={
            "territory": demo.other_territory,
            "title": "Soirée de lancement du Pays de Figeac",
            "venue": "Espace François-Mitterrand",
            "address": "Figeac",
            "starts_at": datetime.datetime(2027, 1, 28, 18, tzinfo=PARIS),
            "ends_at": datetime.datetime(2027, 1, 28, 23, 30, tzinfo=PARIS),
            "capacity": 300,
            "status": EventStatus.REGISTRATION_OPEN,
            "description": "Habitants, agriculteurs, élus et entrepreneurs du pays se "
            "retrouvent pour travailler ensemble les défis du territoire.",
        },
    )
    figeac_start = datetime.datetime(2027, 1, 28, 18, tzinfo=PARIS)
    for offset_minutes, minutes, kind, title in PROGRAMME[:5]:
        ProgrammeItem.objects.get_or_create(
            event=upcoming,
            title=title,
            defaults={
                "kind": kind,
                "starts_at": figeac_start + datetime.timedelta(minutes=offset_minutes),
                "ends_at": figeac_start + datetime.timedelta(minutes=offset_minutes + minutes),
            },
        )
    for order, challenge in enumerate(
        Challenge.objects.filter(territory=demo.other_territory, status="open").order_by("order"),
        start=1,
    ):
        table, _created = Table.objects.get_or_create(
            event=upcoming,
            name=f"Table {order}",
            defaults={"challenge": challenge, "code": f"FGC{order:02d}"},
        )
        table.facilitators.add(facilitator)
    _registrations(
        upcoming, 24, checked_in=False, start=datetime.datetime(2026, 10, 1, 9, tzinfo=PARIS)
    )


def _synthesis_ready(event: Event) -> None:
    """The evening's synthesis of debates, rendered once and published on the evening's page
    (a second ``load_demo`` finds it and renders nothing)."""
    report = Report.objects.filter(kind="synthesis", parameters__event=event.pk).first()
    if report is None:
        report = render_in_process(
            kind_code="synthesis", scope=Scope(territory=event.territory, event=event)
        )
    if report.status == ReportStatus.READY and report.published_at is None:
        publish_report(report=report, by=None)
