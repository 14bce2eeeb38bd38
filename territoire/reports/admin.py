"""Reports in the admin: the versions asked for, read-only (asked for by the actions in
``actions.py`` or on the reports page)."""

from django.contrib import admin
from django.db.models import Model
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from territoire.admin import TerritoryScopedAdmin
from territoire.reports.kinds import report_kind_choices
from territoire.reports.lifecycle import delete_reports
from territoire.reports.models import Report


class ReportKindFilter(admin.SimpleListFilter):
    title = _("type de rapport")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return report_kind_choices()

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Report)
class ReportAdmin(TerritoryScopedAdmin):
    list_display = ["title", "territory", "status", "page_count", "requested_at", "download"]
    list_filter = ["status", ReportKindFilter, "territory"]
    search_fields = ["title"]
    list_select_related = ["territory"]
    date_hierarchy = "requested_at"
    readonly_fields = (
        "territory",
        "kind",
        "parameters",
        "title",
        "language",
        "status",
        "download",
        "page_count",
        "size_bytes",
        "render_ms",
        "attempts",
        "error",
        "requested_by",
        "requested_at",
        "started_at",
        "finished_at",
    )
    fields = readonly_fields

    def delete_model(self, request, obj: Model) -> None:
        assert isinstance(obj, Report)
        delete_reports([obj])

    def delete_queryset(self, request, queryset) -> None:
        delete_reports(queryset)

    def has_add_permission(self, request, *args) -> bool:
        # A report is asked for (the reports page, the admin actions), never typed in.
        return False

    @admin.display(description=_("document"))
    def download(self, report: Report) -> str:
        if not report.file or report.status != "ready":
            return "—"
        return format_html(
            "<a href='{}'>{}</a>", report.get_download_url(), _("Télécharger le PDF")
        )
