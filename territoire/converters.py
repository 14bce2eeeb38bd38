"""URL converters. ``<id:pk>`` takes the place of ``<int:pk>`` for database ids: only ASCII
digits, and never more than a bigint holds, so that a typed or tampered
``/jalons/99999999999999999999/`` is a 404 instead of an "integer out of range" server error."""

from django.urls import register_converter

from territoire.inputs import MAX_DIGITS


class DatabaseIdConverter:
    """A database id in a URL: 1 to 18 ASCII digits (below PostgreSQL's bigint maximum)."""

    regex = f"[0-9]{{1,{MAX_DIGITS}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(DatabaseIdConverter, "id")
