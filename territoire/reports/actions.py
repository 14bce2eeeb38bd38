"""The admin actions that ask for a report from a list of events or territories."""

from collections.abc import Callable
from typing import TYPE_CHECKING

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from territoire.http import signed_in_user
from territoire.reports.kinds import Scope, get_report_kind
from territoire.reports.lifecycle import request_report

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


def request_report_action(kind_code: str, description: "str | _StrPromise") -> Callable:
    """An admin action asking for a report of ``kind_code`` for each selected row: an event
    (event-scoped kinds) or a territory (the others)."""

    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        kind = get_report_kind(kind_code)
        territories = {}
        count = 0
        for obj in queryset:
            territory = obj.territory if kind.needs_event else obj
            if not request.user.has_perm("territoire.request_report", territory):
                continue
            scope = Scope(territory=territory, event=obj if kind.needs_event else None)
            request_report(kind_code=kind.code, scope=scope, requested_by=signed_in_user(request))
            territories[territory.pk] = territory
            count += 1
        if not territories:
            modeladmin.message_user(request, _("Aucun rapport demandé."), messages.WARNING)
            return
        links = format_html(
            " ".join(["<a href='{}'>{}</a>"] * len(territories)),
            *[
                part
                for territory in territories.values()
                for part in (
                    reverse("territory_reports", kwargs={"slug": territory.slug}),
                    territory.name,
                )
            ],
        )
        modeladmin.message_user(
            request,
            format_html(
                "{} {} {}",
                ngettext("%d rapport demandé.", "%d rapports demandés.", count) % count,
                _("Suivez-les et téléchargez-les ici :"),
                links,
            ),
            messages.SUCCESS,
        )

    action.__name__ = f"request_{kind_code}_report"
    return admin.action(description=description)(action)
