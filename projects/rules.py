"""Permissions on projects: deny by default, one line per permission.

Targets are a Project or an object with a ``project`` (milestone, job record, need…); the
project's territory decides for organisers, coaches and officials. The accompaniment's rules
build on the predicates here.
"""

import rules

from projects.enums import MemberRole
from territoire.enums import Role
from territoire.rules import holds_role, organiser_or_superuser


def project_of(target):
    """The project a target belongs to: itself, or its ``project``."""
    if target is None:
        return None
    return getattr(target, "project", target)


@rules.predicate
def is_team_member(user, target=None) -> bool:
    """A member of the project's team who accepted their invitation."""
    project = project_of(target)
    if project is None or not user.is_authenticated:
        return False
    cached = getattr(user, "_team_project_ids", None)
    if cached is None:
        cached = set(
            project.members.model.objects.filter(user=user).values_list("project_id", flat=True)
        )
        user._team_project_ids = cached
    return project.pk in cached


@rules.predicate
def leads_team(user, target=None) -> bool:
    """A member of the project's team who joined and carries the project (its lead)."""
    project = project_of(target)
    if project is None or not user.is_authenticated:
        return False
    cached = getattr(user, "_led_project_ids", None)
    if cached is None:
        cached = set(
            project.members.model.objects.filter(user=user, role=MemberRole.LEAD).values_list(
                "project_id", flat=True
            )
        )
        user._led_project_ids = cached
    return project.pk in cached


@rules.predicate
def coaches_project(user, target=None) -> bool:
    """The project's own coach."""
    project = project_of(target)
    return bool(project is not None and user.is_authenticated and project.coach_id == user.pk)


@rules.predicate
def organises_project_territory(user, target=None) -> bool:
    return organiser_or_superuser.test(user, project_of(target))


@rules.predicate
def coaches_in_territory(user, target=None) -> bool:
    return holds_role(Role.COACH).test(user, project_of(target))


@rules.predicate
def official_of_territory(user, target=None) -> bool:
    return holds_role(Role.OFFICIAL).test(user, project_of(target))


# Who changes a project: its team, its coach, the territory's organisers.
can_change_project = is_team_member | coaches_project | organises_project_territory
# Who follows the whole portfolio: the territory's organisers and coaches.
follows_portfolio = organises_project_territory | coaches_in_territory
# Who reads everything about a project (officials read, never write).
can_read_project = can_change_project | coaches_in_territory | official_of_territory

for _model in ("project", "projectmember"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"projects.{_action}_{_model}", organiser_or_superuser)
# Followers opt in themselves: organisers see them and may erase them, never write them.
rules.add_perm("projects.view_projectfollower", organiser_or_superuser)
rules.add_perm("projects.delete_projectfollower", organiser_or_superuser)
rules.add_perm("projects.add_projectfollower", rules.always_deny)
rules.add_perm("projects.change_projectfollower", rules.always_deny)

rules.add_perm("projects.change_project_page", can_change_project)
rules.add_perm("projects.read_project", can_read_project)
# The target of these two is the territory.
rules.add_perm("projects.publish_formed_project", organises_project_territory)
rules.add_perm("projects.create_project", organises_project_territory)
rules.add_perm("projects.invite_member", can_change_project)
# Removing, merging and changing the roles of the team: its lead, its coach, the organisers;
# the other members read the team.
rules.add_perm("projects.manage_team", leads_team | coaches_project | organises_project_territory)
# A project's status is what officials count: its coach and the organisers move it.
rules.add_perm("projects.change_project_status", coaches_project | organises_project_territory)
