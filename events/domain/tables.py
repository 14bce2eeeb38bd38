"""Setting up the evening's tables."""

import secrets

from events.models import Table

# No 0/O, 1/I/L: the code is read aloud and typed on phones in a noisy hall.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 5


def new_table_code() -> str:
    """A short code no other table uses."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Table.objects.filter(code=code).exists():
            return code
