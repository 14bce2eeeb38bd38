"""The console's shared picker: what to do with one idea (regroup it, file it under a theme,
hide it), on a page of its own.

Each idea of the console links here instead of carrying a list of every other idea (at 200 ideas
that list made the console weigh megabytes, docs/benchmarks.md). Without JavaScript this is a
plain page whose forms post to the console's actions and come back to the console; with it,
``static/js/console.js`` opens the same content (the ``picker`` partial) in a ``<dialog>``.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from events.models import Theme
from events.queries_live import ConsoleIdea, ideas_with_totals
from events.views.console import get_table_for_console
from territoire.http import AuthenticatedRequest


def _find(ideas: list[ConsoleIdea], idea_id: int) -> tuple[ConsoleIdea | None, ConsoleIdea | None]:
    """The idea ``idea_id`` among the standing ideas and their duplicates, and the idea it is
    merged into (None for a standing one). (None, None) when it is not visible here."""
    for standing in ideas:
        if standing.pk == idea_id:
            return standing, None
        for duplicate in standing.merged_ideas:
            if duplicate.pk == idea_id:
                return duplicate, standing
    return None, None


@login_required
@require_safe
@vary_on_headers("HX-Request")
def idea_picker(request: AuthenticatedRequest, code: str, idea_id: int) -> HttpResponse:
    """The picker of one visible idea; 404 for a hidden idea or one of another table."""
    table = get_table_for_console(request, code)
    ideas = ideas_with_totals(table)
    idea, merged_into = _find(ideas, idea_id)
    if idea is None:
        raise Http404
    context = {
        "table": table,
        "idea": idea,
        "merged_into": merged_into,
        "targets": [] if merged_into else [other for other in ideas if other.pk != idea.pk],
        "themes": list(Theme.objects.filter(table=table).order_by("name")),
        "in_dialog": bool(request.htmx),
    }
    template = "events/console_idea.html#picker" if request.htmx else "events/console_idea.html"
    return render(request, template, context)
