"""``make bench-night``: the launch evening played on this machine, then the database checked.

1. A fresh PostgreSQL database ``territoire_bench`` and Redis DB 15, migrated; one event with 30
   tables in the ideas phase (``bench/setup_night.py``).
2. gunicorn on 127.0.0.1 (2 sync workers by default, as in production), production settings.
3. The reference: the same server's trivial Django view, ``GET /i18n/setlang/`` (a redirect, no
   database), in a closed loop for a few seconds; ``/healthz`` too, for information.
4. The night: 1,000 phones over 30 tables join, poll their board every 5 s with If-None-Match,
   post ideas (first half), then every table goes to the vote and they spend their dots (second
   half). ~5 % of posts are sent twice with the same client key after a dropped connection.
5. Capacity probes, each a closed loop with the same client and concurrency as the reference:
   unchanged board (304), board rendered (200), join, vote POST, idea POST.
6. The database checked: every acknowledged idea and vote exactly once, the dot quota, the
   denormalised counters. Exit status 1 when a check fails, 2 when the setup fails.

The load generator is this one Python process; it shares the 2 cores with gunicorn, PostgreSQL
and Redis, as wrk did for the reference figures in docs/benchmarks.md. Compare ratios, not
absolute figures.
"""

import argparse
import asyncio
import base64
import contextlib
import html
import json
import os
import random
import re
import sys
import tempfile
import time
import urllib.parse
import uuid
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import (
    PYTHON,
    ROOT,
    TICK,
    bench_env,
    drop_database,
    free_port,
    fresh_database,
    log,
    machine_busy,
    run,
    start_gunicorn,
    stop_gunicorn,
)
from bench.htmx_poll import poll_state

DB_NAME = "territoire_bench"
REDIS_DB = 15
POLL_EVERY = 5.0
REQUEST_TIMEOUT = 30.0

# Targets from issue 4: ratio to the trivial view's throughput, and the board's p95.
TARGETS = {"board 304": 0.50, "board 200": 0.15, "idea POST": 0.25, "vote POST": 0.25}
BOARD_P95_MS = 100.0

IDEA_WORDS = [
    "un atelier de réparation de vélos tenu par des jeunes du quartier",
    "une cantine solidaire avec les maraîchers",
    "des seniors qui apprennent le numérique avec des lycéens",
    "une ressourcerie dans l'ancienne filature",
    "un jardin partagé sur le toit",
    "une navette électrique entre les villages",
    "un tiers-lieu pour les artisans",
]


# ---------------------------------------------------------------------------------------------
# A minimal HTTP/1.1 client over asyncio streams: keep-alive when the server allows it.


class ConnectionFailed(Exception):
    pass


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str | None]  # None: the server deletes it
    body: bytes


NO_BODY = {204, 304}


def _parse_head(head: bytes) -> tuple[int, dict[str, str], dict[str, str | None]]:
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(None, 2)[1])
    headers: dict[str, str] = {}
    cookies: dict[str, str | None] = {}
    for line in lines[1:]:
        name, _sep, value = line.partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "set-cookie":
            pair, _sep, attributes = value.partition(";")
            c_name, _eq, c_value = pair.partition("=")
            gone = "max-age=0" in attributes.lower().replace(" ", "")
            cookies[c_name.strip()] = None if gone else c_value.strip()
        else:
            headers[name] = value
    return status, headers, cookies


def _dechunk(data: bytes) -> tuple[bytes, int] | None:
    """The body of a chunked message and the bytes it took, or None while incomplete."""
    chunks, at = [], 0
    while True:
        line_end = data.find(b"\r\n", at)
        if line_end < 0:
            return None
        size = int(data[at:line_end].split(b";")[0].strip() or b"0", 16)
        at = line_end + 2
        if size == 0:
            trailer_end = data.find(b"\r\n\r\n", at - 2)
            return (b"".join(chunks), trailer_end + 4) if trailer_end >= 0 else None
        if len(data) < at + size + 2:
            return None
        chunks.append(data[at : at + size])
        at += size + 2


