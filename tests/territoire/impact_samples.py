"""Impact sections of our own for the core's tests (the apps' providers are tested by them)."""

import contextlib
from collections.abc import Iterator

from territoire.extensions import Figure
from territoire.impact import registry
from territoire.impact.registry import (
    Bar,
    BarChart,
    DataTable,
    FunnelStep,
    ImpactFilter,
    ImpactSection,
    LineChart,
    Series,
)

MONTHS = tuple(
    f"{month} {year}"
    for year in (2026, 2027, 2028)
    for month in (
        "janv.",
        "févr.",
        "mars",
        "avr.",
        "mai",
        "juin",
        "juil.",
        "août",
        "sept.",
        "oct.",
        "nov.",
        "déc.",
    )
)
VERIFIED = (0, 2, 3, 5, 8, 12, 15, 19, 22, 30, 33, 41)


def jobs_chart() -> LineChart:
    """Verified jobs month by month, the straight path to 250 and the pace carried on."""
    return LineChart(
        title="Emplois créés, vérifiés",
        sentence="À ce rythme : 180 emplois à l'échéance, pour un objectif de 250.",
        x_labels=MONTHS,
        series=(
            Series("Emplois vérifiés", VERIFIED + (None,) * 24),
            Series(
                "Chemin vers l'objectif",
                tuple(round(250 * i / 35, 1) for i in range(36)),
                "target",
            ),
            Series(
                "À ce rythme",
                (None,) * 11 + tuple(41 + 4 * i for i in range(25)),
                "projection",
            ),
        ),
        unit="emplois",
    )


def needs_chart() -> BarChart:
    return BarChart(
        title="Besoins des projets",
        sentence="Sur 14 besoins de financement, 9 ont trouvé réponse sur le territoire.",
        bars=(
            Bar("Financement", 14, 9),
            Bar("Local", 5, 1, note="deux en discussion"),
            Bar("Mentorat", 3, 0),
        ),
        unit="besoins",
        part_label="satisfaits",
    )


def sample_sections(impact: ImpactFilter) -> list[ImpactSection]:
    period = f"{impact.since or '…'} → {impact.until or '…'}"
    return [
        ImpactSection(
            key="emplois",
            title="Les emplois",
            order=10,
            headline="À ce rythme : 180 emplois à l'échéance (objectif 250).",
            intro=f"Emplois créés et maintenus, vérifiés par les accompagnateurs ({period}).",
            figures=(
                Figure("41 / 250", "emplois créés, vérifiés"),
                Figure("7", "emplois maintenus, vérifiés"),
            ),
            charts=(jobs_chart(),),
        ),
        ImpactSection(
            key="besoins",
            title="Les besoins",
            order=30,
            charts=(needs_chart(),),
            tables=(
                DataTable(
                    caption="Jalons par projet",
                    columns=("Projet", "À l'heure", "En retard"),
                    rows=(("Bus numérique", 4, 1), ("Jardin partagé", 2, 0)),
                ),
                DataTable(
                    caption="Indicateurs des projets",
                    columns=("Projet", "Indicateur"),
                    rows=(),
                    empty="Aucun projet n'a encore défini d'indicateur.",
                ),
            ),
        ),
    ]


def sample_funnel(impact: ImpactFilter) -> list[FunnelStep]:
    return [
        FunnelStep(1, "Idées aux tables", 120),
        FunnelStep(2, "Projets formés le soir même", 35),
        FunnelStep(3, "Projets vivants à 12 mois", 21, note="sur 35"),
    ]


@contextlib.contextmanager
def provided(*, sections=sample_sections, funnel=sample_funnel) -> Iterator[None]:
    """The registry with only our providers, as it was afterwards."""
    saved = list(registry._sections), list(registry._funnel)
    registry._sections[:] = [sections] if sections else []
    registry._funnel[:] = [funnel] if funnel else []
    try:
        yield
    finally:
        registry._sections[:], registry._funnel[:] = saved
