"""Numbers typed or tampered with in URLs and forms: only ASCII digits, and never more than a
database column holds, so that "²", "٣" or 99999999999999999999 is "not a number" (a 404 or a
French message), never a server error."""

import re

# 18 digits stay below PostgreSQL's bigint (9 223 372 036 854 775 807).
MAX_DIGITS = 18
_DIGITS = re.compile(r"[0-9]+")


def parse_int(value: str | None, *, max_digits: int = MAX_DIGITS) -> int | None:
    """``value`` as a non-negative integer, or None unless it is 1 to ``max_digits`` ASCII digits
    (surrounding spaces allowed)."""
    value = (value or "").strip()
    if len(value) > max_digits or not _DIGITS.fullmatch(value):
        return None
    return int(value)
