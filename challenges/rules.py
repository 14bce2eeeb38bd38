"""Permissions of the mobilisation: deny by default, one line per permission.

Targets are a Territory or an object of one (challenge, sign-up, contribution, session).
"""

import rules

from territoire.enums import Role
from territoire.rules import holds_role, is_superuser, organiser_or_superuser

is_facilitator = holds_role(Role.FACILITATOR)

# Admin, model by model.
for _model in ("challenge", "signup", "trainingsession", "trainingattendance"):
    for _action in ("view", "add", "change", "delete"):
        rules.add_perm(f"challenges.{_action}_{_model}", organiser_or_superuser)
# Contributions come from the public form; organisers read, hide or delete them.
rules.add_perm("challenges.view_contribution", organiser_or_superuser)
rules.add_perm("challenges.change_contribution", organiser_or_superuser)
rules.add_perm("challenges.delete_contribution", organiser_or_superuser)
rules.add_perm("challenges.add_contribution", rules.always_deny)

# Pages.
rules.add_perm("challenges.preview_challenge", organiser_or_superuser)
rules.add_perm("challenges.view_mobilisation", organiser_or_superuser)
rules.add_perm("challenges.export_signups", organiser_or_superuser)
rules.add_perm("challenges.invite_volunteers", organiser_or_superuser)
rules.add_perm("challenges.moderate_contribution", organiser_or_superuser)
rules.add_perm("challenges.view_training", is_facilitator | organiser_or_superuser)
rules.add_perm("challenges.respond_training", is_facilitator)
rules.add_perm("challenges.mark_training_attendance", organiser_or_superuser)
rules.add_perm("challenges.view_kit", is_facilitator | organiser_or_superuser)

__all__ = ["is_facilitator", "is_superuser"]
