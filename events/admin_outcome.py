"""The projects formed at the tables, in the admin: read here, formed and corrected elsewhere.

The team is formed at the table from the console (events/domain/teams.py ``build_team``: one
entry per person, one lead who can be reached); once the project is published, its team lives
on the project's team page. The admin shows the team without writing it, so nothing here can
leave a team without a lead or with the same person twice.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from events.models import FormedProject, TeamMember
from territoire.admin import RulesInlineMixin, TerritoryScopedAdmin

TEAM_HELP = _(
    "L'équipe se forme à la table, depuis la console d'animation. Une fois le projet publié, "
    "corrigez-la depuis la page « Équipe » de son espace projet (ajouter, retirer une "
    "personne, changer qui porte le projet)."
)


class TeamMemberInline(RulesInlineMixin, admin.TabularInline):
    """The team as the table formed it, read-only."""

    model = TeamMember
    extra = 0
    fields = ("full_name", "email", "phone", "organisation_name", "is_lead")
    readonly_fields = fields
    can_delete = False

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.has_perm("events.view_formedproject", obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(FormedProject)
class FormedProjectAdmin(TerritoryScopedAdmin):
    territory_lookup = "table__event__territory"
    list_display = ["name", "table", "created_at", "team_size"]
    list_filter = ["table__event"]
    search_fields = ["name", "pitch"]
    ordering = ["-created_at"]
    list_select_related = ["table"]
    # Named and pitched at the table; renamed when it is published (the publish form), so the
    # admin only shows it.
    readonly_fields = ["table", "name", "pitch", "created_by", "created_at"]
    fieldsets = [
        (None, {"fields": ["table", "name", "pitch", "created_by", "created_at"]}),
        (_("Équipe"), {"fields": [], "description": TEAM_HELP}),
    ]
    inlines = [TeamMemberInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Projects are formed at the tables, from the console.
        return False

    def get_queryset(self, request) -> QuerySet[FormedProject]:
        return super().get_queryset(request).prefetch_related("team")

    @admin.display(description=_("équipe"))
    def team_size(self, project: FormedProject) -> str:
        return format_html("{}", len(project.team.all()))
