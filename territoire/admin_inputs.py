"""Tampered ids in the admin. Django's admin looks posted ids up as they are in two places, so
that "abc", "²" or 99999999999999999999 is a server error ("Field 'id' expected a number",
"integer out of range") instead of a message:

- the autocomplete widgets, re-rendering an invalid form with the ids posted;
- the change list's actions, filtering on the ticked rows' ids.

Both drop such ids first: the form then says "choose a valid option", the action "select the
items to act on"."""

from typing import TYPE_CHECKING

from django.contrib.admin import helpers
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import connections
from django.db.models import Field
from django.http import HttpRequest

if TYPE_CHECKING:
    # The mixin goes before an admin class: to the type checker it is one.
    from django.contrib.admin import ModelAdmin

    _ModelAdminBase = ModelAdmin
else:
    _ModelAdminBase = object


def storable(target: Field, value: object, using: str | None = None) -> bool:
    """Whether ``value`` is a value of ``target``'s column that a lookup can take."""
    try:
        python = target.to_python(value)
    except (ValidationError, TypeError, ValueError):
        return False
    if isinstance(python, int):
        internal_type = target.get_internal_type()
        low, high = connections[using or "default"].ops.integer_field_range(internal_type)
        return (low is None or python >= low) and (high is None or python <= high)
    return True


class _KnownIdsOnly:
    """Only ids the target column can hold reach the lookup of the selected options."""

    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        return super().optgroups(name, [v for v in value if storable(target, v, self.db)], attr)


class BoundedAutocompleteSelect(_KnownIdsOnly, AutocompleteSelect):
    pass


class BoundedAutocompleteSelectMultiple(_KnownIdsOnly, AutocompleteSelectMultiple):
    pass


class KnownSelectedIdsMixin(_ModelAdminBase):
    """A change list's action acts only on ticked ids the primary key column can hold."""

    def response_action(self, request: HttpRequest, queryset):
        name = helpers.ACTION_CHECKBOX_NAME
        selected = request.POST.getlist(name)
        known = [pk for pk in selected if storable(self.model._meta.pk, pk)]
        if len(known) != len(selected):
            post = request.POST.copy()
            post.setlist(name, known)
            # The stubs type request.POST as immutable; Django lets a view put a copy in its place.
            request.POST = post  # type: ignore[assignment]
        return super().response_action(request, queryset)
