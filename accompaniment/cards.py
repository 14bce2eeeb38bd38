"""What the accompaniment puts in people's spaces as "next step" cards, and its figures on a
territory's public page. Each provider runs a fixed number of queries, whatever the number of
territories and projects."""

import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompaniment.domain.four_eyes import awaiting
from accompaniment.enums import JobKind, JobStatus, MatchStatus
from accompaniment.models import IndicatorValue, JobRecord, NeedMatch, ProjectUpdate
from accompaniment.queries import FollowUp, Health, health_of, with_follow_up
from projects.models import Project
from projects.queries import accompanied_by_territory, projects_of_member
from territoire.enums import Role
from territoire.extensions import (
    Card,
    Figure,
    Link,
    Meter,
    SpaceEntry,
    provide_space_cards,
    provide_territory_cards,
)
from territoire.models import Territory, User

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


def created_jobs_verified(territory_ids) -> dict[int, int]:
    """Jobs *created* and verified, by territory: the figure set against the target. (Kept jobs
    are counted apart: ``queries._job_sums`` adds both kinds, which the target does not.)
    One query."""
    rows = (
        JobRecord.objects.filter(
            project__territory_id__in=territory_ids,
            status=JobStatus.VERIFIED,
            kind=JobKind.CREATED,
        )
        .values("project__territory_id")
        .annotate(total=Sum("number"))
        .values_list("project__territory_id", "total")
    )
    return dict(rows)


def jobs_figure(territory: Territory, verified: int) -> Figure:
    return Figure(
        f"{verified} / {territory.job_target}",
        ngettext(
            "emploi créé et vérifié, sur l'objectif",
            "emplois créés et vérifiés, sur l'objectif",
            verified,
        ),
    )


@provide_territory_cards("progress")
def job_progress_cards(territories: list[Territory]) -> list[Card]:
    verified = created_jobs_verified([t.pk for t in territories])
    return [
        Card(
            territory_id=territory.pk,
            title=_("Les emplois"),
            figures=(jobs_figure(territory, verified.get(territory.pk, 0)),),
            meter=Meter(verified.get(territory.pk, 0), territory.job_target),
            text=_("Comptés quand l'accompagnateur·rice du projet les a vérifiés."),
            slot="progress",
            order=30,
        )
        for territory in territories
        if territory.pk in verified or territory.evening_on
    ]


def _space_url(project: Project, name: str = "project_space") -> str:
    return reverse(name, kwargs={"territory": project.territory.slug, "slug": project.slug})


class CoachRow(FollowUp):
    # What awaits the coach's check: jobs declared, indicators' values declared.
    jobs_for_you: int
    declared_values: int


def _health_text(project: "WithAnnotations[Project, CoachRow]", health: str) -> str:
    parts = []
    if project.milestones_late:
        parts.append(
            ngettext("%(n)s jalon en retard", "%(n)s jalons en retard", project.milestones_late)
            % {"n": project.milestones_late}
        )
    elif health == Health.SILENT:
        parts.append(_("sans nouvelles depuis 30 jours"))
    if project.jobs_for_you:
        parts.append(
            ngettext("%(n)s emploi à vérifier", "%(n)s emplois à vérifier", project.jobs_for_you)
            % {"n": project.jobs_for_you}
        )
    if getattr(project, "declared_values", 0):
        parts.append(
            ngettext(
                "%(n)s valeur d'indicateur à vérifier",
                "%(n)s valeurs d'indicateurs à vérifier",
                project.declared_values,
            )
            % {"n": project.declared_values}
        )
    return ", ".join(parts) or _("à jour")


def _declared_values(user: User) -> Subquery:
    """The indicator values of a project awaiting ``user``'s verification: declared, and not by
    her (unless her territory allows it: accompaniment/domain/four_eyes.py)."""
    return Subquery(
        IndicatorValue.objects.filter(indicator__project=OuterRef("pk"), status=JobStatus.DECLARED)
        .filter(awaiting(IndicatorValue, user, territory_path="indicator__project__territory"))
        .values("indicator__project")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )


