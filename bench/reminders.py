"""``make bench-reminders``: the accompaniment's daily reminder sweep at the issue's scale, timed,
its memory and queries measured, then the exactly-once invariants checked in the database.

1. A fresh PostgreSQL database ``territoire_bench_reminders``, migrated; 3 territories, 3,000
   projects (90 % active), their 18/24-month plans started over the last two years, 50
   milestones each (150,000; past ones mostly done), 3 team members with an account and one
   without per project, 30 coaches with 100 projects each, one monthly update per project
   (60 % recent). Milestones go in through COPY, the rest through bulk_create.
2. The reference, same process and database: ``SELECT count(*)`` over the milestones, and
   iterating the 150,000 milestones' rows (4 columns) through the ORM.
3. A dry run (what would be sent), then the day's sweep, in a fresh process whose peak RSS is
   its own: wall time, queries (reads and writes apart), digests and reminders, peak RSS.
   E-mails go to Django's locmem backend (rendered to MIME, then dropped after counting, as a
   mail server would take them). 1 % of sends fail (a mail server's hiccup).
4. In another process: a second sweep the same day (sends exactly the failed ones), a third
   (sends nothing), the checks (one digest per person and day, each reminder once, every
   digest with its items, every e-mail counted once, nothing left unsent for the day), and a
   dry run of the next day (the steady state).

Exit status: 0 when every check passes (targets missed are printed, not fatal), 1 when a check
fails, 2 when the setup fails. The database is dropped at the end unless ``--keep-db``.
"""

import argparse
import contextlib
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

from bench.common import (
    TICK,
    bench_env,
    django_setup,
    django_step,
    drop_database,
    fresh_database,
    log,
    machine,
    machine_busy,
    peak_rss_mb,
    wait_for_quiet,
)

DB_NAME = "territoire_bench_reminders"
TARGET_SECONDS = 30.0
TARGET_MB = 200.0
FAIL_EVERY = 100  # one send in 100 fails in the first sweep


BACKEND_KINDS: dict[str, str] = {}  # pid → what the backend was doing when first seen


def db_backends_cpu() -> dict[str, float]:
    """CPU seconds used so far by each PostgreSQL process of the benchmark's database
    (client backends, autovacuum workers)."""
    backends = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            text = stat.read_text()
            if not text[text.find("(") + 1 : text.rfind(")")].startswith("postgres"):
                continue
            cmdline = (stat.parent / "cmdline").read_bytes()
            if DB_NAME.encode() in cmdline:
                fields = text.rsplit(")", 1)[1].split()
                backends[stat.parent.name] = (int(fields[11]) + int(fields[12])) / TICK
                if stat.parent.name not in BACKEND_KINDS:
                    kind = "autovacuum" if b"autovacuum" in cmdline else "client"
                    BACKEND_KINDS[stat.parent.name] = kind
    return backends


class BackendSampler:
    """Samples the database's backends twice a second: an autovacuum worker may exit before
    the sweep ends, so a last look would miss it."""

    def __init__(self) -> None:
        import threading

        self.seen: dict[str, float] = db_backends_cpu()
        self.start = dict(self.seen)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.wait(0.5):
            self.seen.update(db_backends_cpu())

    def used(self) -> float:
        self.stop.set()
        self.thread.join()
        self.seen.update(db_backends_cpu())
        return sum(self.by_kind().values())

    def by_kind(self) -> dict[str, float]:
        kinds: dict[str, float] = {}
        for pid, cpu in self.seen.items():
            kind = BACKEND_KINDS.get(pid, "client")
            kinds[kind] = round(kinds.get(kind, 0.0) + cpu - self.start.get(pid, 0.0), 2)
        return kinds


def cpu_snapshot() -> dict:
    """CPU seconds used so far by this process, by the PostgreSQL backends of the benchmark's
    database (open now), and by the whole machine (to see what other processes took)."""
    return {
        "self": time.process_time(),
        "db": sum(db_backends_cpu().values()),
        "machine": machine_busy(),
    }


def cores_used(before: dict, after: dict, seconds: float) -> dict:
    cores = {key: (after[key] - before[key]) / seconds for key in ("self", "db", "machine")}
    cores["other"] = max(0.0, cores["machine"] - cores["self"] - cores["db"])
    return {key: round(value, 2) for key, value in cores.items()}


