"""Capability secrets never reach a log: runserver's and Django's request loggers, gunicorn's
access log (territoire/logredact.py, territoire/gunicorn_logging.py)."""

import logging
import re
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from gunicorn.config import Config

from events.domain.registration import ticket_token
from territoire.gunicorn_logging import RedactingLogger
from territoire.logredact import NOT_SECRET, redact_path, redact_query, redact_text
from tests.events.factories import RegistrationFactory

SECRET = "Zk9SECRETqQ"
# Parameters whose value grants something to whoever holds the URL.
SECRET_LIKE = {"token", "code", "key", "secret", "uidb36"}
ROOT = Path(__file__).resolve().parents[2]


def _routes(patterns: list, prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            routes += _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            routes.append(prefix + str(pattern.pattern))
    return routes


def _parameters(route: str) -> list[str]:
    return re.findall(r"<(?:\w+:)?(\w+)>", route)


def _sample_path(route: str) -> str:
    """A URL of ``route`` with SECRET in every secret-like parameter, "1" elsewhere."""

    def value(match: re.Match) -> str:
        return SECRET if match.group(1) in SECRET_LIKE else "1"

    path = route.replace("^", "").replace("$", "")
    path = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", value, path)
    path = re.sub(r"<(?:\w+:)?(\w+)>", value, path)
    return "/" + path


CAPABILITY_ROUTES = [
    route
    for route in _routes(get_resolver().url_patterns)
    if SECRET_LIKE & set(_parameters(route))
    and not any(route.startswith(allowed) for allowed in NOT_SECRET)
]


def test_the_url_conf_has_the_capability_routes_we_know():
    # A sanity check of the walk itself: if it found nothing, the next test would prove nothing.
    assert "billets/<str:token>/" in CAPABILITY_ROUTES
    assert "rappels/<str:token>/" in CAPABILITY_ROUTES
    assert any("password/reset/key" in route for route in CAPABILITY_ROUTES)
    assert not any(route.startswith("t/") for route in CAPABILITY_ROUTES)


@pytest.mark.parametrize("route", CAPABILITY_ROUTES)
def test_every_capability_route_is_redacted(route):
    path = _sample_path(route)
    assert SECRET in path, route
    redacted = redact_path(path)
    assert SECRET not in redacted, (
        f"{route}: add its prefix to territoire/logredact.py CAPABILITY_PREFIXES, or to "
        "NOT_SECRET with the reason it is no secret"
    )
    assert "…" in redacted


def test_every_allowed_route_still_exists():
    routes = _routes(get_resolver().url_patterns)
    for allowed in NOT_SECRET:
        assert any(route.startswith(allowed) for route in routes), allowed


def test_redact_path_keeps_what_is_no_secret():
    assert redact_path("/billets/abc/qr.svg") == "/billets/…/qr.svg"
    assert redact_path("/billets/modifier/abc/") == "/billets/modifier/…/"
    assert redact_path("/t/ABCD/tableau/") == "/t/ABCD/tableau/"
    assert redact_path("/soirees/roubaix/?page=2") == "/soirees/roubaix/?page=2"
    assert redact_path("/connexion/?token=abc&page=2") == "/connexion/?token=…&page=2"
    assert SECRET not in redact_path(f"/compte/?next=/billets/{SECRET}/")
    assert redact_query(f"code={SECRET}") == "code=…"
    line = f"GET https://site.example/rappels/{SECRET}/ HTTP/1.1 Mozilla/5.0"
    assert redact_text(line) == "GET https://site.example/rappels/…/ HTTP/1.1 Mozilla/5.0"


@pytest.mark.django_db
def test_request_logger_never_shows_a_token(client, caplog):
    """Django logs every 4xx/5xx path (``django.request``, "Not Found: /billets/…/")."""
    paths = [_sample_path(route) for route in CAPABILITY_ROUTES if "compte/" not in route]
    with caplog.at_level(logging.INFO):
        for path in paths:
            client.get(path)
    assert "Not Found" in caplog.text
    assert SECRET not in caplog.text


@pytest.mark.django_db
def test_a_refused_csrf_post_logs_no_token(caplog):
    registration = RegistrationFactory()
    token = ticket_token(registration)
    with caplog.at_level(logging.INFO):
        response = Client(enforce_csrf_checks=True).post(f"/billets/{token}/annuler/")
    assert response.status_code == 403
    assert "Forbidden" in caplog.text
    assert token not in caplog.text


def test_runserver_request_line_logs_no_token(caplog):
    """runserver's own line (``django.server``, which does not propagate to the root)."""
    handler = SimpleNamespace(
        request=None, log_date_time_string=lambda: "07/Dec/2026 20:00:00", path="/"
    )
    server_logger = logging.getLogger("django.server")
    server_logger.addHandler(caplog.handler)
    try:
        WSGIRequestHandler.log_message(
            handler, '"%s" %s %s', f"GET /billets/{SECRET}/qr.svg HTTP/1.1", "200", "512"
        )
    finally:
        server_logger.removeHandler(caplog.handler)
    assert "GET /billets/…/qr.svg HTTP/1.1" in caplog.text
    assert SECRET not in caplog.text


def test_gunicorn_access_log_atoms_hold_no_token():
    logger = RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": f"/billets/{SECRET}/annuler/?token={SECRET}",
        "PATH_INFO": f"/billets/{SECRET}/annuler/",
        "QUERY_STRING": f"token={SECRET}",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://site.example/billets/{SECRET}/",
        "HTTP_USER_AGENT": "Mozilla/5.0",
        "REMOTE_ADDR": "203.0.113.9",
    }
    response = SimpleNamespace(
        status="302 Found", sent=0, headers=[("Location", f"/billets/{SECRET}/annuler/")]
    )
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    atoms = logger.atoms(response, request, environ, SimpleNamespace(seconds=0, microseconds=5))
    line = logger.cfg.access_log_format % atoms
    assert SECRET not in line
    assert '"POST /billets/…/annuler/?token=… HTTP/1.1"' in line
    assert not [name for name, value in atoms.items() if SECRET in str(value)]


def test_gunicorn_conf_names_the_redacting_logger():
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    module, _dot, name = conf["logger_class"].rpartition(".")
    assert (module, name) == (RedactingLogger.__module__, RedactingLogger.__name__)
    # The image runs gunicorn in /app, where the build copies the checkout: nothing ignores it.
    assert "gunicorn.conf.py" not in (ROOT / ".dockerignore").read_text()