def _jobs_for(user: User) -> Subquery:
    """The jobs of a project awaiting ``user``'s verification (four eyes, as above)."""
    return Subquery(
        JobRecord.objects.filter(project=OuterRef("pk"), status=JobStatus.DECLARED)
        .filter(awaiting(JobRecord, user, territory_path="project__territory"))
        .values("project")
        .annotate(total=Sum("number"))
        .values("total"),
        output_field=IntegerField(),
    )


def _to_verify(project: "WithAnnotations[Project, CoachRow]") -> list[Link]:
    """What of the project awaits the coach: its jobs, its indicators' values."""
    links = []
    if project.jobs_for_you:
        links.append(
            Link(
                ngettext(
                    "%(project)s : %(n)s emploi déclaré",
                    "%(project)s : %(n)s emplois déclarés",
                    project.jobs_for_you,
                )
                % {"project": project.name, "n": project.jobs_for_you},
                _space_url(project, "job_list"),
            )
        )
    if project.declared_values:
        links.append(
            Link(
                ngettext(
                    "%(project)s : %(n)s valeur d'indicateur déclarée",
                    "%(project)s : %(n)s valeurs d'indicateurs déclarées",
                    project.declared_values,
                )
                % {"project": project.name, "n": project.declared_values},
                _space_url(project, "indicator_list"),
            )
        )
    return links


def coach_cards(user: User, territory_ids: list[int], now: datetime.datetime) -> list[Card]:
    """The projects she coaches (late or silent first), and the jobs and indicator values
    awaiting her. One query."""
    projects = with_follow_up(
        Project.objects.filter(coach=user, territory_id__in=territory_ids)
        .select_related("territory")
        .order_by("name"),
        now.date(),
    ).annotate(
        jobs_for_you=Coalesce(_jobs_for(user), 0),
        declared_values=Coalesce(_declared_values(user), 0),
    )
    by_territory: dict[int, list[tuple[WithAnnotations[Project, CoachRow], str]]] = {}
    for project in projects:
        by_territory.setdefault(project.territory_id, []).append((project, health_of(project, now)))
    cards = []
    for territory_id in territory_ids:
        rows = by_territory.get(territory_id, [])
        urgent = [(p, h) for p, h in rows if h != Health.ON_TRACK]
        rows.sort(key=lambda row: row[1] == Health.ON_TRACK)
        to_verify = tuple(link for p, _h in rows for link in _to_verify(p))
        cards.append(
            Card(
                territory_id=territory_id,
                title=_("Emplois et indicateurs à vérifier"),
                items=to_verify,
                empty=_("Aucun emploi ni aucune valeur d'indicateur n'attend votre vérification."),
                tone="todo" if to_verify else "",
                order=12,
            )
        )
        cards.append(
            Card(
                territory_id=territory_id,
                title=_("Les projets que vous accompagnez"),
                text=ngettext(
                    "%(n)s projet en retard ou sans nouvelles",
                    "%(n)s projets en retard ou sans nouvelles",
                    len(urgent),
                )
                % {"n": len(urgent)}
                if rows
                else "",
                items=tuple(Link(p.name, _space_url(p), _health_text(p, h)) for p, h in rows),
                empty=_("Aucun projet ne vous est encore confié."),
                order=14,
            )
        )
    return cards


