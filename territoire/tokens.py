"""The shape of the secrets our links carry, checked before a token reaches a query.

Every random token we issue comes from ``secrets.token_urlsafe`` (letters, digits, ``-`` and
``_``). A link typed or forged with anything else (a NUL character, which PostgreSQL refuses
in a query) cannot be one of ours: the view answers as for an unknown token, without asking
the database.
"""

import hashlib
import re
import secrets

URLSAFE_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_urlsafe_token(token: str) -> bool:
    """Whether ``token`` could be one of our random tokens (at most 64 URL-safe characters)."""
    return bool(URLSAFE_TOKEN.fullmatch(token))


# Links that stand for a row (a pending change, a privacy request) carry a random secret; the
# row keeps only its SHA-256, so a copy of the database opens no link.
LINK_SECRET_BYTES = 32


def new_link_secret() -> str:
    """A fresh random secret for a link: 43 URL-safe characters (256 bits)."""
    return secrets.token_urlsafe(LINK_SECRET_BYTES)


def secret_digest(secret: str) -> str:
    """The SHA-256 (hex) a row stores in place of its link's secret."""
    return hashlib.sha256(secret.encode()).hexdigest()
