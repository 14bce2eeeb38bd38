"""The data of ``make bench-dashboard``: territories with their challenges, followed projects
(with their history), plans, milestones, job records, needs and monthly updates, built in
batches (COPY for the milestones on PostgreSQL, bulk_create for the rest).

Territory 0 is the measured one: its evening was 14 months ago, an official of it signs in.
Every territory gets the same share of projects; the others' evenings are 2 to 30 months old.
Called from ``bench/dashboard.py`` in a Django process, and by the smoke test on SQLite.
"""

import contextlib
import datetime
import random
from collections.abc import Iterator
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from accompaniment.enums import Contract, JobKind, JobStatus, MatchStatus, NeedKind, NeedStatus
from accompaniment.models import (
    JobRecord,
    Milestone,
    Need,
    NeedMatch,
    Plan,
    ProjectUpdate,
    ResourceOffer,
)
from challenges.enums import ChallengeStatus
from challenges.models import Challenge
from projects.enums import ProjectStatus
from projects.models import Project
from territoire.enums import Role
from territoire.models import Domain, Membership, Territory, User

MEASURED_EVENING_MONTHS = 14
DOMAINS = [
    "Économie circulaire",
    "Jeunesse",
    "Bien-être dans la ville",
    "Alimentation",
    "Mobilité",
    "Habitat",
    "Éducation et formation",
    "Culture",
]
CHALLENGES = [
    "Rompre l'isolement des aînés",
    "Donner une seconde vie aux objets",
    "Un premier emploi pour chaque jeune",
    "Manger local à la cantine",
    "Se déplacer sans voiture",
    "Des logements pour tous les âges",
    "Apprendre tout au long de la vie",
    "La culture au pied des immeubles",
    "Des commerces vivants en centre-ville",
    "Le numérique à la portée de chacun",
]
# Where the projects stand today (a draft never left the table; the rest were accompanied).
STATUSES = [
    (ProjectStatus.DRAFT, 5),
    (ProjectStatus.ACTIVE, 55),
    (ProjectStatus.PAUSED, 10),
    (ProjectStatus.GRADUATED, 15),
    (ProjectStatus.STOPPED, 15),
]
JOB_STATUSES = [(JobStatus.VERIFIED, 60), (JobStatus.DECLARED, 30), (JobStatus.RETURNED, 10)]
NEED_STATUSES = [(NeedStatus.OPEN, 45), (NeedStatus.MET, 40), (NeedStatus.CLOSED, 15)]


