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
  the caller then finds the row it made the first time;
- the idea's flood limit is a counter on the participant's row, checked and bumped by one
  UPDATE (``ideas_in_window < limit`` in its WHERE): posts at once by one phone queue on that
  row and each sees the count the previous one left, where a count of the ideas, read from
  the statement's snapshot, let 23 of 30 simultaneous posts through a limit of 20. The table's
  phase is checked twice, from the snapshot before the counter and on the locked row by the
  table's own UPDATE: an idea refused because the phase closed in between still counts
  towards the limit (the limit only gets stricter, for the rest of that minute).

Why this path stays beside the ORM (the brief's rule: a trick stays when the night shows it buys
at least 20 %): on 2026-12-07 a plain-SQL path run by both engines (a few ``%s`` statements in
a transaction, no PREPARE) was measured on the night and cost ~7.5 ms of gunicorn and
PostgreSQL a vote against 4 to 5 ms here; the writes fell from 35 to 43 % to 20 % of the reference,
under their 25 % target (docs/benchmarks.md, sixth round).

``events/domain/participation.py`` uses these on PostgreSQL and its ORM path elsewhere (SQLite:
the demo, the quick test run). The columns written are listed here: a test checks that they
are every column the models require, so a new field cannot be forgotten silently.

Each statement is prepared once per database connection (``PREPARE``) and then run by name
(``EXECUTE``): PostgreSQL plans the vote's five CTEs once instead of on every vote (~0.3 ms of
its CPU each time), and the client sends a few bytes instead of the whole text. Django's
cursor binds parameters on the client, so psycopg's own prepared statements are out of reach;
the SQL commands do the same through it, and the statements still show in Django's query log.
"""

import re
import uuid

from django.db import connection
from django.db.utils import InterfaceError, NotSupportedError, OperationalError, ProgrammingError

from events.enums import Phase
from events.models import Idea, Participant, Table, Vote

# A participant posts at most ``limit`` ideas in this many seconds (the flood limit).
IDEA_WINDOW_SECONDS = 60

# Columns each statement writes, besides ``id`` (a database identity).
IDEA_COLUMNS = ("table_id", "participant_id", "text", "client_key", "vote_count", "created_at")
VOTE_COLUMNS = ("participant_id", "idea_id", "client_key", "created_at")


def _name(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _idea_sql() -> str:
    # The counter's window is over (or was never opened): this idea opens a new one.
    window_over = (
        f"(idea_window_started_at IS NULL"
        f" OR idea_window_started_at <= now() - interval '{IDEA_WINDOW_SECONDS} seconds')"
    )
    table_open = """
        id = %(table)s AND phase = %(phase)s
        AND (phase_ends_at IS NULL OR phase_ends_at > now())
        AND (%(code)s IS NULL OR code = %(code)s)
    """
    return f"""
        WITH open_table AS (
            SELECT 1 FROM {_name(Table)} WHERE {table_open}
        ), counted AS (
            UPDATE {_name(Participant)}
            SET ideas_in_window = CASE WHEN {window_over} THEN 1 ELSE ideas_in_window + 1 END,
                idea_window_started_at = CASE
                    WHEN {window_over} THEN now() ELSE idea_window_started_at
                END
            WHERE id = %(participant)s AND table_id = %(table)s
              AND ({window_over} OR ideas_in_window < %(limit)s)
              AND EXISTS (SELECT 1 FROM open_table)
            RETURNING id
        ), opened AS (
            UPDATE {_name(Table)}
            SET version = version + 1, idea_count = idea_count + 1, last_activity_at = now()
            WHERE {table_open} AND EXISTS (SELECT 1 FROM counted)
            RETURNING id
        )
        INSERT INTO {_name(Idea)} ({", ".join(IDEA_COLUMNS)})
        SELECT opened.id, %(participant)s, %(text)s, %(key)s, 0, now() FROM opened
        RETURNING id, created_at
    """


def _vote_sql() -> str:
    return f"""
        WITH voting AS (
            SELECT 1 FROM {_name(Table)}
            WHERE id = %(table)s AND phase = %(phase)s AND (%(code)s IS NULL OR code = %(code)s)
              AND (phase_ends_at IS NULL OR phase_ends_at > now())
        ), target AS (
            SELECT id FROM {_name(Idea)}
            WHERE id = %(idea)s AND table_id = %(table)s AND merged_into_id IS NULL
              AND hidden_at IS NULL
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
    *,
    participant_id: int,
    table_id: int,
    text: str,
    client_key: uuid.UUID,
    limit: int,
    table_code: str | None = None,
) -> Idea | None:
    """The idea, posted with the table's counters and version in the same statement; None when
    the table is not in its ideas phase or its timer has run out, the participant does not sit
    at it, ``table_code`` (when given) is no longer its code, or they posted ``limit`` ideas in
    the last IDEA_WINDOW_SECONDS. IntegrityError when the key was used at this table."""
    params: dict[str, object] = {
        "table": table_id,
        "phase": Phase.IDEATION.value,
        "participant": participant_id,
    }
    params.update(code=table_code, limit=limit)
    known: dict[str, object] = {
        "table_id": table_id,
        "participant_id": participant_id,
        "vote_count": 0,
    }
    known.update(text=text, client_key=client_key)
    return _write(Idea, "idea", _idea_sql(), {**params, "text": text, "key": client_key}, known)


