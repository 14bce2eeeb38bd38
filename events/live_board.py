"""A table's board, rendered once per change and shared by the ~33 phones at the table.

Every phone at a table polls the same board every 5 s. Rendering it for each of them (~16 ms of
CPU here with 30 ideas) caps the machine at ~95 boards a second, half of what 1,000 phones ask
for (docs/benchmarks.md). So the board is rendered once per (table, version, language), kept in
the cache, and each phone's answer only fills in what is its own. Those places are marked in
the shared HTML with ``<!--§name-->`` or ``<!--§name:pk-->`` and replaced in one pass:

- ``mine:pk`` / ``tag:pk``: the idea is this participant's (class and "Votre idée" tag);
- ``my:pk``: how many of the idea's dots are theirs;
- ``act:pk``: their "Retirer" form under an idea they put a dot on;
- ``dots``: their dots left, and the one form (their CSRF token and client key) that every +1
  button of the shared board submits; ``nodots``: the +1 buttons hidden once no dot is left;
- ``seen`` and ``news``: the projects their page already shows;
- ``timer``: the phase's end, or "Temps écoulé" once it has passed (the board's HTML stays the
  same when a timer runs out: nothing was written).

Outside the board, "may we name you in the synthesis?": asking bumps the version, the shared
board lists who awaits an answer, and only their polls add the question out of band.

Markers cannot come from what people type: every text is escaped, so ``<`` never reaches the
HTML from a participant. The per-phone snippets are joined here from escaped parts rather than
rendered from templates: there can be several per idea per poll, and a template render each
would cost more than filling the whole board.

Why markers rather than templates (a plainer design, tried): the board rendered by a shared
partial plus the phone's own part as templates served 366 rendered boards a second against
626 for this module, and put the night's board p95 at 946 ms against 41.5 ms (the target is
100 ms): docs/benchmarks.md, "Seventh round", runs N and O (2026-12-08, 2 cores). That branch
is in the history (``git revert 23438fc`` brings it back) for a larger machine.
"""

import re
import time
import uuid
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_noop, ngettext
from django.utils.translation import gettext as _

from events.domain.board import DOTS_TTL, current_version, dots_key
from events.enums import Phase
from events.models import Participant, Table
from events.queries_participant import (
    BoardIdea,
    awaiting_naming_answer,
    board_ideas,
    naming_requests,
    table_is_over,
)

TEMPLATE = "events/table_participant.html"
# One entry per table and language, overwritten by each newer version: memory stays bounded
# however often the board changes.
BOARD_TTL = 15 * 60
MARKER = re.compile(r"<!--§(\w+)(?::(\d+))?-->")
# The snippets' words, written out here so that makemessages finds them (translated per answer).
YOUR_IDEA = gettext_noop("Votre idée")
WITHDRAW = gettext_noop("Retirer")
ALL_DOTS_PLACED = gettext_noop("Toutes vos gommettes sont posées.")
CHANGE_YOUR_MIND = gettext_noop("Changez d'avis : retirez une gommette pour la poser ailleurs.")
NEW_PROJECTS = gettext_noop("De nouveaux projets sont nés : afficher")


@dataclass
class SharedBoard:
    """What every phone at the table sees, as rendered at ``version``."""

    table_id: int
    version: int
    code: str
    phase: str
    over: bool
    project_count: int
    dots_per_participant: int
    # The end of the phase's timer (a POSIX timestamp), and its two renderings: running, over.
    phase_ends_at: float | None = None
    timer_html: str = ""
    time_up_html: str = ""
    html: str = ""
    # idea id → id of the participant who wrote it (the ideas shown at the top level)
    authors: dict[int, int | None] = field(default_factory=dict)
    # idea id → the start of its text, escaped, for the Retirer buttons' names
    labels: dict[int, str] = field(default_factory=dict)
    name: str = ""
    # the participants asked whether they may be named, who have not answered yet
    awaiting_naming: frozenset[int] = frozenset()


