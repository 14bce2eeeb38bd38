"""What higher apps add to an evening's public page: the projects app says which of the
projects born that night have a public page. Events never imports them; they register here
from their AppConfig.ready()."""

from collections.abc import Callable

from events.models import Event

# provider(event) -> {formed project id: its public page's URL}, in a fixed number of queries.
ProjectPageProvider = Callable[[Event], dict[int, str]]

_project_page_providers: list[ProjectPageProvider] = []


def provide_project_pages(provider: ProjectPageProvider) -> ProjectPageProvider:
    if provider not in _project_page_providers:
        _project_page_providers.append(provider)
    return provider


def project_pages(event: Event) -> dict[int, str]:
    pages: dict[int, str] = {}
    for provider in _project_page_providers:
        pages.update(provider(event))
    return pages
