"""A table's board: a shared part rendered once per change, and each phone's own part.

Every phone at a table polls the same board every 5 s. Rendering all of it for each of them
(~16 ms of CPU here with 30 ideas) would cap the machine at ~95 boards a second, half of what
1,000 phones ask for (docs/benchmarks.md). So the board is split in two, both rendered by the
templates of ``events/table_participant.html``:

- the shared part (``SharedBoard``): what every phone at the table sees: the phase, the
  timer's two renderings (``timer`` partial), and each idea's data with its HTML as the
  phones that neither wrote it nor put a dot on it see it (``idea`` partial). It is rendered
  once per (table, version, language) and kept in Django's cache under the table and
  language: a newer version overwrites it, so memory stays bounded. Whatever changes what it
  shows is a write, and every write bumps the table's version.
- the phone's own part (``PhoneBoard``): its dots and its vote form (with
  ``{% csrf_token %}``), the timer's state, the projects its page already shows, and which
  ideas are its own or carry its dots. The ``board`` partial lays it out around the shared
  HTML and renders the ``idea`` partial again for those few ideas only (its "Votre idée" tag,
  "dont 1 de vous", its "Retirer" form): ~30 ideas rendered per phone would cost as much as
  the whole board. The page and every poll use it; a poll adds the naming question, out of
  band, for the participants who are asked it (``board_poll``).
"""

import time
import uuid
from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.template.loader import get_template
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language

from events.domain.board import DOTS_TTL, current_version, dots_key
from events.enums import Phase
from events.models import Participant, Table
from events.queries_participant import awaiting_naming_answer, board_ideas, table_is_over

TEMPLATE = "events/table_participant.html"
# One entry per table and language, overwritten by each newer version.
BOARD_TTL = 15 * 60
# Bumped when SharedBoard's fields change, so that boards cached by an earlier release are
# never read back.
BOARD_FORMAT = 4


@dataclass(frozen=True)
class BoardIdea:
    """An idea as the board shows it, and its HTML for the phones that have no part in it."""

    pk: int
    author_id: int
    text: str
    merged_texts: tuple[str, ...]  # the ideas merged into it
    vote_count: int
    vote_url: str  # where its +1 button posts
    label: str  # the start of its text, for the buttons' accessible names
    html: str = ""  # the ``idea`` partial, neither this phone's idea nor dotted by it


@dataclass(frozen=True)
class PhoneIdea:
    """One idea of the board as this phone shows it."""

    idea: BoardIdea
    is_mine: bool = False
    my_dots: int = 0
    withdraw_vote_id: int | None = None  # the newest of this phone's dots on it

    @property
    def personal(self) -> bool:
        """Shown otherwise than to every phone: rendered for this phone alone."""
        return self.is_mine or bool(self.my_dots)


@dataclass(frozen=True)
class BoardGroup:
    title: str | None  # the theme, or None
    ideas: list[BoardIdea]


@dataclass
class SharedBoard:
    """What every phone at the table sees, as rendered at ``version``."""

    table_id: int
    version: int
    code: str
    name: str
    phase: str
    phase_label: str
    show_votes: bool
    voting: bool
    over: bool
    project_count: int
    dots_per_participant: int
    page_url: str  # the table's page, where the vote form posts
    poll_url: str
    # The end of the phase's timer (a POSIX timestamp), and its two renderings: running, over.
    phase_ends_at: float | None = None
    timer_html: str = ""
    time_up_html: str = ""
    groups: list[BoardGroup] = field(default_factory=list)
    loose_title_shown: bool = False  # several groups: the ideas without a theme get a title
    idea_total: int = 0
    # the participants asked whether they may be named, who have not answered yet
    awaiting_naming: frozenset[int] = frozenset()


def _board_key(table_id: int, language: str) -> str:
    return f"events:board:{BOARD_FORMAT}:{table_id}:{language}"


def shared_board(
    table_id: int, *, version: int | None = None, table: Table | None = None
) -> SharedBoard | None:
    """The table's board at its current version, from the cache, else rendered (and cached).

    ``version`` when the caller has just read the current one; ``table``, with its event, when
    the caller has just read it (its version is then the current one). A board rendered from
    a newer version than the one asked for is good enough: it is what the next poll would
    show. None when the table no longer exists.
    """
    if table is not None:
        version = table.version
    elif version is None:
        version = current_version(table_id)
    key = _board_key(table_id, get_language())
    board = cache.get(key)
    if board is None or board.version < version:
        board = render_shared_board(table_id, table=table)
        if board is None:
            return None
        cache.set(key, board, BOARD_TTL)
    return board


