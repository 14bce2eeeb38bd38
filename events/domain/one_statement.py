"""The night's two hottest writes, an idea and a vote, in one SQL statement each on PostgreSQL.

Through the ORM a vote is six round trips (BEGIN, three conditional UPDATEs, the INSERT,
COMMIT): ~3.7 ms of the web worker's CPU here, about half of what the whole request costs
(docs/benchmarks.md). As one statement made of data-modifying CTEs it is one round trip,
~0.2 ms, with the same checks and guarantees:

- a statement is atomic: every part of it is written, or none;
- the dot is taken by an UPDATE whose ``dots_left > 0`` PostgreSQL re-checks on the row a
  concurrent vote has just changed (READ COMMITTED), under the check constraint on
  ``dots_left``;
- a client key already used breaks the unique constraint, which undoes the whole statement:
  the caller then finds the row it made the first time.

``events/domain/participation.py`` uses these on PostgreSQL and its ORM path elsewhere (SQLite:
the demo, the quick test run). The columns written are listed here: a test checks that they
are every column the models require, so a new field cannot be forgotten silently.
"""

import uuid

from django.db import connection

from events.enums import Phase
from events.models import Idea, Participant, Table, Vote

# Columns each statement writes, besides ``id`` (a database identity).
IDEA_COLUMNS = ("table_id", "participant_id", "text", "client_key", "vote_count", "created_at")
VOTE_COLUMNS = ("participant_id", "idea_id", "client_key", "created_at")


def _name(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _idea_sql() -> str:
    return f"""
        WITH opened AS (
            UPDATE {_name(Table)}
            SET version = version + 1, idea_count = idea_count + 1, last_activity_at = now()
            WHERE id = %(table)s AND phase = %(phase)s
            RETURNING id
        )
        INSERT INTO {_name(Idea)} ({", ".join(IDEA_COLUMNS)})
        SELECT opened.id, %(participant)s, %(text)s, %(key)s, 0, now() FROM opened
        RETURNING id, created_at
    """


def _vote_sql() -> str:
    return f"""
        WITH voting AS (
            SELECT 1 FROM {_name(Table)} WHERE id = %(table)s AND phase = %(phase)s
        ), target AS (
            SELECT id FROM {_name(Idea)}
            WHERE id = %(idea)s AND table_id = %(table)s AND merged_into_id IS NULL
        ), taken AS (
            UPDATE {_name(Participant)} SET dots_left = dots_left - 1
            WHERE id = %(participant)s AND table_id = %(table)s AND dots_left > 0
              AND EXISTS (SELECT 1 FROM voting) AND EXISTS (SELECT 1 FROM target)
            RETURNING id
        ), vote AS (
            INSERT INTO {_name(Vote)} ({", ".join(VOTE_COLUMNS)})
            SELECT taken.id, target.id, %(key)s, now() FROM taken, target
            RETURNING id, created_at
        ), counted AS (
            UPDATE {_name(Idea)} SET vote_count = vote_count + 1
            WHERE id = %(idea)s AND EXISTS (SELECT 1 FROM vote)
        ), bumped AS (
            UPDATE {_name(Table)}
            SET version = version + 1, vote_count = vote_count + 1, last_activity_at = now()
            WHERE id = %(table)s AND EXISTS (SELECT 1 FROM vote)
        )
        SELECT id, created_at FROM vote
    """


def insert_idea(
    *, participant_id: int, table_id: int, text: str, client_key: uuid.UUID
) -> Idea | None:
    """The idea, posted with the table's counters and version in the same statement; None when
    the table is not in its ideas phase. IntegrityError when the key was used at this table."""
    params = {"table": table_id, "phase": Phase.IDEATION.value, "participant": participant_id}
    known = {"table_id": table_id, "participant_id": participant_id, "vote_count": 0}
    known.update(text=text, client_key=client_key)
    return _write(Idea, _idea_sql(), {**params, "text": text, "key": client_key}, known)


def insert_vote(
    *, participant_id: int, table_id: int, idea_id: int, client_key: uuid.UUID
) -> Vote | None:
    """The vote, its dot taken and the idea's and table's counters moved in the same
    statement; None when refused (not the vote phase, no dot left, an idea not on the table or
    merged). IntegrityError when the participant already used the key."""
    params = {"table": table_id, "phase": Phase.VOTE.value, "idea": idea_id}
    params.update(participant=participant_id, key=client_key)
    known = {"participant_id": participant_id, "idea_id": idea_id, "client_key": client_key}
    return _write(Vote, _vote_sql(), params, known)


def _write(model, sql: str, params: dict, known: dict):
    """Run the statement; the row it made (as if loaded: its id and creation time from
    RETURNING, the rest from ``known``), or None when it wrote nothing."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = {**known, "id": row[0], "created_at": row[1]}
    names = ["id", *(IDEA_COLUMNS if model is Idea else VOTE_COLUMNS)]
    return model.from_db(connection.alias, names, [values[name] for name in names])
