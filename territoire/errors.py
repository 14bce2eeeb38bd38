"""The one refusal type every domain raises: a change refused for a reason the person can act on.

Each app keeps its own subclasses (``RegistrationRefused``, ``ProjectRefused``...) where a caller
catches them specifically; every one is a ``Refused``, so forms and views show any of them the
same way (``territoire.forms.apply_refusal``: on its field, or for the whole form).
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
