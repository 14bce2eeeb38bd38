"""The challenges in the admin, scoped to the organiser's territories like the core's."""

from typing import TYPE_CHECKING

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from challenges.domain.challenges import copy_challenges, set_status
from challenges.domain.contributions import set_hidden
from challenges.enums import ChallengeStatus
from challenges.models import Challenge, Contribution, SignUp, TrainingAttendance, TrainingSession
from challenges.queries import ConfirmedCount, with_confirmed_counts
from territoire.admin import RulesInlineMixin, TerritoryScopedAdmin, scoped_choices
from territoire.form_fields import model_choice_field
from territoire.http import signed_in_user
from territoire.models import Territory
from territoire.queries import organised_territory_ids
from territoire.text import clean_rich_text

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ChallengeAdminForm(forms.ModelForm):
    class Meta:
        model = Challenge
        fields = [
            "territory",
            "domain",
            "title",
            "slug",
            "question",
            "context",
            "image",
            "status",
            "order",
            "facilitator_brief",
        ]

    def clean_context(self) -> str:
        return clean_rich_text(self.cleaned_data.get("context", ""))

    def clean_facilitator_brief(self) -> str:
        return clean_rich_text(self.cleaned_data.get("facilitator_brief", ""))

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        territory, domain = cleaned.get("territory"), cleaned.get("domain")
        if territory and domain and not territory.domains.filter(pk=domain.pk).exists():
            self.add_error(
                "domain",
                _("Ce territoire n'a pas choisi ce domaine : ajoutez-le d'abord à ses domaines."),
            )
        return cleaned


class CopyChallengesForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Copier les défis de"), queryset=Territory.objects.none()
    )
    target = forms.ModelChoiceField(
        label=_("Vers le territoire"), queryset=Territory.objects.none()
    )

    def __init__(self, *args, target_choices: QuerySet[Territory], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "source").queryset = Territory.objects.order_by("name")
        model_choice_field(self, "target").queryset = target_choices

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("source") and cleaned.get("source") == cleaned.get("target"):
            raise forms.ValidationError(_("Choisissez deux territoires différents."))
        return cleaned


