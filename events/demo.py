"""The evening part of the demo: a finished Roubaix-like launch evening (tables with their ideas,
dots, syntheses and projects born) and Pays de Figeac's upcoming one, open for registration.

Facts restated from the seed documents; every person is fictional (organisations are real names
from the seeds). Idempotent: natural keys, fixed dates, deterministic client keys.
"""

import datetime
import uuid
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Count

from challenges.models import Challenge
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
from territoire.reports.kinds import Scope
from territoire.reports.lifecycle import render_in_process
from territoire.reports.models import Report

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

# challenge slug → (ideas, projects: [(name, pitch, idea indexes)])
TABLE_WORK = {
    "seniors-numerique": (
        [
            "Un bus numérique qui change de quartier chaque jour, comme un camion-restaurant",
            "Faire le diagnostic des équipements et des besoins de chaque senior rencontré",
            "Des lycéens qui aident les seniors une heure par semaine",
            "Un numéro de téléphone unique pour les démarches en ligne",
            "Former les aides à domicile au numérique",
        ],
        [
            (
                "Numéribus",
                "Un bus qui va au-devant des seniors isolés, quartier par quartier, pour "
                "faire le point sur leur équipement et les reconnecter à la ville.",
                [0, 1],
            ),
            (
                "Tandems numériques",
                "Des binômes lycéen-senior, une heure par semaine, au centre social.",
                [2],
            ),
        ],
    ),
    "jeunes-orientation": (
        [
            "Une application où l'élève découvre sa personnalité et les métiers qui lui "
            "ressemblent",
            "Des stages d'observation dans les entreprises du quartier dès la quatrième",
            "Partager avec les professeurs ce que l'élève découvre de lui-même",
            "Des parrains d'entreprise pour les décrocheurs",
        ],
        [
            (
                "Boussole",
                "Une application d'orientation partagée entre l'élève, sa famille et "
                "ses professeurs, pour choisir plutôt que subir.",
                [0, 2],
            ),
        ],
    ),
    "logements-vacants": (
        [
            "Une plateforme entre propriétaires de logements vides et personnes en réinsertion",
            "Six mois de logement gratuit pour retrouver ses droits",
            "Un accompagnement social par une association pendant le séjour",
        ],
        [
            (
                "Un toit pour rebondir",
                "Mettre en relation propriétaires de logements vacants "
                "et personnes en voie d'exclusion, six mois gratuits, avec un accompagnement.",
                [0, 1, 2],
            ),
        ],
    ),
    "textile-seconde-vie": (
        [
            "Un atelier de réparation de vêtements avec des retraités du textile",
            "Collecter les chutes des ateliers pour en faire des sacs",
            "Une marque locale de vêtements réemployés",
        ],
        [
            (
                "Les Repriseuses",
                "Un atelier de réparation où d'anciennes couturières forment "
                "des jeunes en insertion.",
                [0],
            ),
        ],
    ),
    "manger-local": (
        ["Une légumerie partagée pour les cantines", "Des paniers de producteurs à l'école"],
        [],
    ),
}

