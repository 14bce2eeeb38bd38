"""``python -m bench.lists``: the long lists of one territory at 100 times its size.

One territory with 3,000 projects (``bench/dashboard_data.py``: plans, milestones, jobs),
30,000 sign-ups (a tenth of them volunteers) and 2,000 contributions, in a fresh SQLite file
(``--db``, deleted at the end unless ``--keep-db``). Signed in as its organiser with Django's
test client, in-process, it prints for each list page its status, its bytes, its queries and
its time (best of ``--times``): the public showcase, the portfolio, the mobilisation board and
a later page of each; then the sign-ups CSV: bytes, time to the first row and to the last,
and the peak of memory Python allocated while it was produced and read (tracemalloc).

Figures of a run are recorded in docs/benchmarks.md.
"""

import argparse
import datetime
import os
import sys
import time
import tracemalloc
from pathlib import Path

SIGNUPS = 30_000
CONTRIBUTIONS = 2_000
PROJECTS = 3_000


def _setup(db: Path) -> None:
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("REDIS_URL", None)
    os.environ["SQLITE_PATH"] = str(db)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoire.settings")
    import django

    django.setup()


def build() -> str:
    """The territory and its people; its slug."""
    from django.core.management import call_command
    from django.db import transaction
    from django.utils import timezone

    from bench import dashboard_data
    from challenges.enums import ActorKind, ContributionKind
    from challenges.models import Challenge, Contribution, SignUp
    from territoire.enums import Role
    from territoire.models import Membership, Territory, User

    call_command("migrate", verbosity=0)
    dashboard_data.build(
        first=0, count=1, projects_each=PROJECTS, milestones_each=10, jobs_each=2_000, seed=1
    )
    territory = Territory.objects.get(slug="territoire-0")
    organiser = User.objects.create(email="orga@bench.example", full_name="Orga", password="!")
    Membership.objects.create(user=organiser, territory=territory, role=Role.ORGANISER)
    challenges = list(Challenge.objects.filter(territory=territory))
    now = timezone.now()
    kinds = list(ActorKind)
    with transaction.atomic():
        signups = SignUp.objects.bulk_create(
            SignUp(
                territory=territory,
                full_name=f"Personne Inscrite {n}",
                email=f"inscrit-{n}@bench.example",
                organisation_name=f"Association {n % 400}",
                actor_kind=kinds[n % len(kinds)],
                consented_at=now,
                confirmed_at=now - datetime.timedelta(days=n % 90) if n % 7 else None,
                wants_to_facilitate=n % 10 == 0,
                wants_to_mentor=n % 25 == 0,
            )
            for n in range(SIGNUPS)
        )
        chosen = SignUp.challenges.through
        chosen.objects.bulk_create(
            chosen(signup=signup, challenge=challenges[(n + shift) % len(challenges)])
            for n, signup in enumerate(signups)
            for shift in range(2)
        )
        Contribution.objects.bulk_create(
            Contribution(
                challenge=challenges[n % len(challenges)],
                kind=ContributionKind.IDEA,
                text="Un bus qui va au-devant des seniors, quartier par quartier. " * 3,
                author_name=f"Contributeur {n}",
            )
            for n in range(CONTRIBUTIONS)
        )
    return territory.slug


def _client():
    from django.test import Client

    from territoire.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(email="orga@bench.example"))
    return client


def pages(slug: str, times: int) -> list[tuple[str, int, int, int, float]]:
    """(label, status, bytes, queries, best seconds) of each list page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client()
    cases = [
        ("showcase", f"/territoires/{slug}/projets/"),
        ("showcase, page 60", f"/territoires/{slug}/projets/?page=60"),
        ("portfolio", f"/espace/territoires/{slug}/portefeuille/"),
        ("portfolio, late, page 2", f"/espace/territoires/{slug}/portefeuille/?sante=late&page=2"),
        ("mobilisation board", f"/espace/territoires/{slug}/mobilisation/"),
        (
            "mobilisation board, volunteers p. 40",
            f"/espace/territoires/{slug}/mobilisation/?volontaires=40",
        ),
    ]
    results = []
    for label, url in cases:
        best = float("inf")
        for _ in range(times):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                best = min(best, time.perf_counter() - started)
        results.append((label, response.status_code, len(response.content), len(queries), best))
    return results


def _read_csv(client, url: str) -> tuple[int, float, float]:
    """Bytes, seconds to the first chunk and to the end."""
    started = time.perf_counter()
    response = client.get(url)
    if not response.streaming:
        return len(response.content), time.perf_counter() - started, time.perf_counter() - started
    first, size = None, 0
    for chunk in response.streaming_content:
        first = first or time.perf_counter() - started
        size += len(chunk)
    return size, first or 0.0, time.perf_counter() - started


def signups_csv(slug: str) -> dict[str, float]:
    """The sign-ups CSV read whole: bytes, seconds to the first chunk and to the end; then read
    again under tracemalloc (slower) for the peak of memory Python allocated, in MB."""
    client = _client()
    url = f"/espace/territoires/{slug}/mobilisation/inscriptions.csv"
    client.get(url)  # warm: imports, templates, translations
    size, first, total = _read_csv(client, url)
    tracemalloc.start()
    _read_csv(client, url)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"bytes": size, "first": first, "total": total, "peak_mb": peak / 2**20}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=Path("/tmp/territoire-bench-lists.sqlite3"))
    parser.add_argument("--times", type=int, default=3)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)
    fresh = not args.db.exists()
    _setup(args.db)
    try:
        slug = build() if fresh else "territoire-0"
        print(f"{'page':40} {'status':>6} {'bytes':>10} {'queries':>8} {'seconds':>8}")
        for label, status, size, queries, seconds in pages(slug, args.times):
            print(f"{label:40} {status:>6} {size:>10,} {queries:>8} {seconds:>8.3f}")
        csv = signups_csv(slug)
        print(
            f"sign-ups CSV: {csv['bytes']:,} bytes, first bytes after {csv['first']:.3f} s, "
            f"all after {csv['total']:.2f} s, Python's peak {csv['peak_mb']:.1f} MB"
        )
    finally:
        if not args.keep_db:
            args.db.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
