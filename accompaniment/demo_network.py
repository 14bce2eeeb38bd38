"""The network's part of ``manage.py load_demo``: Lons-le-Saunier in its accompaniment (evening
about fourteen months ago) and Romans at the end of its cycle (evening about twenty-six months
ago), with projects, plans, milestones, jobs and the status changes of their lives, so that the
network page (``reseau/``) compares territories at different stages. Pays de Figeac, in its
mobilisation, comes from the challenges' and events' demos; the Lille metropolis from every app.

Everything is written through the domain functions. The demo tells the past: each project's
history rows (created, then moved to paused, autonomous or stopped) are dated when that happened,
so that "alive one year after the evening" reads them as the network page does; creation and
verification dates are set the same way. Idempotent: a project is built, with its whole story,
only when its slug is missing.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accompaniment.demo import _templates
from accompaniment.domain import jobs, plans
from accompaniment.enums import Contract, JobKind
from accompaniment.models import JobRecord
from projects.domain.page import update_project_page
from projects.domain.publishing import create_project, set_project_status
from projects.enums import ProjectStatus
from projects.models import Project
from territoire.demo import Demo, months_from
from territoire.models import Domain, Territory, User

VERIFIED, DECLARED, RETURNED = "verified", "declared", "returned"


@dataclass(frozen=True)
class Job:
    month: int  # months after the evening
    number: int
    contract: str
    fte: str
    kind: str = JobKind.CREATED
    outcome: str = VERIFIED


@dataclass(frozen=True)
class Life:
    """One project of the network's demo, its months counted from its territory's evening."""

    slug: str
    name: str
    pitch: str
    domain: str
    plan_months: int = 24
    milestones_done: int = 2
    changes: tuple[tuple[int, str], ...] = ()  # (month, new status)
    jobs: tuple[Job, ...] = ()


CDI, CDD, INSERTION, APPRENTICE = (
    Contract.PERMANENT,
    Contract.FIXED_TERM,
    Contract.INTEGRATION,
    Contract.APPRENTICESHIP,
)

LONS = [
    Life(
        "comte-en-circuit-court",
        "Comté en circuit court",
        "Les fruitières vendent leur comté et les produits des fermes voisines aux cantines et "
        "aux habitants, sans intermédiaire.",
        "agriculture-alimentation",
        milestones_done=5,
        jobs=(
            Job(5, 4, CDI, "3.5"),
            Job(8, 2, CDI, "2", kind=JobKind.KEPT),
            Job(10, 3, CDD, "2.5"),
            Job(13, 2, CDD, "1.5", outcome=DECLARED),
        ),
    ),
    Life(
        "bus-des-savoirs",
        "Le Bus des savoirs",
        "Un bus-bibliothèque et atelier numérique s'arrête dans les villages du Revermont pour "
        "les devoirs, les démarches et les cours du soir.",
        "education-formation",
        milestones_done=3,
        jobs=(Job(9, 2, CDI, "1.6"), Job(12, 1, APPRENTICE, "1", outcome=RETURNED)),
    ),
    Life(
        "maison-de-sante-itinerante",
        "Maison de santé itinérante",
        "Une infirmière et un médecin vont de bourg en bourg avec un cabinet aménagé, là où il "
        "n'y a plus de médecin.",
        "sante",
        plan_months=18,
        milestones_done=4,
        changes=((13, ProjectStatus.PAUSED),),
        jobs=(Job(7, 3, CDI, "2.8"),),
    ),
    Life(
        "recyclerie-du-revermont",
        "Recyclerie du Revermont",
        "Collecter, réparer et revendre les objets de la vallée, avec des salariés en insertion.",
        "economie-circulaire",
        plan_months=18,
        milestones_done=2,
        changes=((6, ProjectStatus.STOPPED),),
        jobs=(Job(3, 1, INSERTION, "0.8"),),
    ),
    Life(
        "salines-partagees",
        "Les Salines partagées",
        "Un atelier de fabrication partagé dans l'ancienne saline, pour les artisans et les "
        "jeunes qui se lancent.",
        "education-formation",
        milestones_done=2,
        jobs=(Job(12, 1, CDD, "0.5", outcome=DECLARED),),
    ),
]

ROMANS = [
    Life(
        "cuir-seconde-vie",
        "Cuir en seconde vie",
        "Les chutes des ateliers de chaussure deviennent sacs et ceintures, cousus par des "
        "personnes en reconversion.",
        "economie-circulaire",
        milestones_done=7,
        changes=((18, ProjectStatus.GRADUATED),),
        jobs=(Job(6, 5, INSERTION, "4.5"), Job(11, 6, CDI, "6"), Job(16, 5, CDI, "4.5")),
    ),
    Life(
        "fabrique-a-velos",
        "La Fabrique à vélos",
        "Un atelier répare et loue des vélos aux salariés des zones d'activité, sans voiture.",
        "mobilite",
        milestones_done=7,
        changes=((20, ProjectStatus.GRADUATED),),
        jobs=(Job(8, 6, CDI, "5.5"), Job(15, 7, CDD, "6"), Job(19, 2, CDI, "2", kind=JobKind.KEPT)),
    ),
    Life(
        "cantine-du-chapitre",
        "Cantine solidaire du Chapitre",
        "Une cantine de quartier où l'on paie selon ses moyens, tenue par des cuisiniers en "
        "insertion.",
        "agriculture-alimentation",
        milestones_done=7,
        changes=((22, ProjectStatus.GRADUATED),),
        jobs=(
            Job(5, 4, INSERTION, "3.2"),
            Job(12, 6, CDI, "5"),
            Job(20, 3, CDD, "2", outcome=RETURNED),
        ),
    ),
    Life(
        "tiers-lieu-de-la-monnaie",
        "Tiers-lieu de la Monnaie",
        "Bureaux partagés, fablab et café associatif dans l'ancien hôtel de la Monnaie.",
        "entreprendre",
        milestones_done=7,
        changes=((24, ProjectStatus.GRADUATED),),
        jobs=(
            Job(9, 5, CDI, "4.5"),
            Job(17, 4, CDI, "4"),
            Job(20, 7, CDI, "6.5"),
            Job(14, 3, CDI, "3", kind=JobKind.KEPT),
        ),
    ),
    Life(
        "coup-de-pouce-numerique",
        "Coup de pouce numérique",
        "Des jeunes en service civique accompagnent les seniors dans leurs démarches en ligne.",
        "entreprendre",
        milestones_done=6,
        changes=((21, ProjectStatus.GRADUATED),),
        jobs=(Job(10, 4, CDD, "3"), Job(18, 3, CDI, "3"), Job(23, 2, CDI, "2", outcome=DECLARED)),
    ),
    Life(
        "jardins-de-saint-nicolas",
        "Les Jardins de Saint-Nicolas",
        "Des jardins maraîchers d'insertion au pied des immeubles.",
        "agriculture-alimentation",
        milestones_done=5,
        changes=((16, ProjectStatus.STOPPED),),
        jobs=(Job(7, 3, INSERTION, "2.4"),),
    ),
    Life(
        "navette-des-villages",
        "Navette des villages",
        "Une navette à la demande entre les villages et la gare.",
        "mobilite",
        milestones_done=3,
        changes=((7, ProjectStatus.STOPPED),),
        jobs=(Job(5, 1, CDD, "1"),),
    ),
    Life(
        "repar-tout",
        "Répar'Tout",
        "Un café-réparation itinérant pour le petit électroménager.",
        "economie-circulaire",
        milestones_done=1,
        changes=((4, ProjectStatus.STOPPED),),
    ),
]

STORIES = {"lons-le-saunier": LONS, "romans": ROMANS}
ORGANISERS = {
    "lons-le-saunier": "organiser, coach (Lons)",
    "romans": "organiser, coach (Romans)",
}


def _moment(day: datetime.date) -> datetime.datetime:
    """A working hour of ``day``, never later than now."""
    return min(
        timezone.make_aware(datetime.datetime.combine(day, datetime.time(10))), timezone.now()
    )


def _dated(project: Project, moment: datetime.datetime, *, since: int = 0) -> None:
    """Date the project's history rows after ``since`` (a history id) when they happened: the
    domain saved them now, the demo tells the past."""
    Project.history.filter(id=project.pk, history_id__gt=since).update(history_date=moment)


def _last_history_id(project: Project) -> int:
    return Project.history.filter(id=project.pk).order_by("-history_id")[0].history_id


def _live(life: Life, territory: Territory, coach: User, today: datetime.date) -> None:
    evening = territory.evening_on
    assert evening is not None  # a demo territory had its evening
    born_on = evening + datetime.timedelta(days=10)
    project = create_project(
        territory=territory,
        by=coach,
        name=life.name,
        slug=life.slug,
        pitch=life.pitch,
        domain=Domain.objects.filter(slug=life.domain).first(),
        status=ProjectStatus.ACTIVE,
        coach=coach,
    )
    project = update_project_page(
        project=project, by=coach, revision=project.revision, is_public=True
    )
    # Written directly: the creation date is set by the database.
    Project.objects.filter(pk=project.pk).update(created_at=_moment(born_on))
    _dated(project, _moment(born_on))
    plans.start_plan(project=project, months=life.plan_months, starts_on=born_on, by=coach)
    for milestone in project.milestones.order_by("due_on", "order")[: life.milestones_done]:
        plans.mark_milestone_done(
            milestone=milestone,
            revision=milestone.revision,
            done_on=min(milestone.due_on - datetime.timedelta(days=3), today),
            note="Fait, d'après le point mensuel avec le coach.",
            by=coach,
            today=today,
        )
    for job in life.jobs:
        occurred_on = min(months_from(evening, job.month), today)
        record = jobs.declare_job(
            project=project,
            occurred_on=occurred_on,
            number=job.number,
            contract=job.contract,
            fte=Decimal(job.fte),
            kind=job.kind,
            evidence_note="Contrat signé, copie remise au coach.",
            # Declared by nobody: the network's old rows, from before the platform (their
            # teams have no account). The coach may verify them: four eyes bar only whoever
            # declared (accompaniment/domain/four_eyes.py).
            by=None,
            today=today,
        )
        if job.outcome == VERIFIED:
            jobs.verify_job(job=record, by=coach)
        elif job.outcome == RETURNED:
            jobs.return_job(
                job=record, reason="Joignez le contrat signé, s'il vous plaît.", by=coach
            )
        # Written directly: declared and checked in the month they happened.
        JobRecord.objects.filter(pk=record.pk).update(
            created_at=_moment(occurred_on),
            verified_at=_moment(occurred_on + datetime.timedelta(days=7))
            if job.outcome == VERIFIED
            else None,
        )
    for month, status in life.changes:
        since = _last_history_id(project)
        set_project_status(project=project, by=coach, status=status)
        _dated(project, _moment(min(months_from(evening, month), today)), since=since)


@transaction.atomic  # one commit: the demo stays quick on SQLite
def load(made: Demo) -> None:
    today = timezone.localdate()
    for slug, lives in STORIES.items():
        territory = made.network_territories.get(slug)
        coach = made.accounts.get(ORGANISERS[slug])
        if territory is None or coach is None:
            continue
        _templates(territory)
        existing = set(Project.objects.filter(territory=territory).values_list("slug", flat=True))
        for life in lives:
            if life.slug not in existing:
                _live(life, territory, coach, today)