@admin.register(Challenge)
class ChallengeAdmin(TerritoryScopedAdmin):
    form = ChallengeAdminForm
    list_display = ["title", "territory", "domain", "status", "order", "confirmed_signups"]
    list_editable = ["order"]
    list_filter = ["status", "territory", "domain"]
    search_fields = ["title", "question", "context"]
    ordering = ["territory__name", "order", "title"]
    autocomplete_fields = ["territory", "domain"]
    list_select_related = ["territory", "domain"]
    prepopulated_fields = {"slug": ["title"]}
    actions = ["open_challenges", "close_challenges", "back_to_draft"]
    fieldsets = [
        (
            None,
            {"fields": ["territory", "domain", "title", "slug", "question", "context", "image"]},
        ),
        (_("Publication"), {"fields": ["status", "order"]}),
        (_("Pour les animateur·rices (privé)"), {"fields": ["facilitator_brief"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Challenge]:
        return with_confirmed_counts(super().get_queryset(request))

    @admin.display(description=_("inscrit·es confirmé·es"), ordering="confirmed_signups")
    def confirmed_signups(self, challenge: "WithAnnotations[Challenge, ConfirmedCount]") -> int:
        return challenge.confirmed_signups

    def view_on_site(self, challenge: Challenge) -> str:
        # Drafts too: their organisers get a preview (the public gets a 404).
        return challenge.get_absolute_url()

    def _set_status(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        changed = set_status(challenges=list(queryset), status=status)
        self.message_user(
            request,
            ngettext("%d défi mis à jour.", "%d défis mis à jour.", changed) % changed,
            messages.SUCCESS,
        )

    @admin.action(description=_("Ouvrir aux contributions"), permissions=["change"])
    def open_challenges(self, request, queryset):
        self._set_status(request, queryset, ChallengeStatus.OPEN)

    @admin.action(description=_("Clore"), permissions=["change"])
    def close_challenges(self, request, queryset):
        self._set_status(request, queryset, ChallengeStatus.CLOSED)

    @admin.action(description=_("Repasser en brouillon"), permissions=["change"])
    def back_to_draft(self, request, queryset):
        self._set_status(request, queryset, ChallengeStatus.DRAFT)

    def get_urls(self):
        return [
            path(
                "copier/",
                self.admin_site.admin_view(self.copy_view),
                name="challenges_challenge_copy",
            ),
            *super().get_urls(),
        ]

    def copy_view(self, request: HttpRequest) -> HttpResponse:
        """Copy another territory's challenge set into one of yours, as drafts."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        targets = scoped_choices(Territory, request) or Territory.objects.all()
        form = CopyChallengesForm(
            request.POST or None,
            target_choices=targets.order_by("name"),
            initial={"target": request.GET.get("target")},
        )
        if request.method == "POST" and form.is_valid():
            source, target = form.cleaned_data["source"], form.cleaned_data["target"]
            # The facilitator briefs and the drafts are private to the source's organisers.
            include_private = request.user.is_superuser or source.pk in organised_territory_ids(
                request.user
            )
            copies = copy_challenges(
                source=source,
                target=target,
                by=signed_in_user(request),
                include_briefs=include_private,
            )
            self.message_user(
                request,
                ngettext(
                    "%(count)d défi copié en brouillon dans %(target)s.",
                    "%(count)d défis copiés en brouillon dans %(target)s.",
                    len(copies),
                )
                % {"count": len(copies), "target": target.name},
                messages.SUCCESS,
            )
            changelist = reverse("admin:challenges_challenge_changelist")
            return redirect(f"{changelist}?territory__id__exact={target.pk}&status__exact=draft")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Copier les défis d'un autre territoire"),
            "form": form,
        }
        return TemplateResponse(request, "admin/challenges/challenge/copy.html", context)


class ConfirmedFilter(admin.SimpleListFilter):
    title = _("confirmation")
    parameter_name = "confirmed"

    def lookups(self, request, model_admin):
        return [("yes", _("confirmées")), ("no", _("en attente"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(confirmed_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(confirmed_at__isnull=True)
        return queryset


@admin.register(SignUp)
class SignUpAdmin(TerritoryScopedAdmin):
    list_display = [
        "full_name",
        "email",
        "organisation_name",
        "actor_kind",
        "territory",
        "wants_to_facilitate",
        "wants_to_mentor",
        "confirmed_at",
    ]
    list_filter = [
        ConfirmedFilter,
        "actor_kind",
        "wants_to_facilitate",
        "wants_to_mentor",
        "territory",
    ]
    search_fields = ["full_name", "email", "organisation_name"]
    ordering = ["-created_at"]
    date_hierarchy = "created_at"
    autocomplete_fields = ["territory", "challenges"]
    list_select_related = ["territory"]
    readonly_fields = [
        "consented_at",
        "consent_text_version",
        "consent_channel",
        "confirmation_sent_at",
        "confirmed_at",
        "facilitator_invited_at",
        "created_at",
        "updated_at",
    ]


@admin.register(Contribution)
class ContributionAdmin(TerritoryScopedAdmin):
    territory_lookup = "challenge__territory"
    list_display = [
        "author_name",
        "author_organisation",
        "kind",
        "challenge",
        "created_at",
        "hidden_at",
    ]
    list_filter = ["kind", ("hidden_at", admin.EmptyFieldListFilter), "challenge__territory"]
    search_fields = ["text", "author_name", "author_organisation", "author_email"]
    ordering = ["-created_at"]
    list_select_related = ["challenge"]
    fields = (
        "challenge",
        "kind",
        "text",
        "author_name",
        "author_organisation",
        "author_email",
        "signup",
        "created_at",
        "hidden_at",
        "hidden_by",
    )
    readonly_fields = fields
    actions = ["hide", "show"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Contributions come from the public form only (superusers pass every has_perm()).
        return False

    @admin.action(description=_("Masquer au public"), permissions=["change"])
    def hide(self, request, queryset):
        for contribution in queryset:
            set_hidden(contribution=contribution, hidden=True, by=request.user)

    @admin.action(description=_("Afficher à nouveau"), permissions=["change"])
    def show(self, request, queryset):
        for contribution in queryset:
            set_hidden(contribution=contribution, hidden=False, by=request.user)


class TrainingAttendanceInline(RulesInlineMixin, admin.TabularInline):
    model = TrainingAttendance
    extra = 0
    autocomplete_fields = ["facilitator"]
    fields = ["facilitator", "will_attend", "responded_at", "attended"]
    readonly_fields = ["responded_at"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(TerritoryScopedAdmin):
    list_display = ["title", "territory", "starts_at", "place", "capacity"]
    list_filter = ["territory"]
    search_fields = ["title", "place"]
    ordering = ["-starts_at"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["territory"]
    list_select_related = ["territory"]
    inlines = [TrainingAttendanceInline]
