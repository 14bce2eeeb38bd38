"""``make bench-pages``: the pages that grow with a territory, at 1x, 10x and 100x, served by
gunicorn beside the same server's trivial view, then checked against the budgets of issue 15.

1. A fresh PostgreSQL database ``territoire_bench_pages`` and Redis DB 15 (the night's cache
   settings), migrated, static files collected (production settings). One territory per size
   (``bench/pages_data.py``): projects 30 / 300 / 3,000, sign-ups 300 / 3,000 / 30,000, tables
   in the evening 3 / 30 / 300, ideas per table 10 / 66 / 200.
2. gunicorn on 127.0.0.1 (2 sync workers, production settings); one request at a time, each
   person signed in with a session made by the test client, in rounds (each page once a round,
   with the reference ``GET /i18n/setlang/``): bytes, median time (request sent to body read,
   on 127.0.0.1), the CSV's time to first byte; for the facilitator console, the control room
   and the plenary, their poll with nothing new (the page's state sent back, as its htmx
   does), then their poll after one idea posted through ``post_idea`` (``bench/pages_measure.py``).
3. In-process (test client): the queries of every page and poll, and the sign-ups CSV's peak
   of Python memory while produced and read (tracemalloc).
4. The budgets checked, each printed met or MISSED.

Exit status: 0 when every page answers and every budget is met, 1 when a budget is missed or
a page fails, 2 when the setup fails. The database is dropped at the end unless
``--keep-db``; ``/tmp/bench.lock`` exists while it runs.
"""

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from bench.common import (
    LOCK,
    bench_env,
    django_setup,
    django_step,
    drop_database,
    free_port,
    fresh_database,
    log,
    machine,
    machine_busy,
    start_gunicorn,
    stop_gunicorn,
    take_lock,
    wait_for_quiet,
)

DB_NAME = "territoire_bench_pages"
REDIS_DB = 15
KB = 1024
LISTS = (
    "showcase",
    "portfolio",
    "mobilisation board",
    "challenge list",
    "needs",
    "resources",
    "reports",
)
LINEAR_NOISE = 1.5  # time an idea at 200 ideas within 1.5x its time at 66: linear, give or take


# ---------------------------------------------------------------------------------------------
# The Django side, run in subprocesses whose environment points at the benchmark database.


def django_main(argv: list[str]) -> int:
    django_setup()
    from django.db import connection

    from bench.pages_data import build
    from bench.pages_measure import measure_in_process, measure_served, page_specs

    command, rest = argv[0], [int(a) for a in argv[1:]]
    if command == "build":
        started = time.monotonic()
        out = build(rest[0], seed=rest[1])
        out.pop("codes")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        out["build_s"] = round(time.monotonic() - started, 1)
    elif command == "served":
        size, port, rounds, changes = rest
        out = measure_served(page_specs(size), port, rounds, changes)
    elif command == "in-process":
        out = measure_in_process(page_specs(rest[0]), times=3)
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(out))
    return 0


# ---------------------------------------------------------------------------------------------
# The budgets of issue 15.


def _kb(value: float) -> str:
    return f"{value / KB:,.1f} KB"


