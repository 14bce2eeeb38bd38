"""What the accompaniment's domain raises when it refuses a change, with a readable reason:
the common ``Refused`` and ``StaleEdit`` (territoire/errors.py)."""

from territoire.errors import Refused, StaleEdit

__all__ = ["Refused", "StaleEdit"]
