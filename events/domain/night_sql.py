"""The night's two hottest writes, an idea and a dot, in plain SQL that SQLite and PostgreSQL
both run: the same code in ``make demo``, ``make test`` and production.

Each is a few short statements in one transaction, through ``connection.cursor()`` with ``%s``
parameters (values prepared by their model fields, so that SQLite stores them as the ORM
does). Every check is made by the writes themselves, never by a read before them:

- the dot is taken by an UPDATE whose ``dots_left > 0`` PostgreSQL re-checks on the row a
  concurrent vote has just changed (READ COMMITTED), under the check constraint on
  ``dots_left``; the same UPDATE requires the table in its vote phase under that code, its
  timer running, and the idea on that table, neither merged nor hidden;
- the idea's flood limit is a counter on the participant's row, checked and bumped by one
  UPDATE (``ideas_in_window < limit`` in its WHERE): posts at once by one phone queue on that
  row and each sees the count the previous one left; the table's phase, timer and code are
  checked by the UPDATE that bumps its version, on the locked row;
- a client key already used makes the INSERT do nothing (``ON CONFLICT … DO NOTHING``): the
  transaction is undone and the caller finds the row the first send made.

Why SQL and not the ORM: through the ORM the same vote cost five times the web worker's CPU
(docs/benchmarks.md, "One path per hot write"), its query compilation more than its round
trips. The columns written are listed here: a test checks that they are every column the
models require, so a new field cannot be forgotten silently.
"""

import datetime
import uuid

from django.db import connection, transaction
from django.utils import timezone

from events.enums import Phase
from events.models import Idea, Participant, Table, Vote

# A participant posts at most ``limit`` ideas in this many seconds (the flood limit).
IDEA_WINDOW_SECONDS = 60

# Columns each INSERT writes, besides ``id`` (a database identity).
IDEA_COLUMNS = ("table_id", "participant_id", "text", "client_key", "vote_count", "created_at")
VOTE_COLUMNS = ("participant_id", "idea_id", "client_key", "created_at")

TABLE, PARTICIPANT = Table._meta.db_table, Participant._meta.db_table
IDEA, VOTE = Idea._meta.db_table, Vote._meta.db_table

# The table is in the phase, under the code (when one is given), its timer running.
# Parameters: table id, phase, code, code, now.
TABLE_OPEN = """
    id = %s AND phase = %s AND (%s IS NULL OR code = %s)
    AND (phase_ends_at IS NULL OR phase_ends_at > %s)
"""

# The participant's flood window is over, or was never opened. Parameter: the window's start.
WINDOW_OVER = "(idea_window_started_at IS NULL OR idea_window_started_at <= %s)"

# Parameters: window start, now, window start, participant, table, window start, limit.
COUNT_IDEA = f"""
    UPDATE {PARTICIPANT}
    SET ideas_in_window = CASE WHEN {WINDOW_OVER} THEN 1 ELSE ideas_in_window + 1 END,
        idea_window_started_at = CASE WHEN {WINDOW_OVER} THEN %s ELSE idea_window_started_at END
    WHERE id = %s AND table_id = %s AND ({WINDOW_OVER} OR ideas_in_window < %s)
"""

# Parameters: now, then TABLE_OPEN's.
BUMP_FOR_IDEA = f"""
    UPDATE {TABLE}
    SET version = version + 1, idea_count = idea_count + 1, last_activity_at = %s
    WHERE {TABLE_OPEN}
"""

INSERT_IDEA = f"""
    INSERT INTO {IDEA} ({", ".join(IDEA_COLUMNS)}) VALUES (%s, %s, %s, %s, %s, %s)
    ON CONFLICT (table_id, client_key) DO NOTHING
    RETURNING id
"""

# Parameters: participant, table, then TABLE_OPEN's, then the idea and its table.
TAKE_DOT = f"""
    UPDATE {PARTICIPANT} SET dots_left = dots_left - 1
    WHERE id = %s AND table_id = %s AND dots_left > 0
      AND EXISTS (SELECT 1 FROM {TABLE} WHERE {TABLE_OPEN})
      AND EXISTS (
          SELECT 1 FROM {IDEA}
          WHERE id = %s AND table_id = %s AND merged_into_id IS NULL AND hidden_at IS NULL
      )
"""

