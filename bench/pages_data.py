"""The data of ``make bench-pages``: one territory per size, everything its pages list.

A size is a multiple of the Roubaix proportions (``SIZES``): projects, sign-ups, tables in the
evening and ideas per table. Each territory gets its organiser (who opens the lists, the
control room and the plenary), one facilitator per table (who opens its console), 10
challenges, its projects with a plan, milestones, needs and news, resource offers, reports,
its sign-ups with their challenges, and one evening happening now with its tables in the ideas
phase, their participants, themes and ideas (a few grouped). One participant a table has
posted nothing: the benchmark posts its "one change" as them, through ``post_idea``.

Built in batches with bulk_create, the denormalised counters set to match the rows. Called from
``bench/pages.py`` in a Django process, and by the smoke test on SQLite at a tiny size.
"""

import datetime
import random
import uuid

from django.db import transaction
from django.utils import timezone

from accompaniment.enums import NeedKind, NeedStatus
from accompaniment.models import Milestone, Need, Plan, ProjectUpdate, ResourceOffer
from bench.dashboard_data import CHALLENGES, DOMAINS, STATUSES, _pick, dates_as_given
from challenges.enums import ActorKind, ChallengeStatus
from challenges.models import Challenge, SignUp
from events.domain.tables import CODE_ALPHABET, CODE_LENGTH
from events.enums import EventStatus, Phase
from events.models import Event, Idea, Participant, Table, Theme
from projects.enums import ProjectStatus
from projects.models import Project
from territoire.enums import ReportStatus, Role
from territoire.models import Domain, Membership, Territory, User
from territoire.reports.models import Report

# The sizes: 1x is a territory like Roubaix's first cycle.
SIZES = {
    1: {"projects": 30, "signups": 300, "tables": 3, "ideas": 10},
    10: {"projects": 300, "signups": 3_000, "tables": 30, "ideas": 66},
    100: {"projects": 3_000, "signups": 30_000, "tables": 300, "ideas": 200},
}
PARTICIPANTS_PER_TABLE = 10  # who posted the ideas; one more, the poster, has posted none
MILESTONES_EACH = 5
IDEA_TEXTS = [
    "Un atelier de réparation de vélos tenu par des jeunes du quartier",
    "Une cantine solidaire avec les maraîchers des environs",
    "Des seniors qui apprennent le numérique avec des lycéens le mercredi",
    "Une ressourcerie dans l'ancienne filature, avec un café",
    "Un jardin partagé sur le toit de la médiathèque",
    "Une navette électrique entre les villages le jour du marché",
    "Un tiers-lieu pour les artisans et les indépendants",
]


def organiser_email(size: int) -> str:
    return f"organisation-{size}@bench.example"


def facilitator_email(size: int, number: int) -> str:
    return f"animation-{size}-{number}@bench.example"


def territory_slug(size: int) -> str:
    return f"territoire-x{size}"


def event_slug(size: int) -> str:
    return f"soiree-x{size}"