@dataclass
class PhoneState:
    """What only this participant sees: their dots, their votes (newest first) per idea."""

    participant_id: int
    dots_left: int = 0
    votes_by_idea: dict[int, list[int]] = field(default_factory=dict)
    seen_projects: int | None = None


# In the key, so that boards cached by an earlier release (other fields) are never read back.
BOARD_FORMAT = zlib.crc32(" ".join(f.name for f in fields(SharedBoard)).encode())


def _board_key(table_id: int, language: str) -> str:
    return f"events:board:{BOARD_FORMAT:x}:{table_id}:{language}"


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
    language = get_language()
    local = _IN_PROCESS.get((table_id, language))
    if local is not None and local.version == version:
        return local  # most polls: no cache call, no unpickling
    key = _board_key(table_id, language)
    board = cache.get(key)
    if board is None or board.version < version:
        board = render_shared_board(table_id, table=table)
        if board is None:
            return None
        cache.set(key, board, BOARD_TTL)
    if len(_IN_PROCESS) >= IN_PROCESS_KEPT:
        _IN_PROCESS.clear()
    _IN_PROCESS[(table_id, language)] = board
    return board


# The latest board of each table this process served, reused while the table's version (read
# from the cache on every poll) has not moved: a few dozen tables on the night.
_IN_PROCESS: dict[tuple[int, str], SharedBoard] = {}
IN_PROCESS_KEPT = 200


def forget_in_process_boards() -> None:
    """Empty this process's boards (tests do, as they empty the cache)."""
    _IN_PROCESS.clear()


def render_shared_board(table_id: int, *, table: Table | None = None) -> SharedBoard | None:
    """Render the board as every phone at the table sees it: three queries, one template."""
    if table is None:
        table = Table.objects.select_related("event").filter(pk=table_id).first()
    if table is None:
        return None
    board = SharedBoard(
        table_id=table.pk,
        version=table.version,
        code=table.code,
        phase=table.phase,
        over=table_is_over(table),
        project_count=table.project_count,
        dots_per_participant=table.dots_per_participant,
        name=table.name,
    )
    if board.over:
        return board
    board.awaiting_naming = awaiting_naming_answer(table.pk)
    if table.phase_ends_at is not None:
        board.phase_ends_at = table.phase_ends_at.timestamp()
        timer = get_template(f"{TEMPLATE}#timer")
        board.timer_html = timer.render({"table": table, "over": False})
        board.time_up_html = timer.render({"table": table, "over": True})
    groups = board_ideas(table, by_votes=table.phase == Phase.FORMATION)
    show_votes = table.phase != Phase.IDEATION
    voting = table.phase == Phase.VOTE
    idea_total = 0
    for group in groups:
        for idea in group.ideas:
            idea_total += 1 + len(idea.merged_ideas)
            board.authors[idea.pk] = idea.participant_id
            if voting:
                about = idea.text if len(idea.text) <= 60 else idea.text[:59] + "…"
                board.labels[idea.pk] = escape(about)
            idea.html = _idea_html(idea, code=table.code, show_votes=show_votes, voting=voting)
    board.html = get_template(f"{TEMPLATE}#board").render(
        {"table": table, "groups": groups, "idea_total": idea_total}
    )
    return board


# An idea's HTML depends only on what the key holds: it is kept per process and reused by every
# later version of the board, so a new idea or dot renders one idea, not the table's thirty.
_IDEA_HTML: dict[tuple, str] = {}
IDEA_HTML_KEPT = 20_000


def _idea_html(idea: BoardIdea, *, code: str, show_votes: bool, voting: bool) -> str:
    key = (
        get_language(),
        code,
        idea.pk,
        idea.text,
        show_votes and idea.vote_count,
        voting,
        tuple(merged.text for merged in idea.merged_ideas),
    )
    html = _IDEA_HTML.get(key)
    if html is None:
        if len(_IDEA_HTML) >= IDEA_HTML_KEPT:
            _IDEA_HTML.clear()
        html = _IDEA_HTML[key] = get_template(f"{TEMPLATE}#idea").render(
            {"idea": idea, "code": code, "show_votes": show_votes, "voting": voting}
        )
    return html


