"""What the domain reads of a model's fields: their maximum lengths, to refuse a text too long
with a sentence instead of a database error."""

from django.db.models import Field, Model


def max_length(model: type[Model], name: str) -> int:
    """The maximum length of ``model``'s text field ``name``."""
    field = model._meta.get_field(name)
    assert isinstance(field, Field) and field.max_length is not None, name
    return field.max_length