SYNTHESIS = {
    "seniors-numerique": (
        [
            (
                "Claire Dumont",
                "Humanis",
                True,
                "La mutuelle veut être un acteur engagé du territoire. Pour elle, l'innovation "
                "sociale consiste à répondre à un besoin mal satisfait : ici l'isolement numérique "
                "des personnes âgées, qu'elle veut accompagner jusqu'au bout avec le réseau de "
                "confiance de la ville.",
            ),
            (
                "Sophie Carlier",
                "Damartex",
                True,
                "Implantée à Roubaix depuis longtemps, l'entreprise tient à s'investir sur son "
                "territoire. La table a retenu l'idée d'un bus qui circule de quartier en quartier "
                "pour repérer les seniors isolés, faire un diagnostic avec eux et les reconnecter.",
            ),
            (
                "",
                "Centre social de l'Alma",
                False,
                "Beaucoup de seniors ne franchissent pas la porte des lieux d'aide : il faut aller "
                "vers eux, là où ils vivent.",
            ),
        ],
        [
            ("Si on y croit, on y va !", "Un élu de la ville", "Mairie de Roubaix", False),
            (
                "Nous ne réussirons pas seuls : nous dépendons les uns des autres.",
                "Un élu de la ville",
                "Mairie de Roubaix",
                False,
            ),
        ],
    ),
    "jeunes-orientation": (
        [
            (
                "Thomas Verbeke",
                "Orientoi",
                True,
                "La start-up veut lutter contre le décrochage en travaillant avec les écoles, les "
                "parents et les entreprises : une application aide l'élève à mieux se connaître "
                "pour mieux s'orienter, et ses professeurs à l'accompagner.",
            ),
        ],
        [("Choisir son orientation plutôt que la subir.", "Thomas Verbeke", "Orientoi", True)],
    ),
    "logements-vacants": (
        [
            (
                "Inès Marchand",
                "Stirrup",
                True,
                "Une plateforme offre six mois de logement gratuit à des personnes en voie "
                "d'exclusion pour qu'elles retrouvent leurs droits ; les propriétaires y gagnent "
                "des aides et des économies. Un logement ne suffit pas : la start-up a besoin des "
                "collectivités et des associations.",
            ),
            (
                "",
                "World Forum for a Responsible Economy",
                False,
                "Le territoire est en plein rebond : il faut laisser aux villes le droit "
                "d'expérimenter, et ne pas répondre « ce n'est pas possible » aux porteurs de "
                "projets.",
            ),
        ],
        [],
    ),
    "textile-seconde-vie": (
        [
            (
                "",
                "Mairie de Roubaix",
                False,
                "Pour la ville, travailler avec SoBizHub allait de soi : personne ne réussit plus "
                "seul. Roubaix a de forts enjeux sociaux et des entreprises installées depuis des "
                "décennies ; elle offre un ancrage solide à celles qui veulent grandir. La mairie "
                "se veut facilitatrice : ouvrir des portes aux porteurs de projets, lever les "
                "freins, aider de nouveaux modèles économiques à émerger.",
            ),
            (
                "Martine Delattre",
                "SoBizHub",
                True,
                "Les savoir-faire du textile sont toujours là, chez celles et ceux qui ont "
                "travaillé dans les ateliers de la ville. La table propose de les transmettre à "
                "des jeunes en insertion autour de la réparation et du réemploi des vêtements, "
                "plutôt que de laisser ces métiers disparaître.",
            ),
        ],
        [
            (
                "Réparer un vêtement, c'est aussi réparer un lien entre générations.",
                "Martine Delattre",
                "SoBizHub",
                True,
            ),
        ],
    ),
    "manger-local": (
        [
            (
                "Lucie Fontaine",
                "Université de Lille",
                True,
                "Les cantines servent chaque jour des milliers de repas, mais les producteurs de "
                "la métropole peinent à y trouver leur place. Une légumerie partagée permettrait "
                "de préparer leurs légumes en quantité ; la table a aussi imaginé des paniers "
                "livrés à l'école, pour toucher les familles.",
            ),
        ],
        [
            (
                "Avant d'inventer, regardons ce qui existe déjà à deux rues d'ici.",
                "Lucie Fontaine",
                "Université de Lille",
                True,
            ),
        ],
    ),
}

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
FURTHER_READING = (
    "SoBizHub, l'association qui anime la dynamique | https://www.sobizhub.org\n"
    "Ville de Roubaix | https://www.ville-roubaix.fr"
)


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
        event.synthesis_introduction, event.further_reading = INTRODUCTION, FURTHER_READING
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


GENERIC_IDEAS = [
    "Recenser ce qui existe déjà sur le territoire avant d'inventer",
    "Une journée portes ouvertes des initiatives du quartier",
    "Un collectif d'habitants pour porter le sujet dans la durée",
]


def _table_work(table: Table, registrations: list[Registration], slug: str) -> None:
    ideas_text, projects = TABLE_WORK.get(slug, (GENERIC_IDEAS, []))
    seated = registrations[: 6 + len(ideas_text)]
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
    for index, text in enumerate(ideas_text):
        idea, _created = Idea.objects.get_or_create(
            table=table,
            client_key=_key(table.code, "idea", index),
            defaults={"participant": participants[index % len(participants)], "text": text},
        )
        ideas.append(idea)
    if ideas:
        for p_index, participant in enumerate(participants):
            for dot in range(table.dots_per_participant):
                # Most dots go to the first ideas, which became projects.
                idea = ideas[(p_index + dot) % min(len(ideas), 3)]
                Vote.objects.get_or_create(
                    participant=participant,
                    client_key=_key(table.code, "vote", p_index, dot),
                    defaults={"idea": idea},
                )
    for name, pitch, idea_indexes in projects:
        project, created = FormedProject.objects.get_or_create(
            table=table, name=name, defaults={"pitch": pitch}
        )
        if created:
            project.ideas.set([ideas[i] for i in idea_indexes])
            for member in participants[:3]:
                TeamMember.objects.create(
                    project=project,
                    participant=member,
                    full_name=member.display_name,
                    email=member.registration.email if member.registration else "",
                    organisation_name=member.organisation_name,
                )
    contributions, quotes = SYNTHESIS.get(slug, ([], []))
    for order, (person, organisation, consent, text) in enumerate(contributions):
        SynthesisContribution.objects.get_or_create(
            table=table,
            order=order,
            defaults={
                "person_name": person,
                "organisation_name": organisation,
                "consent_to_be_named": consent,
                "text": text,
            },
        )
    for text, speaker, organisation, consent in quotes:
        Quote.objects.get_or_create(
            table=table,
            text=text,
            defaults={
                "speaker_name": speaker,
                "organisation_name": organisation,
                "consent_to_be_named": consent,
            },
        )


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
            if suffix in ("", "A"):
                _table_work(table, registrations[offset : offset + 12], challenge.slug)
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
    """The evening's synthesis of debates, rendered once, ready to download from the reports
    page (a second ``load_demo`` finds it and renders nothing)."""
    if Report.objects.filter(kind="synthesis", parameters__event=event.pk).exists():
        return
    render_in_process(kind_code="synthesis", scope=Scope(territory=event.territory, event=event))
