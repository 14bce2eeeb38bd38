"""gunicorn's access log without capability secrets (``gunicorn.conf.py``: ``logger_class``).

gunicorn writes the request line, the path, the query string, the referer and any header asked
for by ``access_log_format``; each of them may hold a ticket's or a link's secret. This logger
redacts them all through ``territoire.logredact`` before the line is formatted.
"""

from gunicorn.glogging import Logger

from territoire.logredact import redact_query, redact_text


class RedactingLogger(Logger):
    """gunicorn's logger whose access-log atoms are redacted (paths, URLs, token parameters)."""

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        for name, value in atoms.items():
            if isinstance(value, str):
                atoms[name] = redact_text(value)
        for name in ("q", "{query_string}e"):
            if isinstance(atoms.get(name), str):
                atoms[name] = redact_query(atoms[name])
        return atoms
