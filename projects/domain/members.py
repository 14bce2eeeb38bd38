"""Keeping a project's team right after the night: remove someone, merge two entries for the
same person, change who carries the project. The team's lead, its coach and the territory's
organisers do it from the team page; ``ProjectMember.history`` keeps who did what."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from projects.enums import MemberRole
from projects.models import Project, ProjectMember
from territoire.errors import Refused
from territoire.models import User


class TeamChangeRefused(Refused):
    """The change would leave the team without a lead, or mixes two people; says why."""


def _locked_team(project: Project) -> dict[int, ProjectMember]:
    """The team's rows, locked: two people changing the team at once are served in turn."""
    return {
        m.pk: m
        for m in ProjectMember.objects.select_for_update().filter(project=project).order_by("pk")
    }


def _member_in(team: dict[int, ProjectMember], member: ProjectMember) -> ProjectMember:
    locked = team.get(member.pk)
    if locked is None:
        raise TeamChangeRefused(_("Cette personne ne fait plus partie de l'équipe."))
    return locked


def remove_member(*, member: ProjectMember, by: User | None) -> None:
    """Take ``member`` out of the team (their pending invitation stops working with them).

    Raises TeamChangeRefused for the team's last lead: name another lead first.
    Side effects: the ProjectMember deleted, one history row naming ``by``.
    """
    with transaction.atomic():
        team = _locked_team(member.project)
        member = _member_in(team, member)
        leads = [m for m in team.values() if m.role == MemberRole.LEAD]
        if member.role == MemberRole.LEAD and len(leads) == 1:
            raise TeamChangeRefused(
                _(
                    "%(name)s est la seule personne qui porte le projet : "
                    "confiez d'abord ce rôle à quelqu'un d'autre."
                )
                % {"name": member.full_name}
            )
        member._history_user = by
        member.delete()


def set_member_role(*, member: ProjectMember, role: str, by: User | None) -> ProjectMember:
    """Give ``member`` the role ``role`` (lead or member). Several people may carry a project.

    Raises TeamChangeRefused for an unknown role, a lead without any contact (e-mail or phone),
    or the last lead made a member.
    Side effects: ``role`` saved, one history row naming ``by``.
    """
    if role not in MemberRole.values:
        raise TeamChangeRefused(_("Ce rôle n'existe pas."))
    with transaction.atomic():
        team = _locked_team(member.project)
        member = _member_in(team, member)
        if member.role == role:
            return member
        if role == MemberRole.LEAD and not (member.email or member.phone):
            raise TeamChangeRefused(
                _(
                    "%(name)s n'a ni adresse e-mail ni téléphone : la personne qui porte le "
                    "projet doit pouvoir être jointe. Invitez-la d'abord avec son adresse."
                )
                % {"name": member.full_name}
            )
        leads = [m for m in team.values() if m.role == MemberRole.LEAD]
        if role == MemberRole.MEMBER and leads == [member]:
            raise TeamChangeRefused(
                _(
                    "%(name)s est la seule personne qui porte le projet : "
                    "confiez d'abord ce rôle à quelqu'un d'autre."
                )
                % {"name": member.full_name}
            )
        member.role = role
        member._history_user = by
        member.save(update_fields=["role"])
    return member


def _survivor(a: ProjectMember, b: ProjectMember) -> tuple[ProjectMember, ProjectMember]:
    """(kept, dropped): the entry with an account, else with an address, else the first."""
    for has in (lambda m: m.user_id is not None, lambda m: bool(m.email)):
        if has(b) and not has(a):
            return b, a
        if has(a) and not has(b):
            return a, b
    return a, b


def merge_members(*, member: ProjectMember, into: ProjectMember, by: User | None) -> ProjectMember:
    """Two entries of the team are the same person: keep one.

    The entry kept is the one with an account, else the one with an e-mail address, else
    ``into``; it takes the other's blanks (phone, organisation, address) and the lead role if
    the other had it.
    Raises TeamChangeRefused for one entry twice, entries of two projects, or two entries that
    each joined with their own account (two people).
    Side effects: one ProjectMember updated and the other deleted, each with a history row
    naming ``by``. Returns the entry kept.
    """
    if member.pk == into.pk:
        raise TeamChangeRefused(_("Choisissez deux entrées différentes."))
    if member.project_id != into.project_id:
        raise TeamChangeRefused(_("Ces deux personnes ne sont pas dans la même équipe."))
    with transaction.atomic():
        team = _locked_team(member.project)
        member, into = _member_in(team, member), _member_in(team, into)
        if member.user_id is not None and into.user_id is not None:
            raise TeamChangeRefused(
                _(
                    "%(a)s et %(b)s ont chacun·e rejoint l'équipe avec leur compte : "
                    "ce sont deux personnes."
                )
                % {"a": member.full_name, "b": into.full_name}
            )
        kept, dropped = _survivor(into, member)
        changed = []
        for name in ("email", "phone", "organisation_name"):
            if not getattr(kept, name) and getattr(dropped, name):
                setattr(kept, name, getattr(dropped, name))
                changed.append(name)
        if dropped.role == MemberRole.LEAD and kept.role != MemberRole.LEAD:
            kept.role = MemberRole.LEAD
            changed.append("role")
        if kept.from_team_member_id is None and dropped.from_team_member_id is not None:
            kept.from_team_member_id = dropped.from_team_member_id
            changed.append("from_team_member")
        if "email" in changed:
            # The address moves over with its pending invitation: the link already sent works.
            kept.invitation_token, kept.invited_at = dropped.invitation_token, dropped.invited_at
            changed += ["invitation_token", "invited_at"]
        dropped._history_user = by
        dropped.delete()
        if changed:
            kept._history_user = by
            kept.save(update_fields=changed)
    return kept


def set_own_name_public(*, member: ProjectMember, by: User, public: bool) -> ProjectMember:
    """Record the member's own answer to "may your name appear on the project's public pages
    and in the portfolio?". Consent is the person's: only the account ``member`` belongs to may
    answer, not the lead, the coach, an organiser nor the admin (which shows it read-only).

    Raises TeamChangeRefused when ``member`` is not ``by``'s own entry in the team.
    Side effects: ``name_public`` and its date saved, one history row naming ``by``.
    """
    if member.user_id is None or member.user_id != by.pk:
        raise TeamChangeRefused(_("Seule la personne concernée peut répondre pour son nom."))
    member.name_public = public
    member.name_public_answered_at = timezone.now()
    member._history_user = by
    member.save(update_fields=["name_public", "name_public_answered_at"])
    return member
