"""Sections higher apps add to a project's public page (the accompaniment shows its needs,
its public updates, its jobs). Projects never imports them: they register here from their
AppConfig.ready()."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest

from projects.models import Project


@dataclass(frozen=True)
class Section:
    """A block of the project page: ``template`` is included with ``section`` and ``project``
    in its context; ``context`` carries what the provider read (in bounded queries)."""

    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 100


# provider(project, request) -> sections to show. The project page honours the team's choices
# (``show_needs``, ``show_jobs``): a provider reads them on ``project``.
SectionProvider = Callable[[Project, HttpRequest], list[Section]]

_section_providers: list[SectionProvider] = []


def provide_project_sections(provider: SectionProvider) -> SectionProvider:
    if provider not in _section_providers:
        _section_providers.append(provider)
    return provider


def project_sections(project: Project, request: HttpRequest) -> list[Section]:
    sections = [s for provider in _section_providers for s in provider(project, request)]
    return sorted(sections, key=lambda section: section.order)
