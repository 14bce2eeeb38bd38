"""Permissions of the evening: deny by default, one line per permission.

Targets are an Event, a Table, or an object of one; their territory decides.
"""

import rules

from territoire.enums import Role
from territoire.rules import holds_role, organiser_or_superuser


def _territory_target(target):
    """Tables and registrations answer through their event."""
    if target is None or hasattr(target, "territory_id"):
        return target
    event = getattr(target, "event", None)
    return event if event is not None else target


@rules.predicate
def organises_event_of(user, target=None) -> bool:
    return organiser_or_superuser.test(user, _territory_target(target))


@rules.predicate
def facilitates_in_territory(user, target=None) -> bool:
    return holds_role(Role.FACILITATOR).test(user, _territory_target(target))


@rules.predicate
def facilitates_table(user, table=None) -> bool:
    """One of the table's own facilitators."""
    if table is None or not user.is_authenticated:
        return False
    return table.facilitators.filter(pk=user.pk).exists()


for _model in (
    "event",
    "programmeitem",
    "registration",
    "table",
    "participant",
    "idea",
    "formedproject",
    "synthesiscontribution",
    "quote",
):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"events.{_action}_{_model}", organiser_or_superuser)

rules.add_perm("events.check_in", organises_event_of | facilitates_in_territory)
# The console and its own pages (its live part, the idea picker, the synthesis) and actions.
rules.add_perm("events.use_console", organises_event_of | facilitates_table)
rules.add_perm("events.view_plenary", organises_event_of)
rules.add_perm("events.use_control_room", organises_event_of)
rules.add_perm("events.spotlight", organises_event_of)
rules.add_perm("events.manage_screen_link", organises_event_of)