class _Connection(asyncio.Protocol):
    """One TCP connection; a response is parsed from the buffer as the bytes arrive."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None
        self.method = "GET"
        self.lost = False

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is not None and not self.waiter.done():
            self._parse(eof=False)

    def connection_lost(self, exc) -> None:
        self.lost = True
        if self.waiter is not None and not self.waiter.done():
            self._parse(eof=True)

    def _parse(self, *, eof: bool) -> None:
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            if eof:
                self.waiter.set_exception(ConnectionFailed("closed before the response"))
            return
        status, headers, cookies = _parse_head(bytes(self.buffer[:head_end]))
        start = head_end + 4
        keep_alive = headers.get("connection", "").lower() != "close"
        if self.method == "HEAD" or status in NO_BODY or status < 200:
            body, used = b"", 0
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            done = _dechunk(bytes(self.buffer[start:]))
            if done is None:
                if eof:
                    self.waiter.set_exception(ConnectionFailed("closed inside a chunked body"))
                return
            body, used = done
        elif "content-length" in headers:
            used = int(headers["content-length"])
            if len(self.buffer) - start < used:
                if eof:
                    self.waiter.set_exception(ConnectionFailed("closed inside the body"))
                return
            body = bytes(self.buffer[start : start + used])
        else:  # the body ends with the connection
            if not eof:
                return
            body, used, keep_alive = bytes(self.buffer[start:]), len(self.buffer) - start, False
        del self.buffer[: start + used]
        self.waiter.set_result((Response(status, headers, cookies, body), keep_alive))


def _expire(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_exception(TimeoutError(f"no answer in {REQUEST_TIMEOUT:.0f} s"))


class Client:
    """At most ``limit`` connections to one host; idle keep-alive connections are reused.

    Built on asyncio's Protocol rather than streams: the load generator shares the server's 2
    cores, so every microsecond it spends is one the server does not get.
    """

    # Set by --connection-close: every request says "Connection: close", as nginx does upstream.
    close_each = False

    def __init__(self, host: str, port: int, limit: int) -> None:
        self.host, self.port = host, port
        self.slots = asyncio.Semaphore(limit)
        self.idle: list[_Connection] = []
        self.connects = 0

    async def _open(self) -> _Connection:
        self.connects += 1
        loop = asyncio.get_running_loop()
        _transport, connection = await loop.create_connection(_Connection, self.host, self.port)
        return connection

    def _encode(self, method: str, path: str, headers: dict[str, str], body: bytes | None) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1"]
        if self.close_each:
            lines.append("Connection: close")
        lines += [f"{name}: {value}" for name, value in headers.items()]
        if body is not None:
            lines.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + (body or b"")

    def _idle_connection(self) -> _Connection | None:
        while self.idle:
            connection = self.idle.pop()
            if not connection.lost:
                return connection
        return None

    async def request(
        self,
        method: str,
        path: str,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> Response:
        raw = self._encode(method, path, headers or {}, body)
        loop = asyncio.get_running_loop()
        async with self.slots:
            for attempt in (0, 1):
                connection = self._idle_connection() if attempt == 0 else None
                reused = connection is not None
                if connection is None:
                    connection = await self._open()
                connection.method = method
                connection.waiter = waiter = loop.create_future()
                connection.transport.write(raw)
                timer = loop.call_later(REQUEST_TIMEOUT, _expire, waiter)
                try:
                    response, keep_alive = await waiter
                except ConnectionFailed:
                    connection.transport.close()
                    if reused:  # a keep-alive connection the server closed meanwhile
                        continue
                    raise
                except BaseException:
                    connection.transport.abort()
                    raise
                finally:
                    timer.cancel()
                connection.waiter = None
                if keep_alive and not connection.lost:
                    self.idle.append(connection)
                else:
                    connection.transport.close()
                return response
        raise AssertionError("unreachable")

    async def send_and_drop(self, method: str, path: str, headers: dict, body: bytes) -> None:
        """A dropped connection: the request leaves, the phone never reads the answer."""
        raw = self._encode(method, path, headers, body)
        async with self.slots:
            try:
                connection = await self._open()
                connection.transport.write(raw)
                await asyncio.sleep(random.uniform(0, 0.03))
                connection.transport.close()  # FIN: the server reads the request, answers nobody
            except OSError:
                pass

    def close(self) -> None:
        for connection in self.idle:
            connection.transport.close()
        self.idle.clear()


# ---------------------------------------------------------------------------------------------
# What was measured.


@dataclass
class Recorder:
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    errors: Counter = field(default_factory=Counter)
    error_examples: list[str] = field(default_factory=list)
    # (when it started, kind, seconds): to see how the night went, window by window
    timeline: list[tuple[float, str, float]] = field(default_factory=list)

    def add(self, kind: str, status: int, seconds: float, started: float = 0.0) -> None:
        self.samples[kind].append(seconds)
        self.timeline.append((started, kind, seconds))
        self.statuses[kind][status] += 1
        if status >= 500:
            self.errors[kind] += 1

    def failed(self, kind: str, exc: BaseException) -> None:
        self.statuses[kind]["conn-error"] += 1
        self.errors[kind] += 1
        if len(self.error_examples) < 5:
            self.error_examples.append(f"{kind}: {type(exc).__name__}: {exc}")


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50": percentile(ordered, 0.50) * 1000,
        "p95": percentile(ordered, 0.95) * 1000,
        "p99": percentile(ordered, 0.99) * 1000,
    }


async def timed(client: Client, rec: Recorder, kind: str, *args, classify=None, **kwargs):
    """One request, recorded under ``kind`` (or ``classify(response)``); None on failure."""
    started = time.perf_counter()
    try:
        response = await client.request(*args, **kwargs)
    except (TimeoutError, ConnectionFailed, OSError) as exc:
        rec.failed(kind, exc)
        return None
    elapsed = time.perf_counter() - started
    rec.add(classify(response) if classify else kind, response.status, elapsed, started)
    return response


# ---------------------------------------------------------------------------------------------
# A phone at a table.


@dataclass
class Phone:
    number: int
    code: str
    cookies: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    phase: str | None = None  # as the page's board polls it: /tableau/?phase=…
    idea_ids: list[int] = field(default_factory=list)
    joined: bool = False

    def absorb(self, response: Response) -> None:
        for name, value in response.cookies.items():
            if value is None:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value

    def see(self, html: bytes) -> None:
        """What the page or board shows: the phase it polls with, the ideas one can vote for."""
        match = PHASE_IN_PAGE.search(html)
        if match:
            self.phase = match.group(1).decode()
        ids = VOTE_BUTTON.findall(html)
        if ids:
            self.idea_ids = sorted({int(i) for i in ids})

    def header(self, **extra: str) -> dict[str, str]:
        headers = {"Accept": "text/html", "User-Agent": "bench-night"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        headers.update(extra)
        return headers

    def post_headers(self, *, htmx: bool) -> dict[str, str]:
        headers = self.header(**{"Content-Type": "application/x-www-form-urlencoded"})
        if htmx:
            headers["HX-Request"] = "true"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        return headers

    def form(self, htmx: bool, **fields: str) -> bytes:
        if not htmx:  # a browser without JavaScript sends the token in the form
            fields["csrfmiddlewaretoken"] = self.cookies.get("csrftoken", "")
        return urllib.parse.urlencode(fields).encode()


PHASE_IN_PAGE = re.compile(rb"/tableau/\?phase=(\w+)")
VOTE_BUTTON = re.compile(rb"/idees/(\d+)/gommette/")
SUCCESS_NOTICE = b"message--success"
ERROR_NOTICE = re.compile(rb'message--error"[^>]*>\s*([^<]{1,200})')
MESSAGE_SUCCESS = 25  # django.contrib.messages.SUCCESS


def last_message(cookie: str | None) -> tuple[int | None, str]:
    """Level and text of the newest message in Django's ``messages`` cookie (not verified)."""
    if not cookie:
        return None, ""
    try:
        payload = cookie.strip('"').split(":", 1)[0]  # payload:timestamp:signature
        compressed = payload.startswith(".")
        payload = payload.lstrip(".")
        raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        data = json.loads(zlib.decompress(raw) if compressed else raw)
        found = [m for m in data if isinstance(m, list) and m[:1] == ["__json_message"]]
    except (ValueError, zlib.error, IndexError, TypeError):
        return None, ""
    return (found[-1][2], str(found[-1][3])) if found else (None, "")


