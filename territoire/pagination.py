"""Lists that grow with a territory, shown one page at a time.

Every list page whose rows grow with the territory (the showcase, the portfolio, the
mobilisation board's lists…) goes through ``paginate``: Django's ``Paginator`` (one COUNT and
one slice, whatever the size) and plain GET links (``?page=2``) that work without JavaScript and
keep the page's other GET parameters (its filters). ``templates/_pagination.html`` draws them.

A missing, non-numeric or tampered ``page`` shows the first page; a number past the end shows
the last one: never an error.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from territoire.inputs import parse_int


@dataclass(frozen=True)
class ListPage:
    """One page of a list, and the links to its neighbours (filters kept)."""

    page: Page
    param: str
    query: QueryDict
    anchor: str = ""

    @property
    def items(self) -> Sequence:
        # A list or a query set, as the paginator was given.
        return cast(Sequence, self.page.object_list)

    @property
    def count(self) -> int:
        """Rows in the whole list, every page together."""
        return self.page.paginator.count

    def url(self, number: int) -> str:
        """The query string of page ``number``, the other GET parameters kept as they were."""
        query = self.query.copy()
        if number > 1:
            query[self.param] = str(number)
        else:
            query.pop(self.param, None)
        text = query.urlencode()
        return (f"?{text}" if text else "?") + (f"#{self.anchor}" if self.anchor else "")

    @property
    def current_url(self) -> str:
        """This page's own query string (what a page that refreshes itself asks for)."""
        return self.url(self.page.number).removesuffix(f"#{self.anchor}" if self.anchor else "")

    @property
    def previous_url(self) -> str:
        return self.url(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.url(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def first_url(self) -> str:
        return self.url(1)

    @property
    def last_url(self) -> str:
        return self.url(self.page.paginator.num_pages)


def paginate(
    request: HttpRequest,
    rows: QuerySet | Sequence,
    *,
    per_page: int,
    param: str = "page",
    anchor: str = "",
) -> ListPage:
    """The page of ``rows`` that ``request.GET[param]`` asks for (the first one by default; the
    last one past the end). ``rows`` should be ordered: a page is a slice of it."""
    number = parse_int(request.GET.get(param), max_digits=9) or 1
    page = Paginator(rows, per_page).get_page(number)
    return ListPage(page=page, param=param, query=request.GET, anchor=anchor)