def budgets(results: dict[int, dict]) -> list[tuple[str, str, bool | None]]:
    """Each budget: what it says, what was measured, met (True), MISSED (False) or not
    measured at the sizes run (None). ``results[size]``: ``{"served": …, "in_process": …}``."""

    def served(size: int, page: str) -> dict | None:
        return results.get(size, {}).get("served", {}).get(page)

    checks: list[tuple[str, str, bool | None]] = []

    def below(label: str, size: int, page: str, key: str | None, limit: float) -> None:
        found = served(size, page)
        if found and key:
            found = found.get(key)
        if not found or "bytes" not in found:
            checks.append((label, "not measured", None))
            return
        checks.append((label, _kb(found["bytes"]), found["bytes"] < limit * KB))

    below("console page at 66 ideas < 80 KB", 10, "console", None, 80)
    below("console poll after one idea, 66 ideas < 40 KB", 10, "console", "changed", 40)
    below("console page at 200 ideas < 150 KB", 100, "console", None, 150)
    checks.append(_linear(served(10, "console"), served(100, "console"), results))
    for page in ("control room", "plenary"):
        below(f"{page} page at 30 tables < 120 KB", 10, page, None, 120)
        below(f"{page} poll after one idea, 30 tables < 20 KB", 10, page, "changed", 20)
        for size in sorted(results):
            found = served(size, page)
            statuses = (found or {}).get("unchanged", {}).get("statuses", {})
            checks.append(
                (
                    f"{page} poll with nothing new is a 304 (x{size})",
                    " ".join(f"{k}x{v}" for k, v in statuses.items()) or "not measured",
                    set(statuses) == {"304"} if statuses else None,
                )
            )
    for page in LISTS:
        below(f"{page} at 100x < 150 KB", 100, page, None, 150)
    csv = served(100, "sign-ups CSV")
    checks.append(
        (
            "sign-ups CSV at 100x: time to first byte < 1 s",
            f"{csv['ttfb_ms']:,.0f} ms" if csv else "not measured",
            csv["ttfb_ms"] < 1000 if csv else None,
        )
    )
    peaks = {
        size: found["in_process"]["sign-ups CSV"]["peak_kib"] for size, found in results.items()
    }
    if len(peaks) > 1:
        # Flat: once the rows outnumber one chunk the view reads (1,000), memory stops growing
        # with them; the two largest sizes are compared (x1's 300 rows fit in one chunk).
        small, large = sorted(peaks)[-2:]
        text = " → ".join(f"x{s}: {peaks[s] / 1024:,.1f} MiB" for s in sorted(peaks))
        checks.append(
            (
                f"sign-ups CSV peak memory flat (x{large} within 1.5x of x{small})",
                text,
                peaks[large] <= 1.5 * peaks[small],
            )
        )
    else:
        checks.append(("sign-ups CSV peak memory flat", "one size only", None))
    return checks


def _linear(at_66: dict | None, at_200: dict | None, results: dict) -> tuple:
    label = f"console time linear in ideas (a idea at 200 within {LINEAR_NOISE}x one at 66)"
    if not at_66 or not at_200:
        return (label, "not measured", None)
    ref_66 = results[10]["served"]["reference"]["ms"]
    ref_200 = results[100]["served"]["reference"]["ms"]
    each_66 = max(at_66["ms"] - ref_66, 0.01) / 66
    each_200 = max(at_200["ms"] - ref_200, 0.01) / 200
    text = f"{each_66:.2f} ms an idea at 66, {each_200:.2f} at 200 (the reference taken off)"
    return (label, text, each_200 <= LINEAR_NOISE * each_66)


# ---------------------------------------------------------------------------------------------
# The report.


def report(results: dict[int, dict], built: dict[int, dict], busy: float) -> bool:
    log()
    log(f"machine: {machine()}; gunicorn 2 sync workers, PostgreSQL and Redis on 127.0.0.1")
    log(f"other processes used {busy:.2f} cores before the measures")
    for size, made in built.items():
        log(
            f"  x{size}: {made['projects']:,} projects, {made['signups']:,} sign-ups, "
            f"{made['tables']} tables, {made['ideas']:,} ideas ({made['participants']:,} "
            f"participants), built in {made['build_s']:.0f} s"
        )
    ok = True
    for size in sorted(results):
        served, in_process = results[size]["served"], results[size]["in_process"]
        ref = served["reference"]["ms"]
        log()
        log(
            f"x{size} — one request at a time; reference GET /i18n/setlang/ → 302: {ref:.1f} ms "
            f"(median of {served['reference']['n']}); machine {results[size]['cores']:.2f} "
            "cores busy"
        )
        log(f"  {'page':<30} {'status':>8} {'KB':>9} {'ms':>9} {'vs ref':>7} {'queries':>8}")
        for name, found in served.items():
            if name == "reference":
                continue
            counted = in_process.get(name, {})
            good = set(found["statuses"]) == {str(counted.get("status", 200))}
            ok &= good and counted.get("status") in (200, None)
            statuses = " ".join(f"{k}x{v}" for k, v in found["statuses"].items())
            log(
                f"  {name:<30} {statuses:>8} {found['bytes'] / KB:>9,.1f} {found['ms']:>9,.1f} "
                f"{found['ms'] / ref:>6.1f}x {counted.get('queries', ''):>8}"
            )
            for key, label in (("unchanged", "poll, nothing new"), ("changed", "poll, one idea")):
                if key in found:
                    poll = found[key]
                    statuses = " ".join(f"{k}x{v}" for k, v in poll["statuses"].items())
                    log(
                        f"    {label:<28} {statuses:>8} {poll['bytes'] / KB:>9,.1f} "
                        f"{poll['ms']:>9,.1f} {poll['ms'] / ref:>6.1f}x "
                        f"{counted.get(key, {}).get('queries', ''):>8}"
                    )
        csv = served.get("sign-ups CSV")
        if csv:
            log(
                f"  sign-ups CSV: first byte after {csv['ttfb_ms']:,.1f} ms; peak of Python "
                f"memory while produced and read (in-process, tracemalloc): "
                f"{in_process['sign-ups CSV']['peak_kib'] / 1024:,.1f} MiB"
            )
    log()
    log("budgets (issue 15; KB = 1,024 bytes of body, uncompressed):")
    met_all = True
    for label, measured, verdict in budgets(results):
        word = {True: "met", False: "MISSED", None: "not measured"}[verdict]
        met_all &= verdict is not False
        log(f"  {word:<12} {label}: {measured}")
    log()
    log(f"every page answered as expected: {'yes' if ok else 'NO'}")
    return ok and met_all