def board_kind(response: Response) -> str:
    return {200: "board 200", 304: "board 304", 204: "board 204"}.get(
        response.status, "board other"
    )


async def open_page(client: Client, rec: Recorder, phone: Phone) -> None:
    """What a browser does after a 303, or when htmx asks for a refresh: load the table's page."""
    response = await timed(client, rec, "page GET", "GET", f"/t/{phone.code}/", phone.header())
    if response is not None:
        phone.absorb(response)
        if response.status == 200:
            phone.see(response.body)


async def join(
    client: Client, rec: Recorder, phone: Phone, *, with_get: bool = True, follow: bool = True
) -> bool:
    if with_get or "csrftoken" not in phone.cookies:
        response = await timed(client, rec, "join GET", "GET", f"/t/{phone.code}/", phone.header())
        if response is None:
            return False
        phone.absorb(response)
    fields = {
        "display_name": f"Participant·e {phone.number}",
        "organisation_name": random.choice(["", "Association des habitants", "Mairie"]),
    }
    if phone.number % 2:
        fields["consent_to_be_named"] = "on"
    body = phone.form(False, **fields)
    headers = phone.header(**{"Content-Type": "application/x-www-form-urlencoded"})
    response = await timed(client, rec, "join POST", "POST", f"/t/{phone.code}/", headers, body)
    if response is None:
        return False
    phone.absorb(response)
    phone.joined = response.status == 303 and f"t_{phone.code}" in phone.cookies
    if phone.joined and follow:
        await open_page(client, rec, phone)
    return phone.joined


async def poll(client: Client, rec: Recorder, phone: Phone) -> None:
    extra = {"HX-Request": "true"}
    if phone.etag:
        extra["If-None-Match"] = phone.etag
    query = f"?phase={phone.phase}" if phone.phase else ""
    response = await timed(
        client,
        rec,
        "board",
        "GET",
        f"/t/{phone.code}/tableau/{query}",
        phone.header(**extra),
        classify=board_kind,
    )
    if response is None:
        return
    if response.headers.get("etag"):
        phone.etag = response.headers["etag"]
    if response.status == 200:
        phone.see(response.body)
    elif response.status == 204 and response.headers.get("hx-refresh") == "true":
        await open_page(client, rec, phone)  # the phase changed: htmx reloads the page


@dataclass
class Acks:
    ideas: list[tuple[str, str]] = field(default_factory=list)
    votes: list[tuple[str, str]] = field(default_factory=list)
    retries: Counter = field(default_factory=Counter)
    refused: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))


async def submit(
    client: Client,
    rec: Recorder,
    acks: Acks,
    phone: Phone,
    kind: str,
    path: str,
    fields: dict[str, str],
    *,
    retry_rate: float,
    follow: bool = True,
    stored_key: str | None = None,
) -> bool:
    """An idea or a vote; sometimes first lost on a dropped connection and sent again.

    ``stored_key``: the client key the server stores, when it is not the one sent (a vote's
    is made from the board's vote-form key and the idea).

    Acknowledged means what the phone was shown: with htmx, a 200 whose notice is a success;
    otherwise (a plain 303, or htmx's 204 + HX-Refresh) a success flash message in Django's
    ``messages`` cookie.
    """
    htmx = random.random() < 0.9
    flash = ""
    headers = phone.post_headers(htmx=htmx)
    body = phone.form(htmx, **fields)
    if random.random() < retry_rate:
        acks.retries[kind] += 1
        await client.send_and_drop("POST", path, headers, body)
    response = await timed(client, rec, kind, "POST", path, headers, body)
    if response is None:
        return False
    phone.absorb(response)
    refresh = response.status == 204 and response.headers.get("hx-refresh") == "true"
    if htmx and response.status == 200:
        acked = SUCCESS_NOTICE in response.body
        if response.headers.get("hx-trigger") == "board-changed" and follow:
            # As the page does: the board-changed event fetches the board at once.
            await poll(client, rec, phone)
    else:
        # A 303, or htmx's 204 + HX-Refresh when the phase moved meanwhile: the notice went to
        # the flash messages, shown by the page the browser loads next.
        level, flash = last_message(response.cookies.get("messages"))
        acked = response.status in (303, 204) and level == MESSAGE_SUCCESS
        if (response.status == 303 or refresh) and follow:
            await open_page(client, rec, phone)
    if acked:
        target = acks.ideas if kind == "idea POST" else acks.votes
        target.append((phone.code, stored_key or fields["client_key"]))
    else:
        match = ERROR_NOTICE.search(response.body)
        reason = html.unescape(match.group(1).decode().strip()) if match else ""
        reason = reason or flash or f"status {response.status}"
        acks.refused[kind][f"{reason} ({response.status}{'' if htmx else ', plain'})"] += 1
    return acked


async def post_idea(client, rec, acks, phone, *, retry_rate: float, follow: bool = True) -> bool:
    text = f"{random.choice(IDEA_WORDS).capitalize()} (n° {random.randrange(10**6)})"
    return await submit(
        client,
        rec,
        acks,
        phone,
        "idea POST",
        f"/t/{phone.code}/idees/",
        {"text": text, "client_key": str(uuid.uuid4())},
        retry_rate=retry_rate,
        follow=follow,
    )


async def cast_vote(
    client, rec, acks, phone, idea_id: int, *, retry_rate: float, follow: bool = True
) -> bool:
    key = uuid.uuid4()
    return await submit(
        client,
        rec,
        acks,
        phone,
        "vote POST",
        f"/t/{phone.code}/idees/{idea_id}/gommette/",
        {"client_key": str(key)},
        retry_rate=retry_rate,
        follow=follow,
        stored_key=str(uuid.uuid5(key, f"idee-{idea_id}")),  # participant_actions.vote_key
    )


