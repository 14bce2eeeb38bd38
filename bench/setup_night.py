"""The Django side of ``make bench-night``: build the night, move its phases, check what it left.

Run by ``bench/night.py`` in a subprocess whose environment points at the benchmark database
(never the project's own)::

    python -m bench.setup_night build            # one event, 30 tables in the ideas phase, with
                                                 # a facilitator a table and 2 organisers
    python -m bench.setup_night phase vote       # every table to the vote, from the control room
    python -m bench.setup_night check acks.json  # every acknowledged idea and vote exactly once

Each command prints one JSON object on its last line of stdout.
"""

import datetime
import json
import sys

from bench.common import django_setup

EVENT_SLUG = "nuit-du-bench"
TABLES_PER_CHALLENGE = 3


def build(*, tables: int = 30, dots: int = 3, capacity: int = 120, organisers: int = 2) -> dict:
    """One territory, its challenges, one event happening now, ``tables`` tables in IDEATION,
    each with its facilitator, and ``organisers`` organisers of the territory.

    Returns ``{"event": slug, "tables": [{"id", "code", "name", "cookie"}, …], "organisers":
    [cookie, …]}``: ``cookie`` is a signed-in session (``name=value``), the facilitator's for a
    table, made with the test client's ``force_login``.
    """
    from django.db import transaction
    from django.utils import timezone

    from challenges.enums import ChallengeStatus
    from challenges.models import Challenge
    from events.domain.tables import new_table_code
    from events.enums import EventStatus, Phase
    from events.models import Event, Table
    from territoire.enums import Role
    from territoire.models import Domain, Membership, Territory, User

    now = timezone.now()
    with transaction.atomic():
        domain, _created = Domain.objects.get_or_create(
            slug="bench-nuit", defaults={"name": "Banc d'essai"}
        )
        territory = Territory.objects.create(
            name="Territoire du banc d'essai",
            slug="banc-d-essai",
            job_target=100,
            job_target_deadline=datetime.date(2029, 11, 22),
            launched_on=datetime.date(2026, 3, 1),
            evening_on=now.date(),
        )
        territory.domains.add(domain)
        event = Event.objects.create(
            territory=territory,
            title="Nuit du banc d'essai",
            slug=EVENT_SLUG,
            venue="Vélodrome",
            starts_at=now - datetime.timedelta(hours=1),
            ends_at=now + datetime.timedelta(hours=5),
            capacity=1500,
            status=EventStatus.REGISTRATION_CLOSED,
        )
        made = []
        challenge_count = -(-tables // TABLES_PER_CHALLENGE)
        for c_index in range(challenge_count):
            challenge = Challenge.objects.create(
                territory=territory,
                domain=domain,
                title=f"Défi {c_index + 1}",
                slug=f"defi-{c_index + 1}",
                question=f"Comment relever le défi n° {c_index + 1} ensemble ?",
                status=ChallengeStatus.OPEN,
                order=c_index + 1,
            )
            for t_index in range(TABLES_PER_CHALLENGE):
                if len(made) == tables:
                    break
                table = Table.objects.create(
                    event=event,
                    challenge=challenge,
                    name=f"Table {c_index + 1}{'ABC'[t_index]}",
                    code=new_table_code(),
                    capacity=capacity,
                    dots_per_participant=dots,
                    phase=Phase.IDEATION,
                    phase_started_at=now,
                )
                facilitator = User.objects.create(
                    email=f"animation-{len(made)}@bench.example",
                    full_name=f"Animateur {len(made)}",
                    password="!",
                )
                Membership.objects.create(
                    user=facilitator, territory=territory, role=Role.FACILITATOR
                )
                table.facilitators.add(facilitator)
                made.append(
                    {
                        "id": table.pk,
                        "code": table.code,
                        "name": table.name,
                        "cookie": _session(facilitator),
                    }
                )
        staff = []
        for number in range(organisers):
            organiser = User.objects.create(
                email=f"organisation-{number}@bench.example",
                full_name=f"Organisatrice {number}",
                password="!",
            )
            Membership.objects.create(user=organiser, territory=territory, role=Role.ORGANISER)
            staff.append(_session(organiser))
    return {"event": event.slug, "tables": made, "organisers": staff}


def _session(user) -> str:
    """A signed-in session for ``user``, as the cookie a browser sends (``name=value``)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    name = settings.SESSION_COOKIE_NAME
    return f"{name}={client.cookies[name].value}"


def phase(name: str) -> dict:
    """Move every table of the bench event to ``name`` at once, as the control room does.

    Returns ``{"moved": n, "ideas": {code: [idea ids not merged]}}``.
    """
    from events.domain.facilitation import set_phase_for_event
    from events.models import Event, Idea

    event = Event.objects.get(slug=EVENT_SLUG)
    moved = set_phase_for_event(event=event, phase=name, minutes=30, by=None)
    ideas: dict[str, list[int]] = {}
    rows = Idea.objects.filter(table__event=event, merged_into__isnull=True).values_list(
        "table__code", "pk"
    )
    for code, pk in rows:
        ideas.setdefault(code, []).append(pk)
    return {"moved": moved, "ideas": ideas}


def check(acks: dict) -> dict:
    """Compare what the clients were told with what the database holds.

    ``acks``: ``{"ideas": [[code, client_key], …], "votes": [[code, client_key], …]}`` — the
    submissions the server acknowledged (200 or 303). Returns named results, each
    ``{"ok": bool, "detail": str}``, plus a few counts.
    """
    from django.db.models import Count, F, Q

    from events.models import Event, Idea, Participant, Table, Vote

    event = Event.objects.get(slug=EVENT_SLUG)
    results: dict[str, dict] = {}

    def result(name: str, ok: bool, detail: str) -> None:
        results[name] = {"ok": bool(ok), "detail": detail}

    ideas = Idea.objects.filter(table__event=event)
    votes = Vote.objects.filter(participant__table__event=event)

    # Ideas: one row per (table, client key), and every acknowledged one is there.
    dup_ideas = (
        ideas.values("table_id", "client_key").annotate(n=Count("pk")).filter(n__gt=1).count()
    )
    idea_rows = {(code, str(key)) for code, key in ideas.values_list("table__code", "client_key")}
    acked_ideas = {(code, key) for code, key in acks["ideas"]}
    lost_ideas = acked_ideas - idea_rows
    result(
        "ideas: no duplicate (table, client_key)",
        dup_ideas == 0,
        f"{dup_ideas} duplicated keys among {ideas.count()} rows",
    )
    result(
        "ideas: every acknowledged idea stored",
        not lost_ideas,
        f"{len(acked_ideas)} acknowledged, {len(lost_ideas)} missing"
        + (f" e.g. {sorted(lost_ideas)[:3]}" if lost_ideas else ""),
    )

    # Votes: the key is per participant; the harness draws a fresh uuid4 for each dot, so a key
    # seen twice anywhere is a duplicate.
    dup_votes = votes.values("client_key").annotate(n=Count("pk")).filter(n__gt=1).count()
    vote_rows = {
        (code, str(key))
        for code, key in votes.values_list("participant__table__code", "client_key")
    }
    acked_votes = {(code, key) for code, key in acks["votes"]}
    lost_votes = acked_votes - vote_rows
    result(
        "votes: no duplicate client_key",
        dup_votes == 0,
        f"{dup_votes} duplicated keys among {votes.count()} rows",
    )
    result(
        "votes: every acknowledged vote stored",
        not lost_votes,
        f"{len(acked_votes)} acknowledged, {len(lost_votes)} missing"
        + (f" e.g. {sorted(lost_votes)[:3]}" if lost_votes else ""),
    )
    cross = votes.exclude(idea__table_id=F("participant__table_id")).count()
    result("votes: every dot on an idea of the voter's table", cross == 0, f"{cross} across")

    # The dot quota.
    participants = Participant.objects.filter(table__event=event).annotate(
        cast=Count("votes"), quota=F("table__dots_per_participant")
    )
    negative = participants.filter(dots_left__lt=0).count()
    over = participants.filter(cast__gt=F("quota")).count()
    unbalanced = participants.exclude(dots_left=F("quota") - F("cast")).count()
    result("participants: dots_left never below 0", negative == 0, f"{negative} below 0")
    result(
        "participants: votes per participant <= dots allowed",
        over == 0,
        f"{over} over quota among {participants.count()} participants",
    )
    result(
        "participants: dots_left + votes cast = dots allowed",
        unbalanced == 0,
        f"{unbalanced} unbalanced",
    )

    # Denormalised counters against the rows.
    tables = Table.objects.filter(event=event).annotate(
        ideas_n=Count("ideas", distinct=True),
        votes_n=Count("ideas__votes", distinct=True),
        people_n=Count("participants", distinct=True),
    )
    wrong = [
        f"{t.code}: ideas {t.idea_count}/{t.ideas_n}, votes {t.vote_count}/{t.votes_n}, "
        f"participants {t.participant_count}/{t.people_n}"
        for t in tables
        if (t.idea_count, t.vote_count, t.participant_count) != (t.ideas_n, t.votes_n, t.people_n)
    ]
    result(
        "tables: idea_count, vote_count, participant_count = rows",
        not wrong,
        f"{len(wrong)} of {len(tables)} tables wrong" + (f" e.g. {wrong[:2]}" if wrong else ""),
    )
    idea_wrong = ideas.annotate(n=Count("votes")).exclude(Q(vote_count=F("n"))).values("pk").count()
    result("ideas: vote_count = rows", idea_wrong == 0, f"{idea_wrong} ideas wrong")

    return {
        "results": results,
        "counts": {
            "tables": len(tables),
            "participants": participants.count(),
            "ideas": ideas.count(),
            "votes": votes.count(),
            "ideas_unacknowledged_but_stored": len(idea_rows - acked_ideas),
            "votes_unacknowledged_but_stored": len(vote_rows - acked_votes),
        },
    }


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    django_setup()
    command, args = argv[0], argv[1:]
    if command == "build":
        out = build(
            tables=int(args[0]) if args else 30,
            organisers=int(args[1]) if len(args) > 1 else 2,
        )
    elif command == "phase":
        out = phase(args[0])
    elif command == "check":
        with open(args[0]) as handle:
            out = check(json.load(handle))
    else:
        print(f"unknown command {command!r}", file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
