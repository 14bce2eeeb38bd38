"""What the indicators beyond jobs give the impact side (territoire/impact/registry.py): the
section "Impact au-delà des emplois" (per project indicator, and summed per domain where units
agree) and the export of every indicator value. Narrowed by the ImpactFilter: its challenge keeps
that challenge's projects, its period the values whose period ends within it. Three queries for
the section, whatever the data; the export streams."""

from collections.abc import Iterator
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Lower, Trim
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accompaniment.enums import Aggregation, JobStatus
from accompaniment.models import Indicator, IndicatorValue
from accompaniment.queries_indicators import (
    IndicatorProgress,
    in_period,
    plain,
    with_figures,
    with_progress,
)
from territoire.extensions import Figure
from territoire.impact.registry import (
    Column,
    DataTable,
    ExportKind,
    ImpactFilter,
    ImpactSection,
    provide_impact_sections,
    register_export,
)

NO_DOMAIN = gettext_lazy("Sans domaine")


def shown(number: Decimal | None) -> object:
    """A figure as a reader expects it (``plain``), "—" for none."""
    return "—" if number is None else plain(number)


def _indicators(impact: ImpactFilter) -> QuerySet[Indicator]:
    indicators = Indicator.objects.filter(project__territory=impact.territory)
    if impact.challenge_id:
        indicators = indicators.filter(project__challenge_id=impact.challenge_id)
    return indicators


def _values(impact: ImpactFilter) -> QuerySet[IndicatorValue]:
    values = IndicatorValue.objects.filter(indicator__project__territory=impact.territory)
    if impact.challenge_id:
        values = values.filter(indicator__project__challenge_id=impact.challenge_id)
    return in_period(values, impact.since, impact.until)


def per_project(impact: ImpactFilter) -> list[IndicatorProgress]:
    """Every indicator of the territory's projects with its figures (``with_figures``) and
    ``percent`` of the way from baseline to target. One query."""
    return with_progress(
        with_figures(_indicators(impact), impact.since, impact.until)
        .select_related("project")
        .order_by("project__name", "order", "pk")
    )


def per_domain(impact: ImpactFilter) -> list[dict]:
    """Per (project domain, unit), units compared without case or surrounding spaces: how many
    indicators, their baselines, what they achieved (verified values: summed for "sum"
    indicators, the latest one for "latest" indicators) and their targets. Two queries."""
    unit = Lower(Trim("unit"))
    groups = (
        _indicators(impact)
        .annotate(unit_key=unit)
        .values("project__domain__name", "unit_key")
        .annotate(count=Count("pk"), baseline=Sum("baseline"), target=Sum("target"))
        .order_by("project__domain__name", "unit_key")
    )
    verified = _values(impact).filter(status=JobStatus.VERIFIED)
    latest = in_period(
        IndicatorValue.objects.filter(indicator=OuterRef("indicator"), status=JobStatus.VERIFIED),
        impact.since,
        impact.until,
    ).order_by("-period_end", "-pk")
    counted = verified.filter(
        Q(indicator__aggregation=Aggregation.SUM)
        | Q(indicator__aggregation=Aggregation.LATEST, pk=Subquery(latest.values("pk")[:1]))
    )
    achieved = {
        (row["indicator__project__domain__name"], row["unit_key"]): row["total"]
        for row in counted.annotate(unit_key=Lower(Trim("indicator__unit")))
        .values("indicator__project__domain__name", "unit_key")
        .annotate(total=Sum("value"))
    }
    return [
        group | {"achieved": achieved.get((group["project__domain__name"], group["unit_key"]))}
        for group in groups
    ]


