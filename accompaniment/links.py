"""The accompaniment's links in people's spaces and its sections on a project's public page."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from accompaniment import queries
from accompaniment.enums import NeedStatus
from accompaniment.models import Need, ProjectUpdate
from projects.extensions import Section, provide_project_sections
from projects.models import Project
from projects.queries import projects_of_member
from territoire.enums import Role
from territoire.extensions import Link, provide_space_links, provide_territory_links
from territoire.models import Territory, User

PUBLIC_UPDATES = 5


@provide_space_links
def space_links(user: User, territory: Territory, roles: frozenset[str]) -> list[Link]:
    kwargs = {"territory": territory.slug}
    links = []
    if user.is_superuser or roles & {Role.ORGANISER, Role.COACH, Role.OFFICIAL}:
        links.append(
            Link(
                _("Portefeuille des projets"),
                reverse("portfolio", kwargs=kwargs),
                _("Chaque projet accompagné, sa santé, ses jalons et ses emplois."),
                prominent=True,
            )
        )
    if user.is_superuser or roles & {Role.ORGANISER, Role.COACH}:
        links.append(
            Link(
                _("Besoins des projets"),
                reverse("needs_across", kwargs=kwargs),
                _("Les besoins ouverts, à côté des ressources du territoire."),
            )
        )
        links.append(Link(_("Ressources proposées"), reverse("resource_list", kwargs=kwargs)))
    return links


@provide_territory_links
def territory_links(territory: Territory) -> list[Link]:
    """On the territory's public page: local actors may propose a resource to the projects."""
    return [
        Link(
            _("Proposer une ressource aux projets"),
            reverse("resource_offer_public", kwargs={"territory": territory.slug}),
            _("Un local, une machine, un financement, des compétences, du mentorat…"),
        )
    ]


@provide_project_sections
def project_sections(project: Project, request: HttpRequest) -> list[Section]:
    """What the public page shows of the accompaniment: public updates, and, as the team chose,
    open needs and verified jobs. One query per section."""
    sections = []
    updates = list(ProjectUpdate.objects.filter(project=project, is_public=True)[:PUBLIC_UPDATES])
    if updates:
        sections.append(
            Section(
                _("Nouvelles du projet"),
                "accompaniment/sections/updates.html",
                {"updates": updates},
                order=30,
            )
        )
    if project.show_needs:
        needs = list(Need.objects.filter(project=project, status=NeedStatus.OPEN))
        if needs:
            sections.append(
                Section(
                    _("Ce dont le projet a besoin"),
                    "accompaniment/sections/needs.html",
                    {"needs": needs},
                    order=40,
                )
            )
    if project.show_jobs:
        totals = queries.job_totals(project)
        if totals["verified_jobs"] or totals["kept_jobs"]:
            sections.append(
                Section(
                    _("Emplois"),
                    "accompaniment/sections/jobs.html",
                    {"totals": totals},
                    order=50,
                )
            )
    return sections


@provide_space_links
def reminder_links(user: User, territory: Territory, roles: frozenset[str]) -> list[Link]:
    """The reminders' preferences, for those who get reminders here: the team of one of the
    territory's projects, and its coaches."""
    in_team = any(project.territory_id == territory.pk for project in projects_of_member(user))
    if not (in_team or Role.COACH in roles):
        return []
    return [
        Link(
            _("Vos rappels par e-mail"),
            reverse("my_reminder_preferences"),
            _("Jalons à venir ou en retard, projets sans nouvelles : choisir ou arrêter."),
        )
    ]
