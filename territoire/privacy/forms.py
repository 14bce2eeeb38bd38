"""Forms of the privacy pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from territoire.privacy.links import ACCESS, ERASURE


class DataRequestForm(forms.Form):
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        max_length=254,
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Cette adresse e-mail n'est pas valide."),
        },
    )
    action = forms.ChoiceField(
        label=_("Vous souhaitez"),
        choices=[
            (ACCESS, _("recevoir une copie de mes données")),
            (ERASURE, _("faire effacer mes données")),
        ],
        initial=ACCESS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez ce que vous souhaitez faire.")},
    )


class ErasureConfirmForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "Je comprends que mes données et mon compte seront effacés, définitivement, "
            "dans tous les territoires."
        ),
        error_messages={"required": _("Cochez la case pour confirmer l'effacement.")},
    )
