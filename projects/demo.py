"""The projects' part of ``manage.py load_demo``: the Roubaix evening's formed projects turned
into followed projects, at the stable slugs the accompaniment's demo builds on (``numeribus``,
``orientation-partagee``, ``six-mois-pour-rebondir``), one left as a draft, one left to publish,
and a project that joined later.

Idempotent: a project is looked up by its slug and only built (through the domain functions, so
that the history says who did what) when missing. Publishing invites the table's team by e-mail,
as in real life; in development those e-mails are printed on the console.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from events.models import FormedProject
from projects.domain.page import update_project_page
from projects.domain.publishing import create_project, publish_formed_project
from projects.enums import MemberRole, ProjectStatus
from projects.models import Project, ProjectMember
from territoire.demo import Demo
from territoire.models import Domain

EVENT_SLUG = "soiree-velodrome-roubaix"
TEAM_JOINED_AT = datetime.datetime(2026, 6, 20, 10, tzinfo=datetime.UTC)
# When the demo's projects were published: the week after the Roubaix evening, the project that
# joined later two months on (the funnel counts projects alive 6 months after the evening).
PUBLISHED_AT = datetime.datetime(2026, 6, 11, 10, tzinfo=datetime.UTC)
JOINED_LATER_AT = datetime.datetime(2026, 8, 27, 10, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Published:
    formed_name: str  # the name it was given at its table
    slug: str
    name: str
    status: str
    lead_organisation: str | None
    coached: bool
    public: bool
    description: str
    website: str = ""


PUBLISHED = [
    Published(
        "Numéribus",
        "numeribus",
        "Numéribus",
        ProjectStatus.ACTIVE,
        "Humanis",
        coached=True,
        public=True,
        description=(
            "Un bus aménagé circule de quartier en quartier, comme un camion-restaurant : les "
            "seniors isolés y font le point sur leur équipement, apprennent la visio avec leurs "
            "petits-enfants et retrouvent les démarches en ligne de la ville. Les associations "
            "et le centre social repèrent les personnes ; l'équipe va vers elles, là où elles "
            "vivent."
        ),
    ),
    Published(
        "Boussole",
        "orientation-partagee",
        "Orientation partagée",
        ProjectStatus.ACTIVE,
        "Orientoi",
        coached=True,
        public=True,
        description=(
            "Une application où l'élève découvre sa personnalité et les métiers qui lui "
            "ressemblent, et la partage avec sa famille et ses professeurs : choisir son "
            "orientation plutôt que la subir, dès la quatrième."
        ),
        website="https://orientation-partagee.exemple.demo",
    ),
    Published(
        "Un toit pour rebondir",
        "six-mois-pour-rebondir",
        "Six mois pour rebondir",
        ProjectStatus.ACTIVE,
        "Stirrup",
        coached=True,
        public=True,
        description=(
            "Des propriétaires de logements vacants les prêtent six mois, gratuitement, à des "
            "personnes en voie d'exclusion, le temps de retrouver leurs droits, avec "
            "l'accompagnement d'une association. Les propriétaires y gagnent des aides et un "
            "logement entretenu."
        ),
    ),
    Published(
        "Les Repriseuses",
        "les-repriseuses",
        "Les Repriseuses",
        ProjectStatus.DRAFT,
        None,
        coached=False,
        public=False,
        description="",
    ),
]
# "Tandems numériques" stays a formed project: the organisers' review has one to publish.

LATER = {
    "slug": "ressourcerie-de-l-epeule",
    "name": "La Ressourcerie de l'Épeule",
    "pitch": (
        "Une ressourcerie de quartier qui collecte, répare et revend meubles et petit "
        "électroménager, avec des salariés en insertion."
    ),
    "domain": "economie-circulaire",
}


def _publish(made: Demo, spec: Published) -> Project | None:
    formed = (
        FormedProject.objects.filter(table__event__slug=EVENT_SLUG, name=spec.formed_name)
        .select_related("table__challenge", "table__event__territory")
        .first()
    )
    if formed is None:
        return None
    organiser = made.accounts["organiser"]
    project = publish_formed_project(
        formed_project=formed,
        by=organiser,
        name=spec.name,
        slug=spec.slug,
        pitch=formed.pitch,
        description=spec.description,
        challenge=formed.table.challenge,
        domain=formed.table.challenge.domain,
        lead_organisation=made.organisations.get(spec.lead_organisation or ""),
        status=spec.status,
        coach=made.accounts["coach"] if spec.coached else None,
        is_public=spec.public,
    )
    if spec.public or spec.website:
        project = update_project_page(
            project=project,
            by=organiser,
            revision=project.revision,
            is_public=spec.public,
            website=spec.website,
        )
    return project


def _published_on(project: Project, moment: datetime.datetime) -> None:
    """Date the project's creation and its history so far when it happened (never later than
    now): the domain saved them now, the demo tells the past."""
    moment = min(moment, timezone.now())
    Project.objects.filter(pk=project.pk).update(created_at=moment)
    Project.history.filter(id=project.pk).update(history_date=moment)


def _team_member(made: Demo, project: Project) -> None:
    """The demo's "project team member" account, an accepted member of Numéribus, who chose to
    show her name on its public page."""
    user = made.accounts["project team member"]
    ProjectMember.objects.get_or_create(
        project=project,
        user=user,
        defaults={
            "full_name": user.full_name,
            "email": user.email,
            "organisation_name": "Centre social de l'Alma",
            "role": MemberRole.LEAD,
            "invited_at": TEAM_JOINED_AT,
            "joined_at": TEAM_JOINED_AT,
            # She said yes, from her project space, to her name on the public page.
            "name_public": True,
            "name_public_answered_at": TEAM_JOINED_AT,
        },
    )


@transaction.atomic
def load(made: Demo) -> None:
    territory = made.territory
    existing = set(Project.objects.filter(territory=territory).values_list("slug", flat=True))
    for spec in PUBLISHED:
        if spec.slug not in existing:
            published = _publish(made, spec)
            if published is not None:
                _published_on(published, PUBLISHED_AT)
    numeribus = Project.objects.filter(territory=territory, slug="numeribus").first()
    if numeribus is not None:
        _team_member(made, numeribus)
    if LATER["slug"] not in existing:
        project = create_project(
            territory=territory,
            by=made.accounts["organiser"],
            name=LATER["name"],
            slug=LATER["slug"],
            pitch=LATER["pitch"],
            domain=Domain.objects.filter(slug=LATER["domain"]).first(),
            lead_organisation=made.organisations.get("SoBizHub"),
            status=ProjectStatus.ACTIVE,
            coach=made.accounts["coach"],
        )
        update_project_page(
            project=project,
            by=made.accounts["organiser"],
            revision=project.revision,
            is_public=True,
        )
        _published_on(project, JOINED_LATER_AT)
