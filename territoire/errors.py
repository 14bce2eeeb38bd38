"""The one refusal type every domain raises: a change refused for a reason the person can act on.

Each app keeps its own subclasses (``RegistrationRefused``, ``ProjectRefused``...) where a caller
catches them specifically; every one is a ``Refused``, so forms and views show any of them the
same way (``territoire.forms.apply_refusal``: on its field, or for the whole form). An edit made
over a version someone else saved first is the one ``StaleEdit``, wherever it happens.
"""


class Refused(ValueError):
    """A change refused; ``str()`` is the reason, in French (or the active language), ready to
    show. ``field`` names the form field it is about, if any; a subclass may set a default
    (``field = "email"``) that a raise can still override."""

    field: str | None = None

    def __init__(self, message, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if field is not None:
            self.field = field

    def __str__(self) -> str:
        return str(self.message)


class StaleEdit(Refused):
    """Someone else saved the same object since the form was opened (its ``revision`` moved).

    ``current`` is what the object holds now, to show beside what the person typed (the object
    itself, or the fields a page shows; None when it was deleted meanwhile), and ``revision``
    the revision a form carries to replace it knowingly.
    """

    def __init__(self, message, *, current, revision: int | None = None) -> None:
        super().__init__(message)
        self.current = current
        self.revision = revision
