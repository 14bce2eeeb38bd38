"""Leaving an address at the table to hear what becomes of its ideas."""

from django import forms
from django.utils.translation import gettext_lazy as _

from challenges.forms import PublicForm


class TableFollowForm(PublicForm):
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        max_length=254,
        error_messages={
            "required": _("Indiquez l'adresse où recevoir les nouvelles de la table."),
            "invalid": _("Cette adresse e-mail n'est pas valide."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte de recevoir un e-mail quand les projets de la table sont formés, puis "
            "quand chacun est publié."
        ),
        error_messages={"required": _("Cochez la case pour donner votre accord.")},
    )
