"""What a browser's htmx sends when a live page polls, read from the page's HTML: used by
``make bench-pages`` and by the night's consoles and control rooms (``bench/night.py``), so that
the benchmarks poll as the pages do. No Django here: the night's load generator runs without it.
"""

import json
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.polls: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = {name: value or "" for name, value in attrs}
        if "hx-get" in found and "every" in found.get("hx-trigger", ""):
            self.polls.append(found)


def poll_state(html: str, etag: str | None, poll_url: str = "") -> dict:
    """What a browser holding this page sends when it polls: the polling element's URL (the one
    whose path is ``poll_url``, or the first), its ``hx-headers`` (today the page's ETag as
    If-None-Match, and the parts' stamps the page holds) and ``hx-vals``, and the page's own
    ETag when no header carries one."""
    found = _Elements()
    found.feed(html)
    wanted = urlsplit(poll_url).path
    element = next(
        (p for p in found.polls if urlsplit(p["hx-get"]).path == wanted),
        found.polls[0] if found.polls else {},
    )
    headers = {"HX-Request": "true"}
    params: list[tuple[str, str]] = []
    for attribute, into in (("hx-headers", headers), ("hx-vals", None)):
        try:
            values = json.loads(element.get(attribute) or "{}")
        except ValueError:  # "js:…" values: nothing a benchmark can evaluate
            values = {}
        if into is None:
            params += [(str(k), str(v)) for k, v in values.items()]
        else:
            into.update({str(k): str(v) for k, v in values.items()})
    # The versions a page holds travel in its poll's hx-headers (X-Live-Parts, built by the
    # server into the page), as a browser sends them: the ``data-version`` attributes are read
    # by the page's own swaps, not sent (a query string of 300 tables' versions is a 414).
    if etag and "If-None-Match" not in headers:
        headers["If-None-Match"] = etag
    url = element.get("hx-get") or poll_url
    if params:
        url += ("&" if "?" in url else "?") + urlencode(params)
    return {"url": url, "headers": headers}


def ask_headers(held: dict) -> dict:
    return dict(held["headers"])
