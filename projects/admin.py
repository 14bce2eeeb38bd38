"""Projects in the admin, scoped to the organiser's territories, with their history."""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from projects.domain.publishing import unique_slug
from projects.domain.team import send_member_invitation
from projects.forms import HTTP_ONLY
from projects.models import Project, ProjectFollower, ProjectMember
from territoire.admin import RulesInlineMixin, TerritoryScopedAdmin
from territoire.audit import record
from territoire.http import signed_in_user


class ProjectMemberInline(RulesInlineMixin, admin.TabularInline):
    model = ProjectMember
    extra = 0
    fields = [
        "full_name",
        "email",
        "phone",
        "organisation_name",
        "role",
        "user",
        "joined_at",
        "name_public",
        "name_public_answered_at",
    ]
    # The member's own answer about their public name: shown, never set from here.
    readonly_fields = ["user", "joined_at", "name_public", "name_public_answered_at"]


class ProjectAdminForm(forms.ModelForm):
    website = forms.URLField(
        label=_("site web"), required=False, validators=[HTTP_ONLY], assume_scheme="https"
    )

    class Meta:
        model = Project
        fields = [
            "territory",
            "name",
            "slug",
            "pitch",
            "description",
            "status",
            "coach",
            "challenge",
            "domain",
            "lead_organisation",
            "is_public",
            "show_team",
            "show_needs",
            "show_jobs",
            "public_email",
            "website",
        ]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        territory = self.cleaned_data.get("territory") or getattr(self.instance, "territory", None)
        if territory is not None:
            clash = Project.objects.filter(territory=territory, name__iexact=name).exclude(
                pk=self.instance.pk
            )
            if clash.exists():
                raise forms.ValidationError(_("Un projet du territoire porte déjà ce nom."))
        return name


@admin.register(Project)
class ProjectAdmin(TerritoryScopedAdmin, SimpleHistoryAdmin):
    form = ProjectAdminForm
    list_display = ["name", "territory", "status", "is_public", "coach", "updated_at"]
    list_filter = ["status", "is_public", "territory", "domain"]
    search_fields = ["name", "pitch"]
    ordering = ["territory__name", "name"]
    list_select_related = ["territory", "coach"]
    autocomplete_fields = ["territory"]
    inlines = [ProjectMemberInline]
    actions = ["invite_pending_members"]
    fieldsets = [
        (None, {"fields": ["territory", "name", "slug", "pitch", "description"]}),
        (
            _("Accompagnement"),
            {"fields": ["status", "coach", "challenge", "domain", "lead_organisation"]},
        ),
        (
            _("Page publique"),
            {
                "fields": [
                    "is_public",
                    "show_team",
                    "show_needs",
                    "show_jobs",
                    "public_email",
                    "website",
                    "image",
                ]
            },
        ),
        (_("Origine"), {"fields": ["formed_project", "source_table", "ideas"]}),
    ]
    # Tables, ideas and images come from the evening and the team's page (re-encoded there).
    readonly_fields = ["formed_project", "source_table", "ideas", "image"]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        if obj is None:
            return self.readonly_fields
        return [*self.readonly_fields, "territory", "slug"]

    def get_prepopulated_fields(self, request: HttpRequest, obj=None):
        return {} if obj else {"slug": ["name"]}

    @admin.action(description=_("Inviter les membres qui n'ont pas encore rejoint l'équipe"))
    def invite_pending_members(self, request: HttpRequest, queryset: QuerySet[Project]) -> None:
        """Members added here (or whose link expired) get a new invitation link by e-mail."""
        pending = (
            ProjectMember.objects.filter(
                project__in=queryset, user__isnull=True, joined_at__isnull=True
            )
            .exclude(email="")
            .select_related("project__territory")
        )
        count = 0
        for member in pending:
            if request.user.has_perm("projects.invite_member", member.project):
                send_member_invitation(member=member, invited_by=signed_in_user(request))
                count += 1
        self.message_user(
            request,
            ngettext("%d invitation envoyée.", "%d invitations envoyées.", count) % count,
            messages.SUCCESS,
        )

    def save_model(self, request: HttpRequest, obj: Project, form, change: bool) -> None:
        if change:
            # Open page forms were made from the previous revision: they become stale.
            obj.revision += 1
        else:
            obj.slug = obj.slug or unique_slug(territory=obj.territory, name=obj.name)
        super().save_model(request, obj, form, change)  # with the history row's user
        # The audit log: the status and the coach (by id) before and after.
        for field in ("status", "coach"):
            if change and field in form.changed_data:
                model_field = Project._meta.get_field(field)
                assert isinstance(model_field, models.Field)  # a column, not a relation's end
                after = getattr(obj, model_field.attname)
                before = form.initial.get(field)
                record(request.user, f"project.{field}", obj, before=before, after=after)


@admin.register(ProjectFollower)
class ProjectFollowerAdmin(TerritoryScopedAdmin):
    """Followers opted in by e-mail: read and erased here, never written."""

    territory_lookup = "project__territory"
    list_display = ["email", "project", "language", "created_at", "confirmed_at", "stopped_at"]
    list_filter = [("confirmed_at", admin.EmptyFieldListFilter), "project__territory"]
    search_fields = ["email", "project__name"]
    ordering = ["-created_at"]
    list_select_related = ["project"]
    fields = ("project", "email", "language", "created_at", "confirmed_at", "stopped_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
