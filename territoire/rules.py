"""Permissions of the core: deny by default, one line per permission.

A predicate's target is a Territory, an object with a ``territory_id``, or None (the model-level
question "may this person use this kind of object at all?").
"""

from typing import Any

import rules

from territoire.enums import Role
from territoire.models import Territory
from territoire.queries import (
    organised_territory_ids,
    roles_by_territory,
    territory_ids_with_role,
)


def territory_id_of(target: Any) -> int | None:
    """The territory an object belongs to: itself, its ``territory_id``, or its parent's
    (``challenge``, ``session``…) for objects that hang under a territorial one."""
    if isinstance(target, Territory):
        return target.pk
    if hasattr(target, "territory_id"):
        return target.territory_id
    for parent in ("event", "table", "challenge", "session", "project"):
        if hasattr(target, f"{parent}_id"):
            return territory_id_of(getattr(target, parent))
    return None


@rules.predicate
def is_member_somewhere(user) -> bool:
    return bool(roles_by_territory(user))


@rules.predicate
def organises_somewhere(user) -> bool:
    return bool(organised_territory_ids(user))


@rules.predicate
def organises_target(user, target=None) -> bool:
    """Organiser of the target's territory; without a target, organiser of any territory."""
    territories = organised_territory_ids(user)
    if target is None:
        return bool(territories)
    return territory_id_of(target) in territories


def holds_role(role: str) -> rules.Predicate:
    """Predicate: the person holds ``role`` in the target's territory (any, without a target)."""

    @rules.predicate(name=f"holds_{role}")
    def predicate(user, target=None) -> bool:
        territories = territory_ids_with_role(user, role)
        if target is None:
            return bool(territories)
        return territory_id_of(target) in territories

    return predicate


@rules.predicate
def organises_person(user, target=None) -> bool:
    """Organiser of a territory where the target person holds a role."""
    territories = organised_territory_ids(user)
    if target is None or not territories:
        return bool(territories)
    return target.memberships.filter(territory_id__in=territories).exists()


@rules.predicate
def is_network_member(user) -> bool:
    """A person of the Start-up de Territoire network, who follows every territory."""
    return bool(getattr(user, "is_network_member", False))


is_superuser = rules.is_superuser
network_or_superuser = is_superuser | is_network_member
organiser_or_superuser = is_superuser | organises_target

rules.add_perm("territoire.access_admin", is_superuser | organises_target)
rules.add_perm("territoire.access_space", rules.is_authenticated)

rules.add_perm("territoire.view_territory", organiser_or_superuser)
rules.add_perm("territoire.change_territory", organiser_or_superuser)
# The register of processing of personal data (territoire/privacy).
rules.add_perm("territoire.view_privacy_register", organiser_or_superuser)
rules.add_perm("territoire.add_territory", is_superuser)
rules.add_perm("territoire.delete_territory", is_superuser)

# The domain catalogue is shared: organisers read it to pick their territory's set.
rules.add_perm("territoire.view_domain", is_superuser | organises_somewhere)
rules.add_perm("territoire.add_domain", is_superuser)
rules.add_perm("territoire.change_domain", is_superuser)
rules.add_perm("territoire.delete_domain", is_superuser)

for _model in ("organisation", "membership", "invitation"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"territoire.{_action}_{_model}", organiser_or_superuser)

# Organisers see the people of their territories (to give them another role); only superusers
# edit accounts.
rules.add_perm("territoire.view_user", is_superuser | organises_person)
# Accounts are created by accepting an invitation (or createsuperuser), never in the admin.
rules.add_perm("territoire.add_user", rules.always_deny)
rules.add_perm("territoire.change_user", is_superuser)
rules.add_perm("territoire.delete_user", is_superuser)

# Reports: the territory's organisers, coaches and officials read and download them; organisers
# ask for new versions. In the admin they are read-only records (asked for by the admin actions).
reads_territory_reports = (
    is_superuser | organises_target | holds_role(Role.COACH) | holds_role(Role.OFFICIAL)
)
rules.add_perm("territoire.view_reports", reads_territory_reports)
rules.add_perm("territoire.request_report", organiser_or_superuser)
rules.add_perm("territoire.download_report", reads_territory_reports)
rules.add_perm("territoire.publish_report", organiser_or_superuser)
rules.add_perm("territoire.view_report", organiser_or_superuser)
rules.add_perm("territoire.add_report", rules.always_deny)
rules.add_perm("territoire.change_report", rules.always_deny)
rules.add_perm("territoire.delete_report", organiser_or_superuser)

# Impact: the territory's organisers, coaches and officials read its impact page and download
# its private exports (registrations and attendees, with personal data: organisers only). The
# network's people read every territory's impact, never its personal data.
reads_territory_impact = reads_territory_reports | is_network_member
rules.add_perm("territoire.view_impact", reads_territory_impact)
rules.add_perm("territoire.export_impact", reads_territory_impact)
rules.add_perm("territoire.export_personal_data", organiser_or_superuser)
# They may also ask for the impact report (a PDF of the impact page) from the impact page: the
# territory's own people, who download its reports (network members read, they do not ask).
rules.add_perm("territoire.request_impact_report", reads_territory_reports)

# The network: every territory side by side (network members and superusers).
rules.add_perm("territoire.view_network", network_or_superuser)

# The audit log: the territory's organisers read it (in the admin); nobody writes it there.
rules.add_perm("territoire.view_auditentry", organiser_or_superuser)
for _action in ("add", "change", "delete"):
    rules.add_perm(f"territoire.{_action}_auditentry", rules.always_deny)