def render_shared_board(table_id: int, *, table: Table | None = None) -> SharedBoard | None:
    """Render what every phone at the table sees: three queries, the ideas' partials."""
    if table is None:
        table = Table.objects.select_related("event").filter(pk=table_id).first()
    if table is None:
        return None
    board = SharedBoard(
        table_id=table.pk,
        version=table.version,
        code=table.code,
        name=table.name,
        phase=table.phase,
        phase_label=str(table.get_phase_display()),
        show_votes=table.phase != Phase.IDEATION,
        voting=table.phase == Phase.VOTE,
        over=table_is_over(table),
        project_count=table.project_count,
        dots_per_participant=table.dots_per_participant,
        page_url=reverse("table_join", kwargs={"code": table.code}),
        poll_url=reverse("table_board", kwargs={"code": table.code}),
    )
    if board.over:
        return board
    board.awaiting_naming = awaiting_naming_answer(table.pk)
    if table.phase_ends_at is not None:
        board.phase_ends_at = table.phase_ends_at.timestamp()
        timer = get_template(f"{TEMPLATE}#timer")
        board.timer_html = timer.render({"table": table, "over": False})
        board.time_up_html = timer.render({"table": table, "over": True})
    idea_template = get_template(f"{TEMPLATE}#idea")
    groups = board_ideas(table, by_votes=table.phase == Phase.FORMATION)
    for group in groups:
        ideas = []
        for idea in group.ideas:
            board.idea_total += 1 + len(idea.merged_ideas)
            shown = BoardIdea(
                pk=idea.pk,
                author_id=idea.participant_id,
                text=idea.text,
                merged_texts=tuple(merged.text for merged in idea.merged_ideas),
                vote_count=idea.vote_count,
                vote_url=reverse("vote_cast", kwargs={"code": table.code, "idea_id": idea.pk}),
                label=Truncator(idea.text).chars(60),
            )
            context = {"item": PhoneIdea(idea=shown), "board": board}
            ideas.append(replace(shown, html=idea_template.render(context)))
        if ideas:
            board.groups.append(BoardGroup(title=group.theme, ideas=ideas))
    board.loose_title_shown = len(groups) > 1
    return board


@dataclass(frozen=True)
class PhoneGroup:
    title: str | None
    ideas: list[PhoneIdea]


@dataclass
class PhoneBoard:
    """This phone's view of the shared board: what the ``board`` partial renders."""

    board: SharedBoard
    participant_id: int
    groups: list[PhoneGroup]
    dots_left: int = 0
    dots_used: int = 0
    time_up: bool = False
    seen_projects: int = 0
    vote_form_key: str = ""

    @property
    def has_news(self) -> bool:
        return self.seen_projects != self.board.project_count

    @property
    def dots_left_range(self) -> range:
        return range(self.dots_left)

    @property
    def dots_used_range(self) -> range:
        return range(self.dots_used)


def phone_board(
    board: SharedBoard, participant_id: int, *, seen_projects: int | None = None
) -> PhoneBoard:
    """The participant's own part of the board. During the vote, their dots and votes come
    from the cache (kept until they vote or take a dot back), else from one small query."""
    dots_left, votes_by_idea = 0, {}
    if board.voting:
        key = dots_key(participant_id)
        dots = cache.get(key)
        if dots is None:
            dots = _load_dots(participant_id)
            cache.set(key, dots, DOTS_TTL)
        dots_left, votes_by_idea = dots
    groups = []
    for group in board.groups:
        ideas = []
        for idea in group.ideas:
            mine = votes_by_idea.get(idea.pk, ())
            is_mine = idea.author_id == participant_id
            ideas.append(
                PhoneIdea(idea, is_mine, len(mine), mine[0] if mine else None)
                if is_mine or mine
                else PhoneIdea(idea)
            )
        groups.append(PhoneGroup(title=group.title, ideas=ideas))
    ends_at = board.phase_ends_at
    return PhoneBoard(
        board=board,
        participant_id=participant_id,
        groups=groups,
        dots_left=dots_left,
        dots_used=max(board.dots_per_participant - dots_left, 0),
        time_up=ends_at is not None and time.time() >= ends_at,
        seen_projects=board.project_count if seen_projects is None else seen_projects,
        # The key of the form every +1 button submits; the server makes each vote's key from
        # it and the idea, so a double tap on one button is one dot and two ideas are two.
        vote_form_key=str(uuid.uuid4()) if dots_left else "",
    )


def _load_dots(participant_id: int) -> tuple[int, dict[int, list[int]]]:
    rows = (
        Participant.objects.filter(pk=participant_id)
        .order_by("-votes__created_at", "-votes__pk")
        .values_list("dots_left", "votes__pk", "votes__idea_id")
    )
    dots_left, votes_by_idea = 0, {}
    for left, vote_id, idea_id in rows:
        dots_left = left
        if vote_id is not None:
            votes_by_idea.setdefault(idea_id, []).append(vote_id)
    return dots_left, votes_by_idea
