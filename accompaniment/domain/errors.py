"""What the accompaniment's domain raises when it refuses a change, with a readable reason:
the common ``Refused`` (territoire/errors.py), and ``StaleEdit`` for a form someone saved first."""

from territoire.errors import Refused

__all__ = ["Refused", "StaleEdit"]


class StaleEdit(Refused):
    """Someone else saved the same object since the form was opened. ``current`` is the object
    as it stands now, to show beside what the person typed."""

    def __init__(self, message, *, current) -> None:
        super().__init__(message)
        self.current = current
