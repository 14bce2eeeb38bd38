"""Validation of the evening's registration form and of the door's walk-in form."""

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from challenges.enums import ChallengeStatus
from challenges.forms import PublicForm
from challenges.models import Challenge
from events.domain.checkin import WALK_IN_CONSENT_TEXT
from events.models import Event, Registration, Table
from territoire.form_fields import model_choice_field
from territoire.model_fields import max_length


def _max_length(field_name: str) -> int:
    return max_length(Registration, field_name)


def challenges_for_registration(event: Event) -> QuerySet[Challenge]:
    """The challenges one may prefer: the territory's open ones that have a table at the event,
    or all its open ones while no table is set."""
    at_event = Table.objects.filter(event=event)
    return Challenge.objects.filter(
        Exists(at_event.filter(challenge=OuterRef("pk"))) | ~Exists(at_event),
        territory_id=event.territory_id,
        status=ChallengeStatus.OPEN,
    ).order_by("order", "title")


class ChallengeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Challenge) -> str:
        return obj.title


NAME_ERRORS = {
    "required": _("Indiquez votre nom."),
    "max_length": _("%(limit_value)d caractères au plus (vous en avez tapé %(show_value)d)."),
}
EMAIL_ERRORS = {
    "required": _("Indiquez votre adresse e-mail."),
    "invalid": _("Cette adresse e-mail n'est pas valide."),
    "max_length": _("%(limit_value)d caractères au plus (vous en avez tapé %(show_value)d)."),
}
ORGANISATION_ERRORS = {
    "max_length": _("%(limit_value)d caractères au plus (vous en avez tapé %(show_value)d)."),
}


class RegistrationForm(PublicForm):
    full_name = forms.CharField(
        label=_("Votre nom complet"),
        max_length=_max_length("full_name"),
        error_messages=NAME_ERRORS,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        max_length=_max_length("email"),
        help_text=_("Vous y recevrez votre billet et les rappels avant la soirée."),
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation_name = forms.CharField(
        label=_("Votre organisation (facultatif)"),
        required=False,
        max_length=_max_length("organisation_name"),
        error_messages=ORGANISATION_ERRORS,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    preferred_challenges = ChallengeChoiceField(
        label=_("Les tables qui vous intéressent"),
        queryset=Challenge.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Facultatif : vous choisirez votre table le soir même."),
        error_messages={
            "invalid_choice": _("Choisissez parmi les tables proposées."),
            "invalid_pk_value": _("Choisissez parmi les tables proposées."),
        },
    )
    consent_to_be_named = forms.BooleanField(
        label=_("J'accepte d'être nommé·e dans la synthèse des débats"),
        required=False,
        help_text=_(
            "Sans votre accord, la synthèse ne cite que votre organisation. "
            "Vous pourrez changer d'avis le soir même."
        ),
    )
    table_news = forms.BooleanField(
        label=_("Après la soirée, m'écrire ce que deviennent les idées de ma table"),
        required=False,
        help_text=_(
            "Un e-mail pour confirmer quand votre table se termine, puis un quand ses projets "
            "sont formés et un quand chacun est publié. Un lien pour arrêter dans chacun."
        ),
    )
    consent = forms.BooleanField(
        label=_("J'accepte la politique de confidentialité"),
        error_messages={
            "required": _(
                "Votre accord est nécessaire pour vous inscrire : cochez la case après avoir lu "
                "la politique de confidentialité."
            )
        },
    )

    field_order = [
        "full_name",
        "email",
        "organisation_name",
        "preferred_challenges",
        "consent_to_be_named",
        "table_news",
        "consent",
    ]

    def __init__(self, *args, event: Event, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "preferred_challenges").queryset = challenges_for_registration(
            event
        )

    def registration_fields(self) -> dict:
        """The cleaned values, as ``register()`` takes them."""
        return {
            name: self.cleaned_data[name]
            for name in (
                "full_name",
                "email",
                "organisation_name",
                "preferred_challenges",
                "consent_to_be_named",
                "table_news",
            )
        }


class WalkInForm(forms.Form):
    full_name = forms.CharField(
        label=_("Nom complet"),
        max_length=_max_length("full_name"),
        error_messages={**NAME_ERRORS, "required": _("Indiquez le nom de la personne.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )
    email = forms.EmailField(
        label=_("Adresse e-mail (facultatif)"),
        required=False,
        help_text=_(
            "Si la personne s'était inscrite avec cette adresse, son inscription est retrouvée."
        ),
        max_length=_max_length("email"),
        error_messages=EMAIL_ERRORS,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    organisation_name = forms.CharField(
        label=_("Organisation (facultatif)"),
        required=False,
        max_length=_max_length("organisation_name"),
        error_messages=ORGANISATION_ERRORS,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    consented = forms.BooleanField(
        label=WALK_IN_CONSENT_TEXT,
        required=False,
        help_text=_(
            "À cocher par la personne elle-même. Sans son accord, son nom ne figure que sur la "
            "liste de présence de ce soir et son adresse n'est pas gardée."
        ),
    )

    def walk_in_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("full_name", "email", "organisation_name", "consented")
        }
