"""Paths as access logs may keep them: the secret of every capability link replaced by "…".

A ticket, a confirmation link, a reminder-preferences link, the plenary screen's link… grant
something to whoever holds the URL. Access logs are read by more people, kept longer and copied
further than the e-mails that carry those links, so they must never hold the secret part.
``redact_path`` is the one rule; runserver's and Django's request loggers use it through
``RedactPathFilter`` (settings ``LOGGING``), gunicorn through ``territoire/gunicorn_logging.py``
(``gunicorn.conf.py``), and docs/production.md's nginx example applies the same prefixes.

``CAPABILITY_PREFIXES`` is an explicit list; ``tests/territoire/test_logredact.py`` walks the URL
conf and fails for any route whose parameter looks like a secret (token, code, key…) that is
neither redacted here nor on ``NOT_SECRET`` with its reason, so a new token URL cannot be
forgotten.
"""

import logging
import re
from urllib.parse import parse_qsl, quote

REDACTED = "…"

# The path before the secret; the secret is the next segment (up to "/", "?" or the end).
# Longer prefixes first: "/billets/modifier/<token>/" is not a ticket called "modifier".
CAPABILITY_PREFIXES = (
    "/billets/modifier/",  # a registration change to confirm (7 days)
    "/billets/",  # a ticket, its QR code and its cancel page
    "/inscription/confirmer/",  # a sign-up's double opt-in
    "/inscription/modifier/",  # a sign-up change to confirm
    "/tables/suivre/",  # following a table's news: the double opt-in
    "/tables/arreter/",  # stopping a table's news
    "/projets/suivre/",  # following a project: the double opt-in
    "/projets/arreter/",  # stopping a project's news
    "/projets/invitations/",  # joining a project's team
    "/invitations/",  # accepting a role in a territory
    "/rappels/",  # a person's reminder preferences
    "/ecran/",  # the plenary screen for the projector
    "/mes-donnees/lien/",  # access to or erasure of a person's data
    "/compte/confirm-email/",  # allauth: confirming an address
    "/compte/password/reset/key/",  # allauth: setting a new password
)

# Route prefixes (as the URL conf writes them) with a code-like parameter that is no secret.
NOT_SECRET = {
    # Table codes are printed on the tables and shown on the plenary screen: anyone in the room
    # reads them, a phone joins with one for the night only, and whoever helps a table that has
    # trouble needs to find it in the logs.
    "t/<str:code>/": "table code, printed on the table and projected",
    # The console's code names the table; the console itself needs a facilitator's sign-in.
    "espace/tables/<str:code>/": "table code, behind a sign-in",
}

# Query-string parameters that may carry a secret: their value is replaced, the name kept.
SECRET_PARAMETERS = frozenset({"token", "code", "key", "secret", "signature", "cle", "jeton"})

_CAPABILITY = re.compile(
    "^(?P<prefix>(?:" + "|".join(re.escape(p) for p in CAPABILITY_PREFIXES) + "))[^/?#]+"
)


def redact_query(query: str) -> str:
    """A query string (without "?") whose secret parameters' values are "…" and whose other
    values that are capability paths (``?next=/billets/x/``) are redacted."""
    pairs = parse_qsl(query, keep_blank_values=True)
    redacted = [
        (name, REDACTED if name.lower() in SECRET_PARAMETERS else redact_text(value))
        for name, value in pairs
    ]
    if redacted == pairs:
        return query
    return "&".join(
        quote(name, safe="") + "=" + (value if value == REDACTED else quote(value, safe="/…"))
        for name, value in redacted
    )


def redact_path(path: str) -> str:
    """``path`` (with its query string, if any) with every capability secret replaced by "…".

    ``/billets/AbC…xyz/qr.svg`` → ``/billets/…/qr.svg``; ``/x/?token=abc`` → ``/x/?token=…``.
    Anything else is returned unchanged.
    """
    path_part, question, query = path.partition("?")
    path_part = _CAPABILITY.sub(lambda m: m.group("prefix") + REDACTED, path_part, count=1)
    if question:
        return path_part + "?" + redact_query(query)
    return path_part


def redact_text(text: str) -> str:
    """Every path or URL in a log line redacted: runserver's ``GET /billets/x/ HTTP/1.1``, a
    referer ``https://site/billets/x/``, a redirect's ``Location``. Other words are kept."""
    if "/" not in text:
        return text
    return " ".join(_redact_word(word) for word in text.split(" "))


def _redact_word(word: str) -> str:
    if word.startswith("/"):
        return redact_path(word)
    scheme, separator, rest = word.partition("://")
    if separator and scheme.isalpha():
        host, slash, path = rest.partition("/")
        return scheme + separator + host + (redact_path(slash + path) if slash else "")
    return word


class RedactPathFilter(logging.Filter):
    """A logging filter that redacts paths in log records (settings ``LOGGING``): runserver's
    request line (``django.server``), "Not Found: <path>" (``django.request``), a CSRF refusal
    (``django.security.csrf``), and whatever reaches the console handler.
    (The ``request`` a record carries is left alone: no handler here prints it.)"""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_redact_argument(arg) for arg in record.args)
        elif isinstance(record.args, dict):
            record.args = {name: _redact_argument(arg) for name, arg in record.args.items()}
        elif isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        return True


def _redact_argument(arg: object) -> object:
    return redact_text(arg) if isinstance(arg, str) else arg