def team_cards(user: User, territory_ids: set[int], now: datetime.datetime) -> list[Card]:
    """Per project of the person's team: overdue milestones, the month's update, needs answered.
    One query (the person's projects are cached for the request)."""
    mine = [p.pk for p in projects_of_member(user) if p.territory_id in territory_ids]
    if not mine:
        return []
    today = now.date()
    this_month = today.replace(day=1)
    answered = (
        NeedMatch.objects.filter(need__project=OuterRef("pk"), status=MatchStatus.PROPOSED)
        .values("need__project")
        .annotate(n=Count("pk"))
        .values("n")
    )
    projects = with_follow_up(
        Project.objects.filter(pk__in=mine).select_related("territory").order_by("name"), today
    ).annotate(
        updated_this_month=Exists(
            ProjectUpdate.objects.filter(project=OuterRef("pk"), month__gte=this_month)
        ),
        needs_answered=Coalesce(Subquery(answered, output_field=IntegerField()), 0),
    )
    cards = []
    for project in projects:
        items = []
        if project.milestones_late:
            items.append(
                Link(
                    ngettext(
                        "%(n)s jalon en retard", "%(n)s jalons en retard", project.milestones_late
                    )
                    % {"n": project.milestones_late},
                    _space_url(project),
                )
            )
        if getattr(project, "plan", None) is not None and not project.updated_this_month:
            items.append(
                Link(_("Les nouvelles du mois sont à écrire"), _space_url(project, "update_list"))
            )
        if project.needs_answered:
            items.append(
                Link(
                    ngettext(
                        "%(n)s ressource proposée pour vos besoins",
                        "%(n)s ressources proposées pour vos besoins",
                        project.needs_answered,
                    )
                    % {"n": project.needs_answered},
                    _space_url(project, "need_list"),
                )
            )
        if project.next_milestone_title and project.next_milestone_due:
            text = _("Prochain jalon : %(title)s, le %(day)s") % {
                "title": project.next_milestone_title,
                "day": formats.date_format(project.next_milestone_due, "j F Y"),
            }
        else:
            text = ""
        cards.append(
            Card(
                territory_id=project.territory_id,
                title=project.name,
                text=text,
                action=Link(_("Ouvrir l'espace du projet"), _space_url(project), prominent=True),
                items=tuple(items),
                empty=_("Rien en retard : bravo."),
                tone="todo" if items else "",
                order=5,
            )
        )
    return cards


def official_cards(territories: list[Territory]) -> list[Card]:
    """The figures that matter now: jobs created and verified against the target, jobs declared
    and awaiting verification, projects accompanied. Two queries."""
    ids = [t.pk for t in territories]
    jobs = list(
        JobRecord.objects.filter(project__territory_id__in=ids)
        .values("project__territory_id")
        .annotate(
            verified=Sum(
                "number", filter=Q(status=JobStatus.VERIFIED, kind=JobKind.CREATED), default=0
            ),
            awaiting=Sum("number", filter=Q(status=JobStatus.DECLARED), default=0),
        )
    )
    verified = {row["project__territory_id"]: row["verified"] for row in jobs}
    awaiting = {row["project__territory_id"]: row["awaiting"] for row in jobs}
    accompanied = accompanied_by_territory(ids)
    cards = []
    for territory in territories:
        waiting, followed = awaiting.get(territory.pk, 0), accompanied.get(territory.pk, 0)
        cards.append(
            Card(
                territory_id=territory.pk,
                title=_("Les chiffres du territoire"),
                figures=(
                    jobs_figure(territory, verified.get(territory.pk, 0)),
                    Figure(
                        str(waiting),
                        ngettext(
                            "emploi déclaré, en cours de vérification",
                            "emplois déclarés, en cours de vérification",
                            waiting,
                        ),
                    ),
                    Figure(
                        str(followed),
                        ngettext("projet accompagné", "projets accompagnés", followed),
                    ),
                ),
                action=Link(
                    _("Ouvrir la page d'impact"),
                    reverse("impact", kwargs={"territory": territory.slug}),
                    prominent=True,
                ),
                links=(
                    Link(
                        _("Voir le portefeuille des projets"),
                        reverse("portfolio", kwargs={"territory": territory.slug}),
                    ),
                    Link(
                        _("Rapports"), reverse("territory_reports", kwargs={"slug": territory.slug})
                    ),
                ),
                order=8,
            )
        )
    return cards


@provide_space_cards
def space_cards(user: User, entries: list[SpaceEntry]) -> list[Card]:
    now = timezone.now()
    coached = [e.territory.pk for e in entries if Role.COACH in e.roles]
    officials = [e.territory for e in entries if Role.OFFICIAL in e.roles]
    cards = team_cards(user, {e.territory.pk for e in entries}, now)
    if coached:
        cards += coach_cards(user, coached, now)
    if officials:
        cards += official_cards(officials)
    return cards
