"""The impact page's filter: a period and a challenge, read from a plain GET form."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from territoire.form_fields import choice_field
from territoire.impact.registry import ImpactFilter, impact_challenges
from territoire.models import Territory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIELDS = ("depuis", "jusqua", "defi")


class ImpactFilterForm(forms.Form):
    depuis = forms.DateField(label=_("Depuis le"), required=False, widget=DATE)
    jusqua = forms.DateField(label=_("Jusqu'au"), required=False, widget=DATE)
    defi = forms.TypedChoiceField(label=_("Défi"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, challenges: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "defi").choices = [("", _("Tous les défis")), *challenges]
        for field in self.fields.values():
            field.error_messages.setdefault("invalid", _("Saisissez une date valide."))

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        since, until = cleaned.get("depuis"), cleaned.get("jusqua")
        if since and until and since > until:
            self.add_error(
                "jusqua",
                _("La fin de la période doit venir après son début (%(since)s).")
                % {"since": since.strftime("%d/%m/%Y")},
            )
        return cleaned


def filter_from_request(
    request: HttpRequest, territory: Territory, *, today: datetime.date | None = None
) -> tuple[ImpactFilter, ImpactFilterForm]:
    """The filter the GET parameters ask for, and its form (bound, with its errors, when the
    request carries any). Invalid parameters narrow nothing: the page shows every figure and
    the form says what was wrong, keeping what was typed."""
    today = today or timezone.localdate()
    challenges = impact_challenges(territory)
    data = request.GET if any(name in request.GET for name in FIELDS) else None
    form = ImpactFilterForm(data, challenges=challenges)
    impact = ImpactFilter(territory=territory, today=today)
    if data is not None and form.is_valid():
        impact = ImpactFilter(
            territory=territory,
            since=form.cleaned_data["depuis"],
            until=form.cleaned_data["jusqua"],
            challenge_id=form.cleaned_data["defi"],
            today=today,
        )
    return impact, form


def querystring(impact: ImpactFilter) -> str:
    """The GET parameters that ask for ``impact`` again (downloads keep the page's filter)."""
    parameters = {
        "depuis": impact.since.isoformat() if impact.since else "",
        "jusqua": impact.until.isoformat() if impact.until else "",
        "defi": impact.challenge_id or "",
    }
    return urlencode({name: value for name, value in parameters.items() if value})
