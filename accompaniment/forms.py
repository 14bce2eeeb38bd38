"""Validation at the HTTP boundary; the rules themselves are in accompaniment/domain/."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from accompaniment.domain.errors import Refused
from accompaniment.domain.evidence import clean_evidence_file
from accompaniment.enums import Contract, JobKind, NeedKind, NeedStatus
from accompaniment.models import MeetingNote, ResourceOffer

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_refusal(form: forms.Form, refusal: Refused) -> None:
    """Show a domain refusal on its field (or the whole form); what was typed stays."""
    target = refusal.field if refusal.field in form.fields else None
    form.add_error(target, str(refusal))


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
        self.fields["offer"].queryset = offers


class OfferForm(forms.ModelForm):
    class Meta:
        model = ResourceOffer
        fields = ["organisation", "kind", "title", "description", "contact_name", "contact_email"]

    def __init__(self, *args, organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


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
