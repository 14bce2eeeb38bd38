"""The admin's autocomplete widgets, safe with a tampered id: Django's re-render an invalid
form by looking up the posted ids as they are, so "abc", "²" or 99999999999999999999 in a
foreign key is a server error ("Field 'id' expected a number", "integer out of range") instead
of the form's own "choose a valid option" message. These drop such ids before the lookup."""

from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import connections


class _KnownIdsOnly:
    """Only ids the target column can hold reach the lookup of the selected options."""

    def _storable(self, value: object) -> bool:
        target = self.field.target_field
        try:
            python = target.to_python(value)
        except (ValidationError, TypeError, ValueError):
            return False
        if isinstance(python, int):
            internal_type = target.get_internal_type()
            low, high = connections[self.db or "default"].ops.integer_field_range(internal_type)
            return (low is None or python >= low) and (high is None or python <= high)
        return True

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if self._storable(v)], attr)


class BoundedAutocompleteSelect(_KnownIdsOnly, AutocompleteSelect):
    pass


class BoundedAutocompleteSelectMultiple(_KnownIdsOnly, AutocompleteSelectMultiple):
    pass
