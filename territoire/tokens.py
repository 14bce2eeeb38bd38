"""The shape of the secrets our links carry, checked before a token reaches a query.

Every random token we issue comes from ``secrets.token_urlsafe`` (letters, digits, ``-`` and
``_``). A link typed or forged with anything else (a NUL character, which PostgreSQL refuses
in a query) cannot be one of ours: the view answers as for an unknown token, without asking
the database.
"""

import re

URLSAFE_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def is_urlsafe_token(token: str) -> bool:
    """Whether ``token`` could be one of our random tokens (at most 64 URL-safe characters)."""
    return bool(URLSAFE_TOKEN.fullmatch(token))
