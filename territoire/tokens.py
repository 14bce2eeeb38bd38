"""The secrets our links carry, and the rows a link names by one.

The shape of a secret is checked before a token reaches a query.

Every random token we issue comes from ``secrets.token_urlsafe`` (letters, digits, ``-`` and
``_``). A link typed or forged with anything else (a NUL character, which PostgreSQL refuses
in a query) cannot be one of ours: the view answers as for an unknown token, without asking
the database.
"""

import datetime
import hashlib
import json
import re
import secrets
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from territoire.errors import Refused

if TYPE_CHECKING:
    from territoire.models import PendingChange

Row = TypeVar("Row", bound=models.Model)
Change = TypeVar("Change", bound="PendingChange")


class IssuedLink(Protocol):
    """A row behind an e-mailed link: it knows when it was issued."""

    created_at: datetime.datetime


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


# The rows such a link names (a pending change, a privacy request) share their columns:
# ``secret_digest``, ``created_at``, ``used_at``. What follows finds them, ages them and purges
# them; what a row allows once found is its domain's rule.


def issue_link(rows: models.Manager[Row], **fields: Any) -> str:
    """Create one row with ``fields`` and a fresh secret's digest; return the secret.

    Side effects: one row created.
    """
    secret = new_link_secret()
    rows.create(secret_digest=secret_digest(secret), **fields)
    return secret


def row_for_secret(rows: models.QuerySet[Row], token: str) -> Row | None:
    """The row of ``rows`` a link's secret names, or None (a malformed token asks no query)."""
    if not is_urlsafe_token(token):
        return None
    return rows.filter(secret_digest=secret_digest(token)).first()


def has_expired(row: IssuedLink, max_age: datetime.timedelta) -> bool:
    """Whether the link of ``row`` (issued at its ``created_at``) is older than ``max_age``."""
    return row.created_at <= timezone.now() - max_age


def purge_expired_links(
    model: type[models.Model], max_age: datetime.timedelta, now: datetime.datetime | None = None
) -> int:
    """Delete the rows of ``model`` whose link expired, used or not. Returns how many."""
    cutoff = (now or timezone.now()) - max_age
    _total, by_model = model._default_manager.filter(created_at__lte=cutoff).delete()
    return by_model.get(model._meta.label, 0)


# A pending change (territoire.models.PendingChange): a record's details proposed by whoever
# typed its address, applied by a link, once, while the record has not changed since.


def fingerprint(values: dict) -> str:
    """A short digest of ``values`` (JSON-serialisable): a record's state, a proposal's key."""
    return hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:32]


def live_change(
    rows: models.QuerySet[Change],
    token: str,
    *,
    max_age: datetime.timedelta,
    refused: type[Refused],
) -> Change:
    """The pending change a link names, used or not. Raises ``refused`` with the message for the
    person when the link is unknown or expired."""
    row = row_for_secret(rows, token)
    if row is None:
        raise refused(_("Ce lien de confirmation n'est pas valide."))
    if has_expired(row, max_age):
        raise refused(
            _("Ce lien a expiré. Remplissez à nouveau le formulaire pour en recevoir un autre.")
        )
    return row


def check_unspent(row: "PendingChange", state: str | None, *, refused: type[Refused]) -> None:
    """Raise ``refused`` unless ``row`` is unused and its record's state is still ``state``
    (None: the record is gone)."""
    if row.used_at is not None or state is None or state != row.state:
        raise refused(
            _("Ce lien a déjà servi, ou votre inscription a changé depuis : il ne s'applique plus.")
        )
