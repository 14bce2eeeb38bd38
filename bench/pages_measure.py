"""The Django side of ``make bench-pages``: which pages, who opens them, and their measures.

Run in a process whose environment points at the benchmark database (``bench/pages.py``
starts it), or by the smoke test. Two kinds of measure:

- in-process (test client): the queries of each page and poll (``CaptureQueriesContext``), and
  the sign-ups CSV's peak of Python memory while it is produced and read to the end
  (``tracemalloc``: what Python allocates, the view and its rows included; not the C buffers
  of the database driver);
- through gunicorn (``http.client``, one request at a time, signed in with a session made by
  the test client): bytes of the body as sent (no compression middleware), the time from the
  request sent to the body read on 127.0.0.1, the CSV's time to first byte (status line and
  headers read).

A poll is made as the page's htmx would make it: the polling element (its ``hx-get`` is the
page's live URL) gives the URL with its query, its ``hx-headers`` and ``hx-vals``; every
element of the page with a ``data-version`` is sent too (``bench/htmx_poll.py``).
"""

import http.client
import random
import statistics
import time
import tracemalloc
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.htmx_poll import ask_headers, poll_state
from bench.pages_data import event_slug, facilitator_email, organiser_email, territory_slug
from events.domain.participation import post_idea
from events.models import Participant, Table
from territoire.models import User

REFERENCE = "/i18n/setlang/"  # Django's set_language: a 302, no database (the night's reference)
LIVE = ("console", "control room", "plenary")


@dataclass
class PageSpec:
    name: str
    url: str
    user: User | None  # None: a visitor
    expect: int = 200
    poll: str = ""  # the live part's URL, for the live pages
    table_code: str = ""  # the table whose idea is "the one change" (the console's own)


def page_specs(size: int) -> list[PageSpec]:
    """The pages measured at ``size``, as of today's URLs."""
    territory, event = territory_slug(size), event_slug(size)
    organiser = User.objects.get(email=organiser_email(size))
    table = Table.objects.filter(event__slug=event).order_by("pk").first()
    facilitator = User.objects.get(email=facilitator_email(size, 0))
    # The control room and the plenary see an idea arrive on another table than the console's.
    other = Table.objects.filter(event__slug=event).order_by("-pk").first()
    t, ts = {"territory": territory}, {"territory_slug": territory}
    return [
        PageSpec(
            "console",
            reverse("console", kwargs={"code": table.code}),
            facilitator,
            poll=reverse("console_live", kwargs={"code": table.code}),
            table_code=table.code,
        ),
        PageSpec(
            "control room",
            reverse("control_room", kwargs={"slug": event}),
            organiser,
            poll=reverse("control_live", kwargs={"slug": event}),
            table_code=other.code,
        ),
        PageSpec(
            "plenary",
            reverse("plenary", kwargs={"slug": event}),
            organiser,
            poll=reverse("plenary_live", kwargs={"slug": event}),
            table_code=other.code,
        ),
        PageSpec("showcase", reverse("project_showcase", kwargs=t), None),
        PageSpec("challenge list", reverse("challenge_list", kwargs=ts), None),
        PageSpec("portfolio", reverse("portfolio", kwargs=t), organiser),
        PageSpec("mobilisation board", reverse("mobilisation_board", kwargs=ts), organiser),
        PageSpec("needs", reverse("needs_across", kwargs=t), organiser),
        PageSpec("resources", reverse("resource_list", kwargs=t), organiser),
        PageSpec("reports", reverse("territory_reports", kwargs={"slug": territory}), organiser),
        PageSpec("sign-ups CSV", reverse("signups_csv", kwargs=ts), organiser),
    ]


def post_one_idea(table_code: str) -> None:
    """ "One change": an idea posted on the table through the domain function, by one of its
    participants (drawn at random: none reaches the per-minute limit)."""
    participant = random.choice(list(Participant.objects.filter(table__code=table_code)))
    post_idea(
        participant=participant,
        text="Une idée de plus, arrivée à l'instant",
        client_key=uuid.uuid4(),
    )


# What the page holds, sent back by its poll -----------------------------------------------------


# In-process: queries and the CSV's memory ---------------------------------------------------------


def _client(user: User | None) -> Client:
    client = Client(HTTP_HOST="127.0.0.1", HTTP_ACCEPT_LANGUAGE="fr")
    if user is not None:
        client.force_login(user)
    return client