# ---------------------------------------------------------------------------------------------
# The Django side, run in subprocesses whose environment points at the benchmark database.


class QueryCounter:
    """Counts the statements the process sends, reads and writes apart (DEBUG is off)."""

    def __init__(self) -> None:
        self.reads = 0
        self.writes = 0

    def __call__(self, execute, sql, params, many, context):
        words = sql.upper().split()
        if words[0] == "SELECT" or (
            words[0] == "WITH" and not {"INSERT", "UPDATE", "DELETE"} & set(words)
        ):
            self.reads += 1
        else:
            self.writes += 1
        return execute(sql, params, many, context)

    def as_dict(self) -> dict:
        return {"reads": self.reads, "writes": self.writes, "total": self.reads + self.writes}


def build(*, projects: int, milestones_each: int, seed: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone

    from accompaniment.models import Milestone, Plan, ProjectUpdate
    from projects.enums import MemberRole, ProjectStatus
    from projects.models import Project, ProjectMember
    from territoire.models import Territory, User

    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    started = time.monotonic()
    with transaction.atomic():
        territories = Territory.objects.bulk_create(
            [
                Territory(
                    name=f"Territoire {n}",
                    slug=f"territoire-{n}",
                    job_target=250,
                    launched_on=today - datetime.timedelta(days=900),
                    job_target_deadline=today + datetime.timedelta(days=300),
                )
                for n in range(3)
            ]
        )
        coaches = User.objects.bulk_create(
            [
                User(email=f"coach{n}@bench.example", full_name=f"Coach {n}", password="!")
                for n in range(projects // 100)
            ]
        )
        statuses = [ProjectStatus.ACTIVE] * 9 + [ProjectStatus.PAUSED]
        project_rows = Project.objects.bulk_create(
            [
                Project(
                    territory=territories[n % 3],
                    name=f"Projet {n}",
                    slug=f"projet-{n}",
                    pitch="Un projet du territoire.",
                    status=rng.choice(statuses),
                    coach=coaches[n % len(coaches)],
                    is_public=True,
                )
                for n in range(projects)
            ],
            batch_size=1000,
        )
        team = User.objects.bulk_create(
            [
                User(email=f"p{n}-{m}@bench.example", full_name=f"Membre {n}-{m}", password="!")
                for n in range(projects)
                for m in range(3)
            ],
            batch_size=2000,
        )
        members = []
        for n, project in enumerate(project_rows):
            for m in range(3):
                user = team[n * 3 + m]
                members.append(
                    ProjectMember(
                        project=project,
                        user=user,
                        full_name=user.full_name,
                        email=user.email,
                        role=MemberRole.LEAD if m == 0 else MemberRole.MEMBER,
                        invited_at=now,
                        joined_at=now,
                    )
                )
            members.append(
                ProjectMember(
                    project=project,
                    full_name=f"Invité {n}",
                    email=f"invite{n}@bench.example",
                    invited_at=now,
                )
            )
        ProjectMember.objects.bulk_create(members, batch_size=2000)

        plans, updates, milestone_rows = [], [], []
        for project in project_rows:
            months = rng.choice((18, 24))
            starts_on = today - datetime.timedelta(days=rng.randint(0, 720))
            ends_on = starts_on + datetime.timedelta(days=months * 30)
            plans.append(Plan(project=project, months=months, starts_on=starts_on, ends_on=ends_on))
            last = today - datetime.timedelta(days=rng.choice((3, 10, 20, 25, 40, 60, 90, 200)))
            if last > starts_on:
                updates.append(
                    ProjectUpdate(project=project, month=last.replace(day=1), text="Des nouvelles.")
                )
            span = (ends_on - starts_on).days
            for m in range(milestones_each):
                due_on = starts_on + datetime.timedelta(days=span * (m + 1) // milestones_each)
                done_on = None
                if due_on < today and rng.random() < 0.8:
                    done_on = min(today, due_on + datetime.timedelta(days=rng.randint(-10, 20)))
                milestone_rows.append(
                    (project.pk, f"Jalon {m + 1}", "", due_on, done_on, "", "", "", m, 1, now)
                )
        Plan.objects.bulk_create(plans, batch_size=1000)
        ProjectUpdate.objects.bulk_create(updates, batch_size=1000)
        # The dates of the updates: created when their silence started.
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE accompaniment_projectupdate SET created_at = month + interval '12 hours'"
            )
        columns = ", ".join(
            connection.ops.quote_name(field.column)
            for field in Milestone._meta.concrete_fields
            if not field.primary_key
        )
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {Milestone._meta.db_table} ({columns}) FROM STDIN") as copy,
        ):
            for row in milestone_rows:
                copy.write_row(row)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {
        "projects": len(project_rows),
        "active": sum(1 for p in project_rows if p.status == ProjectStatus.ACTIVE),
        "milestones": len(milestone_rows),
        "people": len(team) + len(coaches),
        "build_s": round(time.monotonic() - started, 1),
    }


def reference() -> dict:
    from accompaniment.models import Milestone

    started = time.perf_counter()
    count = Milestone.objects.count()
    count_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    rows = Milestone.objects.order_by().values_list("pk", "project_id", "title", "due_on")
    iterated = sum(1 for _row in rows.iterator(chunk_size=2000))
    iterate_s = time.perf_counter() - started
    return {
        "count": count,
        "count_ms": round(count_ms, 1),
        "iterate_s": round(iterate_s, 2),
        "iterated": iterated,
    }


def _sweep(*, dry_run: bool, fail_every: int = 0, day=None) -> dict:
    import logging

    from django.core import mail
    from django.db import connection

    from accompaniment.domain import reminders

    sent_mail = {"messages": 0, "bytes": 0}

    def drop_outbox(person=None) -> None:
        # Count the e-mails the backend got, forget them.
        outbox = getattr(mail, "outbox", [])
        while outbox:
            sent_mail["messages"] += 1
            sent_mail["bytes"] += len(outbox.pop().body)

    errors: list[str] = []

    class FirstErrors(logging.Handler):
        def emit(self, record) -> None:
            if record.exc_info and len(errors) < 3:
                errors.append(repr(record.exc_info[1]))

    handler = FirstErrors(level=logging.ERROR)
    logging.getLogger("accompaniment.domain.reminders").addHandler(handler)
    real_send = reminders.send_digest_email

    def flaky_send(*, person, day, connection=None):
        if fail_every and person.user.pk % fail_every == 0:
            raise OSError("bench: the mail server hiccups")
        real_send(person=person, day=day, connection=connection)

    counter = QueryCounter()
    reminders.send_digest_email = flaky_send
    try:
        with connection.execute_wrapper(counter):
            cpu_before = cpu_snapshot()
            sampler = BackendSampler()
            started, cpu_started = time.perf_counter(), time.process_time()
            result = reminders.send_due_reminders(
                day=day,
                dry_run=dry_run,
                on_person=(lambda p: None) if dry_run else drop_outbox,
            )
            elapsed = time.perf_counter() - started
            cpu = time.process_time() - cpu_started
            cpu_after = cpu_snapshot()
            cpu_after["db"] = cpu_before["db"] + sampler.used()
            cores = cores_used(cpu_before, cpu_after, elapsed)
            cores["db_cpu_seconds"] = sampler.by_kind()
        drop_outbox()
    finally:
        reminders.send_digest_email = real_send
        logging.getLogger("accompaniment.domain.reminders").removeHandler(handler)
    return {
        "first_errors": errors,
        "day": result.day.isoformat(),
        "seconds": round(elapsed, 2),
        "cpu_seconds": round(cpu, 2),
        "cores": cores,
        "queries": counter.as_dict(),
        "people_seen": result.people_seen,
        "digests": result.sent,
        "items": result.items,
        "already_sent_today": result.already_sent_today,
        "failed": result.failed,
        "emails": sent_mail["messages"],
        "email_kb": round(sent_mail["bytes"] / 1024),
    }


def first_sweep() -> dict:
    """The day's dry run then the day's sweep, 1 % of sends failing; this process's peak RSS."""
    baseline = peak_rss_mb()
    ref = reference()
    after_reference = peak_rss_mb()
    dry = _sweep(dry_run=True)
    after_dry = peak_rss_mb()
    sweep = _sweep(dry_run=False, fail_every=FAIL_EVERY)
    return {
        "reference": ref,
        "dry": dry,
        "sweep": sweep,
        "rss_mb": {
            "after_setup": round(baseline, 1),
            "after_reference": round(after_reference, 1),
            "after_dry_run": round(after_dry, 1),
            "peak": round(peak_rss_mb(), 1),
        },
    }


def then_check(planned: dict) -> dict:
    """The same day's retry and third sweep, the database checks, the next day's dry run."""
    from django.db import connection, transaction
    from django.db.models import Count
    from django.utils import timezone

    from accompaniment.domain.reminders import send_due_reminders
    from accompaniment.models import ReminderDigest, ReminderItem

    retry = _sweep(dry_run=False)
    third = _sweep(dry_run=False)
    today = timezone.localdate()
    checks: dict[str, bool] = {}
    digests = ReminderDigest.objects.count()
    items = ReminderItem.objects.count()
    checks["every planned digest sent once"] = digests == planned["digests"]
    checks["every planned reminder recorded once"] = items == planned["items"]
    checks["e-mails = digests (first sweep + retry + third)"] = (
        planned["emails_sent"] + retry["emails"] + third["emails"] == digests
    )
    checks["retry sent exactly the failed ones"] = retry["digests"] == planned["failed"]
    checks["third sweep sent nothing"] = third["digests"] == 0 and third["emails"] == 0
    checks["no person with two digests a day"] = not (
        ReminderDigest.objects.values("user_id", "day").annotate(n=Count("pk")).filter(n__gt=1)
    ).exists()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT 1 FROM accompaniment_reminderitem "
            "GROUP BY user_id, kind, project_id, coalesce(milestone_id, 0), occasion "
            "HAVING count(*) > 1) AS twice"
        )
        checks["no reminder recorded twice"] = cursor.fetchone()[0] == 0
        cursor.execute(
            "SELECT count(*) FROM accompaniment_reminderitem i JOIN "
            "accompaniment_reminderdigest d ON d.id = i.digest_id WHERE d.user_id <> i.user_id"
        )
        checks["items belong to their digest's person"] = cursor.fetchone()[0] == 0
    checks["no digest without items"] = not ReminderDigest.objects.filter(
        items__isnull=True
    ).exists()
    # Nothing skipped: with today's digests moved to yesterday (rolled back), today's dry run
    # finds nothing left to send.
    with transaction.atomic():
        ReminderDigest.objects.filter(day=today).update(day=today - datetime.timedelta(days=1))
        left = send_due_reminders(day=today, dry_run=True, on_person=lambda p: None)
        transaction.set_rollback(True)
    checks["nothing left unsent for the day"] = left.items == 0
    next_day = _sweep(dry_run=True, day=today + datetime.timedelta(days=1))
    return {
        "retry": retry,
        "third": third,
        "next_day": next_day,
        "checks": checks,
        "rss_peak_mb": round(peak_rss_mb(), 1),
    }


