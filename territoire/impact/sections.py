"""The impact page's sections, as every app contributes them, and the funnel the core builds
from their steps; drawn once and cached per territory, filter, day and language, dropped by the
writes that change a figure (``cache.impact_changed``) or by a live stamp (the night's tables)."""

from django.core.cache import cache
from django.template.loader import render_to_string
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


def sections_key(impact: ImpactFilter) -> str:
    """What the sections are cached under: the territory's version, the live stamps, the
    language and the filter (its day included)."""
    return "impact:sections:{version}:{stamps}:{language}:{filter}".format(
        version=impact_version(impact.territory.pk),
        stamps=",".join(impact_stamps(impact)),
        language=get_language(),
        filter=impact.key(),
    )


def cached_sections_html(impact: ImpactFilter) -> str:
    """Every section drawn as HTML, charts included, from the cache when nothing changed.

    The HTML is cached, not the sections' data: drawing the SVG charts is most of a warm
    request, 24 of 35 ms in-process against 0.3 ms to read the cached data
    (``make bench-dashboard``, docs/benchmarks.md). Nothing in it depends on who reads it.
    """
    key = sections_key(impact)
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            "territoire/impact/_sections.html", {"sections": build_sections(impact)}
        )
        cache.set(key, html, TIMEOUT)
    return html
