"""The indicators' forms: validation at the HTTP boundary; the rules are in
accompaniment/domain/indicators.py."""

from typing import TYPE_CHECKING

from django import forms
from django.utils.translation import gettext_lazy as _

from accompaniment.enums import Aggregation
from accompaniment.forms import DATE, EvidenceFileMixin
from accompaniment.models import Indicator
from territoire.form_fields import model_choice_field

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

NUMBER_ERRORS = {
    "invalid": _("Saisissez un nombre (par exemple 12 ou 12,5)."),
    "max_digits": _("Ce nombre est trop grand."),
    "max_whole_digits": _("Ce nombre est trop grand."),
    "max_decimal_places": _("Deux décimales au plus."),
}


def _number(label, required: "StrOrPromise", **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        error_messages=NUMBER_ERRORS
        | {"required": required, "min_value": _("Une valeur ne peut pas être négative.")},
        **kwargs,
    )


class IndicatorForm(forms.Form):
    name = forms.CharField(
        label=_("Intitulé"),
        max_length=150,
        help_text=_("Par exemple : « Seniors rencontrés »."),
        error_messages={"required": _("Donnez un intitulé à l'indicateur.")},
    )
    unit = forms.CharField(
        label=_("Unité"),
        max_length=50,
        help_text=_("Par exemple : personnes, repas, logements."),
        error_messages={"required": _("Indiquez l'unité (personnes, repas, logements…).")},
    )
    baseline = _number(_("Valeur de départ"), _("Indiquez la valeur de départ."), initial=0)
    target = _number(_("Objectif"), _("Indiquez l'objectif."))
    aggregation = forms.ChoiceField(
        label=_("Calcul du résultat"),
        choices=Aggregation.choices,
        initial=Aggregation.SUM,
        widget=forms.RadioSelect,
    )
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea
    )


class IndicatorValueForm(EvidenceFileMixin, forms.Form):
    """A value over a period; ``indicators`` (the project's) adds the choice of the indicator,
    left out when correcting a value (its indicator is fixed)."""

    indicator = forms.ModelChoiceField(
        label=_("Indicateur"),
        queryset=Indicator.objects.none(),
        empty_label=None,
        error_messages={
            "required": _("Choisissez l'indicateur."),
            "invalid_choice": _("Choisissez un indicateur du projet."),
        },
    )
    period_start = forms.DateField(
        label=_("Début de la période"),
        widget=DATE,
        error_messages={
            "required": _("Indiquez le début de la période."),
            "invalid": _("Saisissez une date valide."),
        },
    )
    period_end = forms.DateField(
        label=_("Fin de la période"),
        widget=DATE,
        error_messages={
            "required": _("Indiquez la fin de la période."),
            "invalid": _("Saisissez une date valide."),
        },
    )
    value = _number(_("Valeur"), _("Indiquez la valeur."))
    evidence_note = forms.CharField(
        label=_("Preuve : une note"), max_length=2000, required=False, widget=forms.Textarea
    )
    evidence_link = forms.URLField(
        label=_("Preuve : un lien (http ou https)"),
        required=False,
        assume_scheme="https",
        error_messages={"invalid": _("Saisissez une adresse web valide.")},
    )
    evidence_file = forms.FileField(
        label=_("Preuve : un fichier (PDF, JPEG, PNG, WebP, ODT, DOCX ; 10 Mo au plus)"),
        required=False,
    )

    def __init__(self, *args, indicators=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if indicators is None:
            del self.fields["indicator"]
        else:
            model_choice_field(self, "indicator").queryset = indicators
