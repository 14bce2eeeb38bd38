"""Permissions on the accompaniment: deny by default, one line per permission.

Built on projects/rules.py. A target is a Project, an object with a ``project`` (milestone, job
record, need…), or a Territory for the territory-wide pages (portfolio, needs across projects,
resources). Only the team, its coach and the territory's organisers change a project; the
territory's coaches and officials read it; nobody else sees anything.

Meeting notes are written by the project's coach and the territory's organisers; the team reads
them (they are the record of what was agreed with it), and so do the territory's coaches;
officials do not (working notes about people, not figures).
"""

import rules

from accompaniment.domain.four_eyes import may_check
from projects.rules import (
    can_change_project,
    can_read_project,
    coaches_in_territory,
    coaches_project,
    follows_portfolio,
    is_team_member,
    official_of_territory,
    organises_project_territory,
)
from territoire.rules import organiser_or_superuser


@rules.predicate
def organises_match_territory(user, target=None) -> bool:
    """Organiser of the territory of a match's need (a match has no territory of its own)."""
    return organiser_or_superuser.test(user, target.need.project if target else None)


@rules.predicate
def four_eyes(user, record=None) -> bool:
    """Somebody other than whoever declared or corrected the record (a job record, an indicator
    value), unless its territory allows self-verification (accompaniment/domain/four_eyes.py)."""
    if record is None:
        return False
    return may_check(record, user, record.project.territory)


# Coach and organisers: they check the team's figures and keep the meeting notes.
supervises_project = coaches_project | organises_project_territory

# A project's space and everything in it.
rules.add_perm("accompaniment.read_project_space", can_read_project)
rules.add_perm("accompaniment.change_project_space", can_change_project)
# Job records: the team declares, the coach (or an organiser) verifies or sends back.
rules.add_perm("accompaniment.declare_jobs", can_change_project)
rules.add_perm("accompaniment.verify_jobs", supervises_project)
# One record: never by whoever declared or corrected it (four eyes). Lists use
# four_eyes.wrote() in their query instead, to stay one query whatever the number of rows.
rules.add_perm("accompaniment.verify_job_record", supervises_project & four_eyes)
# Indicators beyond jobs: the same rule as jobs (officials read, never write).
rules.add_perm("accompaniment.define_indicators", can_change_project)
rules.add_perm("accompaniment.declare_indicator_values", can_change_project)
rules.add_perm("accompaniment.verify_indicator_values", supervises_project)
rules.add_perm("accompaniment.verify_indicator_value", supervises_project & four_eyes)
# Meeting notes (see the module's docstring).
rules.add_perm("accompaniment.write_meeting_notes", supervises_project)
rules.add_perm(
    "accompaniment.read_meeting_notes",
    is_team_member | supervises_project | coaches_in_territory,
)
# Territory-wide pages (target: the Territory).
rules.add_perm("accompaniment.view_portfolio", follows_portfolio | official_of_territory)
rules.add_perm("accompaniment.view_needs_across", follows_portfolio)
rules.add_perm("accompaniment.match_needs", organiser_or_superuser)
rules.add_perm("accompaniment.view_resources", follows_portfolio)
rules.add_perm("accompaniment.manage_resources", organiser_or_superuser)

# The admin, model by model: the territory's organisers (and superusers).
for _action in ("view", "add", "change", "delete"):
    rules.add_perm(f"accompaniment.{_action}_needmatch", organises_match_territory)
for _model in (
    "milestonetemplate",
    "resourceoffer",
    "plan",
    "milestone",
    "projectupdate",
    "jobrecord",
    "need",
    "meetingnote",
    "indicator",
    "indicatorvalue",
):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"accompaniment.{_action}_{_model}", organiser_or_superuser)

__all__ = ["four_eyes", "organises_match_territory", "supervises_project"]
