"""The impact page's sections, as every app contributes them, and the funnel the core builds
from their steps; cached per territory, filter, day and language, dropped by the writes that
change a figure (``cache.impact_changed``) or by a live stamp (the night's tables)."""

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from territoire.impact.cache import impact_version
from territoire.impact.registry import (
    Bar,
    BarChart,
    ImpactFilter,
    ImpactSection,
    funnel_steps,
    impact_sections,
    impact_stamps,
)

# A day at most: the figures also move with the date (late milestones, horizons reached),
# and the day is part of the key.
TIMEOUT = 24 * 3600


def funnel_section(impact: ImpactFilter) -> ImpactSection | None:
    """The projects funnel the apps' steps make, as one section; None without any step."""
    steps = funnel_steps(impact)
    if not steps:
        return None
    sentence = _("Chaque étape, des idées de la soirée aux projets qui vivent : %(steps)s.") % {
        "steps": "\u202f; ".join(f"{str(step.label).lower()}\u00a0: {step.value}" for step in steps)
    }
    return ImpactSection(
        key="funnel",
        title=_("Des idées aux projets"),
        order=20,
        charts=(
            BarChart(
                title=_("L'entonnoir des projets"),
                sentence=sentence,
                bars=tuple(Bar(step.label, step.value, note=step.note) for step in steps),
            ),
        ),
    )


def build_sections(impact: ImpactFilter) -> list[ImpactSection]:
    """Every section, in its order, computed now."""
    funnel = funnel_section(impact)
    sections = [*impact_sections(impact), *([funnel] if funnel else [])]
    return sorted(sections, key=lambda section: section.order)


def cached_sections(impact: ImpactFilter) -> list[ImpactSection]:
    """``build_sections``, from the cache when nothing changed since."""
    key = "impact:sections:{version}:{stamps}:{language}:{filter}".format(
        version=impact_version(impact.territory.pk),
        stamps=",".join(impact_stamps(impact)),
        language=get_language(),
        filter=impact.key(),
    )
    sections = cache.get(key)
    if sections is None:
        sections = build_sections(impact)
        cache.set(key, sections, TIMEOUT)
    return sections