INSERT_VOTE = f"""
    INSERT INTO {VOTE} ({", ".join(VOTE_COLUMNS)}) VALUES (%s, %s, %s, %s)
    ON CONFLICT (participant_id, client_key) DO NOTHING
    RETURNING id
"""

COUNT_VOTE = f"UPDATE {IDEA} SET vote_count = vote_count + 1 WHERE id = %s"

BUMP_FOR_VOTE = f"""
    UPDATE {TABLE}
    SET version = version + 1, vote_count = vote_count + 1, last_activity_at = %s
    WHERE id = %s
"""


def _moment(value: datetime.datetime):
    """A time as the database stores it (SQLite: UTC text, as the ORM writes it)."""
    return Idea._meta.get_field("created_at").get_db_prep_value(value, connection)


def _key(model, value: uuid.UUID):
    """A client key as the database stores it (SQLite: 32 hexadecimal characters)."""
    return model._meta.get_field("client_key").get_db_prep_value(value, connection)


def insert_idea(
    *,
    participant_id: int,
    table_id: int,
    text: str,
    client_key: uuid.UUID,
    limit: int,
    table_code: str | None = None,
) -> Idea | None:
    """The idea, posted with the table's counters and version and the participant's flood
    counter, in one transaction; None, with nothing written, when the table is not in its ideas
    phase or its timer has run out, the participant does not sit at it, ``table_code`` (when
    given) is no longer its code, they posted ``limit`` ideas in the last IDEA_WINDOW_SECONDS,
    or ``client_key`` was already used at this table (a retry: the caller finds its idea)."""
    now = timezone.now()
    at, since = _moment(now), _moment(now - datetime.timedelta(seconds=IDEA_WINDOW_SECONDS))
    table_open = [table_id, Phase.IDEATION.value, table_code, table_code, at]
    row = None
    with transaction.atomic(), connection.cursor() as cursor:
        # Rows locked in a vote's order: the participant's, then the table's.
        cursor.execute(COUNT_IDEA, [since, since, at, participant_id, table_id, since, limit])
        if cursor.rowcount == 1:
            cursor.execute(BUMP_FOR_IDEA, [at, *table_open])
        if cursor.rowcount == 1:
            values = [table_id, participant_id, text, _key(Idea, client_key), 0, at]
            cursor.execute(INSERT_IDEA, values)
            row = cursor.fetchone()
        if row is None:
            transaction.set_rollback(True)
            return None
    known = {"table_id": table_id, "participant_id": participant_id, "text": text}
    known.update(client_key=client_key, vote_count=0)
    return _loaded(Idea, IDEA_COLUMNS, {**known, "id": row[0], "created_at": now})


def insert_vote(
    *,
    participant_id: int,
    table_id: int,
    idea_id: int,
    client_key: uuid.UUID,
    table_code: str | None = None,
) -> Vote | None:
    """The vote, its dot taken and the idea's and table's counters moved, in one transaction;
    None, with nothing written, when refused (not the vote phase or its timer run out, no dot
    left, an idea not on the table, merged or hidden, a participant not at the table,
    ``table_code`` no longer the table's code) or when the participant already used
    ``client_key`` (a retry: the caller finds its vote)."""
    now = timezone.now()
    at = _moment(now)
    table_open = [table_id, Phase.VOTE.value, table_code, table_code, at]
    row = None
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(TAKE_DOT, [participant_id, table_id, *table_open, idea_id, table_id])
        if cursor.rowcount == 1:
            cursor.execute(INSERT_VOTE, [participant_id, idea_id, _key(Vote, client_key), at])
            row = cursor.fetchone()
        if row is None:
            transaction.set_rollback(True)
            return None
        cursor.execute(COUNT_VOTE, [idea_id])
        cursor.execute(BUMP_FOR_VOTE, [at, table_id])
    known = {"participant_id": participant_id, "idea_id": idea_id, "client_key": client_key}
    return _loaded(Vote, VOTE_COLUMNS, {**known, "id": row[0], "created_at": now})


def _loaded(model, columns: tuple[str, ...], values: dict):
    """The row just written, as if loaded from the database (``Model.from_db``)."""
    names = ["id", *columns]
    return model.from_db(connection.alias, names, [values[name] for name in names])