def phone_state(
    board: SharedBoard, participant_id: int, *, seen_projects: int | None = None
) -> PhoneState:
    """The participant's own part of the board: during the vote, their dots and votes, from
    the cache (kept until they vote or take a dot back), else one small query; else nothing."""
    state = PhoneState(participant_id=participant_id, seen_projects=seen_projects)
    if board.phase == Phase.VOTE:
        key = dots_key(participant_id)
        dots = cache.get(key)
        if dots is None:
            dots = _load_dots(participant_id)
            cache.set(key, dots, DOTS_TTL)
        state.dots_left, state.votes_by_idea = dots
    return state


def _load_dots(participant_id: int) -> tuple[int, dict[int, list[int]]]:
    rows = (
        Participant.objects.filter(pk=participant_id)
        .order_by("-votes__created_at", "-votes__pk")
        .values_list("dots_left", "votes__pk", "votes__idea_id")
    )
    dots_left = 0
    votes_by_idea: dict[int, list[int]] = {}
    for left, vote_id, idea_id in rows:
        dots_left = left
        if vote_id is not None:
            votes_by_idea.setdefault(idea_id, []).append(vote_id)
    return dots_left, votes_by_idea


def naming_requests_oob(request, board: SharedBoard, participant_id: int) -> str:
    """For a participant asked whether she may be named and yet to answer: the question, to
    be swapped out of band into her page by the poll; empty for everyone else (no query)."""
    if participant_id not in board.awaiting_naming:
        return mark_safe("")
    context = {
        "table": {"name": board.name, "code": board.code},
        "naming_requests": naming_requests(Participant(pk=participant_id)),
        "oob": True,
    }
    return get_template(f"{TEMPLATE}#naming").render(context, request)


def personal_board(request, board: SharedBoard, state: PhoneState) -> SafeString:
    """The shared board with this phone's places filled in."""
    snippets = _Snippets(request, board, state)
    return mark_safe(MARKER.sub(snippets.fill, board.html))


