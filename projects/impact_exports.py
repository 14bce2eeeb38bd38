"""The projects in the impact page's downloads and in the territory's open data.

Registered from ``ProjectsConfig.ready()``. Rows are read lazily (``.iterator()``) from one
query, the related names joined in (no query per row).
"""

from collections.abc import Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from projects.enums import SHOWCASE_STATUSES, ProjectStatus
from projects.models import Project
from projects.queries import showcase_projects
from territoire.impact.registry import (
    Column,
    ExportKind,
    ImpactFilter,
    OpenDataset,
    register_export,
    register_open_dataset,
)
from territoire.models import Territory

STATUS_LABELS = dict(ProjectStatus.choices)


def page_url(territory_slug: str, slug: str) -> str:
    """A project's public page, absolute (the file leaves the site)."""
    path = reverse("project_detail", kwargs={"territory": territory_slug, "slug": slug})
    return settings.SITE_URL + path


def filtered_projects(impact: ImpactFilter) -> QuerySet[Project]:
    """The territory's projects, narrowed to the challenge and to those created in the period."""
    projects = Project.objects.filter(territory=impact.territory)
    return impact.narrow(projects, day="created_at__date", challenge="challenge_id")


PROJECT_COLUMNS = (
    Column("nom", _("projet")),
    Column("defi", _("défi")),
    Column("domaine", _("domaine")),
    Column("statut", _("statut")),
    Column("organisation_porteuse", _("organisation porteuse")),
    Column("coach", _("coach")),
    Column("public", _("visible dans la vitrine"), "boolean"),
    Column("cree_le", _("créé le"), "date"),
    Column("table_origine", _("table d'origine")),
    Column("soiree", _("soirée")),
    Column("page", _("page web")),
)


def project_rows(impact: ImpactFilter) -> Iterator[tuple]:
    projects = (
        filtered_projects(impact)
        .order_by("name", "pk")
        .values_list(
            "name",
            "slug",
            "challenge__title",
            "domain__name",
            "status",
            "lead_organisation__name",
            "coach__full_name",
            "coach__email",
            "is_public",
            "created_at",
            "source_table__name",
            "source_table__event__title",
        )
    )
    territory_slug = impact.territory.slug
    for (
        name,
        slug,
        challenge,
        domain,
        status,
        lead,
        coach,
        coach_email,
        public,
        created,
        table,
        evening,
    ) in projects.iterator(chunk_size=2000):
        yield (
            name,
            challenge,
            domain,
            STATUS_LABELS.get(status, status),
            lead,
            coach or coach_email,
            public and status in SHOWCASE_STATUSES,
            created.date() if created else None,
            table,
            evening,
            page_url(territory_slug, slug),
        )


OPEN_PROJECT_COLUMNS = (
    Column("nom", _("nom"), description=_("Le nom du projet.")),
    Column("identifiant", _("identifiant"), description=_("Son identifiant dans l'adresse.")),
    Column("page", _("page web"), description=_("Sa page publique.")),
    Column("defi", _("défi"), description=_("Le défi du territoire auquel il répond.")),
    Column("domaine", _("domaine"), description=_("Son domaine (santé, emploi, logement…).")),
    Column("statut", _("statut"), description=_("Accompagné, en pause ou autonome.")),
    Column("pitch", _("pitch"), description=_("Le projet en quelques phrases.")),
    Column(
        "organisation_porteuse",
        _("organisation porteuse"),
        description=_("L'organisation qui porte le projet, s'il y en a une."),
    ),
    Column(
        "annee_debut",
        _("année de début"),
        "integer",
        description=_("L'année où le projet a été publié sur la plateforme."),
    ),
)


def open_project_rows(territory: Territory) -> Iterator[tuple]:
    """The showcase only (public projects in a showcase status); an organisation, never a
    person."""
    projects = (
        showcase_projects(territory)
        .annotate(started=ExtractYear("created_at"))
        .values_list(
            "name",
            "slug",
            "challenge__title",
            "domain__name",
            "status",
            "pitch",
            "lead_organisation__name",
            "started",
        )
    )
    for name, slug, challenge, domain, status, pitch, lead, started in projects.iterator():
        yield (
            name,
            slug,
            page_url(territory.slug, slug),
            challenge,
            domain,
            STATUS_LABELS.get(status, status),
            pitch,
            lead,
            started,
        )


register_export(
    ExportKind(
        key="projets",
        label=_("Projets"),
        columns=PROJECT_COLUMNS,
        rows=project_rows,
        order=10,
    )
)
register_open_dataset(
    OpenDataset(
        key="projets",
        title=_("Projets"),
        description=_(
            "Les projets que leur équipe a rendus publics (jamais un projet en préparation)."
        ),
        columns=OPEN_PROJECT_COLUMNS,
        rows=open_project_rows,
        order=20,
    )
)
