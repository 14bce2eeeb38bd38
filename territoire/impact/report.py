"""The impact report: the impact page's sections for a territory and a period, as a PDF.

The core gathers what the apps contribute through the impact registry (it never imports them),
so the report shows whatever sections they provide. Registered from ``TerritoireConfig.ready()``.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from territoire.impact.registry import ImpactFilter
from territoire.impact.sections import build_sections
from territoire.reports.kinds import ReportKind, Scope, register_report_kind
from territoire.reports.typography import long_date

IMPACT_REPORT = "impact"


def impact_filter(scope: Scope) -> ImpactFilter:
    """The impact figures a report covers: its territory over its period (every challenge)."""
    return ImpactFilter(
        territory=scope.territory, since=scope.since, until=scope.until, today=timezone.localdate()
    )


def gather_impact(scope: Scope) -> dict[str, Any]:
    """The report's context: the impact page's sections (the funnel's among them) for the
    same territory and period, computed afresh. Queries: those of the apps' providers, each
    bounded whatever the data."""
    impact = impact_filter(scope)
    return {
        "impact": impact,
        "sections": build_sections(impact),
        "figures_date": impact.today,
        "period": period_text(scope),
        "for_print": True,
    }


def period_text(scope: Scope) -> str:
    """ "du 1er janvier 2026 au 31 décembre 2026", "depuis le…", "jusqu'au…", or ""."""
    dates = {
        "since": long_date(scope.since) if scope.since else "",
        "until": long_date(scope.until) if scope.until else "",
    }
    if scope.since and scope.until:
        return gettext("du %(since)s au %(until)s") % dates
    if scope.since:
        return gettext("depuis le %(since)s") % dates
    if scope.until:
        return gettext("jusqu'au %(until)s") % dates
    return ""


def impact_title(scope: Scope) -> str:
    """ "Rapport d'impact — Métropole lilloise (du 1er janvier 2026 au 31 décembre 2026)"."""
    title = gettext("Rapport d'impact — %(territory)s") % {"territory": scope.territory.name}
    period = period_text(scope)
    return f"{title} ({period})" if period else title


def register_impact_report() -> None:
    register_report_kind(
        ReportKind(
            code=IMPACT_REPORT,
            label=_("Rapport d'impact"),
            template="territoire/reports/impact.html",
            gather=gather_impact,
            title=impact_title,
            file_stem="rapport-d-impact",
            uses_period=True,
            description=_(
                "Les chiffres et graphiques de la page d'impact du territoire : emplois au "
                "regard de l'objectif, projets, besoins et mobilisation. La période limite les "
                "chiffres aux faits survenus entre ces dates."
            ),
        )
    )
