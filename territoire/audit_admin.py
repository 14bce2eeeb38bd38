"""The audit log in the admin: read-only, an organiser sees their territories' entries."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from territoire.admin import TerritoryScopedAdmin
from territoire.audit import ACTION_LABELS, role_label
from territoire.ledger import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(TerritoryScopedAdmin):
    list_display = [
        "at",
        "actor_label",
        "role_in_words",
        "action_in_words",
        "description",
        "territory",
    ]
    list_filter = ["action", "territory"]
    search_fields = ["actor_label", "description", "action"]
    list_select_related = ["territory"]
    date_hierarchy = "at"
    fields = (
        "at",
        "actor_label",
        "role_in_words",
        "action_in_words",
        "target_type",
        "target_id",
        "territory",
        "description",
        "details",
    )
    readonly_fields = fields

    # Written by the domain only (territoire/audit.py), erased only by the retention task:
    # superusers included, nobody adds, edits or deletes an entry here.
    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("rôle"))
    def role_in_words(self, entry: AuditEntry) -> str:
        return role_label(entry.role)

    @admin.display(description=_("action"), ordering="action")
    def action_in_words(self, entry: AuditEntry) -> str:
        return str(ACTION_LABELS.get(entry.action, entry.action))
