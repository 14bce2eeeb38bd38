"""What facilitators and organisers post to move tables through their phases."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from events.domain.facilitation import MAX_PHASE_MINUTES
from events.enums import Phase


class PhaseForm(forms.Form):
    """A phase to start, with an optional timer: one table's console or the whole control room."""

    phase = forms.ChoiceField(label=gettext_lazy("Phase"), choices=Phase.choices)
    minutes = forms.IntegerField(
        label=gettext_lazy("Minuteur (minutes)"),
        required=False,
        min_value=1,
        max_value=MAX_PHASE_MINUTES,
        help_text=gettext_lazy("Laissez vide pour une phase sans minuteur."),
    )

    @staticmethod
    def refusal() -> str:
        return gettext("Choisissez une phase, et une durée entre 1 et %(max)d minutes.") % {
            "max": MAX_PHASE_MINUTES
        }