def insert_vote(
    *,
    participant_id: int,
    table_id: int,
    idea_id: int,
    client_key: uuid.UUID,
    table_code: str | None = None,
) -> Vote | None:
    """The vote, its dot taken and the idea's and table's counters moved in the same
    statement; None when refused (not the vote phase or its timer run out, no dot left, an
    idea not on the table, merged or hidden, a participant not at the table, ``table_code`` no
    longer the table's code). IntegrityError when the participant already used the key."""
    params = {"table": table_id, "phase": Phase.VOTE.value, "idea": idea_id}
    params["code"] = table_code
    params.update(participant=participant_id, key=client_key)
    known = {"participant_id": participant_id, "idea_id": idea_id, "client_key": client_key}
    return _write(Vote, "vote", _vote_sql(), params, known)


# Each statement's parameters, in the order of its PREPARE, with their SQL types.
_PARAMETERS = {
    "idea": (
        ("table", "bigint"),
        ("phase", "text"),
        ("participant", "bigint"),
        ("text", "text"),
        ("key", "uuid"),
        ("code", "text"),
        ("limit", "integer"),
    ),
    "vote": (
        ("table", "bigint"),
        ("phase", "text"),
        ("idea", "bigint"),
        ("participant", "bigint"),
        ("key", "uuid"),
        ("code", "text"),
    ),
}
_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _prepare_sql(name: str, sql: str) -> str:
    """``PREPARE name (types) AS sql``, the named placeholders turned into $1, $2…"""
    order = [parameter for parameter, _type in _PARAMETERS[name]]
    body = _PLACEHOLDER.sub(lambda match: f"${order.index(match.group(1)) + 1}", sql)
    types = ", ".join(sql_type for _parameter, sql_type in _PARAMETERS[name])
    return f"PREPARE territoire_{name} ({types}) AS {body}"


def _prepared_on(raw_connection) -> set[str]:
    """The statements already prepared on this database connection (a new connection, after a
    reconnection, starts empty)."""
    prepared = getattr(raw_connection, "_territoire_prepared", None)
    if prepared is None:
        prepared = set()
        raw_connection._territoire_prepared = prepared
    return prepared


def _execute(cursor, name: str, sql: str, params: dict) -> None:
    """EXECUTE the prepared statement ``name``, preparing it first on a new connection."""
    prepared = _prepared_on(cursor.connection)
    if name not in prepared:
        cursor.execute(_prepare_sql(name, sql))
        prepared.add(name)
    placeholders = ", ".join(["%s"] * len(_PARAMETERS[name]))
    values = [params[parameter] for parameter, _type in _PARAMETERS[name]]
    try:
        cursor.execute(f"EXECUTE territoire_{name} ({placeholders})", values)
    except (ProgrammingError, NotSupportedError):
        # The statement was lost (the server reset the session) or its tables changed shape
        # (a migration): forget it, so that the next call prepares it again; this call fails
        # like any other database error.
        prepared.discard(name)
        raise


def _run(name: str, sql: str, params: dict) -> tuple | None:
    with connection.cursor() as cursor:
        _execute(cursor, name, sql, params)
        return cursor.fetchone()


def _write(model, name: str, sql: str, params: dict, known: dict):
    """Run the statement; the row it made (as if loaded: its id and creation time from
    RETURNING, the rest from ``known``), or None when it wrote nothing.

    Django checks a persistent connection with a ``SELECT 1`` round trip before a request's
    first query (CONN_HEALTH_CHECKS). These statements skip it: they are idempotent on their
    client key, so on a connection found dead they reconnect and run once more (a statement
    that committed before the connection died then meets its own key, and the caller finds
    its row). Inside a transaction a dead connection cannot be replaced: the error is raised.
    """
    if not connection.in_atomic_block:
        # Django's own flag (BaseDatabaseWrapper, since 4.1); the stubs leave it out.
        connection.health_check_done = True  # type: ignore[attr-defined]
    try:
        row = _run(name, sql, params)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        connection.close()
        row = _run(name, sql, params)
    if row is None:
        return None
    values = {**known, "id": row[0], "created_at": row[1]}
    names = ["id", *(IDEA_COLUMNS if model is Idea else VOTE_COLUMNS)]
    return model.from_db(connection.alias, names, [values[name] for name in names])