# ---------------------------------------------------------------------------------------------
# The staff: a facilitator at each table's console, organisers in the control room.


@dataclass
class Watcher:
    """A signed-in page whose live part polls every ``POLL_EVERY`` seconds with the ETag it
    holds, as its htmx does: a facilitator's console or an organiser's control room."""

    kind: str  # "console" or "control room": the kinds recorded are "<kind> page|<status>"
    page: str
    live: str
    cookie: str
    etag: str | None = None
    # What the page's polling element sends (its hx-headers: If-None-Match and the stamps of
    # the parts it holds, X-Live-Parts), read from each page or poll answered 200.
    poll_headers: dict[str, str] = field(default_factory=dict)

    def see(self, response: "Response") -> None:
        if response.status == 200:
            held = poll_state(response.body.decode(), response.headers.get("etag"), self.live)
            self.poll_headers = held["headers"]
        if response.headers.get("etag"):
            self.etag = response.headers["etag"]


def staff(built: dict, consoles: int, organisers: int) -> list[Watcher]:
    """The consoles of the first ``consoles`` tables and ``organisers`` control rooms."""
    watchers = [
        Watcher(
            "console",
            f"/espace/tables/{t['code']}/",
            f"/espace/tables/{t['code']}/flux/",
            t["cookie"],
        )
        for t in built["tables"][:consoles]
    ]
    room = f"/espace/soirees/{built['event']}/regie/"
    watchers += [
        Watcher("control room", room, f"{room}flux/", cookie)
        for cookie in built["organisers"][:organisers]
    ]
    return watchers


async def run_watcher(client, rec: Recorder, night: "Night", watcher: Watcher, start: float):
    """Open the page at the start of the night, then poll its live part until the end."""
    loop = asyncio.get_running_loop()
    end = start + night.duration
    await asyncio.sleep(max(0.0, start + random.uniform(0, POLL_EVERY) - loop.time()))
    headers = {"Accept": "text/html", "User-Agent": "bench-night", "Cookie": watcher.cookie}
    response = await timed(client, rec, f"{watcher.kind} page", "GET", watcher.page, headers)
    if response is not None:
        watcher.see(response)
    next_poll = loop.time() + POLL_EVERY
    while True:
        await asyncio.sleep(max(0.0, next_poll - loop.time()))
        if loop.time() >= end:
            return
        extra = {"HX-Request": "true"} | watcher.poll_headers
        if watcher.etag:
            extra["If-None-Match"] = watcher.etag
        response = await timed(
            client,
            rec,
            watcher.kind,
            "GET",
            watcher.live,
            headers | extra,
            classify=lambda r, kind=watcher.kind: f"{kind} {r.status}",
        )
        if response is not None:
            watcher.see(response)
        next_poll = max(next_poll + POLL_EVERY, loop.time())


# ---------------------------------------------------------------------------------------------
# The night, open loop: each phone on its own schedule.


@dataclass
class Night:
    duration: float
    ramp: float
    ideas_each: int
    dots_each: int
    retry_rate: float
    vote_open: asyncio.Event = field(default_factory=asyncio.Event)
    ideas_by_table: dict[str, list[int]] = field(default_factory=dict)
    vote_switch: dict = field(default_factory=dict)


async def run_phone(client, rec, acks, night: Night, phone: Phone, start: float) -> None:
    loop = asyncio.get_running_loop()
    end = start + night.duration
    half = start + night.duration / 2
    await asyncio.sleep(max(0.0, start + random.uniform(0, night.ramp) - loop.time()))
    if not await join(client, rec, phone):
        return
    now = loop.time()
    next_poll = now  # the join's redirect lands on the table page, which loads the board
    idea_times = (
        sorted(random.uniform(now, half - 1.0) for _ in range(night.ideas_each))
        if now < half - 1.0
        else []
    )
    vote_times: list[float] | None = None
    while True:
        now = loop.time()
        if now >= end:
            return
        if vote_times is None and night.vote_open.is_set():
            first = max(now, night.vote_switch["at"])
            vote_times = sorted(random.uniform(first, end - 0.5) for _ in range(night.dots_each))
        due = min([next_poll, *idea_times[:1], *(vote_times or [])[:1]])
        if due > now:
            wait = min(due, end) - now
            if vote_times is None:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(night.vote_open.wait(), wait)
            else:
                await asyncio.sleep(wait)
            continue
        if idea_times and due == idea_times[0]:
            idea_times.pop(0)
            if not night.vote_open.is_set() and "started" not in night.vote_switch:
                await post_idea(client, rec, acks, phone, retry_rate=night.retry_rate)
        elif vote_times and due == vote_times[0]:
            vote_times.pop(0)
            choices = phone.idea_ids or night.ideas_by_table.get(phone.code)
            if choices:
                idea_id = random.choice(choices)
                await cast_vote(client, rec, acks, phone, idea_id, retry_rate=night.retry_rate)
        else:
            await poll(client, rec, phone)
            next_poll = max(next_poll + POLL_EVERY, loop.time())


async def switch_phase(env: dict, name: str) -> dict:
    process = await asyncio.create_subprocess_exec(
        PYTHON,
        "-m",
        "bench.setup_night",
        "phase",
        name,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"setup_night phase {name} failed:\n{err.decode()[-2000:]}")
    return json.loads(out.decode().strip().splitlines()[-1])


