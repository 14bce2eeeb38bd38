"""The audit log in the admin: read-only, an organiser sees their territories' entries."""

from django.contrib import admin
from django.http import HttpRequest

from territoire.admin import TerritoryScopedAdmin
from territoire.ledger import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(TerritoryScopedAdmin):
    list_display = ["at", "actor_label", "role", "action", "description", "territory"]
    list_filter = ["action", "territory"]
    search_fields = ["actor_label", "description", "action"]
    list_select_related = ["territory"]
    date_hierarchy = "at"
    fields = [
        "at",
        "actor_label",
        "role",
        "action",
        "target_type",
        "target_id",
        "territory",
        "description",
        "details",
    ]
    readonly_fields = fields

    # Written by the domain only (territoire/audit.py), erased only by the retention task:
    # superusers included, nobody adds, edits or deletes an entry here.
    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