def django_main(argv: list[str]) -> int:
    django_setup()
    command = argv[0]
    if command == "build":
        out = build(projects=int(argv[1]), milestones_each=int(argv[2]), seed=int(argv[3]))
    elif command == "sweep":
        out = first_sweep()
    elif command == "check":
        out = then_check(json.loads(argv[1]))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out))
    return 0


# ---------------------------------------------------------------------------------------------
# The orchestration: database, subprocesses, report.


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=3000)
    parser.add_argument("--milestones", type=int, default=50, help="per project")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=300,
        help="wait up to this many seconds for other processes to go quiet before the sweep",
    )
    return parser.parse_args(argv)


def report(built: dict, first: dict, after: dict) -> bool:
    ref, dry, sweep, rss = first["reference"], first["dry"], first["sweep"], first["rss_mb"]
    log()
    log(f"machine: {machine()}; day swept: {sweep['day']}")
    log(
        f"data: {built['projects']:,} projects ({built['active']:,} active), "
        f"{built['milestones']:,} milestones, {built['people']:,} people with an account "
        f"(built in {built['build_s']} s)"
    )
    log(
        f"reference: SELECT count(*) over {ref['count']:,} milestones {ref['count_ms']} ms; "
        f"iterating their rows (4 columns, ORM) {ref['iterate_s']} s"
    )

    def line(label: str, step: dict) -> None:
        q = step["queries"]
        log(
            f"{label:<28} {step['seconds']:>6.2f} s (CPU {step['cpu_seconds']:>5.2f} s)  "
            f"queries {q['total']:>6,} "
            f"(reads {q['reads']:,}, writes {q['writes']:,})  people {step['people_seen']:,}  "
            f"digests {step['digests']:,}  reminders {step['items']:,}  "
            f"failed {step['failed']}  e-mails {step['emails']:,}"
        )

    line("dry run (what would be sent)", dry)
    line("the day's sweep", sweep)
    line("retry, same day", after["retry"])
    line("third sweep, same day", after["third"])
    line("next day's dry run", after["next_day"])
    cores = sweep["cores"]
    log(
        f"cores used during the day's sweep: the sweep {cores['self']}, its PostgreSQL backends "
        f"{cores['db']}, other processes {cores['other']} (of {os.cpu_count()})"
    )
    log(f"  PostgreSQL CPU seconds during the sweep, by process kind: {cores['db_cpu_seconds']}")
    if cores["other"] > 0.2:
        log("  WARNING: other processes were busy: the sweep's wall time is longer than alone.")
    for step in (sweep, after["retry"], after["third"]):
        for error in step["first_errors"]:
            if "bench: the mail server hiccups" not in error:
                log(f"  unexpected failure: {error}")
    per_digest = sweep["queries"]["writes"] / max(1, sweep["digests"] + sweep["failed"])
    batches = max(1, -(-sweep["people_seen"] // 500))
    log(
        f"sweep reads per batch of 500 people: {sweep['queries']['reads'] / batches:.1f}; "
        f"writes per digest: {per_digest:.1f} (BEGIN/COMMIT are not statements Django sends)"
    )
    log(
        f"peak RSS of the sweep's process: {rss['peak']} MB (after Django's setup "
        f"{rss['after_setup']} MB, after the reference {rss['after_reference']} MB, after the "
        f"dry run {rss['after_dry_run']} MB); the checking process: {after['rss_peak_mb']} MB"
    )
    log()
    log("checks:")
    ok = True
    for name, passed in after["checks"].items():
        ok = ok and passed
        log(f"  {'PASS' if passed else 'FAIL'}  {name}")
    log()
    seconds_ok = sweep["seconds"] < TARGET_SECONDS
    memory_ok = rss["peak"] < TARGET_MB
    log(
        f"targets: sweep {sweep['seconds']} s < {TARGET_SECONDS:.0f} s "
        f"{'met' if seconds_ok else 'MISSED'}; peak RSS {rss['peak']} MB < {TARGET_MB:.0f} MB "
        f"{'met' if memory_ok else 'MISSED'}"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--django"]:
        return django_main(argv[1:])
    args = parse_args(argv)
    env = bench_env(
        DB_NAME,
        secret="bench-reminders-not-a-secret",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        SITE_URL="https://territoire.example",
    )
    started = time.monotonic()
    log(f"bench-reminders: preparing {DB_NAME} on 127.0.0.1:5432…")
    try:
        fresh_database(env, DB_NAME)
        log(f"  building {args.projects:,} projects x {args.milestones} milestones…")
        built = django_step(
            "bench.reminders",
            env,
            "build",
            str(args.projects),
            str(args.milestones),
            str(args.seed),
        )
    except RuntimeError as exc:
        log(f"SETUP FAILED: {exc}")
        return 2
    try:
        busy = wait_for_quiet(args.wait_idle)
        log(f"  the day's sweep (other processes use {busy:.2f} cores)…")
        first = django_step("bench.reminders", env, "sweep")
        sweep = first["sweep"]
        planned = {
            "digests": first["dry"]["digests"],
            "items": first["dry"]["items"],
            "emails_sent": sweep["emails"],
            "failed": sweep["failed"],
        }
        log("  retry, third sweep, checks…")
        after = django_step("bench.reminders", env, "check", json.dumps(planned))
        ok = report(built, first, after)
    finally:
        drop_database(None if args.keep_db else DB_NAME)
    log()
    verdict = "PASS" if ok else "FAIL"
    log(f"RESULT: database checks {verdict}; {time.monotonic() - started:.0f} s in all")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
