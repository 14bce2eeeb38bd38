"""Asking for a report: the scope its kind needs (an event of the territory, or a period)."""

import datetime

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from territoire.form_fields import choice_field
from territoire.models import Territory
from territoire.reports.kinds import ReportKind, Scope


class ReportRequestForm(forms.Form):
    """One form per kind on the reports page (prefixed by the kind's code)."""

    kind = forms.CharField(widget=forms.HiddenInput)
    event = forms.ChoiceField(label=_("Soirée"), required=False)
    since = forms.DateField(
        label=_("Du"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Facultatif : les projets nés à partir de cette date."),
    )
    until = forms.DateField(
        label=_("Au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Facultatif : jusqu'à cette date incluse."),
    )

    def __init__(self, *args, kind: ReportKind, territory: Territory, **kwargs) -> None:
        kwargs.setdefault("prefix", kind.code)
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("kind", kind.code)
        super().__init__(*args, **kwargs)
        self.report_kind = kind
        self.territory = territory
        if kind.needs_event:
            self.events = {event.slug: event for event in kind.events_of(territory)}
            choice_field(self, "event").choices = [("", _("— choisissez —"))] + [
                (slug, str(event)) for slug, event in self.events.items()
            ]
            self.fields["event"].required = True
            del self.fields["since"]
            del self.fields["until"]
        else:
            del self.fields["event"]
            if not kind.uses_period:
                del self.fields["since"]
                del self.fields["until"]

    def clean_kind(self) -> str:
        if self.cleaned_data["kind"] != self.report_kind.code:
            raise forms.ValidationError(_("Ce type de rapport n'est pas celui de ce formulaire."))
        return self.cleaned_data["kind"]

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        since: datetime.date | None = data.get("since")
        until: datetime.date | None = data.get("until")
        if since and until and since > until:
            self.add_error(
                "until",
                _("La fin de la période doit venir après son début (%(since)s).")
                % {"since": date_format(since, "SHORT_DATE_FORMAT")},
            )
        return data

    def scope(self) -> Scope:
        """The scope asked for (call after is_valid())."""
        data = self.cleaned_data
        return Scope(
            territory=self.territory,
            event=self.events[data["event"]] if self.report_kind.needs_event else None,
            since=data.get("since"),
            until=data.get("until"),
        )
