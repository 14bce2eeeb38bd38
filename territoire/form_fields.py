"""A form's fields by their kind, for the forms that set their choices when they are built.

``form.fields[name]`` is a plain ``Field`` to the type checker; these say which kind the field is
(and check it), so that its ``choices`` or ``queryset`` can be set.
"""

from django import forms


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's field ``name``, a choice field (typed, multiple or from a model)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField), name
    return field


def model_choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """The form's field ``name``, a choice among model instances (one or several)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), name
    return field