class _Snippets:
    """The per-phone HTML for each marker of the shared board.

    Everything put in here is either escaped when the shared board was rendered (URLs, the
    ideas' labels), escaped once here (translations, the CSRF token), or made of digits and
    hex (ids, client keys): the snippets are joined as plain strings, the fast way.
    """

    def __init__(self, request, board: SharedBoard, state: PhoneState) -> None:
        self.request, self.board, self.state = request, board, state
        self._csrf_input: str | None = None
        self._constants: dict[str, str] = {}
        self._fillers: dict[str, Callable[..., str]] = {
            "mine": self._mine,
            "tag": self._tag,
            "my": self._my,
            "act": self._act,
            "nodots": self._nodots,
            "dots": self._dots,
            "seen": self._seen,
            "news": self._news,
            "timer": self._timer,
        }

    def fill(self, match: re.Match) -> str:
        name, pk = match.group(1), match.group(2)
        filler = self._fillers.get(name)
        if filler is None:
            return ""
        return filler(int(pk)) if pk is not None else filler()

    def _text(self, msgid: str) -> str:
        """A translation, escaped, looked up once per answer."""
        text = self._constants.get(msgid)
        if text is None:
            text = self._constants[msgid] = escape(_(msgid))
        return text

    def _is_mine(self, idea_id: int) -> bool:
        return self.board.authors.get(idea_id) == self.state.participant_id

    def _mine(self, idea_id: int) -> str:
        return " idea--mine" if self._is_mine(idea_id) else ""

    def _tag(self, idea_id: int) -> str:
        if not self._is_mine(idea_id):
            return ""
        return f'<span class="tag tag--mine">{self._text(YOUR_IDEA)}</span>'

    def _my(self, idea_id: int) -> str:
        count = len(self.state.votes_by_idea.get(idea_id, ()))
        if not count:
            return ""
        text = ngettext("dont %(counter)s de vous", "dont %(counter)s de vous", count)
        return f'<span class="idea__mine">{escape(text % {"counter": count})}</span>'

    def _csrf(self) -> str:
        if self._csrf_input is None:
            token = escape(get_token(self.request))
            self._csrf_input = f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        return self._csrf_input

    def _form(self, url: str, fields: str, button_class: str, label: str, about: str) -> str:
        return (
            f'<form method="post" action="{url}" hx-post="{url}" hx-swap="none" '
            f'hx-disabled-elt="find button">{self._csrf()}{fields}'
            f'<button type="submit" class="button {button_class}">{label}'
            f'<span class="visually-hidden"> — {about}</span></button></form>'
        )

    def _act(self, idea_id: int) -> str:
        """The "Retirer" form under an idea this phone put a dot on (the +1 is shared)."""
        mine = self.state.votes_by_idea.get(idea_id)
        if not mine:
            return ""
        kwargs = {"code": self.board.code, "vote_id": mine[0]}
        url = escape(reverse("vote_withdraw", kwargs=kwargs))
        label, about = self._text(WITHDRAW), self.board.labels.get(idea_id, "")
        return self._form(url, "", "button--secondary button--small", label, about)

    def _nodots(self) -> str:
        return " board--no-dots" if not self.state.dots_left else ""

    def _vote_form(self) -> str:
        """The form every +1 button of the board submits (``form="vote-form"``, each button
        with its idea's ``formaction``): this phone's CSRF token and client key. The server
        makes the vote's key from this one and the idea, so a double tap on one button is one
        dot and taps on two ideas are two."""
        if not self.state.dots_left:
            return ""
        url = escape(reverse("table_join", kwargs={"code": self.board.code}))
        key = f'<input type="hidden" name="client_key" value="{uuid.uuid4()}">'
        return (
            f'<form id="vote-form" method="post" action="{url}" hx-post="{url}" '
            f'hx-swap="none">{self._csrf()}{key}</form>'
        )

    def _dots(self) -> str:
        left = self.state.dots_left
        used = max(self.board.dots_per_participant - left, 0)
        if left:
            # The translation carries <strong>: ours, trusted; the count is a number.
            count = ngettext(
                "Il vous reste <strong>%(counter)s</strong> gommette",
                "Il vous reste <strong>%(counter)s</strong> gommettes",
                left,
            ) % {"counter": left}
            hint = ""
        else:
            count = self._text(ALL_DOTS_PLACED)
            hint = self._text(CHANGE_YOUR_MIND)
            hint = f'<p class="dots-left__hint">{hint}</p>'
        dots = '<span class="dot"></span>' * left + '<span class="dot dot--used"></span>' * used
        return (
            f'<div class="dots-left"><p class="dots-left__count">{count}</p>'
            f'<p class="dots-left__dots" aria-hidden="true">{dots}</p>{hint}</div>'
            + self._vote_form()
        )

    def _timer(self) -> str:
        ends_at = self.board.phase_ends_at
        if ends_at is None:
            return ""
        return self.board.time_up_html if time.time() >= ends_at else self.board.timer_html

    def _seen_count(self) -> int:
        seen = self.state.seen_projects
        return self.board.project_count if seen is None else seen

    def _seen(self) -> str:
        return str(self._seen_count())

    def _news(self) -> str:
        if self._seen_count() == self.board.project_count:
            return ""
        url = escape(reverse("table_join", kwargs={"code": self.board.code}))
        label = self._text(NEW_PROJECTS)
        return f'<a href="{url}?projets={self.board.project_count}#projets">{label}</a>'