def _code(rng: random.Random, taken: set[str]) -> str:
    """A table code in the project's alphabet, drawn from the seeded generator (no query)."""
    while True:
        code = "".join(rng.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def build(
    size: int, *, counts: dict | None = None, seed: int = 15, taken_codes: set | None = None
) -> dict:
    """The territory of ``size`` (a key of ``SIZES``, or any label with ``counts``); what was
    made, by kind."""
    counts = counts or SIZES[size]
    rng = random.Random(seed * 1000 + size)
    now = timezone.now()
    taken = (
        taken_codes
        if taken_codes is not None
        else set(Table.objects.values_list("code", flat=True))
    )
    with transaction.atomic(), dates_as_given(Idea, SignUp, Project, Participant, Report):
        territory, organiser, challenges, domains = _territory(size, now)
        made = {"projects": _projects(rng, territory, organiser, challenges, domains, counts, now)}
        made["signups"] = _signups(rng, territory, challenges, counts["signups"], now)
        made |= _evening(rng, size, territory, challenges, counts, now, taken)
    return made


def _territory(size: int, now: datetime.datetime):
    domains = list(Domain.objects.filter(slug__startswith="bench-pages-").order_by("slug"))
    if not domains:
        domains = Domain.objects.bulk_create(
            [Domain(name=name, slug=f"bench-pages-{n}") for n, name in enumerate(DOMAINS)]
        )
    territory = Territory.objects.create(
        name=f"Territoire du banc d'essai x{size}",
        slug=territory_slug(size),
        job_target=250,
        launched_on=now.date() - datetime.timedelta(days=90),
        evening_on=now.date(),
        job_target_deadline=now.date().replace(year=now.year + 3),
    )
    territory.domains.add(*domains)
    organiser = User.objects.create(
        email=organiser_email(size), full_name=f"Organisatrice x{size}", password="!"
    )
    Membership.objects.create(user=organiser, territory=territory, role=Role.ORGANISER)
    challenges = Challenge.objects.bulk_create(
        [
            Challenge(
                territory=territory,
                domain=domains[n % len(domains)],
                title=title,
                slug=f"defi-{n + 1}",
                question="Comment faire en sorte que chacun trouve sa place ?",
                context="Le contexte du défi, en quelques phrases, pour les participant·es.",
                status=ChallengeStatus.OPEN,
                order=n + 1,
            )
            for n, title in enumerate(CHALLENGES)
        ]
    )
    return territory, organiser, challenges, domains


def _projects(rng, territory, organiser, challenges, domains, counts, now) -> int:
    count = counts["projects"]
    projects = []
    for n in range(count):
        challenge = rng.choice(challenges) if rng.random() < 0.9 else None
        status = _pick(rng, STATUSES)
        created = now - datetime.timedelta(days=rng.randint(0, 400))
        projects.append(
            Project(
                territory=territory,
                name=f"Projet {n + 1} du territoire",
                slug=f"projet-{n + 1}",
                pitch="Un projet né de la soirée : pour qui, pour quoi faire, en deux phrases.",
                challenge=challenge,
                domain=challenge.domain if challenge else rng.choice(domains),
                status=status,
                coach=organiser,
                is_public=status != ProjectStatus.DRAFT,
                created_at=created,
                updated_at=created,
            )
        )
    projects = Project.objects.bulk_create(projects, batch_size=1000)
    plans, milestones, needs, updates = [], [], [], []
    today = now.date()
    for project in projects:
        if project.status == ProjectStatus.DRAFT:
            continue
        start = project.created_at.date()
        plans.append(
            Plan(
                project=project, months=18, starts_on=start, ends_on=start + datetime.timedelta(540)
            )
        )
        for m in range(MILESTONES_EACH):
            due = start + datetime.timedelta(days=100 * (m + 1))
            milestones.append(
                Milestone(
                    project=project,
                    title=f"Jalon {m + 1}",
                    due_on=due,
                    done_on=due if due < today and rng.random() < 0.8 else None,
                    order=m,
                )
            )
        needs += [
            Need(
                project=project,
                kind=rng.choice(NeedKind.values),
                description="Un besoin du projet, dit en une phrase.",
                status=rng.choice((NeedStatus.OPEN, NeedStatus.OPEN, NeedStatus.MET)),
            )
            for _n in range(rng.choice((0, 1, 1, 2, 3)))
        ]
        updates.append(
            ProjectUpdate(project=project, month=today.replace(day=1), text="Des nouvelles.")
        )
    Plan.objects.bulk_create(plans, batch_size=1000)
    Milestone.objects.bulk_create(milestones, batch_size=2000)
    Need.objects.bulk_create(needs, batch_size=2000)
    ProjectUpdate.objects.bulk_create(updates, batch_size=2000)
    ResourceOffer.objects.bulk_create(
        [
            ResourceOffer(
                territory=territory,
                kind=NeedKind.values[n % len(NeedKind.values)],
                title=f"Ressource {n + 1}",
                description="Ce que la ressource offre aux projets du territoire.",
                contact_name="Contact",
                contact_email=f"ressource-{n}@{territory.slug}.bench.example",
            )
            for n in range(max(count // 10, 1))
        ]
    )
    Report.objects.bulk_create(
        [
            Report(
                territory=territory,
                kind="synthesis",
                title=f"Synthèse des débats n° {n + 1}",
                status=ReportStatus.FAILED,
                error="Le banc d'essai ne rend pas de PDF.",
                requested_by=organiser,
                requested_at=now - datetime.timedelta(days=n),
            )
            for n in range(max(count // 10, 1))
        ]
    )
    return len(projects)


def _signups(rng, territory, challenges, count: int, now) -> int:
    kinds = ActorKind.values
    signups = SignUp.objects.bulk_create(
        [
            SignUp(
                territory=territory,
                full_name=f"Personne inscrite {n + 1}",
                email=f"inscription-{n + 1}@{territory.slug}.bench.example",
                organisation_name=rng.choice(("", "Association des habitants", "Mairie")),
                actor_kind=kinds[n % len(kinds)],
                wants_to_facilitate=rng.random() < 0.1,
                wants_to_mentor=rng.random() < 0.05,
                consented_at=now,
                confirmed_at=now if rng.random() < 0.8 else None,
                created_at=now - datetime.timedelta(minutes=n),
                updated_at=now,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )
    Through = SignUp.challenges.through
    Through.objects.bulk_create(
        [
            Through(signup_id=signup.pk, challenge_id=challenge.pk)
            for signup in signups
            for challenge in rng.sample(challenges, rng.choice((1, 1, 2)))
        ],
        batch_size=5000,
    )
    return len(signups)


def _evening(rng, size, territory, challenges, counts, now, taken) -> dict:
    event = Event.objects.create(
        territory=territory,
        title=f"Soirée du banc d'essai x{size}",
        slug=event_slug(size),
        venue="Vélodrome",
        starts_at=now - datetime.timedelta(hours=1),
        ends_at=now + datetime.timedelta(hours=5),
        capacity=counts["tables"] * 12,
        status=EventStatus.REGISTRATION_CLOSED,
    )
    facilitators = User.objects.bulk_create(
        [
            User(email=facilitator_email(size, n), full_name=f"Animateur {n + 1}", password="!")
            for n in range(counts["tables"])
        ]
    )
    Membership.objects.bulk_create(
        [Membership(user=user, territory=territory, role=Role.FACILITATOR) for user in facilitators]
    )
    ideas_each = counts["ideas"]
    tables = Table.objects.bulk_create(
        [
            Table(
                event=event,
                challenge=challenges[n % len(challenges)],
                name=f"Table {n + 1}",
                code=_code(rng, taken),
                capacity=12,
                phase=Phase.IDEATION,
                phase_started_at=now - datetime.timedelta(minutes=20),
                last_activity_at=now,
                version=ideas_each + PARTICIPANTS_PER_TABLE + 1,
                participant_count=PARTICIPANTS_PER_TABLE + 1,
                idea_count=ideas_each,
            )
            for n in range(counts["tables"])
        ]
    )
    Table.facilitators.through.objects.bulk_create(
        [
            Table.facilitators.through(table_id=table.pk, user_id=user.pk)
            for table, user in zip(tables, facilitators, strict=True)
        ]
    )
    participants = Participant.objects.bulk_create(
        [
            Participant(
                table=table,
                display_name=f"Participant·e {p + 1}",
                organisation_name=rng.choice(("", "Association des habitants", "Mairie")),
                key=uuid.UUID(int=rng.getrandbits(128)).hex,
                dots_left=table.dots_per_participant,
                consent_to_be_named=p % 2 == 0,
                joined_at=now - datetime.timedelta(minutes=30),
            )
            for table in tables
            for p in range(PARTICIPANTS_PER_TABLE + 1)  # the last one: the benchmark's poster
        ],
        batch_size=2000,
    )
    themes = Theme.objects.bulk_create(
        [Theme(table=table, name=f"Thème {t + 1}") for table in tables for t in range(3)]
    )
    seated = PARTICIPANTS_PER_TABLE + 1
    ideas = []
    for t, table in enumerate(tables):
        authors = participants[t * seated : t * seated + PARTICIPANTS_PER_TABLE]
        for i in range(ideas_each):
            ideas.append(
                Idea(
                    table=table,
                    participant=authors[i % len(authors)],
                    text=f"{rng.choice(IDEA_TEXTS)} (idée {i + 1})",
                    client_key=uuid.UUID(int=rng.getrandbits(128)),
                    theme=themes[t * 3 + i % 3] if i % 3 == 0 else None,
                    created_at=now - datetime.timedelta(minutes=20) + datetime.timedelta(seconds=i),
                )
            )
    ideas = Idea.objects.bulk_create(ideas, batch_size=2000)
    # A few ideas grouped into the one before them, as facilitators do.
    grouped = []
    for n, idea in enumerate(ideas):
        if n % ideas_each % 10 == 9:  # the table's 10th, 20th… idea, into the one before it
            idea.merged_into_id = ideas[n - 1].pk
            grouped.append(idea)
    Idea.objects.bulk_update(grouped, ["merged_into"], batch_size=2000)
    return {
        "tables": len(tables),
        "participants": len(participants),
        "ideas": len(ideas),
        "codes": [table.code for table in tables],
    }
