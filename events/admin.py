"""The evening in the admin, scoped to the organiser's territories like the core's."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from events import admin_outcome  # noqa: F401  (the formed projects and their teams)
from events.domain.facilitation import FacilitationRefused
from events.domain.moderation import hide_idea, unhide_idea
from events.domain.plenary import renew_screen_link, revoke_screen_link
from events.domain.registration import fill_free_places
from events.domain.tables import (
    EDITABLE_FIELDS,
    new_table_code,
    set_event_status,
    update_table,
)
from events.enums import EventStatus
from events.models import (
    Event,
    Idea,
    ProgrammeItem,
    Quote,
    Registration,
    SynthesisContribution,
    Table,
)
from events.queries_plenary import plenary_screen_url
from territoire.admin import ReadOnlyInlineMixin, RulesInlineMixin, TerritoryScopedAdmin
from territoire.reports.actions import request_report_action


class ProgrammeItemInline(RulesInlineMixin, admin.TabularInline):
    model = ProgrammeItem
    extra = 1
    fields = ["starts_at", "ends_at", "kind", "title", "description"]


EVENT_FIELDS = [
    "territory",
    "title",
    "slug",
    "description",
    "venue",
    "address",
    "starts_at",
    "ends_at",
    "capacity",
    "status",
]
SYNTHESIS_FIELDS = ("synthesis_introduction", "partners", "further_reading")


class EventAdminForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [*EVENT_FIELDS, *SYNTHESIS_FIELDS]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        partners = self.fields.get("partners")
        if (
            isinstance(partners, forms.ModelChoiceField)
            and partners.queryset is not None
            and self.instance.territory_id
        ):
            # An existing event's partners are its territory's organisations.
            partners.queryset = partners.queryset.filter(territory_id=self.instance.territory_id)

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        territory, partners = cleaned.get("territory"), cleaned.get("partners")
        if territory and partners:
            strangers = [o.name for o in partners if o.territory_id != territory.pk]
            if strangers:
                self.add_error(
                    "partners",
                    _("Ces organisations ne sont pas du territoire de la soirée : %(names)s.")
                    % {"names": ", ".join(strangers)},
                )
        return cleaned


@admin.register(Event)
class EventAdmin(TerritoryScopedAdmin):
    form = EventAdminForm
    list_display = ["title", "territory", "starts_at", "venue", "capacity", "status", "screens"]
    list_filter = ["status", "territory"]
    search_fields = ["title", "venue"]
    ordering = ["-starts_at"]
    date_hierarchy = "starts_at"
    autocomplete_fields = ["territory"]
    list_select_related = ["territory"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ProgrammeItemInline]
    actions = [
        "open_registration",
        "close_registration",
        "mark_finished",
        request_report_action("synthesis", _("Rendre la synthèse des débats (PDF)")),
        "screen_link_renew",
        "screen_link_revoke",
    ]
    readonly_fields = ["screens"]
    filter_horizontal = ["partners"]
    fieldsets = [
        (None, {"fields": [*EVENT_FIELDS, "screens"]}),
        (_("Synthèse des débats"), {"fields": SYNTHESIS_FIELDS}),
    ]

    @admin.display(description=_("écrans du soir"))
    def screens(self, event: Event) -> str:
        if not event.pk:
            return "—"
        links = [
            (reverse("event_detail", kwargs={"slug": event.slug}), _("page publique")),
            (
                reverse("checkin_desk", kwargs={"slug": event.slug}),
                pgettext_lazy("check-in desk", "accueil"),
            ),
            (reverse("control_room", kwargs={"slug": event.slug}), _("régie")),
            (reverse("plenary", kwargs={"slug": event.slug}), _("plénière")),
            (reverse("table_signs", kwargs={"slug": event.slug}), _("affiches des tables")),
        ]
        html = format_html_join(" · ", '<a href="{}">{}</a>', links)
        screen_url = plenary_screen_url(event)
        if not screen_url:
            return format_html(
                "{}<br>{}",
                html,
                _(
                    "Lien d'écran du vidéoprojecteur : aucun (action « Créer ou renouveler le lien "
                    "d'écran de la plénière », ou depuis la régie)."
                ),
            )
        return format_html(
            '{}<br>{} <a href="{}" rel="noopener">{}</a>',
            html,
            _("Lien d'écran du vidéoprojecteur (sans connexion) :"),
            screen_url,
            screen_url,
        )

    def save_model(self, request, obj: Event, form, change: bool) -> None:
        """A status changed in the form goes through the domain: the tables' phones follow. A
        capacity raised confirms the waiting list into the new places (each person e-mailed)."""
        if change and "status" in form.changed_data:
            status = obj.status
            obj.status = form.initial["status"]
            super().save_model(request, obj, form, change)
            set_event_status(event=obj, status=status, by=request.user)
        else:
            super().save_model(request, obj, form, change)
        if change and "capacity" in form.changed_data:
            promoted = fill_free_places(event=obj)
            if promoted:
                self.message_user(
                    request,
                    ngettext(
                        "%d personne de la liste d'attente a une place.",
                        "%d personnes de la liste d'attente ont une place.",
                        len(promoted),
                    )
                    % len(promoted),
                    messages.SUCCESS,
                )

    def _set_status(self, request, queryset, status) -> None:
        count = 0
        for event in queryset:
            # Open boards on phones learn it at their next poll (the tables' versions move).
            set_event_status(event=event, status=status, by=request.user)
            count += 1
        self.message_user(
            request,
            ngettext("%d soirée mise à jour.", "%d soirées mises à jour.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Ouvrir les inscriptions"), permissions=["change"])
    def open_registration(self, request, queryset):
        self._set_status(request, queryset, EventStatus.REGISTRATION_OPEN)

    @admin.action(description=_("Clore les inscriptions"), permissions=["change"])
    def close_registration(self, request, queryset):
        self._set_status(request, queryset, EventStatus.REGISTRATION_CLOSED)

    @admin.action(
        description=_("Marquer comme terminée (ferme toutes les tables)"), permissions=["change"]
    )
    def mark_finished(self, request, queryset):
        self._set_status(request, queryset, EventStatus.FINISHED)

    @admin.action(
        description=_("Créer ou renouveler le lien d'écran de la plénière"),
        permissions=["change"],
    )
    def screen_link_renew(self, request, queryset):
        for event in queryset:
            renew_screen_link(event=event, by=request.user)
        self.message_user(
            request,
            _("Nouveau lien d'écran, sur la page de la soirée ; l'ancien ne marche plus."),
            messages.SUCCESS,
        )

    @admin.action(description=_("Révoquer le lien d'écran de la plénière"), permissions=["change"])
    def screen_link_revoke(self, request, queryset):
        for event in queryset:
            revoke_screen_link(event=event, by=request.user)
        self.message_user(request, _("Lien d'écran révoqué."), messages.SUCCESS)


class TableAdminForm(forms.ModelForm):
    class Meta:
        model = Table
        fields = [*EDITABLE_FIELDS, "facilitators"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Laissez vide : un code est choisi pour vous.")

    def clean_code(self) -> str:
        return (self.cleaned_data.get("code") or "").strip().upper() or new_table_code()

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        event, challenge = cleaned.get("event"), cleaned.get("challenge")
        if event and challenge and challenge.territory_id != event.territory_id:
            self.add_error("challenge", _("Ce défi n'est pas un défi du territoire de la soirée."))
        return cleaned


class SynthesisContributionInline(ReadOnlyInlineMixin, admin.StackedInline):
    model = SynthesisContribution
    fields = [
        "person_name",
        "organisation_name",
        "consent_to_be_named",
        "naming_answered_at",
        "naming_channel",
        "text",
        "order",
    ]


class QuoteInline(ReadOnlyInlineMixin, admin.TabularInline):
    model = Quote
    fields = [
        "text",
        "speaker_name",
        "organisation_name",
        "consent_to_be_named",
        "naming_answered_at",
        "naming_channel",
    ]


@admin.register(Table)
class TableAdmin(TerritoryScopedAdmin):
    territory_lookup = "event__territory"
    form = TableAdminForm
    list_display = [
        "name",
        "code",
        "challenge",
        "event",
        "phase",
        "participant_count",
        "idea_count",
        "vote_count",
        "project_count",
        "facilitator_names",
    ]
    list_filter = ["event", "phase"]
    search_fields = ["name", "code", "challenge__title"]
    ordering = ["event", "challenge__order", "name"]
    autocomplete_fields = ["event", "challenge", "facilitators"]
    list_select_related = ["event", "challenge"]
    inlines = [SynthesisContributionInline, QuoteInline]
    readonly_fields = ["synthesis_page"]

    @admin.display(description=_("synthèse de la table"))
    def synthesis_page(self, table: Table) -> str:
        if not table.pk:
            return "—"
        return format_html(
            '<a href="{}">{}</a>',
            reverse("console_synthesis", args=[table.code]),
            _("Écrire ou corriger la synthèse depuis la console de la table"),
        )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("facilitators")

    def save_model(self, request, obj: Table, form, change: bool) -> None:
        """A change goes through ``update_table``: the version is bumped (the phones' next poll
        shows it) and a former code is forgotten at once. The facilitators (many-to-many) are
        saved by ``save_related``, as usual."""
        if not change:
            super().save_model(request, obj, form, change)
            return
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name in EDITABLE_FIELDS
        }
        update_table(table=obj, changes=changes, by=request.user)

    @admin.display(description=_("animateur·rices"))
    def facilitator_names(self, table: Table) -> str:
        return ", ".join(str(user) for user in table.facilitators.all())


@admin.register(Registration)
class RegistrationAdmin(TerritoryScopedAdmin):
    territory_lookup = "event__territory"
    list_display = [
        "full_name",
        "email",
        "organisation_name",
        "event",
        "status",
        "ticket_code",
        "checked_in_at",
        "consent_to_be_named",
    ]
    list_filter = ["status", "event", ("checked_in_at", admin.EmptyFieldListFilter), "is_walk_in"]
    search_fields = ["full_name", "email", "organisation_name", "ticket_code"]
    ordering = ["-created_at"]
    autocomplete_fields = ["event", "preferred_challenges"]
    list_select_related = ["event"]
    readonly_fields = [
        "ticket_code",
        # Consent is the person's own: the admin shows it, never sets it.
        "consent_to_be_named",
        "consented_at",
        "consent_text_version",
        "consent_channel",
        "checked_in_at",
        "checked_in_by",
        "cancelled_at",
    ]


class HiddenFilter(admin.SimpleListFilter):
    title = _("modération")
    parameter_name = "masquees"

    def lookups(self, request, model_admin):
        return [("oui", _("masquées")), ("non", _("au tableau"))]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.filter(hidden_at__isnull=False)
        if self.value() == "non":
            return queryset.filter(hidden_at__isnull=True)
        return queryset


@admin.register(Idea)
class IdeaAdmin(TerritoryScopedAdmin):
    """The night's ideas, read-only: they are written on the phones and moderated from the
    console; here organisers see who hid what, and may hide or show an idea again."""

    territory_lookup = "table__event__territory"
    list_display = ["short_text", "table", "vote_count", "created_at", "hidden_at", "hidden_by"]
    list_filter = [HiddenFilter, "table__event"]
    search_fields = ["text", "table__name", "table__code"]
    ordering = ["-created_at"]
    list_select_related = ["table__challenge", "hidden_by"]
    fields = (
        *("table", "text", "participant", "theme", "merged_into", "vote_count", "created_at"),
        *("hidden_at", "hidden_by"),
    )
    readonly_fields = fields
    actions = ["hide", "unhide"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("idée"))
    def short_text(self, idea: Idea) -> str:
        return idea.text[:80]

    def _moderate(self, request, queryset, write, done) -> None:
        count = 0
        for idea in queryset.select_related("table"):
            try:
                write(table=idea.table, idea=idea, by=request.user)
            except FacilitationRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                count += 1
        self.message_user(request, done(count) % count, messages.SUCCESS)

    @admin.action(description=_("Masquer (rend leurs gommettes)"), permissions=["change"])
    def hide(self, request, queryset):
        self._moderate(
            request,
            queryset.filter(hidden_at__isnull=True),
            hide_idea,
            lambda n: ngettext("%d idée masquée.", "%d idées masquées.", n),
        )

    @admin.action(description=_("Réafficher"), permissions=["change"])
    def unhide(self, request, queryset):
        self._moderate(
            request,
            queryset.filter(hidden_at__isnull=False),
            unhide_idea,
            lambda n: ngettext("%d idée réaffichée.", "%d idées réaffichées.", n),
        )
