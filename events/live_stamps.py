"""Stamps of the live pages' parts: what a poll compares to send only the parts that changed.

A live page (console, control room, plenary) answers an unchanged poll with 304 from its
versions. When something moved, it re-sends only the parts whose stamp differs from the one the
page holds (htmx out-of-band swaps), instead of the whole page: at 200 ideas or 30 tables the
whole live part weighed megabytes (docs/benchmarks.md).

A stamp is a short digest of exactly the data a part shows, computed from what the page read
anyway (no query). The page receives each part's stamp with the part and sends the stamps back
with its next poll (``X-Live-Parts: name=stamp,name=stamp``).
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils.translation import get_language

from events.models import Event
from events.queries_live import ConsoleIdea, ConsoleState, ControlRow
from events.queries_plenary import PlenaryScreen

HEADER = "X-Live-Parts"
# A page holds at most this many stamps (an evening of 300 tables and a few event-wide parts,
# with room; the header then weighs ~8 KB, within gunicorn's and nginx's default 8 KB a field):
# more is not a page of ours, and parsing it is not worth the time.
MAX_HELD = 400


def stamp(*data: object, size: int = 6) -> str:
    """A short digest of ``data`` (its ``repr``) and the language it is shown in, of ``size``
    bytes (in hex)."""
    text = repr((get_language(), data))
    return hashlib.blake2b(text.encode(), digest_size=size).hexdigest()


def held_stamps(request: HttpRequest) -> dict[str, str]:
    """The stamps the polling page holds, by part name; empty when it sent none (or garbage).

    Anything malformed counts as "held nothing": the part is simply sent again.
    """
    raw = request.headers.get(HEADER, "")
    held: dict[str, str] = {}
    for item in raw.split(",")[:MAX_HELD]:
        name, _sep, value = item.strip().partition("=")
        if name and value and len(name) <= 40 and len(value) <= 40:
            held[name] = value
    return held


def header_value(stamps: dict[str, str]) -> str:
    """The ``X-Live-Parts`` header a page sends back with its next poll."""
    return ",".join(f"{name}={value}" for name, value in stamps.items())


def changed_parts(stamps: dict[str, str], held: dict[str, str]) -> set[str]:
    """The parts whose current stamp differs from the one the page holds."""
    return {name for name, value in stamps.items() if held.get(name) != value}


# The console ------------------------------------------------------------------------------------

CONSOLE_PARTS = ("phase", "participants", "ideas", "hidden", "projects")
# Up to this many standing ideas the console's list is refreshed idea by idea (each its own
# part, ``i<pk>``): a poll after one idea carries that idea, not the list (30 KB at 66 ideas,
# most of a busy night's console traffic, docs/benchmarks.md). Past it, never seen at a table,
# the list is one part again, so that the stamps stay within MAX_HELD.
IDEAS_ONE_BY_ONE = 300
_IDEA_KEY = re.compile(r"i[0-9]{1,12}")


def console_idea_key(idea_id: int) -> str:
    return f"i{idea_id}"


def _idea_stamp(idea: ConsoleIdea) -> str:
    # 4 bytes: a page holds up to 300 of them in its poll's header, and a false "unchanged"
    # needs an idea's two states to collide (one chance in 4 billion).
    return stamp(
        idea.number,
        idea.text,
        idea.participant.display_name if idea.participant else "",
        idea.theme.name if idea.theme else "",
        idea.total_votes,
        [(d.pk, d.number, d.text, d.vote_count) for d in idea.merged_ideas],
        size=4,
    )


def console_stamps(state: ConsoleState, phase: str) -> dict[str, str]:
    """The stamps of the console's parts (``phase``: the table's, which the phase buttons show):
    ``ideas`` is the list's frame (empty or not) and each
    standing idea is its own part, unless the table has more than IDEAS_ONE_BY_ONE of them."""
    one_by_one = len(state.ideas) <= IDEAS_ONE_BY_ONE
    stamps = {
        "phase": stamp(phase),
        "participants": stamp(
            [(p.pk, p.display_name, p.organisation_name) for p in state.participants]
        ),
        "ideas": (
            stamp(bool(state.ideas))
            if one_by_one
            else stamp([(idea.pk, _idea_stamp(idea)) for idea in state.ideas])
        ),
        "hidden": stamp(
            [
                (idea.pk, idea.text, idea.hidden_at, _person(idea.hidden_by))
                for idea in state.hidden_ideas
            ]
        ),
        "projects": stamp(
            state.contribution_count,
            state.quote_count,
            [
                (
                    project.pk,
                    project.name,
                    project.pitch,
                    [idea.text for idea in project.ideas.all()],
                    [
                        (m.full_name, m.organisation_name, m.email, m.phone, m.is_lead)
                        for m in project.team.all()
                    ],
                    [m.participant_id for m in project.team.all()],
                )
                for project in state.projects
            ],
        ),
    }
    if one_by_one:
        stamps.update({console_idea_key(idea.pk): _idea_stamp(idea) for idea in state.ideas})
    return stamps


@dataclass
class IdeaChanges:
    """What a console poll sends of its idea list when the list's frame has not changed: the
    ideas the page holds in another state (replaced), those it does not hold (appended, then
    put in their place by static/js/console.js) and those it holds that are gone (deleted)."""

    replaced: list[ConsoleIdea] = field(default_factory=list)
    added: list[ConsoleIdea] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


def console_idea_changes(
    state: ConsoleState, stamps: dict[str, str], held: dict[str, str]
) -> IdeaChanges:
    """The idea list's changes since the stamps ``held`` by the page; nothing when the whole
    list is re-sent anyway (its frame changed, or it is one part)."""
    changes = IdeaChanges()
    if stamps["ideas"] != held.get("ideas") or len(state.ideas) > IDEAS_ONE_BY_ONE:
        return changes
    for idea in state.ideas:
        key = console_idea_key(idea.pk)
        if key not in held:
            changes.added.append(idea)
        elif held[key] != stamps[key]:
            changes.replaced.append(idea)
    changes.removed = [
        int(key[1:]) for key in held if _IDEA_KEY.fullmatch(key) and key not in stamps
    ]
    return changes


def _person(user) -> tuple[str, str] | None:
    return (user.get_full_name(), user.email) if user is not None else None


# The control room -------------------------------------------------------------------------------


def control_row_key(table_id: int) -> str:
    return f"t{table_id}"


def control_stamps(rows: list[ControlRow]) -> dict[str, str]:
    """The stamps of the control room's rows, one per table, and
    ``tables``: the list of tables itself (a table added, removed or renamed re-sends them all).
    """
    stamps = {"tables": stamp([(row.table.pk, row.table.name) for row in rows])}
    for row in rows:
        table = row.table
        stamps[control_row_key(table.pk)] = stamp(
            table.version,
            table.name,
            table.code,
            table.challenge.title,
            row.facilitator_names,
            table.phase,
            table.phase_ends_at,
            table.participant_count,
            table.capacity,
            table.idea_count,
            table.vote_count,
            table.project_count,
            table.hidden_idea_count,
            row.needs_help,
            row.lacks_facilitator,
            row.has_facilitator,
            row.is_silent,
            row.is_full,
            row.timer_over,
            [(t.pk, t.name, t.participant_count, t.capacity) for t in row.siblings_with_room],
        )
    return stamps


# The plenary ------------------------------------------------------------------------------------


def plenary_card_key(table_id: int) -> str:
    return f"t{table_id}"


def plenary_stamps(event: Event, screen: PlenaryScreen) -> dict[str, str]:
    """The stamps of the plenary's parts.

    ``screen`` is its layout: the tables and their pages, the spotlight (a spotlighted idea or
    project shows nothing else, so it is all in this one). The overview adds the phase bar, the
    figures, the projects and one card per table.
    """
    stats, phase = screen.stats, screen.phase
    idea, project = screen.spotlight_idea, screen.spotlight_project
    stamps = {
        "screen": stamp(
            event.title,
            event.venue,
            [[(t.pk, t.code, t.name) for t in page] for page in screen.pages],
            idea and (idea.pk, idea.text, idea.vote_count, idea.table.name),
            project and (project.pk, project.name, project.pitch, project.table.name),
        ),
        # The phase's label is a lazy translation (its repr is not stable): the phase's value.
        "bar": stamp(phase and (phase.phase, phase.ends_at, phase.table_count, phase.open_count)),
    }
    if screen.has_spotlight:
        return stamps
    stamps["figures"] = stamp(
        stats.participant_count,
        stats.present,
        stats.idea_count,
        stats.vote_count,
        stats.project_count,
    )
    stamps["projects"] = stamp([(p.pk, p.name, p.table.name) for p in screen.projects])
    for table in stats.tables:
        table.stamp = stamp(
            table.phase,
            table.challenge_title,
            table.participant_count,
            table.idea_count,
            [(i.pk, i.text, i.total_votes) for i in table.ideas],
        )
        stamps[plenary_card_key(table.pk)] = table.stamp
    return stamps
