"""The evening on the impact page: the "La mobilisation" section (the challenges app's figures
before the evening, then the evening's, by challenge) and the first two steps of the projects
funnel. Registered from ``EventsConfig.ready()``."""

from django.db.models import Sum
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from challenges.queries import MobilisationCounts, mobilisation_by_challenge, mobilisation_counts
from events.models import Table
from events.queries_impact import EveningCounts, evening_counts, funnel_counts
from territoire.extensions import Figure
from territoire.impact.registry import (
    Bar,
    BarChart,
    DataTable,
    FunnelStep,
    ImpactFilter,
    ImpactSection,
    provide_funnel_steps,
    provide_impact_sections,
    provide_impact_stamp,
)
from territoire.reports.typography import long_date


def _n(value: int) -> str:
    return number_format(value, force_grouping=True)


def _mobilisation_figures(impact: ImpactFilter, counts: MobilisationCounts) -> list[Figure]:
    n = counts.signups
    if impact.challenge_id:
        signups = ngettext(
            "personne inscrite à la mobilisation ayant choisi ce défi",
            "personnes inscrites à la mobilisation ayant choisi ce défi",
            n,
        )
    else:
        signups = ngettext(
            "personne inscrite à la mobilisation", "personnes inscrites à la mobilisation", n
        )
    n = counts.contributions
    contributions = (
        ngettext("contribution en ligne sur ce défi", "contributions en ligne sur ce défi", n)
        if impact.challenge_id
        else ngettext(
            "contribution en ligne sur les défis", "contributions en ligne sur les défis", n
        )
    )
    figures = [
        Figure(_n(counts.signups), signups),
        Figure(_n(counts.contributions), contributions),
    ]
    if counts.training_sessions:
        n = counts.trained
        trained = ngettext("animateur·rice formé·e", "animateur·rices formé·es", n)
        if impact.challenge_id:
            # Training sessions are for all the territory's facilitators, whatever their table.
            trained = _("%(label)s (tout le territoire)") % {"label": trained}
        figures.append(Figure(_n(n), trained))
    return figures


def _evening_figures(counts: EveningCounts) -> list[Figure]:
    participants, ideas = counts.total("participants"), counts.total("ideas")
    dots, projects = counts.total("dots"), counts.total("projects")
    return [
        Figure(
            _n(counts.registered),
            ngettext(
                "inscription confirmée à la soirée",
                "inscriptions confirmées à la soirée",
                counts.registered,
            ),
        ),
        Figure(
            _n(counts.attendees),
            ngettext(
                "personne présente à la soirée", "personnes présentes à la soirée", counts.attendees
            ),
        ),
        Figure(
            _n(participants),
            ngettext("participant·e aux tables", "participant·es aux tables", participants),
        ),
        Figure(
            _n(ideas), ngettext("idée proposée aux tables", "idées proposées aux tables", ideas)
        ),
        Figure(_n(dots), ngettext("gommette posée", "gommettes posées", dots)),
        Figure(
            _n(projects),
            ngettext("projet formé à la soirée", "projets formés à la soirée", projects),
        ),
    ]


def _intro(impact: ImpactFilter, counts: EveningCounts) -> str:
    """What the section covers, and whether the evening has happened yet."""
    text = _when(impact, counts)
    if impact.challenge_id:
        text += " " + _(
            "Pour un défi, les inscrit·es et présent·es à la soirée sont les personnes qui ont "
            "demandé l'une de ses tables ou s'y sont assises."
        )
    return text


def _when(impact: ImpactFilter, counts: EveningCounts) -> str:
    if counts.held:
        return _(
            "Les inscriptions et contributions qui ont préparé la soirée de lancement, puis ce "
            "que ses tables ont produit, défi par défi."
        )
    if not counts.events and (impact.since or impact.until):
        return _("Aucune soirée de lancement dans cette période.")
    planned = counts.next_on or impact.territory.evening_on
    if planned and planned >= impact.today:
        return _(
            "La soirée de lancement n'a pas encore eu lieu : elle est prévue le %(day)s. "
            "Voici la mobilisation qui la prépare."
        ) % {"day": long_date(planned)}
    if planned:  # the day has passed, and no evening was run on the platform
        return _(
            "Aucune soirée de lancement n'a été tenue sur la plateforme (elle était prévue le "
            "%(day)s). Voici la mobilisation qui l'a préparée."
        ) % {"day": long_date(planned)}
    return _("La soirée de lancement n'a pas encore eu lieu. Voici la mobilisation qui la prépare.")


