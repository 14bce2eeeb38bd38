"""Validation at the HTTP boundary; the rules themselves are in accompaniment/domain/."""

import datetime
from typing import Any, cast

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from accompaniment.domain.errors import Refused, StaleEdit
from accompaniment.domain.evidence import clean_evidence_file
from accompaniment.enums import Contract, JobKind, NeedKind, NeedStatus
from accompaniment.models import MeetingNote, ResourceOffer
from challenges.forms import ParagraphsField, PublicForm
from territoire.form_fields import model_choice_field
from territoire.model_fields import max_length

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_stale_edit(form: forms.Form, stale: StaleEdit):
    """Show that someone saved first; what was typed stays, and the form now carries the other
    version's revision, so that saving again is made knowingly over the version shown.
    Returns that version (None when it was deleted meanwhile)."""
    form.add_error(None, str(stale))
    if stale.current is not None:
        # The posted data (a QueryDict), or a dict; both copy.
        data = cast("QueryDict | dict[str, Any]", form.data).copy()
        data["revision"] = str(stale.revision)
        form.data = data
    return stale.current


class EvidenceFileMixin:
    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if not upload:
            return None
        try:
            return clean_evidence_file(upload)
        except Refused as refusal:
            raise forms.ValidationError(str(refusal)) from None


class PlanStartForm(forms.Form):
    months = forms.TypedChoiceField(
        label=_("Durée"), choices=[(18, _("18 mois")), (24, _("24 mois"))], coerce=int
    )
    starts_on = forms.DateField(label=_("Début"), widget=DATE)


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=150)
    due_on = forms.DateField(label=_("Échéance"), widget=DATE)
    description = forms.CharField(
        label=_("Description"), max_length=2000, required=False, widget=forms.Textarea
    )
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)


class MilestoneDoneForm(EvidenceFileMixin, forms.Form):
    done_on = forms.DateField(label=_("Atteint le"), widget=DATE)
    evidence_note = forms.CharField(
        label=_("Preuve : une note"), max_length=2000, required=False, widget=forms.Textarea
    )
    evidence_link = forms.URLField(
        label=_("Preuve : un lien (http ou https)"), required=False, assume_scheme="https"
    )
    evidence_file = forms.FileField(
        label=_("Preuve : un fichier (PDF, JPEG, PNG, WebP, ODT, DOCX ; 10 Mo au plus)"),
        required=False,
    )
    revision = forms.IntegerField(widget=forms.HiddenInput)


class MonthField(forms.DateField):
    """A month, typed as ``YYYY-MM`` (the browser's month picker) or a full date."""

    input_formats = ["%Y-%m", "%Y-%m-%d", "%m/%Y"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


class UpdateForm(forms.Form):
    month = MonthField(
        label=_("Mois"), widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    )
    text = forms.CharField(label=_("Nouvelles"), max_length=5000, widget=forms.Textarea)
    is_public = forms.BooleanField(
        label=_("Publique (visible sur la page du projet et envoyée à qui le suit)"),
        required=False,
    )


class JobForm(EvidenceFileMixin, forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    number = forms.IntegerField(label=_("Nombre d'emplois"))
    contract = forms.ChoiceField(label=_("Contrat"), choices=Contract.choices)
    fte = forms.DecimalField(label=_("Équivalent temps plein"), max_digits=5, decimal_places=2)
    kind = forms.ChoiceField(label=_("Créé ou maintenu"), choices=JobKind.choices)
    evidence_note = forms.CharField(
        label=_("Preuve : une note"), max_length=2000, required=False, widget=forms.Textarea
    )
    evidence_file = forms.FileField(
        label=_("Preuve : un fichier (PDF, JPEG, PNG, WebP, ODT, DOCX ; 10 Mo au plus)"),
        required=False,
    )

    def clean_number(self):
        number = self.cleaned_data["number"]
        if number is not None and not 0 < number <= 1000:
            raise forms.ValidationError(_("Le nombre d'emplois doit être entre 1 et 1 000."))
        return number


class ReturnForm(forms.Form):
    return_reason = forms.CharField(
        label=_("Ce qu'il faut corriger"), max_length=1000, widget=forms.Textarea
    )


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=NeedKind.choices)
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea)


class NeedCloseForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (NeedStatus.MET, NeedStatus.MET.label),
            (NeedStatus.CLOSED, NeedStatus.CLOSED.label),
        ]
    )


class MatchForm(forms.Form):
    offer = forms.ModelChoiceField(label=_("Ressource"), queryset=ResourceOffer.objects.none())
    note = forms.CharField(
        label=_("Message aux deux parties"), max_length=2000, required=False, widget=forms.Textarea
    )

    def __init__(self, *args, offers, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "offer").queryset = offers


class OfferForm(forms.ModelForm):
    class Meta:
        model = ResourceOffer
        fields = ["organisation", "kind", "title", "description", "contact_name", "contact_email"]

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model_choice_field(self, "organisation").queryset = organisations


def _max_length(field_name: str) -> int:
    return max_length(ResourceOffer, field_name)


class ProposeOfferForm(PublicForm):
    """A local actor, without an account, proposes a resource on the territory's public page."""

    organisation_name = forms.CharField(
        label=_("Votre organisation"),
        max_length=_max_length("organisation_name"),
        help_text=_("Entreprise, association, collectivité…"),
        error_messages={"required": _("Indiquez le nom de votre organisation.")},
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    kind = forms.ChoiceField(
        label=_("Vous proposez"),
        choices=[("", _("— choisissez —")), *NeedKind.choices],
        error_messages={
            "required": _("Choisissez ce que vous proposez : un local, du financement…"),
            "invalid_choice": _("Choisissez ce que vous proposez dans la liste."),
        },
    )
    title = forms.CharField(
        label=_("Intitulé"),
        max_length=_max_length("title"),
        help_text=_("Par exemple : « Atelier de 50 m² disponible le mardi »."),
        error_messages={"required": _("Donnez un intitulé à votre proposition.")},
    )
    description = ParagraphsField(
        label=_("Description"),
        max_length=_max_length("description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "max_length": _(
                "Votre description fait %(show_value)d caractères : %(limit_value)d au plus, "
                "raccourcissez-la."
            )
        },
    )
    contact_name = forms.CharField(
        label=_("Votre nom"),
        max_length=_max_length("contact_name"),
        error_messages={"required": _("Indiquez votre nom.")},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Cette adresse e-mail n'est pas valide."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que l'équipe d'organisation du territoire me contacte au sujet de cette "
            "proposition."
        ),
        error_messages={
            "required": _("Votre accord est nécessaire pour que l'équipe puisse vous contacter.")
        },
    )

    def offer_fields(self) -> dict:
        """The cleaned values, as ``propose_offer()`` takes them."""
        return {
            name: self.cleaned_data[name]
            for name in (
                "organisation_name",
                "kind",
                "title",
                "description",
                "contact_name",
                "contact_email",
            )
        } | {"consented": self.cleaned_data["consent"]}


class MeetingNoteForm(forms.ModelForm):
    class Meta:
        model = MeetingNote
        fields = ["met_on", "text", "next_steps"]
        widgets = {"met_on": DATE}

    def clean_met_on(self):
        met_on = self.cleaned_data["met_on"]
        if met_on > datetime.date.today():
            raise forms.ValidationError(_("Ce rendez-vous n'a pas encore eu lieu."))
        return met_on