async def play_night(
    host, port, env, tables, args, rec: Recorder, acks: Acks, master_pid: int, watchers=()
) -> dict:
    client = Client(host, port, args.connections)
    night = Night(
        duration=args.duration,
        ramp=min(args.ramp, args.duration / 4),
        ideas_each=args.ideas_each,
        dots_each=args.dots_each,
        retry_rate=args.retry_rate,
    )
    phones = [
        Phone(number=i + 1, code=tables[i % len(tables)]["code"]) for i in range(args.participants)
    ]
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    perf_start = time.perf_counter() + 0.2

    async def open_vote() -> None:
        await asyncio.sleep(start + args.duration / 2 - loop.time())
        night.vote_switch["started"] = loop.time()
        result = await switch_phase(env, "vote")
        night.ideas_by_table = result["ideas"]
        night.vote_switch["at"] = loop.time()
        night.vote_switch["moved"] = result["moved"]
        night.vote_open.set()

    cpu0 = cpu_snapshot(master_pid)
    switcher = asyncio.create_task(open_vote())
    await asyncio.gather(
        *(run_phone(client, rec, acks, night, p, start) for p in phones),
        *(run_watcher(client, rec, night, w, start) for w in watchers),
    )
    await switcher
    elapsed = loop.time() - start
    client.close()
    return {
        "elapsed": elapsed,
        "perf_start": perf_start,
        "switch_at": night.vote_switch["started"] - start,
        "cores": cpu_delta(cpu0, cpu_snapshot(master_pid), elapsed),
        "joined": sum(p.joined for p in phones),
        "phones": phones,
        "switch_seconds": night.vote_switch["at"] - night.vote_switch["started"],
        "moved": night.vote_switch["moved"],
        "connects": client.connects,
    }


# ---------------------------------------------------------------------------------------------
# Capacity probes, closed loop: as many requests as ``concurrency`` connections can carry.


async def closed_loop(
    host, port, seconds: float, concurrency: int, make, master_pid: int | None = None
) -> dict:
    """Run ``make(client, rec)`` (one request each) from ``concurrency`` workers for ``seconds``
    (or until ``make`` returns False: nothing left to do)."""
    client = Client(host, port, concurrency)
    rec = Recorder()
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    cpu0 = cpu_snapshot(master_pid) if master_pid else None
    started = loop.time()
    exhausted = asyncio.Event()

    async def worker() -> None:
        while loop.time() < end and not exhausted.is_set():
            if await make(client, rec) is False:
                exhausted.set()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = loop.time() - started
    client.close()
    cores = cpu_delta(cpu0, cpu_snapshot(master_pid), elapsed) if cpu0 else None
    return {"rec": rec, "elapsed": elapsed, "cores": cores}


def probe_rps(result: dict, kind: str) -> float:
    return len(result["rec"].samples.get(kind, [])) / result["elapsed"]


# ---------------------------------------------------------------------------------------------
# The services: database, Redis, gunicorn.


def prepare(env: dict, tables: int, organisers: int = 2) -> dict:
    fresh_database(env, DB_NAME, redis_db=REDIS_DB, collectstatic=True)
    built = run([PYTHON, "-m", "bench.setup_night", "build", str(tables), str(organisers)], env)
    return json.loads(built.splitlines()[-1])


