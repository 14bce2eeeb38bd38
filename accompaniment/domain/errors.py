"""What the accompaniment's domain raises when it refuses a change, with a readable reason."""


class Refused(ValueError):
    """A change refused for a reason the person can act on; ``str()`` is that reason, in French
    (or the active language), ready to show. ``field`` names the form field it is about, if any."""

    def __init__(self, message, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class StaleEdit(Refused):
    """Someone else saved the same object since the form was opened. ``current`` is the object
    as it stands now, to show beside what the person typed."""

    def __init__(self, message, *, current) -> None:
        super().__init__(message)
        self.current = current
