"""The admin, scoped: an organiser sees and edits only their territories' objects."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from territoire.admin_inputs import BoundedAutocompleteSelect, BoundedAutocompleteSelectMultiple
from territoire.audit import record
from territoire.domain.invitations import invite
from territoire.domain.territories import start_territory_with
from territoire.extensions import territory_starters
from territoire.form_fields import choice_field
from territoire.http import signed_in_user
from territoire.impact.cache import impact_changed
from territoire.models import Domain, Invitation, Membership, Organisation, Territory, User
from territoire.queries import organised_territory_ids
from territoire.reports.actions import request_report_action
from territoire.rules import territory_id_of

if TYPE_CHECKING:
    # The mixins below go before an admin class: to the type checker they are one.
    from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin

    _AdminBase = BaseModelAdmin
    _InlineBase = InlineModelAdmin
else:
    _AdminBase = _InlineBase = object


class RulesAdminMixin(_AdminBase):
    """Ask the ``rules`` permissions (with the object) instead of Django's model permissions."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _perm(self, action: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.{action}_{opts.model_name}"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm(self._perm("view"))

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.has_perm(self._perm("view"), obj) or self.has_change_permission(
            request, obj
        )

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return request.user.has_perm(self._perm("add"))

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.has_perm(self._perm("change"), obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.has_perm(self._perm("delete"), obj)


def scoped_choices(model: type[Model], request: HttpRequest) -> QuerySet | None:
    """The objects of ``model`` a person may pick in a form, or None when not territorial."""
    if request.user.is_superuser:
        return None
    territories = organised_territory_ids(request.user)
    if model is Territory:
        return Territory.objects.filter(pk__in=territories)
    if model is Organisation:
        return Organisation.objects.filter(territory__in=territories)
    if model is User:
        return User.objects.filter(memberships__territory__in=territories).distinct()
    if any(field.name == "territory" for field in model._meta.get_fields()):
        # Organisations, challenges, events…: anything that belongs to one territory.
        return model._default_manager.filter(territory__in=territories)
    return None


class ScopedChoicesMixin(_AdminBase):
    """Foreign keys and many-to-many fields offer only the organiser's territories' objects."""

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        scoped = scoped_choices(db_field.related_model, request)
        if scoped is not None:
            kwargs["queryset"] = scoped
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = BoundedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        scoped = scoped_choices(db_field.related_model, request)
        if scoped is not None:
            kwargs["queryset"] = scoped
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = BoundedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class RulesInlineMixin(ScopedChoicesMixin, _InlineBase):
    """An inline asks the ``rules`` permissions of its model, with the parent object."""

    def _perm(self, action: str) -> str:
        opts = self.model._meta
        return f"{opts.app_label}.{action}_{opts.model_name}"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(self._perm("view"), obj)

    def has_add_permission(self, request, obj=None):
        return request.user.has_perm(self._perm("add"), obj)

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(self._perm("change"), obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm(self._perm("delete"), obj)


class ReadOnlyInlineMixin(RulesInlineMixin):
    """An inline shown, never written here: its rows change through the domain's own pages
    (a table's synthesis in its console), so every write keeps its side effects."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TerritoryScopedAdmin(ScopedChoicesMixin, RulesAdminMixin, admin.ModelAdmin):
    """Lists, forms and autocompletes limited to the territories the person organises."""

    territory_lookup = "territory"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.territory_lookup}__in": organised_territory_ids(request.user)}
        ).distinct()

    # Any admin write may change what a territory's impact page shows (a target, a deadline, a
    # challenge's title, an evening's date): its cached figures are dropped, as the domain's
    # writes drop them.
    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        _impact_changed_for(form.instance)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        territory_id = territory_id_of(obj)
        super().delete_model(request, obj)
        if territory_id is not None:
            impact_changed(territory_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        territory_ids = {territory_id_of(obj) for obj in queryset}
        super().delete_queryset(request, queryset)
        for territory_id in territory_ids:
            if territory_id is not None:
                impact_changed(territory_id)


def _impact_changed_for(obj: Model) -> None:
    territory_id = territory_id_of(obj)
    if territory_id is not None:
        impact_changed(territory_id)


class MembershipInline(RulesInlineMixin, admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user", "organisation"]
    fields = ["user", "role", "organisation", "created_at"]
    readonly_fields = ["created_at"]


class TerritoryForm(forms.ModelForm):
    """The territory's fields, and what it may start with (default milestones…): the choices
    come from the higher apps (territoire/extensions.py: provide_territory_starters)."""

    starter = forms.ChoiceField(
        label=_("Démarrer avec"),
        required=False,
        help_text=_(
            "Les jalons par défaut dont partira le plan de chaque projet : le modèle 18/24 mois, "
            "ou ceux d'un autre territoire. Ajoutés à ceux qui existent déjà ; modifiables ensuite "
            "dans « Jalons par défaut »."
        ),
    )
    starters: tuple = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "starter").choices = [("", _("Rien pour l'instant"))] + [
            (starter.key, starter.label) for starter in self.starters
        ]


@admin.register(Territory)
class TerritoryAdmin(TerritoryScopedAdmin):
    territory_lookup = "pk"
    list_display = [
        "name",
        "job_target",
        "job_target_deadline",
        "launched_on",
        "evening_on",
        "allow_self_verification",
    ]
    list_filter = ["domains", "evening_on"]
    search_fields = ["name", "description"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["domains"]
    date_hierarchy = "launched_on"
    inlines = [MembershipInline]
    actions = [request_report_action("portfolio", _("Rendre le portfolio des projets (PDF)"))]
    form = TerritoryForm
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "domains"]}),
        (
            _("Objectif et calendrier"),
            {
                "fields": [
                    "job_target",
                    "job_target_deadline",
                    "launched_on",
                    "evening_on",
                    "accompaniment_ends_on",
                ]
            },
        ),
        (_("Vérification des chiffres"), {"fields": ["allow_self_verification"]}),
        (_("Plan d'accompagnement des projets"), {"fields": ["starter"]}),
        (
            _("Données personnelles"),
            {"fields": ["privacy_controller", "privacy_contact", "attendee_retention_months"]},
        ),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.starters = tuple(territory_starters(request.user, obj))
        return form

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        key = form.cleaned_data.get("starter")
        starter = next((s for s in form.starters if s.key == key), None) if key else None
        if starter is None:
            return
        added = start_territory_with(territory=obj, starter=starter, by=request.user)
        messages.success(
            request,
            ngettext(
                "%(label)s : %(count)d élément ajouté.",
                "%(label)s : %(count)d éléments ajoutés.",
                added,
            )
            % {"label": starter.label, "count": added},
        )

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not Membership:
            return super().save_formset(request, form, formset, change)
        # The audit log: roles given, changed or taken away from the territory's page (the
        # removed ones recorded while they still have their id).
        removed = [f.instance for f in formset.deleted_forms if f.instance.pk]
        for membership in removed:
            self._record_role(request, "membership.delete", membership)
        super().save_formset(request, form, formset, change)
        for membership in formset.new_objects:
            self._record_role(request, "membership.add", membership)
        for membership, _fields in formset.changed_objects:
            self._record_role(request, "membership.change", membership)

    @staticmethod
    def _record_role(request, action: str, membership: Membership) -> None:
        record(request.user, action, membership, role=membership.role, person_id=membership.user_id)

    def get_readonly_fields(self, request, obj=None):
        # Only the platform's superusers rename a territory's address.
        return [] if request.user.is_superuser else ["slug"]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if request.user.is_superuser else {}


@admin.register(Domain)
class DomainAdmin(RulesAdminMixin, admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    ordering = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organisation)
class OrganisationAdmin(TerritoryScopedAdmin):
    list_display = ["name", "kind", "territory", "website"]
    list_filter = ["kind", "territory"]
    search_fields = ["name", "description", "website"]
    ordering = ["name"]
    autocomplete_fields = ["territory"]
    list_select_related = ["territory"]


@admin.register(Membership)
class MembershipAdmin(TerritoryScopedAdmin):
    list_display = ["user", "role", "territory", "organisation", "created_at"]
    list_filter = ["role", "territory"]
    search_fields = ["user__full_name", "user__email", "organisation__name"]
    ordering = ["territory__name", "role", "user__full_name"]
    autocomplete_fields = ["user", "territory", "organisation"]
    list_select_related = ["user", "territory", "organisation"]

    def save_model(self, request: HttpRequest, obj: Membership, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        action = "membership.change" if change else "membership.add"
        record(request.user, action, obj, role=obj.role, person_id=obj.user_id)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        assert isinstance(obj, Membership)
        record(request.user, "membership.delete", obj, role=obj.role, person_id=obj.user_id)
        super().delete_model(request, obj)


@admin.register(Invitation)
class InvitationAdmin(TerritoryScopedAdmin):
    list_display = [
        "email",
        "full_name",
        "role",
        "territory",
        "sent_at",
        "expires_at",
        "accepted_at",
    ]
    list_filter = ["role", "territory", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email", "full_name"]
    ordering = ["-created_at"]
    autocomplete_fields = ["territory", "organisation"]
    list_select_related = ["territory"]
    fields = ["territory", "email", "full_name", "role", "organisation", "language"]
    actions = ["resend"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [*self.fields, "invited_by", "sent_at", "expires_at", "accepted_at", "accepted_by"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return self.fields
        return self.get_readonly_fields(request, obj)

    def save_model(self, request, obj: Invitation, form, change: bool) -> None:
        if change:
            return
        created = invite(
            territory=obj.territory,
            email=obj.email,
            role=obj.role,
            full_name=obj.full_name,
            organisation=obj.organisation,
            language=obj.language,
            invited_by=request.user,
        )
        for field in Invitation._meta.concrete_fields:
            setattr(obj, field.attname, getattr(created, field.attname))
        obj._state.adding = False

    @admin.action(description=_("Renvoyer l'invitation (nouveau lien)"))
    def resend(self, request: HttpRequest, queryset: QuerySet[Invitation]) -> None:
        count = 0
        for invitation in queryset.filter(accepted_at__isnull=True).select_related("territory"):
            renewed = invite(
                territory=invitation.territory,
                email=invitation.email,
                role=invitation.role,
                invited_by=signed_in_user(request),
                language=invitation.language,
            )
            count += renewed.pk == invitation.pk
        self.message_user(
            request,
            ngettext("%d invitation renvoyée.", "%d invitations renvoyées.", count) % count,
            messages.SUCCESS,
        )


class UserChangeForm(BaseUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(RulesAdminMixin, BaseUserAdmin):
    """People's accounts. Nobody adds one here: accounts come from invitations."""

    form = UserChangeForm
    list_display = ["email", "full_name", "is_active", "is_superuser", "last_login"]
    list_filter = [
        "is_active",
        "is_superuser",
        "is_network_member",
        "memberships__role",
        "memberships__territory",
    ]
    search_fields = ["email", "full_name"]
    ordering = ["full_name", "email"]
    filter_horizontal = ["groups", "user_permissions"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["full_name"]}),
        (
            _("Accès"),
            {"fields": ["is_active", "is_network_member", "is_staff", "is_superuser"]},
        ),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Superusers pass every has_perm(); accounts still only come from invitations.
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        scoped = scoped_choices(User, request)
        return queryset if scoped is None else queryset.filter(pk__in=scoped.values("pk"))


# Roles live in Membership, per territory: Django's global groups would be a second, confusing
# permission system.
admin.site.unregister(Group)


# The audit log's and the reports' admins live beside their machinery; importing registers them.
from territoire import audit_admin as _audit_admin  # noqa: E402, F401
from territoire.reports import admin as _reports_admin  # noqa: E402, F401
