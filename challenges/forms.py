"""Validation of the public forms: signing up to the mobilisation, contributing to a challenge."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from challenges.enums import ActorKind, ContributionKind
from challenges.models import CONTRIBUTION_MAX_LENGTH, Challenge, Contribution, SignUp
from challenges.queries import open_challenges
from territoire.form_fields import model_choice_field
from territoire.models import Territory

REFUSED = _("Votre envoi n'a pas pu être accepté.")
RATE_LIMITED = _("Trop d'envois en peu de temps : réessayez dans quelques minutes.")


def _max_length(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


class ParagraphsField(forms.CharField):
    """Text typed in a textarea: browsers send "\\r\\n" line breaks, counted here as one
    character, as the person saw them while typing."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else value


class PublicForm(forms.Form):
    """A form anyone may post: carries a honeypot field that people never see nor fill."""

    website = forms.CharField(
        label=_("Laissez ce champ vide"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("website"):
            raise forms.ValidationError(REFUSED, code="honeypot")
        return cleaned

    def refuse_flood(self) -> None:
        """Answer a client past its rate limit, keeping what was typed."""
        self.add_error(None, forms.ValidationError(RATE_LIMITED, code="rate_limited"))


class ContributionForm(PublicForm):
    kind = forms.ChoiceField(
        label=_("Vous apportez"),
        choices=ContributionKind.choices,
        initial=ContributionKind.IDEA,
        widget=forms.RadioSelect,
        error_messages={"required": _("Dites ce que vous apportez : un besoin, une idée…")},
    )
    text = ParagraphsField(
        label=_("Votre contribution"),
        max_length=CONTRIBUTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=format_lazy(
            _("{limit} caractères au plus. Elle sera publiée sur cette page."),
            limit=CONTRIBUTION_MAX_LENGTH,
        ),
        error_messages={
            "required": _("Écrivez votre contribution."),
            "max_length": _(
                "Votre contribution fait %(show_value)d caractères : %(limit_value)d au plus, "
                "raccourcissez-la."
            ),
        },
    )
    author_name = forms.CharField(
        label=_("Votre nom"),
        max_length=_max_length(Contribution, "author_name"),
        help_text=_("Publié avec votre contribution."),
        error_messages={"required": _("Indiquez votre nom.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    author_organisation = forms.CharField(
        label=_("Votre organisation (facultatif)"),
        required=False,
        max_length=_max_length(Contribution, "author_organisation"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    author_email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        max_length=_max_length(Contribution, "author_email"),
        help_text=_("Jamais publiée : l'équipe d'organisation peut vous recontacter."),
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Cette adresse e-mail n'est pas valide."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    field_order = ["kind", "text", "author_name", "author_organisation", "author_email"]

    def contribution_fields(self) -> dict:
        """The cleaned values, as ``contribute()`` takes them."""
        return {
            name: self.cleaned_data[name]
            for name in ("kind", "text", "author_name", "author_organisation", "author_email")
        }


class ChallengeChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Challenge) -> str:
        return obj.title


class SignUpForm(PublicForm):
    full_name = forms.CharField(
        label=_("Votre nom complet"),
        max_length=_max_length(SignUp, "full_name"),
        error_messages={"required": _("Indiquez votre nom.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        max_length=_max_length(SignUp, "email"),
        help_text=_("Vous y recevrez un lien pour confirmer votre inscription."),
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Cette adresse e-mail n'est pas valide."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organisation_name = forms.CharField(
        label=_("Votre organisation (facultatif)"),
        required=False,
        max_length=_max_length(SignUp, "organisation_name"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    actor_kind = forms.ChoiceField(
        label=_("Vous êtes"),
        choices=[("", _("— choisissez —")), *ActorKind.choices],
        error_messages={
            "required": _("Dites-nous qui vous êtes."),
            "invalid_choice": _("Choisissez une réponse de la liste."),
        },
    )
    challenges = ChallengeChoiceField(
        label=_("Les défis sur lesquels vous voulez travailler"),
        queryset=Challenge.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Facultatif : vous pourrez aussi choisir le soir même."),
        error_messages={
            "invalid_choice": _(
                "Ce défi n'est pas ouvert aux inscriptions : choisissez parmi les défis proposés."
            ),
            "invalid_pk_value": _(
                "Ce défi n'est pas ouvert aux inscriptions : choisissez parmi les défis proposés."
            ),
        },
    )
    wants_to_facilitate = forms.BooleanField(
        label=_("Je veux bien animer une table le soir de l'événement (formation proposée)"),
        required=False,
    )
    wants_to_mentor = forms.BooleanField(
        label=_("Je veux bien parrainer un projet"),
        required=False,
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
        "actor_kind",
        "challenges",
        "wants_to_facilitate",
        "wants_to_mentor",
        "consent",
    ]

    def __init__(self, *args, territory: Territory, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "challenges").queryset = open_challenges(territory)

    def signup_fields(self) -> dict:
        """The cleaned values, as ``sign_up()`` takes them."""
        return {
            name: self.cleaned_data[name]
            for name in (
                "full_name",
                "email",
                "organisation_name",
                "actor_kind",
                "challenges",
                "wants_to_facilitate",
                "wants_to_mentor",
            )
        }
