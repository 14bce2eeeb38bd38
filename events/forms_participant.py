"""Validation of what a participant types on a phone: a table code, a name, an idea, a contact."""

import re
import uuid
from functools import cached_property

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from challenges.forms import ParagraphsField
from events.domain.registration import normalise_ticket_code
from events.models import Participant, Registration, TeamMember
from events.models.table import IDEA_MAX_LENGTH
from events.queries_participant import checked_in_registration, normalise_code

RATE_LIMITED = _("Vous envoyez beaucoup d'idées d'un coup : patientez une minute.")
STALE_FORM = _("Ce formulaire n'est plus valide : rechargez la page et réessayez.")
PHONE_PATTERN = re.compile(r"\+?[0-9 .()-]{6,30}")


class TelInput(forms.TextInput):
    input_type = "tel"


def _max_length(model, field_name: str) -> int:
    return model._meta.get_field(field_name).max_length


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code de la table"),
        max_length=16,
        help_text=_("Il est écrit sur le chevalet de votre table, sous le QR code."),
        error_messages={"required": _("Tapez le code de votre table.")},
        widget=forms.TextInput(
            attrs={
                "class": "code-input",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "autocorrect": "off",
                "spellcheck": "false",
                "enterkeyhint": "go",
            }
        ),
    )

    def clean_code(self) -> str:
        return normalise_code(self.cleaned_data["code"])


class JoinForm(forms.Form):
    display_name = forms.CharField(
        label=_("Votre prénom ou votre nom"),
        max_length=_max_length(Participant, "display_name"),
        help_text=_("Les autres personnes de la table le verront."),
        error_messages={"required": _("Dites-nous comment vous appeler.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    organisation_name = forms.CharField(
        label=_("Votre organisation (facultatif)"),
        required=False,
        max_length=_max_length(Participant, "organisation_name"),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    consent_to_be_named = forms.BooleanField(
        label=_("J'accepte d'être nommé·e dans la synthèse de la soirée"),
        required=False,
        help_text=_("Sans votre accord, la synthèse ne cite que votre organisation."),
    )
    billet = forms.CharField(required=False, max_length=40, widget=forms.HiddenInput)

    def __init__(self, *args, event_id: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event_id = event_id
        self.registration: Registration | None = None

    @classmethod
    def for_ticket(cls, *, event_id: int, ticket_code: str) -> "JoinForm":
        """An unbound form that carries a checked-in registration's ticket code when it matches
        one. It pre-fills nothing personal: whoever typed the code (it is printed on a ticket
        anyone may see) learns neither the holder's name nor organisation, and the holder gives
        their consent to be named again, on their own phone."""
        form = cls(event_id=event_id)
        code = normalise_ticket_code(ticket_code)[:40]
        form.registration = checked_in_registration(event_id=event_id, ticket_code=code)
        if form.registration is not None:
            form.initial = {"billet": code}
        return form

    def clean_billet(self) -> str:
        code = normalise_ticket_code(self.cleaned_data["billet"])
        if code:
            self.registration = checked_in_registration(event_id=self.event_id, ticket_code=code)
            if self.registration is None:
                raise forms.ValidationError(
                    _("Ce billet n'est pas reconnu, ou n'est pas encore passé à l'accueil.")
                )
        return code

    def join_fields(self) -> dict:
        """The cleaned values, as ``join_table()`` takes them."""
        return {
            "display_name": self.cleaned_data["display_name"],
            "organisation_name": self.cleaned_data["organisation_name"],
            "consent_to_be_named": self.cleaned_data["consent_to_be_named"],
            "registration": self.registration,
        }


class IdeaForm(forms.Form):
    text = ParagraphsField(
        label=_("Proposez une idée"),
        max_length=IDEA_MAX_LENGTH,
        help_text=format_lazy(_("{limit} caractères au plus."), limit=IDEA_MAX_LENGTH),
        error_messages={
            "required": _("Écrivez votre idée avant de l'envoyer."),
            "max_length": _(
                "Votre idée fait %(show_value)d caractères : %(limit_value)d au plus, "
                "raccourcissez-la."
            ),
        },
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": IDEA_MAX_LENGTH}),
    )
    # Chosen when the form is rendered: a retried POST of that same form finds its idea again.
    client_key = forms.UUIDField(error_messages={"invalid": STALE_FORM, "required": STALE_FORM})

    @cached_property
    def render_key(self) -> uuid.UUID:
        """The key the displayed form carries: the posted one when it is usable, else a new one."""
        if self.is_bound:
            self.is_valid()
            return self.cleaned_data.get("client_key") or uuid.uuid4()
        return uuid.uuid4()

    def first_error(self) -> str:
        for name in ("client_key", "text"):
            if name in self.errors:
                return str(self.errors[name][0])
        return ""


class VoteForm(forms.Form):
    client_key = forms.UUIDField(error_messages={"invalid": STALE_FORM, "required": STALE_FORM})


class TeamJoinForm(forms.Form):
    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        required=False,
        max_length=_max_length(TeamMember, "email"),
        error_messages={"invalid": _("Cette adresse e-mail n'est pas valide.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("ou votre téléphone"),
        required=False,
        max_length=_max_length(TeamMember, "phone"),
        widget=TelInput(attrs={"autocomplete": "tel"}),
    )
    show_name_publicly = forms.BooleanField(
        label=_("Mon nom peut figurer sur la page publique du projet"),
        required=False,
        help_text=_("Sans votre accord, seule l'équipe et l'organisation connaissent votre nom."),
    )

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE_PATTERN.fullmatch(phone):
            raise forms.ValidationError(_("Ce numéro de téléphone n'est pas valide."))
        return phone

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if not self.errors and not (cleaned.get("email") or cleaned.get("phone")):
            raise forms.ValidationError(
                _("Laissez une adresse e-mail ou un numéro de téléphone à l'équipe.")
            )
        return cleaned