# ---------------------------------------------------------------------------------------------
# The orchestration: lock, database, subprocesses, gunicorn.


def step(env: dict, *args: object) -> dict:
    return django_step("bench.pages", env, *args)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.pages", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--sizes", default="1,10,100", help="among 1, 10, 100 (1,10,100)")
    parser.add_argument("--rounds", type=int, default=5, help="requests of each page a size (5)")
    parser.add_argument("--changes", type=int, default=5, help="polls after one idea a page (5)")
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--keep-db", action="store_true", help=f"leave {DB_NAME} behind")
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=120,
        help="wait up to this many seconds for other processes to go quiet before measuring",
    )
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",")]
    if not set(args.sizes) <= {1, 10, 100}:
        parser.error("--sizes: among 1, 10 and 100")
    return args


def _prepare(env: dict, args: argparse.Namespace) -> dict[int, dict]:
    fresh_database(env, DB_NAME, redis_db=REDIS_DB, collectstatic=True)
    built = {}
    for size in args.sizes:
        log(f"  the territory at x{size}…")
        built[size] = step(env, "build", size, args.seed)
    return built


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--django"]:
        return django_main(argv[1:])
    args = parse_args(argv)
    env = bench_env(DB_NAME, secret="bench-pages-not-a-secret", redis_db=REDIS_DB)
    started = time.monotonic()
    take_lock("bench-pages")
    server = None
    ok = False
    try:
        log(f"bench-pages: preparing {DB_NAME} on 127.0.0.1:5432 and Redis DB {REDIS_DB}…")
        try:
            built = _prepare(env, args)
            port = free_port()
            workdir = Path(tempfile.mkdtemp(prefix="bench-pages-"))
            server = start_gunicorn(env, port, "sync", 1, workdir / "gunicorn.log", 2)
        except RuntimeError as exc:
            log(f"SETUP FAILED: {exc}")
            return 2
        busy = wait_for_quiet(args.wait_idle)
        results: dict[int, dict] = {}
        for size in args.sizes:
            log(f"  x{size}: {args.rounds} rounds through gunicorn, then in-process…")
            busy_before, at = machine_busy(), time.perf_counter()
            served = step(env, "served", size, port, args.rounds, args.changes)
            cores = (machine_busy() - busy_before) / (time.perf_counter() - at)
            results[size] = {
                "served": served,
                "in_process": step(env, "in-process", size),
                "cores": cores,
            }
        ok = report(results, built, busy)
    finally:
        if server is not None:
            stop_gunicorn(server)
        drop_database(None if args.keep_db else DB_NAME, redis_db=REDIS_DB)
        LOCK.unlink(missing_ok=True)
    log()
    log(
        f"RESULT: budgets and pages {'PASS' if ok else 'FAIL'}; "
        f"{time.monotonic() - started:.0f} s in all"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