def _proc_cpu(stat_text: str) -> float:
    fields = stat_text.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def cpu_snapshot(master_pid: int) -> dict:
    """CPU seconds used so far: gunicorn (master and workers), the PostgreSQL backends of the
    bench database and Redis, this load generator, and the whole machine (to see what other
    processes took)."""
    server = 0.0
    pids = [master_pid]
    with contextlib.suppress(OSError):
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
        pids += [int(p) for p in children.split()]
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            server += _proc_cpu(Path(f"/proc/{pid}/stat").read_text())
    db: dict[str, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            text = stat.read_text()
            name = text[text.find("(") + 1 : text.rfind(")")]
            if name.startswith("redis-server") or (
                name.startswith("postgres")
                and DB_NAME.encode() in (stat.parent / "cmdline").read_bytes()
            ):
                db[stat.parent.name] = _proc_cpu(text)
    return {
        "server": server,
        "db": db,
        "generator": time.process_time(),
        "machine": machine_busy(),
    }


def cpu_delta(before: dict, after: dict, seconds: float) -> dict:
    """Cores used on average over ``seconds``, per kind; "other" is everything else."""
    db = sum(max(0.0, used - before["db"].get(pid, 0.0)) for pid, used in after["db"].items())
    cores = {k: (after[k] - before[k]) / seconds for k in ("server", "generator", "machine")}
    cores["db"] = db / seconds
    cores["other"] = max(0.0, cores["machine"] - cores["server"] - cores["db"] - cores["generator"])
    return cores


def cpu_text(cores: dict) -> str:
    return f"{cores['server']:.2f}/{cores['db']:.2f}/{cores['generator']:.2f}/{cores['other']:.2f}"


# ---------------------------------------------------------------------------------------------
# Printing.


def fmt_ms(value: float) -> str:
    return "-" if value != value else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table_lines(rows: list[tuple[str, int, float, dict, int, str]]) -> list[str]:
    lines = [
        f"  {'endpoint':<18} {'requests':>9} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'p99 ms':>8} {'errors':>7}  statuses"
    ]
    for kind, n, rps, stats, errors, statuses in rows:
        lines.append(
            f"  {kind:<18} {n:>9,} {rps:>8,.1f} {fmt_ms(stats['p50']):>8} "
            f"{fmt_ms(stats['p95']):>8} {fmt_ms(stats['p99']):>8} {errors:>7}  {statuses}"
        )
    return lines


def statuses_text(counter: Counter) -> str:
    return " ".join(f"{k}x{v}" for k, v in sorted(counter.items(), key=lambda kv: str(kv[0])))


WINDOW = 10.0


def window_lines(rec: Recorder, origin: float, elapsed: float) -> list[str]:
    windows = max(1, int(-(-elapsed // WINDOW)))
    count = [0] * windows
    boards: list[list[float]] = [[] for _ in range(windows)]
    posts: list[list[float]] = [[] for _ in range(windows)]
    for started, kind, seconds in rec.timeline:
        index = min(windows - 1, max(0, int((started - origin) // WINDOW)))
        count[index] += 1
        if kind in ("board 200", "board 304"):
            boards[index].append(seconds)
        elif kind in ("idea POST", "vote POST"):
            posts[index].append(seconds)
    lines = []
    for index in range(windows):
        span = min(WINDOW, elapsed - index * WINDOW) or WINDOW
        lines.append(
            f"    {index * WINDOW:>4.0f}-{index * WINDOW + span:<4.0f} s  "
            f"{count[index] / span:>7,.0f} | {fmt_ms(summary(boards[index])['p95']):>7} | "
            f"{fmt_ms(summary(posts[index])['p95']):>7}"
        )
    return lines


def recorder_rows(rec: Recorder, elapsed: float, kinds: list[str]) -> list:
    rows = []
    for kind in kinds:
        values = rec.samples.get(kind, [])
        failures = rec.statuses[kind].get("conn-error", 0)
        if not values and not failures:
            continue
        rows.append(
            (
                kind,
                len(values),
                len(values) / elapsed,
                summary(values),
                rec.errors.get(kind, 0),
                statuses_text(rec.statuses[kind]),
            )
        )
    return rows


# ---------------------------------------------------------------------------------------------


async def benchmark(
    args, env: dict, tables: list[dict], port: int, master_pid: int, watchers=()
) -> dict:
    host = "127.0.0.1"
    probes: dict[str, dict] = {}
    conc = args.probe_connections

    async def probe(name: str, make, seconds: float | None = None) -> None:
        result = await closed_loop(
            host, port, seconds or args.probe_seconds, conc, make, master_pid
        )
        probes[name] = result
        log(
            f"  probe {name}: {probe_rps(result, name):,.0f} req/s "
            f"(cores: gunicorn/db/generator/other {cpu_text(result['cores'])})"
        )

    # Is anything else running? Other processes skew every figure on 2 cores.
    deadline = time.monotonic() + args.wait_idle
    while True:
        before = cpu_snapshot(master_pid)
        await asyncio.sleep(2.0)
        idle = cpu_delta(before, cpu_snapshot(master_pid), 2.0)
        if idle["other"] <= 0.2 or time.monotonic() >= deadline:
            break
        log(f"  waiting for a quieter machine ({idle['other']:.2f} cores busy elsewhere)…")
    log(f"  before the load, other processes use {idle['other']:.2f} cores")
    if idle["other"] > 0.2:
        log("  WARNING: the machine is busy with other work; the figures below will be low.")

    # Warm-up: both workers load their code and templates, open their connections.
    async def warm(client, rec):
        await timed(client, rec, "warm", "GET", "/i18n/setlang/", {"Accept": "text/html"})

    await closed_loop(host, port, 2.0, conc, warm)

    # The reference, and /healthz for information.
    async def trivial(client, rec):
        await timed(client, rec, "reference", "GET", "/i18n/setlang/", {"Accept": "text/html"})

    async def healthz(client, rec):
        await timed(client, rec, "healthz", "GET", "/healthz", {"Accept": "application/json"})

    await probe("reference", trivial)
    await probe("healthz", healthz, max(3.0, args.probe_seconds / 2))

    # The night.
    log(
        f"  the night: {args.participants} phones, {len(tables)} tables, {args.duration:.0f} s "
        f"(ideas the first half, votes the second), {args.consoles} consoles and "
        f"{args.organisers} control rooms polling…"
    )
    rec, acks = Recorder(), Acks()
    night = await play_night(host, port, env, tables, args, rec, acks, master_pid, watchers)
    log(f"    done in {night['elapsed']:.1f} s (cores: {cpu_text(night['cores'])})")

    # Probes on the boards as the night left them. Each phone's ETag is its own (it carries the
    # participant), so every phone polls once first to hold the current one.
    phones = [p for p in night["phones"] if p.joined]
    pending = iter(phones)

    async def refresh(client, rec):
        phone = next(pending, None)
        if phone is None:
            return False
        await poll(client, rec, phone)
        return None

    await closed_loop(host, port, 60.0, conc, refresh)
    counter = iter(range(10**9))

    async def board_304(client, rec):
        await poll(client, rec, phones[next(counter) % len(phones)])

    async def board_200(client, rec):
        phone = phones[next(counter) % len(phones)]
        await timed(
            client,
            rec,
            "board",
            "GET",
            f"/t/{phone.code}/tableau/?phase={phone.phase}",
            phone.header(**{"HX-Request": "true"}),
            classify=board_kind,
        )

    if phones:
        await probe("board 304", board_304)
        await probe("board 200", board_200)

    # Fresh phones for the write probes: their joins are a probe too, then they vote and post.
    fresh = [
        Phone(number=100_000 + i, code=tables[i % len(tables)]["code"])
        for i in range(args.probe_phones)
    ]
    if phones:
        for phone in fresh:
            phone.cookies["csrftoken"] = phones[0].cookies.get("csrftoken", "")
    queue = iter(fresh)

    async def join_one(client, rec):
        phone = next(queue, None)
        if phone is None:
            return False
        await join(client, rec, phone, with_get=False, follow=False)
        return None

    await probe("join POST", join_one)

    voters = [p for p in fresh if p.joined]
    probe_acks = Acks()
    ballots = iter([(p, dot) for dot in range(3) for p in voters])
    ideas_by_table = (await switch_phase(env, "vote"))["ideas"]

    async def vote_one(client, rec):
        for phone, _dot in ballots:
            choices = ideas_by_table.get(phone.code)
            if choices:
                break
        else:
            return False
        idea_id = random.choice(choices)
        await cast_vote(client, rec, probe_acks, phone, idea_id, retry_rate=0.0, follow=False)
        return None

    async def idea_one(client, rec):
        phone = voters[next(counter) % len(voters)]
        await post_idea(client, rec, probe_acks, phone, retry_rate=0.0, follow=False)

    if voters:
        await probe("vote POST", vote_one)
        await switch_phase(env, "ideation")
        await probe("idea POST", idea_one)

    return {
        "idle": idle,
        "probes": probes,
        "night": night,
        "rec": rec,
        "acks": acks,
        "probe_acks": probe_acks,
        "cores": os.cpu_count() or 1,
    }


def report(args, results: dict, worker_desc: str) -> bool:
    """Print the figures; True when every target is met (the checks are printed later)."""
    probes, night, rec, acks = (results[k] for k in ("probes", "night", "rec", "acks"))
    ref = probe_rps(probes["reference"], "reference")
    elapsed = night["elapsed"]
    log()
    log("=" * 100)
    log(
        f"bench-night — gunicorn {worker_desc}, PostgreSQL + Redis on 127.0.0.1, "
        f"{results['cores']} cores"
    )
    log(
        "NOTE: the load generator (this Python process) shares the cores with gunicorn, "
        "PostgreSQL and Redis."
    )
    log(
        "Cores columns: gunicorn / PostgreSQL+Redis / load generator / other processes "
        f"(before the load, other processes used {results['idle']['other']:.2f} cores)."
    )
    log("=" * 100)

    log()
    log(
        f"THE NIGHT — {args.participants} phones on {args.tables} tables, "
        f"{elapsed:.1f} s, at most {args.connections} connections, poll every {POLL_EVERY:.0f} s"
    )
    log(
        f"  joined {night['joined']}/{args.participants}; vote opened on {night['moved']} tables "
        f"at half-time (the switch took {night['switch_seconds']:.1f} s); TCP connections opened: "
        f"{night['connects']:,}"
    )
    kinds = [
        "join GET",
        "join POST",
        "page GET",
        "board 304",
        "board 200",
        "board 204",
        "board other",
        "idea POST",
        "vote POST",
        *(
            f"{staff_kind} {what}"
            for staff_kind in ("console", "control room")
            for what in ("page", "200", "304", "302", "403", "404")
        ),
    ]
    rows = recorder_rows(rec, elapsed, kinds)
    total = sum(r[1] for r in rows)
    log(
        f"  overall: {total:,} requests, {total / elapsed:,.1f} req/s "
        "(an open loop: the phones' pace, not the ceiling)"
    )
    for line in table_lines(rows):
        log(line)
    boards = rec.samples.get("board 304", []) + rec.samples.get("board 200", [])
    board_stats = summary(boards)
    polls = len(boards)
    share = len(rec.samples.get("board 304", [])) / polls if polls else 0
    log(
        f"  board polls: {polls:,}, {share:.0%} answered 304; p50 {fmt_ms(board_stats['p50'])} ms, "
        f"p95 {fmt_ms(board_stats['p95'])} ms, p99 {fmt_ms(board_stats['p99'])} ms"
    )
    for staff_kind, who in (("console", args.consoles), ("control room", args.organisers)):
        polls = rec.samples.get(f"{staff_kind} 304", []) + rec.samples.get(f"{staff_kind} 200", [])
        if not polls:
            continue
        stats = summary(polls)
        unchanged = len(rec.samples.get(f"{staff_kind} 304", [])) / len(polls)
        log(
            f"  {staff_kind} polls ({who} open, every {POLL_EVERY:.0f} s): {len(polls):,}, "
            f"{unchanged:.0%} answered 304; p50 {fmt_ms(stats['p50'])} ms, "
            f"p95 {fmt_ms(stats['p95'])} ms"
        )
    log(
        f"  by {WINDOW:.0f} s window (the vote opened at {night['switch_at']:.0f} s): "
        "requests/s | board p95 ms | POST p95 ms"
    )
    for line in window_lines(rec, night["perf_start"], elapsed):
        log(line)
    log(
        f"  retried after a dropped connection: {acks.retries['idea POST']} ideas, "
        f"{acks.retries['vote POST']} votes"
    )
    for kind, counter in acks.refused.items():
        for reason, times in counter.most_common():
            log(f"  refused {kind} x{times}: {reason}")
    errors = sum(rec.errors.values())
    log(f"  errors (status >= 500 or connection failures): {errors}")
    for example in rec.error_examples:
        log(f"    {example}")
    log(
        "  cores used on average during the night (gunicorn/PostgreSQL+Redis/load generator/"
        f"other processes, of {results['cores']}): {cpu_text(night['cores'])}"
    )

    log()
    log(
        f"CAPACITY PROBES — closed loop, {args.probe_connections} connections, "
        f"~{args.probe_seconds:.0f} s each, same client for all"
    )
    log(
        f"  {'probe':<34} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7} "
        f"{'vs ref':>7} {'target':>7}  {'':<8} cores g/d/l/o      statuses"
    )
    met_all = True
    labels = {
        "reference": "reference: GET /i18n/setlang/ → 302",
        "healthz": "GET /healthz (DB+cache+broker)",
        "board 304": "board 304 (unchanged, If-None-Match)",
        "board 200": "board 200 (rendered, no ETag)",
        "join POST": "join POST",
        "vote POST": "vote POST",
        "idea POST": "idea POST",
    }
    for name, label in labels.items():
        if name not in probes:
            log(f"  {label:<34} not run")
            if name in TARGETS:
                met_all = False
            continue
        result = probes[name]
        rps = probe_rps(result, name)
        stats = summary(result["rec"].samples.get(name, []))
        p_errors = sum(result["rec"].errors.values())
        ratio = rps / ref if ref else 0.0
        target = TARGETS.get(name)
        verdict = ""
        if target is not None:
            ok = ratio >= target and p_errors == 0
            met_all &= ok
            verdict = "met" if ok else "NOT MET"
        statuses = "; ".join(f"{k}: {statuses_text(v)}" for k, v in result["rec"].statuses.items())
        log(
            f"  {label:<34} {rps:>8,.0f} {fmt_ms(stats['p50']):>8} {fmt_ms(stats['p95']):>8} "
            f"{fmt_ms(stats['p99']):>8} {p_errors:>7} {ratio:>6.0%} "
            f"{(f'≥{target:.0%}' if target else ''):>7}  {verdict:<8} "
            f"{cpu_text(result['cores'])}  {statuses}"
        )

    more: Acks = results["probe_acks"]
    refused = (
        "; ".join(f"{k} x{n}: {r}" for k, v in more.refused.items() for r, n in v.items()) or "none"
    )
    log(
        f"  write probes acknowledged: {len(more.votes):,} votes, {len(more.ideas):,} ideas; "
        f"refused: {refused}"
    )

    log()
    log("TARGETS (issue 4)")
    p95_ok = board_stats["p95"] < BOARD_P95_MS
    met_all &= p95_ok
    log(
        f"  board p95 during the night < {BOARD_P95_MS:.0f} ms: {fmt_ms(board_stats['p95'])} ms "
        f"— {'met' if p95_ok else 'NOT MET'}"
    )
    probe_errors = sum(sum(p["rec"].errors.values()) for p in probes.values())
    err_ok = errors == 0 and probe_errors == 0
    met_all &= err_ok
    log(f"  0 errors: night {errors}, probes {probe_errors} — {'met' if err_ok else 'NOT MET'}")
    for name, target in TARGETS.items():
        if name in probes:
            ratio = probe_rps(probes[name], name) / ref if ref else 0
            log(
                f"  {name} ≥ {target:.0%} of the reference: {ratio:.0%} — "
                f"{'met' if ratio >= target else 'NOT MET'}"
            )
    return met_all


def print_checks(checks: dict) -> bool:
    log()
    log("DATABASE CHECKS")
    ok = True
    for name, result in checks["results"].items():
        ok &= result["ok"]
        log(f"  {'PASS' if result['ok'] else 'FAIL'}  {name} — {result['detail']}")
    counts = checks["counts"]
    log(
        f"  rows: {counts['participants']:,} participants, {counts['ideas']:,} ideas, "
        f"{counts['votes']:,} votes on {counts['tables']} tables; stored without an "
        "acknowledgement (dropped first sends, harmless): "
        f"{counts['ideas_unacknowledged_but_stored']} ideas, "
        f"{counts['votes_unacknowledged_but_stored']} votes"
    )
    return ok


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.night", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--duration", type=float, default=480.0, help="seconds of night (480)")
    parser.add_argument("--participants", type=int, default=1000)
    parser.add_argument("--tables", type=int, default=30)
    parser.add_argument("--ideas-each", type=int, default=2, help="ideas per phone (2)")
    parser.add_argument(
        "--dots-each", type=int, default=3, help="dots each phone spends, at most 3 (3)"
    )
    parser.add_argument(
        "--ramp",
        type=float,
        default=120.0,
        help="seconds over which the phones arrive and join (120; at most a quarter of the night)",
    )
    parser.add_argument(
        "--consoles",
        type=int,
        default=None,
        help="facilitators' consoles polling (one a table; 0 for none)",
    )
    parser.add_argument(
        "--organisers", type=int, default=2, help="organisers polling the control room (2)"
    )
    parser.add_argument("--retry-rate", type=float, default=0.05, help="posts sent twice (0.05)")
    parser.add_argument("--connections", type=int, default=200, help="night connection cap")
    parser.add_argument("--probe-seconds", type=float, default=10.0)
    parser.add_argument("--probe-connections", type=int, default=50)
    parser.add_argument(
        "--probe-phones", type=int, default=1500, help="fresh phones for the write probes"
    )
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    parser.add_argument("--threads", type=int, default=4, help="per worker, with gthread")
    parser.add_argument(
        "--connection-close",
        action="store_true",
        help="no keep-alive: Connection: close on every request (as behind nginx)",
    )
    parser.add_argument(
        "--wait-idle",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="wait up to SECONDS for other processes to go quiet before measuring (0)",
    )
    parser.add_argument("--keep-db", action="store_true", help="leave territoire_bench behind")
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args(argv)
    if args.consoles is None:
        args.consoles = args.tables
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    random.seed(args.seed)
    Client.close_each = args.connection_close
    env = bench_env(DB_NAME, secret=f"bench-night-{uuid.uuid4().hex}", redis_db=REDIS_DB)
    worker_desc = f"{args.worker_class}, {args.workers} workers" + (
        f" x {args.threads} threads" if args.worker_class == "gthread" else ""
    )
    worker_desc += ", clients send Connection: close" if args.connection_close else ", keep-alive"
    started = time.monotonic()
    log(f"bench-night: preparing {DB_NAME} on 127.0.0.1:5432 and Redis DB {REDIS_DB}…")
    try:
        built = prepare(env, args.tables, args.organisers)
        if args.tables != len(built["tables"]):
            raise RuntimeError("table count mismatch")
    except RuntimeError as exc:
        log(f"SETUP FAILED: {exc}")
        return 2
    tables = built["tables"][: args.tables]
    log(
        f"  {len(tables)} tables ready ({time.monotonic() - started:.0f} s); "
        f"starting gunicorn {worker_desc}…"
    )
    workdir = Path(tempfile.mkdtemp(prefix="bench-night-"))
    port = free_port()
    try:
        server = start_gunicorn(
            env, port, args.worker_class, args.threads, workdir / "gunicorn.log", args.workers
        )
    except RuntimeError as exc:
        log(f"SETUP FAILED: {exc}")
        return 2
    try:
        watchers = staff(built, args.consoles, args.organisers)
        results = asyncio.run(benchmark(args, env, tables, port, server.pid, watchers))
    finally:
        stop_gunicorn(server)
    targets_met = report(args, results, worker_desc)
    acks: Acks = results["acks"]
    more: Acks = results["probe_acks"]
    acks_path = workdir / "acks.json"
    acks_path.write_text(
        json.dumps({"ideas": acks.ideas + more.ideas, "votes": acks.votes + more.votes})
    )
    checks = json.loads(
        run([PYTHON, "-m", "bench.setup_night", "check", str(acks_path)], env).splitlines()[-1]
    )
    checks_ok = print_checks(checks)
    log_text = (workdir / "gunicorn.log").read_text()
    if log_text.strip():
        tail = "\n    ".join(log_text.strip().splitlines()[-8:])
        log(f"\ngunicorn log ({workdir / 'gunicorn.log'}), last lines:\n    {tail}")
    drop_database(None if args.keep_db else DB_NAME)
    log()
    log(
        f"RESULT: database checks {'PASS' if checks_ok else 'FAIL'}; targets "
        f"{'all met' if targets_met else 'not all met'}; {time.monotonic() - started:.0f} s in all"
    )
    return 0 if checks_ok else 1


if __name__ == "__main__":
    sys.exit(main())