def indicators_section(impact: ImpactFilter) -> list[ImpactSection]:
    rows = per_project(impact)
    title = _("Impact au-delà des emplois")
    if not rows:
        return [
            ImpactSection(
                key="indicators",
                title=title,
                order=60,
                intro=_(
                    "Aucun projet n'a encore défini d'indicateur d'impact (seniors rencontrés, "
                    "jeunes maintenus en formation…) : chaque équipe peut le faire depuis "
                    "l'espace de son projet."
                ),
            )
        ]
    domains = per_domain(impact)
    projects = len({row.indicator.project_id for row in rows})
    return [
        ImpactSection(
            key="indicators",
            title=title,
            order=60,
            intro=_(
                "Les indicateurs que les projets se sont donnés, de leur valeur de départ à leur "
                "objectif. Seules les valeurs vérifiées par le coach comptent ; les valeurs "
                "déclarées en attente de vérification sont montrées à part. Par domaine, seuls "
                "les indicateurs de même unité sont additionnés."
            ),
            figures=(
                Figure(
                    str(len(rows)),
                    ngettext("indicateur suivi", "indicateurs suivis", len(rows)),
                ),
                Figure(
                    str(projects),
                    ngettext("projet mesure son impact", "projets mesurent leur impact", projects),
                ),
            ),
            tables=(
                DataTable(
                    caption=_("Les indicateurs des projets"),
                    columns=(
                        _("Projet"),
                        _("Indicateur"),
                        _("Unité"),
                        _("Départ"),
                        _("Atteint (vérifié)"),
                        _("En attente de vérification"),
                        _("Objectif"),
                        _("Chemin parcouru (%)"),
                    ),
                    rows=tuple(
                        (
                            row.indicator.project.name,
                            row.indicator.name,
                            row.indicator.unit,
                            shown(row.indicator.baseline),
                            shown(row.indicator.achieved),
                            shown(row.indicator.awaiting),
                            shown(row.indicator.target),
                            "—" if row.percent is None else row.percent,
                        )
                        for row in rows
                    ),
                ),
                DataTable(
                    caption=_("Par domaine, les indicateurs de même unité additionnés"),
                    columns=(
                        _("Domaine"),
                        _("Unité"),
                        _("Indicateurs"),
                        _("Départ"),
                        _("Atteint (vérifié)"),
                        _("Objectif"),
                    ),
                    rows=tuple(
                        (
                            group["project__domain__name"] or str(NO_DOMAIN),
                            group["unit_key"],
                            group["count"],
                            shown(group["baseline"]),
                            shown(group["achieved"] or Decimal("0")),
                            shown(group["target"]),
                        )
                        for group in domains
                    ),
                ),
            ),
        )
    ]


COLUMNS = (
    Column("projet", gettext_lazy("Projet")),
    Column("defi", gettext_lazy("Défi")),
    Column("domaine", gettext_lazy("Domaine")),
    Column("indicateur", gettext_lazy("Indicateur")),
    Column("unite", gettext_lazy("Unité")),
    Column("debut_periode", gettext_lazy("Début de la période"), "date"),
    Column("fin_periode", gettext_lazy("Fin de la période"), "date"),
    Column("valeur", gettext_lazy("Valeur"), "number"),
    Column("statut", gettext_lazy("Statut")),
    Column("verifiee_le", gettext_lazy("Vérifiée le"), "datetime"),
)


def value_rows(impact: ImpactFilter) -> Iterator[tuple]:
    """One row per indicator value, in the order of ``COLUMNS``, read lazily."""
    statuses = dict(JobStatus.choices)
    rows = (
        _values(impact)
        .order_by("indicator__project__name", "indicator__order", "indicator_id", "period_end")
        .values_list(
            "indicator__project__name",
            "indicator__project__challenge__title",
            "indicator__project__domain__name",
            "indicator__name",
            "indicator__unit",
            "period_start",
            "period_end",
            "value",
            "status",
            "verified_at",
        )
    )
    for row in rows.iterator(chunk_size=2000):
        *head, status, verified_at = row
        yield (*head, str(statuses.get(status, status)), verified_at)


VALUES_EXPORT = ExportKind(
    key="indicateurs",
    label=gettext_lazy("Valeurs des indicateurs"),
    columns=COLUMNS,
    rows=value_rows,
    order=40,
)


def register_indicators_impact() -> None:
    """Called from AccompanimentConfig.ready()."""
    provide_impact_sections(indicators_section)
    register_export(VALUES_EXPORT)
