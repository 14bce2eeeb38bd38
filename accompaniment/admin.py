"""The accompaniment in the admin, scoped to the organiser's territories.

Organisers define their territory's default milestones and record the local actors' resource
offers here. Plans, milestones, job records, indicators and their values, and matches are
changed from the project space (through the domain, so that the rules and the history hold); the
admin shows them read-only, with their history.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accompaniment.models import (
    Indicator,
    IndicatorValue,
    JobRecord,
    Milestone,
    MilestoneTemplate,
    NeedMatch,
    ResourceOffer,
)
from territoire.admin import TerritoryScopedAdmin


class ReadOnlyAdmin:
    """Shown, never written from the admin: the project space's domain functions write these."""

    def has_add_permission(self, request, *args) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MilestoneTemplate)
class MilestoneTemplateAdmin(TerritoryScopedAdmin):
    list_display = ["title", "territory", "month", "order"]
    list_filter = ["territory"]
    list_editable = ["month", "order"]
    search_fields = ["title", "description"]
    ordering = ["territory__name", "month", "order"]
    list_select_related = ["territory"]
    fields = ["territory", "title", "description", "month", "order"]


@admin.register(ResourceOffer)
class ResourceOfferAdmin(TerritoryScopedAdmin):
    list_display = ["title", "kind", "organisation", "contact_name", "is_available", "territory"]
    list_filter = ["kind", "is_available", "proposed_publicly", "territory"]
    search_fields = ["title", "description", "organisation_name", "contact_name", "contact_email"]
    ordering = ["territory__name", "kind", "title"]
    list_select_related = ["territory", "organisation"]
    fields = [
        "territory",
        "organisation",
        "organisation_name",
        "kind",
        "title",
        "description",
        "contact_name",
        "contact_email",
        "is_available",
        "proposed_publicly",
    ]
    readonly_fields = ["proposed_publicly"]


@admin.register(NeedMatch)
class NeedMatchAdmin(ReadOnlyAdmin, TerritoryScopedAdmin):
    territory_lookup = "need__project__territory"
    list_display = ["need", "offer", "status", "matched_by", "created_at"]
    list_filter = ["status"]
    ordering = ["-created_at"]
    list_select_related = ["need__project", "offer", "matched_by"]


@admin.register(Milestone)
class MilestoneAdmin(ReadOnlyAdmin, TerritoryScopedAdmin, SimpleHistoryAdmin):
    territory_lookup = "project__territory"
    list_display = ["title", "project", "due_on", "done_on"]
    list_filter = [("done_on", admin.EmptyFieldListFilter)]
    search_fields = ["title", "project__name"]
    ordering = ["project__name", "due_on"]
    list_select_related = ["project"]


@admin.register(JobRecord)
class JobRecordAdmin(ReadOnlyAdmin, TerritoryScopedAdmin, SimpleHistoryAdmin):
    territory_lookup = "project__territory"
    list_display = ["project", "occurred_on", "number", "fte", "contract", "kind", "status"]
    list_filter = ["status", "contract", "kind"]
    search_fields = ["project__name"]
    ordering = ["-occurred_on"]
    list_select_related = ["project"]


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin, TerritoryScopedAdmin, SimpleHistoryAdmin):
    territory_lookup = "project__territory"
    list_display = ["name", "project", "unit", "baseline", "target", "aggregation"]
    list_filter = ["aggregation"]
    search_fields = ["name", "project__name"]
    ordering = ["project__name", "order"]
    list_select_related = ["project"]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin, TerritoryScopedAdmin, SimpleHistoryAdmin):
    territory_lookup = "indicator__project__territory"
    list_display = ["indicator", "project_name", "period_start", "period_end", "value", "status"]
    list_filter = ["status"]
    search_fields = ["indicator__name", "indicator__project__name"]
    ordering = ["-period_end"]
    list_select_related = ["indicator__project"]

    @admin.display(description=_("projet"), ordering="indicator__project__name")
    def project_name(self, obj: IndicatorValue) -> str:
        return obj.indicator.project.name