def months_before(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 - months
    return datetime.date(index // 12, index % 12 + 1, min(day.day, 28))


def _pick(rng: random.Random, weighted: list[tuple[object, int]]):
    return rng.choices([v for v, _w in weighted], [w for _v, w in weighted])[0]


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@contextlib.contextmanager
def dates_as_given(*models) -> Iterator[None]:
    """bulk_create keeps the ``created_at`` we give (auto_now_add would set it to now)."""
    fields = [
        field
        for model in models
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False)
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _copy_milestones(rows: list[dict]) -> None:
    """Milestones through COPY on PostgreSQL (150,000 rows in seconds), bulk_create elsewhere."""
    if connection.vendor != "postgresql":
        Milestone.objects.bulk_create([Milestone(**row) for row in rows], batch_size=2000)
        return
    fields = [f for f in Milestone._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {Milestone._meta.db_table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row([row.get(f.attname, "") for f in fields])


def _domains() -> list[Domain]:
    existing = list(Domain.objects.filter(slug__startswith="bench-").order_by("slug"))
    if existing:
        return existing
    return Domain.objects.bulk_create(
        [Domain(name=name, slug=f"bench-{n}") for n, name in enumerate(DOMAINS)]
    )


def build(
    *,
    first: int,
    count: int,
    projects_each: int,
    milestones_each: int,
    jobs_each: int,
    seed: int,
    today: datetime.date | None = None,
) -> dict:
    """Territories ``first`` to ``first + count - 1`` with all their data; what was made."""
    today = today or timezone.localdate()
    now = timezone.now()
    made = dict.fromkeys(
        ("territories", "projects", "history", "plans", "milestones", "jobs", "needs", "updates"),
        0,
    )
    with transaction.atomic(), dates_as_given(Project, JobRecord, Need, ProjectUpdate, NeedMatch):
        domains = _domains()
        for number in range(first, first + count):
            rng = random.Random(seed * 1000 + number)
            built = _territory(
                rng, number, domains, today, now, projects_each, milestones_each, jobs_each
            )
            for key, value in built.items():
                made[key] += value
    return made


def _territory(rng, number, domains, today, now, projects_each, milestones_each, jobs_each):
    months = MEASURED_EVENING_MONTHS if number == 0 else rng.randint(2, 30)
    evening = months_before(today, months)
    territory = Territory.objects.create(
        name=f"Territoire du banc d'essai {number}",
        slug=f"territoire-{number}",
        job_target=rng.choice((150, 250, 400)),
        launched_on=evening - datetime.timedelta(days=90),
        evening_on=evening,
        job_target_deadline=evening.replace(year=evening.year + 3),
    )
    territory.domains.add(*domains)
    people = User.objects.bulk_create(
        [
            User(email=f"elu-{number}@bench.example", full_name=f"Élue {number}", password="!"),
            *(
                User(
                    email=f"coach-{number}-{c}@bench.example", full_name=f"Coach {c}", password="!"
                )
                for c in range(2)
            ),
        ]
    )
    official, coaches = people[0], people[1:]
    Membership.objects.bulk_create(
        [Membership(user=official, territory=territory, role=Role.OFFICIAL)]
        + [Membership(user=coach, territory=territory, role=Role.COACH) for coach in coaches]
    )
    challenges = Challenge.objects.bulk_create(
        [
            Challenge(
                territory=territory,
                domain=domains[n % len(domains)],
                title=title,
                slug=f"defi-{n + 1}",
                question="Comment faire en sorte que chacun trouve sa place ?",
                status=ChallengeStatus.CLOSED,
                order=n + 1,
            )
            for n, title in enumerate(CHALLENGES)
        ]
    )
    offers = ResourceOffer.objects.bulk_create(
        [
            ResourceOffer(
                territory=territory,
                kind=kind,
                title=f"Ressource {kind}",
                contact_name="Contact",
                contact_email=f"ressource-{number}-{kind}@bench.example",
            )
            for kind in NeedKind.values
        ]
    )
    offer_by_kind = {offer.kind: offer for offer in offers}

    life = max((today - evening).days, 1)
    projects, finals, changes = [], [], []
    for n in range(projects_each):
        challenge = rng.choice(challenges) if rng.random() < 0.9 else None
        # Most projects are published in the weeks after the evening, some join later.
        offset = rng.randint(0, min(45, life)) if rng.random() < 0.7 else rng.randint(0, life)
        created = min(_noon(evening + datetime.timedelta(days=offset)), now)
        final = _pick(rng, STATUSES)
        changed = None
        if final in (ProjectStatus.PAUSED, ProjectStatus.GRADUATED, ProjectStatus.STOPPED):
            span = (now - created).days
            if span > 60:
                changed = created + datetime.timedelta(days=rng.randint(60, span))
            else:
                final = ProjectStatus.ACTIVE
        projects.append(
            Project(
                territory=territory,
                name=f"Projet {number}-{n}",
                slug=f"projet-{n}",
                pitch="Un projet né de la soirée.",
                challenge=challenge,
                domain=challenge.domain if challenge else rng.choice(domains),
                status=final,
                coach=coaches[n % len(coaches)],
                is_public=final != ProjectStatus.DRAFT,
                created_at=created,
                updated_at=changed or created,
            )
        )
        finals.append(final)
        changes.append(changed)
    projects = Project.objects.bulk_create(projects, batch_size=1000)

    # The history "alive at N months" reads: created (a draft, or accompanied at once), then
    # paused, graduated or stopped at a later date.
    History = Project.history.model
    names = [f.attname for f in Project._meta.concrete_fields if f.attname != "updated_at"]
    history = []
    for project, final, changed in zip(projects, finals, changes, strict=True):
        values = {name: getattr(project, name) for name in names}
        first_status = ProjectStatus.DRAFT if final == ProjectStatus.DRAFT else ProjectStatus.ACTIVE
        history.append(
            History(
                **{**values, "status": first_status},
                history_date=project.created_at,
                history_type="+",
            )
        )
        if changed:
            history.append(History(**values, history_date=changed, history_type="~"))
    History.objects.bulk_create(history, batch_size=2000)

    followed = [p for p, f in zip(projects, finals, strict=True) if f != ProjectStatus.DRAFT]
    plans, milestones, updates, needs = [], [], [], []
    for project in projects:
        start = project.created_at.date() + datetime.timedelta(days=rng.randint(0, 30))
        months = rng.choice((18, 24))
        end = start + datetime.timedelta(days=months * 30)
        if project in followed and rng.random() < 0.9 and start <= today:
            plans.append(Plan(project=project, months=months, starts_on=start, ends_on=end))
            updates += _updates(rng, project, start, today)
        span = (end - start).days
        for m in range(milestones_each):
            due = start + datetime.timedelta(days=span * (m + 1) // milestones_each)
            done = None
            if due < today and rng.random() < 0.8:
                done = min(today, due + datetime.timedelta(days=rng.randint(-10, 25)))
            milestones.append(
                {
                    "project_id": project.pk,
                    "title": f"Jalon {m + 1}",
                    "due_on": due,
                    "done_on": done,
                    "order": m,
                    "revision": 1,
                    "updated_at": now,
                }
            )
        for _n in range(rng.choice((0, 1, 1, 2, 2, 3, 4))):
            needs.append(
                Need(
                    project=project,
                    kind=rng.choice(NeedKind.values),
                    description="Un besoin du projet.",
                    status=_pick(rng, NEED_STATUSES),
                    created_at=_noon(
                        min(today, start + datetime.timedelta(days=rng.randint(0, 365)))
                    ),
                )
            )
    Plan.objects.bulk_create(plans, batch_size=1000)
    ProjectUpdate.objects.bulk_create(updates, batch_size=2000)
    _copy_milestones(milestones)
    needs = Need.objects.bulk_create(needs, batch_size=2000)
    NeedMatch.objects.bulk_create(
        [
            NeedMatch(
                need=need,
                offer=offer_by_kind[need.kind],
                status=MatchStatus.ACCEPTED
                if need.status == NeedStatus.MET
                else rng.choice((MatchStatus.PROPOSED, MatchStatus.DECLINED)),
                matched_by=official,
                created_at=need.created_at,
            )
            for need in needs
            if rng.random() < (0.6 if need.status == NeedStatus.MET else 0.2)
        ],
        batch_size=2000,
    )
    jobs = _jobs(rng, followed or projects, jobs_each, coaches, today)
    JobRecord.objects.bulk_create(jobs, batch_size=2000)
    return {
        "territories": 1,
        "projects": len(projects),
        "history": len(history),
        "plans": len(plans),
        "milestones": len(milestones),
        "jobs": len(jobs),
        "needs": len(needs),
        "updates": len(updates),
    }


def _updates(rng, project, start: datetime.date, today: datetime.date) -> list[ProjectUpdate]:
    """Monthly news, most months; a quarter of the teams went silent 1 to 3 months ago."""
    silent_for = rng.choice((0, 0, 0, 45, 60, 90))
    last = today - datetime.timedelta(days=silent_for)
    month, updates = start.replace(day=1), []
    while month <= last.replace(day=1):
        if rng.random() < 0.7:
            written = min(last, month + datetime.timedelta(days=rng.randint(0, 27)))
            updates.append(
                ProjectUpdate(
                    project=project, month=month, text="Des nouvelles.", created_at=_noon(written)
                )
            )
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return updates


def _jobs(rng, projects, count: int, coaches, today: datetime.date) -> list[JobRecord]:
    jobs = []
    for _n in range(count):
        project = rng.choice(projects)
        start = project.created_at.date()
        occurred = start + datetime.timedelta(days=rng.randint(0, max((today - start).days, 0)))
        number = rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 3))
        status = _pick(rng, JOB_STATUSES)
        jobs.append(
            JobRecord(
                project=project,
                occurred_on=occurred,
                number=number,
                fte=(number * Decimal(rng.choice(("1", "0.8", "0.5")))).quantize(Decimal("0.01")),
                contract=rng.choice(Contract.values),
                kind=JobKind.CREATED if rng.random() < 0.75 else JobKind.KEPT,
                status=status,
                return_reason="Pièce justificative manquante."
                if status == JobStatus.RETURNED
                else "",
                declared_by=project.coach,
                verified_by=project.coach if status == JobStatus.VERIFIED else None,
                verified_at=_noon(occurred) if status == JobStatus.VERIFIED else None,
                created_at=_noon(occurred),
            )
        )
    return jobs