def _chart(counts: EveningCounts) -> BarChart:
    return BarChart(
        title=_("Idées et gommettes par défi"),
        sentence=_(
            "Pour chaque défi, la barre compte les idées proposées à ses tables (sans les idées "
            "masquées par les animateur·rices), et la note les gommettes posées sur ces idées."
        ),
        bars=tuple(
            Bar(
                label=row.title,
                value=row.ideas,
                note=ngettext("%(n)s gommette", "%(n)s gommettes", row.dots) % {"n": _n(row.dots)},
            )
            for row in counts.by_challenge
        ),
        unit=_("idées"),
    )


def _table(impact: ImpactFilter, counts: EveningCounts) -> DataTable:
    """The challenges (all the public ones, or the filter's), each with its sign-ups and
    contributions, then its tables and what they produced once there was an evening."""
    rows: dict[int, list] = {
        c.challenge_id: [(c.order, c.title), c.title, c.signups, c.contributions, 0, 0, 0, 0, 0]
        for c in mobilisation_by_challenge(impact)
    }
    for row in counts.by_challenge:
        figures = [row.tables, row.participants, row.ideas, row.dots, row.projects]
        known = rows.setdefault(row.challenge_id, [(row.order, row.title), row.title, 0, 0])
        known[4:] = figures
    columns = [_("Défi"), _("Personnes inscrites"), _("Contributions")]
    width = 1 + len(columns)
    caption = _(
        "Les défis : combien de personnes inscrites les ont choisis (une personne peut en "
        "choisir plusieurs) et combien de contributions ils ont reçues."
    )
    if counts.events:
        columns += [
            _("Tables"),
            _("Participant·es"),
            _("Idées"),
            _("Gommettes"),
            _("Projets formés"),
        ]
        width = 1 + len(columns)
        caption = _(
            "Les défis : combien de personnes inscrites les ont choisis (une personne peut en "
            "choisir plusieurs), combien de contributions ils ont reçues, puis le nombre de tables "
            "de la soirée, de participant·es, d'idées, de gommettes et de projets formés."
        )
    ordered = sorted(rows.values(), key=lambda row: row[0])
    return DataTable(
        caption=caption,
        columns=tuple(columns),
        rows=tuple(tuple(row[1:width]) for row in ordered),
        empty=_("Aucun défi publié pour l'instant."),
    )


@provide_impact_sections
def mobilisation_section(impact: ImpactFilter) -> list[ImpactSection]:
    """The "La mobilisation" section: from the sign-ups to the projects formed on the night,
    in nine queries."""
    before = mobilisation_counts(impact)
    evening = evening_counts(impact)
    figures = _mobilisation_figures(impact, before)
    charts: tuple[BarChart, ...] = ()
    if evening.events:
        figures += _evening_figures(evening)
        if evening.by_challenge:
            charts = (_chart(evening),)
    return [
        ImpactSection(
            key="mobilisation",
            title=_("La mobilisation"),
            order=50,
            intro=_intro(impact, evening),
            figures=tuple(figures),
            charts=charts,
            tables=(_table(impact, evening),),
        )
    ]


@provide_funnel_steps
def evening_funnel(impact: ImpactFilter) -> list[FunnelStep]:
    counts = funnel_counts(impact)
    return [
        FunnelStep(order=10, label=_("Idées aux tables"), value=counts["ideas"]),
        FunnelStep(order=20, label=_("Projets formés à la soirée"), value=counts["projects"]),
    ]


@provide_impact_stamp
def tables_version(impact: ImpactFilter) -> str:
    """The sum of the territory's tables' versions: every idea, dot and seat on the night moves
    its table's version (the live boards' ETag), so the cached figures follow the phones'
    writes without those writes doing anything more. One query on the territory's tables."""
    total = Table.objects.filter(event__territory=impact.territory).aggregate(v=Sum("version"))
    return str(total["v"] or 0)