def _read(response) -> int:
    """The body's length; a streamed body is read to the end, chunk by chunk."""
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def measure_in_process(specs: list[PageSpec], times: int = 1) -> dict:
    """Per page: status, bytes, queries; per live page, its polls unchanged and after one
    idea; for the CSV, the peak of Python memory while producing it (KiB)."""
    out = {}
    for spec in specs:
        client = _client(spec.user)
        _read(client.get(spec.url))  # templates compiled, caches warm
        with CaptureQueriesContext(connection) as captured:
            response = client.get(spec.url)
            size = _read(response)
        result = {
            "status": response.status_code,
            "bytes": size,
            "queries": len(captured.captured_queries),
        }
        if spec.poll:
            held = poll_state(response.content.decode(), response.headers.get("ETag"), spec.poll)
            with CaptureQueriesContext(connection) as captured:
                unchanged = client.get(held["url"], headers=ask_headers(held))
            result["unchanged"] = {
                "status": unchanged.status_code,
                "queries": len(captured.captured_queries),
            }
            post_one_idea(spec.table_code)
            with CaptureQueriesContext(connection) as captured:
                changed = client.get(held["url"], headers=ask_headers(held))
            result["changed"] = {
                "status": changed.status_code,
                "bytes": len(changed.content),
                "queries": len(captured.captured_queries),
            }
        if spec.name == "sign-ups CSV":
            peaks = []
            for _n in range(times):
                tracemalloc.start()
                tracemalloc.reset_peak()
                _read(client.get(spec.url))
                peaks.append(tracemalloc.get_traced_memory()[1] / 1024)
                tracemalloc.stop()
            result["peak_kib"] = round(min(peaks), 1)
        out[spec.name] = result
    return out


# Through gunicorn -----------------------------------------------------------------------------


def session_cookie(user: User | None) -> str:
    if user is None:
        return ""
    cookie = settings.SESSION_COOKIE_NAME
    client = _client(user)
    return f"{cookie}={client.cookies[cookie].value}"


class Server:
    """One request at a time to gunicorn on 127.0.0.1 (a new connection each: sync workers)."""

    def __init__(self, port: int) -> None:
        self.port = port

    def get(self, path: str, cookie: str = "", headers: dict | None = None) -> dict:
        sent = {"Accept": "text/html", "Accept-Language": "fr", **(headers or {})}
        if cookie:
            sent["Cookie"] = cookie
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            conn.request("GET", path, headers=sent)
            response = conn.getresponse()
            first = time.perf_counter()
            body = response.read()
        finally:
            conn.close()
        done = time.perf_counter()
        return {
            "status": response.status,
            "bytes": len(body),
            "ms": (done - started) * 1000,
            "ttfb_ms": (first - started) * 1000,
            "etag": response.headers.get("ETag"),
            "body": body,
        }


def measure_served(specs: list[PageSpec], port: int, rounds: int, changes: int) -> dict:
    """Per page, through gunicorn: status, bytes, median time, beside the reference measured
    in the same rounds, and for a live page its poll with nothing new; then ``changes`` times
    for each live page, its poll after one idea (the pages are measured before any idea)."""
    server = Server(port)
    cookies = {spec.name: session_cookie(spec.user) for spec in specs}
    for spec in specs:  # both workers load their code and templates
        server.get(spec.url, cookies[spec.name])
        server.get(REFERENCE)
    out: dict[str, dict] = {"reference": {"times": [], "statuses": {}}}
    for _round in range(rounds):
        _record(out["reference"], server.get(REFERENCE))
        for spec in specs:
            got = server.get(spec.url, cookies[spec.name])
            _record(out.setdefault(spec.name, {"times": [], "statuses": {}}), got)
            if spec.poll:
                held = poll_state(got["body"].decode(), got["etag"], spec.poll)
                unchanged = server.get(held["url"], cookies[spec.name], ask_headers(held))
                _record(
                    out[spec.name].setdefault("unchanged", {"times": [], "statuses": {}}), unchanged
                )
    for _change in range(changes):
        for spec in specs:
            if not spec.poll:
                continue
            page = server.get(spec.url, cookies[spec.name])
            held = poll_state(page["body"].decode(), page["etag"], spec.poll)
            post_one_idea(spec.table_code)
            changed = server.get(held["url"], cookies[spec.name], ask_headers(held))
            _record(out[spec.name].setdefault("changed", {"times": [], "statuses": {}}), changed)
    return {name: _summed(result) for name, result in out.items()}


def _record(into: dict, got: dict) -> None:
    into["times"].append(got["ms"])
    into.setdefault("ttfb", []).append(got["ttfb_ms"])
    into["statuses"][str(got["status"])] = into["statuses"].get(str(got["status"]), 0) + 1
    into["bytes"] = max(into.get("bytes", 0), got["bytes"])


def _summed(result: dict) -> dict:
    """Medians in place of the lists of times, for this result and its polls'."""
    out = {key: value for key, value in result.items() if key not in ("times", "ttfb")}
    out["ms"] = round(statistics.median(result["times"]), 2)
    out["ttfb_ms"] = round(statistics.median(result["ttfb"]), 2)
    out["n"] = len(result["times"])
    for key in ("unchanged", "changed"):
        if key in result:
            out[key] = _summed(result[key])
    return out
