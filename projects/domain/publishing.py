"""Publishing projects: from a table's formed project, or a project that joins later."""

from typing import TypedDict

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from challenges.models import Challenge
from events.models import FormedProject, TeamMember
from projects.domain.team import send_member_invitation
from projects.enums import SHOWCASE_STATUSES, MemberRole, ProjectStatus
from projects.models import Project, ProjectMember
from territoire.audit import record
from territoire.errors import Refused
from territoire.impact.cache import impact_changed
from territoire.model_fields import max_length
from territoire.models import Domain, Organisation, Territory, User
from territoire.outbox import enqueue

SLUG_MAX_LENGTH = max_length(Project, "slug")


def announce_when_public(project: Project) -> None:
    """Queue the news of the project to its table's followers once it is public (the task
    sends each follower one e-mail, however often it is queued)."""
    if project.source_table_id and project.is_public and project.status in SHOWCASE_STATUSES:
        enqueue("projects.announce_publication", project_id=project.pk)


class ProjectRefused(Refused):
    """The project cannot be created as asked (its name is taken in the territory…)."""


def unique_slug(*, territory: Territory, name: str) -> str:
    """A slug for ``name``, free in ``territory``: ``numeribus``, then ``numeribus-2``…"""
    base = slugify(name)[: SLUG_MAX_LENGTH - 4].strip("-") or "projet"
    taken = set(
        Project.objects.filter(territory=territory, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, counter = base, 1
    while slug in taken:
        counter += 1
        slug = f"{base}-{counter}"
    return slug


def _check_name_free(territory: Territory, name: str) -> None:
    if Project.objects.filter(territory=territory, name__iexact=name).exists():
        raise ProjectRefused(
            _(
                "Un projet porte déjà le nom « %(name)s » dans ce territoire : "
                "choisissez un autre nom."
            )
            % {"name": name},
            field="name",
        )


def _new_project(*, by: User | None, **fields) -> Project:
    project = Project(**fields)
    project.slug = project.slug or unique_slug(territory=project.territory, name=project.name)
    project._history_user = by
    project.save()
    impact_changed(project.territory_id)
    return project


def publish_formed_project(
    *,
    formed_project: FormedProject,
    by: User | None,
    name: str,
    pitch: str,
    description: str = "",
    challenge: Challenge | None,
    domain: Domain | None,
    lead_organisation: Organisation | None,
    status: str = ProjectStatus.ACTIVE,
    coach: User | None = None,
    slug: str = "",
    is_public: bool = True,
) -> Project:
    """Turn a project formed at a table into a followed Project, with its team.

    Publishing makes it public at once (its page and its showcase card, when its status is one
    the showcase lists): the team may hide it later from its page settings. ``is_public=False``
    keeps it private.

    Idempotent: publishing a formed project again returns the project it already became (the
    one-to-one between them is the guard, also against two organisers publishing at once).
    Raises ProjectRefused when another project of the territory already has this name.
    Side effects, in one transaction: one Project (and its history row) in the table's event's
    territory, with the formed project's ideas; one ProjectMember per entry of the team (one
    entry per person already; the table's lead, else the first with an address, as lead),
    each with an e-mail address invited (an invitation e-mail queued after commit);
    when public, the news queued for the table's followers (events/domain/table_news.py).
    """
    existing = Project.objects.filter(formed_project=formed_project).first()
    if existing is not None:
        return existing
    table = formed_project.table
    territory = table.event.territory
    name = name.strip()
    try:
        with transaction.atomic():
            _check_name_free(territory, name)
            project = _new_project(
                by=by,
                territory=territory,
                name=name,
                slug=slug,
                pitch=pitch.strip(),
                description=description.strip(),
                challenge=challenge,
                domain=domain,
                lead_organisation=lead_organisation,
                status=status,
                coach=coach,
                formed_project=formed_project,
                source_table=table,
                is_public=is_public,
            )
            project.ideas.set(formed_project.ideas.all())
            _team_from_table(project, formed_project, by=by)
            record(by, "project.publish", project, formed_project=formed_project, coach=coach)
            announce_when_public(project)
    except IntegrityError:
        existing = Project.objects.filter(formed_project=formed_project).first()
        if existing is not None:
            return existing
        raise ProjectRefused(
            _("Un projet porte déjà ce nom dans ce territoire : choisissez-en un autre."),
            field="name",
        ) from None
    return project


class _Person(TypedDict):
    full_name: str
    email: str
    phone: str
    organisation_name: str
    is_lead: bool
    team_member: TeamMember


def _team_from_table(project: Project, formed_project: FormedProject, *, by: User | None) -> None:
    """One ProjectMember per entry of the table's team, the lead a person who can be reached.

    The team already holds one entry per person (events/domain/teams.py ``build_team`` folds
    the same person written twice, and the database keeps one entry per participant and per
    address), so each entry is copied as it is: two people who share a name stay two people.
    The lead is the team's, else the first with an address, else the first with a phone.
    """
    team = list(formed_project.team.select_related("participant__registration").order_by("pk"))
    people: list[_Person] = [
        {
            "full_name": member.full_name,
            "email": member.email.strip().lower(),
            "phone": member.phone,
            "organisation_name": member.organisation_name,
            "is_lead": member.is_lead,
            "team_member": member,
        }
        for member in team
    ]
    lead = (
        next((p for p in people if p["is_lead"] and (p["email"] or p["phone"])), None)
        or next((p for p in people if p["email"]), None)
        or next((p for p in people if p["phone"]), None)
    )
    for person in people:
        member = person["team_member"]
        registration = member.participant.registration if member.participant else None
        created = ProjectMember(
            project=project,
            full_name=person["full_name"],
            email=person["email"],
            phone=person["phone"],
            organisation_name=person["organisation_name"],
            role=MemberRole.LEAD if person is lead else MemberRole.MEMBER,
            from_team_member=member,
        )
        created._history_user = by
        created.save()
        if created.email:
            send_member_invitation(
                member=created,
                invited_by=None,
                language=registration.language if registration else None,
            )


def create_project(
    *,
    territory: Territory,
    by: User | None,
    name: str,
    pitch: str,
    description: str = "",
    challenge: Challenge | None = None,
    domain: Domain | None = None,
    lead_organisation: Organisation | None = None,
    status: str = ProjectStatus.DRAFT,
    coach: User | None = None,
    slug: str = "",
) -> Project:
    """Create a project that joins the accompaniment later, without a table behind it.

    Raises ProjectRefused when another project of the territory already has this name.
    Side effects: one Project and its history row; its team is invited afterwards
    (projects.domain.team.invite_member).
    """
    name = name.strip()
    try:
        with transaction.atomic():
            _check_name_free(territory, name)
            return _new_project(
                by=by,
                territory=territory,
                name=name,
                slug=slug,
                pitch=pitch.strip(),
                description=description.strip(),
                challenge=challenge,
                domain=domain,
                lead_organisation=lead_organisation,
                status=status,
                coach=coach,
            )
    except IntegrityError:
        raise ProjectRefused(
            _("Un projet porte déjà ce nom dans ce territoire : choisissez-en un autre."),
            field="name",
        ) from None


def set_project_status(*, project: Project, by: User | None, status: str) -> Project:
    """Move a project to another status (accompanied, paused, autonomous, stopped…).

    Side effects: ``status`` saved, ``revision`` bumped (open page forms become stale), one
    history row naming ``by``; the news queued for the table's followers if it becomes public.
    """
    if status not in ProjectStatus.values:
        raise ProjectRefused(_("Ce statut n'existe pas."))
    with transaction.atomic():
        project = Project.objects.select_for_update().get(pk=project.pk)
        if project.status == status:
            return project
        before = project.status
        project.status = status
        project.revision += 1
        project._history_user = by
        project.save(update_fields=["status", "revision", "updated_at"])
        record(by, "project.status", project, before=before, after=status)
        impact_changed(project.territory_id)
        announce_when_public(project)
    return project
