"""The synthesis of debates: the printed record of a launch evening, table by table.

Registered as the ``synthesis`` kind of report from ``EventsConfig.ready()``; the shared machinery
(``territoire/reports``) renders it.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.urls import NoReverseMatch, reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from events.further_reading import ReadingLink, further_reading_links
from events.models import Event, FormedProject, Quote, SynthesisContribution, Table
from territoire.reports.kinds import ReportKind, Scope
from territoire.reports.typography import long_date


@dataclass
class ThemeEntry:
    """A domain of the evening's challenges, with those challenges (the "LES THÈMES" part)."""

    domain: Any
    challenges: list = field(default_factory=list)


@dataclass(frozen=True)
class PrintedQuote:
    """A quote as the synthesis prints it: its text without the guillemets typed around it."""

    bare_text: str
    attribution: str


@dataclass(frozen=True)
class TableDebate:
    """What the synthesis prints of one table's debate: whether it was written up, and its
    quotes (its contributions and projects are the table's, prefetched)."""

    table: Table
    has_synthesis: bool
    quotes: list[PrintedQuote]


def _hour(moment: datetime.datetime) -> str:
    if moment.hour == 0 and moment.minute == 0:
        return _("minuit")
    # Translators: a time of day in dateformat syntax, "18 h"; the second one has minutes.
    # Spaces become non-breaking ones.
    pattern = _("G \\h") if moment.minute == 0 else _("G \\h i")
    return dateformat.format(moment, pattern).replace(" ", "\u00a0")


def event_when(event: Event) -> str:
    """« jeudi 4 juin 2026, de 18 h à minuit »."""
    starts, ends = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    day = long_date(starts.date(), weekday=True)
    if ends.date() == starts.date() or (ends - starts) < datetime.timedelta(hours=24):
        return _("%(day)s, de %(start)s à %(end)s") % {
            "day": day,
            "start": _hour(starts),
            "end": _hour(ends),
        }
    return _("du %(start)s au %(end)s") % {
        "start": f"{day}, {_hour(starts)}",
        "end": f"{long_date(ends.date(), weekday=True)}, {_hour(ends)}",
    }


def _absolute(name: str, **kwargs: str) -> str | None:
    try:
        return settings.SITE_URL + reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _reading(event: Event) -> list[ReadingLink]:
    """The organiser's links, then the event's page and the territory's project showcase."""
    links = further_reading_links(event.further_reading)
    own = [
        (_("La page de la soirée"), _absolute("event_detail", slug=event.slug)),
        (
            _("Les projets du territoire %(name)s") % {"name": event.territory.name},
            _absolute("project_showcase", territory=event.territory.slug),
        ),
    ]
    known = {link.url for link in links}
    links += [ReadingLink(label=label, url=url) for label, url in own if url and url not in known]
    return links


def _introduction_facts(
    event: Event, tables: list[Table], *, people: int, ideas: int, projects: int
) -> list[str]:
    """The sentences a neutral introduction is made of when the organiser wrote none."""
    challenges = len({table.challenge_id for table in tables})
    sentences = [
        _("La soirée s'est tenue le %(when)s (%(venue)s).")
        % {"when": event_when(event), "venue": event.venue}
    ]
    if people:
        sentences.append(
            ngettext(
                "%(count)d personne y a participé.",
                "%(count)d personnes y ont participé.",
                people,
            )
            % {"count": people}
        )
    if tables:
        sentences.append(
            ngettext(
                "Le travail s'est fait à %(tables)d table, sur %(challenges)s.",
                "Le travail s'est fait à %(tables)d tables, sur %(challenges)s.",
                len(tables),
            )
            % {
                "tables": len(tables),
                "challenges": ngettext(
                    "%(count)d défi du territoire",
                    "%(count)d défis du territoire",
                    challenges,
                )
                % {"count": challenges},
            }
        )
    if ideas:
        sentences.append(
            ngettext(
                "%(count)d idée y a été proposée.", "%(count)d idées y ont été proposées.", ideas
            )
            % {"count": ideas}
        )
    if projects:
        sentences.append(
            ngettext("%(count)d projet y est né.", "%(count)d projets y sont nés.", projects)
            % {"count": projects}
        )
    return sentences


def gather_synthesis(scope: Scope) -> dict[str, Any]:
    """Everything the synthesis prints, in six queries whatever the number of tables."""
    event = scope.event
    assert isinstance(event, Event)  # the synthesis is an event's
    if event.territory_id == scope.territory.pk:
        event.territory = scope.territory
    partners = list(event.partners.order_by("name"))
    tables = list(
        Table.objects.filter(event=event)
        .select_related("challenge__domain")
        .prefetch_related(
            Prefetch(
                "contributions",
                queryset=SynthesisContribution.objects.order_by("order", "pk"),
            ),
            Prefetch("quotes", queryset=Quote.objects.order_by("created_at", "pk")),
            Prefetch("projects", queryset=FormedProject.objects.order_by("created_at", "pk")),
        )
        .order_by("challenge__order", "challenge__title", "name")
    )
    present = event.registrations.filter(checked_in_at__isnull=False).count()

    themes: dict[int, ThemeEntry] = {}
    for table in tables:
        entry = themes.setdefault(
            table.challenge.domain_id, ThemeEntry(domain=table.challenge.domain)
        )
        if table.challenge not in entry.challenges:
            entry.challenges.append(table.challenge)
    debates = [
        TableDebate(
            table=table,
            has_synthesis=bool(table.contributions.all() or table.quotes.all()),
            quotes=[
                # The template sets the guillemets; a facilitator may have typed some already.
                PrintedQuote(
                    bare_text=quote.text.strip().strip('«»"“”„ \u00a0\u202f').strip(),
                    attribution=quote.attribution,
                )
                for quote in table.quotes.all()
            ],
        )
        for table in tables
    ]

    projects = sum(len(table.projects.all()) for table in tables)
    ideas = sum(table.idea_count for table in tables)
    # Checked in at the door; without a door count, those seated at the tables.
    people = present or sum(table.participant_count for table in tables)
    return {
        "event": event,
        "event_when": event_when(event),
        "partners": partners,
        "tables": tables,
        "debates": debates,
        "themes": list(themes.values()),
        "introduction_facts": _introduction_facts(
            event, tables, people=people, ideas=ideas, projects=projects
        ),
        "people_present": people,
        "idea_count": ideas,
        "project_count": projects,
        "further_reading": _reading(event),
    }


def synthesis_title(scope: Scope) -> str:
    assert isinstance(scope.event, Event)  # the synthesis is an event's
    return _("Synthèse des débats — %(title)s") % {"title": scope.event.title}


SYNTHESIS = ReportKind(
    code="synthesis",
    label=gettext_lazy("Synthèse des débats"),
    template="events/reports/synthesis.html",
    gather=gather_synthesis,
    title=synthesis_title,
    file_stem="synthese-des-debats",
    event_model=Event,
    public=True,
    description=gettext_lazy(
        "Le compte rendu d'une soirée pour ses partenaires : le contexte, les thèmes, puis "
        "table par table ce que chacun a proposé, les citations et les projets nés."
    ),
)
