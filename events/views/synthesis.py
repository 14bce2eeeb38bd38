"""The table's synthesis, written by its facilitators: who proposed what, and quotes, each with
the person's consent to be named, which the facilitator can ask for but only the person gives,
on her phone (without it, the synthesis shows the organisation only)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    HttpResponse,
)
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.decorators.vary import vary_on_headers

from events.domain.facilitation import (
    FacilitationRefused,
    add_quote,
    add_synthesis_contribution,
    delete_quote,
    delete_synthesis_contribution,
    update_quote,
    update_synthesis_contribution,
)
from events.models import Participant, Quote, SynthesisContribution, Table
from events.queries_live import synthesis_items
from events.views.console import (
    get_table_for_console,
    posted_int,
    see_other,
    synthesis_url,
)
from territoire.form_fields import choice_field
from territoire.forms import apply_refusal
from territoire.http import AuthenticatedRequest, HtmxRequest


class SynthesisItemForm(forms.Form):
    """What a contribution and a quote share: who, from where, the text, and whether to ask the
    person (on her phone) if she may be named. Her answer is never a field here: it is hers."""

    participant = forms.TypedChoiceField(
        label=gettext_lazy("Participant·e de la table"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy("Facultatif : reprend son nom et son organisation."),
    )
    name = forms.CharField(label=gettext_lazy("Nom"), max_length=150, required=False)
    organisation_name = forms.CharField(
        label=gettext_lazy("Organisation"), max_length=200, required=False
    )
    ask_consent = forms.BooleanField(
        label=gettext_lazy("Lui demander, sur son téléphone, si elle ou il accepte d'être nommé·e"),
        required=False,
        help_text=gettext_lazy(
            "La personne répond elle-même depuis la page de la table. Sans son accord, la "
            "synthèse n'imprime que l'organisation. Il faut avoir choisi la participante ou le "
            "participant ci-dessus."
        ),
    )

    def __init__(self, *args, participants: list[Participant], **kwargs):
        super().__init__(*args, **kwargs)
        self.participants = {p.pk: p for p in participants}
        choice_field(self, "participant").choices = [("", "—")] + [
            (p.pk, _participant_label(p)) for p in participants
        ]

    def clean(self) -> dict:
        super().clean()
        cleaned = self.cleaned_data
        if cleaned.get("ask_consent") and cleaned.get("participant") not in self.participants:
            self.add_error(
                "ask_consent",
                gettext_lazy(
                    "Pour lui demander son accord, choisissez la personne parmi les "
                    "participant·es de la table : elle répondra sur son téléphone."
                ),
            )
        return cleaned

    @property
    def chosen(self) -> dict:
        """The domain's keyword arguments, from cleaned data."""
        data = self.cleaned_data
        return {
            "participant": self.participants.get(data["participant"]),
            "organisation_name": data["organisation_name"],
            "text": data["text"],
            "ask_consent": data["ask_consent"],
        }


class ContributionForm(SynthesisItemForm):
    text = forms.CharField(
        label=gettext_lazy("Ce qu'elle ou il propose"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QuoteForm(SynthesisItemForm):
    text = forms.CharField(
        label=gettext_lazy("Citation"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


SYNTHESIS_FORMS = {"contribution": ContributionForm, "quote": QuoteForm}


def _participant_label(participant: Participant) -> str:
    parts = [participant.display_name, participant.organisation_name]
    return " — ".join(part for part in parts if part)


def _initial_for(item) -> dict:
    return {
        "participant": item.participant_id,
        "name": getattr(item, "person_name", None) or getattr(item, "speaker_name", ""),
        "organisation_name": item.organisation_name,
        "text": item.text,
    }


def _prefill(request: HtmxRequest, kind: str, participants: list[Participant]) -> dict:
    """Initial values of an add form from the participant chosen in it, keeping the text typed."""
    chosen_id = posted_int(request.GET.get(f"{kind}-participant"))
    chosen = next((p for p in participants if p.pk == chosen_id), None)
    initial: dict[str, object] = {"text": request.GET.get(f"{kind}-text", "")[:5000]}
    if chosen is not None:
        initial |= {
            "participant": chosen.pk,
            "name": chosen.display_name,
            "organisation_name": chosen.organisation_name,
        }
    return initial


def _add_form(
    request: HtmxRequest, table: Table, kind: str, participants: list[Participant], data=None
) -> SynthesisItemForm:
    """An empty add form (or one pre-filled from a participant, or bound). Choosing a participant
    in it asks the server, with htmx, for the same form pre-filled with their name and choice."""
    initial = _prefill(request, kind, participants) if request.GET.get("prefill") == kind else None
    form = SYNTHESIS_FORMS[kind](data, prefix=kind, participants=participants, initial=initial)
    form.fields["participant"].widget.attrs.update(
        {
            "hx-get": synthesis_url(table) + f"?prefill={kind}",
            "hx-trigger": "change",
            "hx-target": f"#{kind}-add",
            "hx-swap": "outerHTML",
            "hx-include": f"[name='{kind}-text']",
        }
    )
    return form


@dataclass(frozen=True)
class SynthesisRow:
    """A contribution or a quote on the synthesis page, with its edit form (the one posted,
    with its errors, when it came back)."""

    item: SynthesisContribution | Quote
    edit_form: SynthesisItemForm


def _render_synthesis(
    request: HtmxRequest,
    table: Table,
    participants: list[Participant],
    *,
    bound: tuple[str, int | None, SynthesisItemForm] | None = None,
) -> HttpResponse:
    """The synthesis page; ``bound`` is a form that came back with errors: (kind, item, form)."""
    contributions, quotes = synthesis_items(table)

    def rows(kind: str, items: Sequence[SynthesisContribution | Quote]) -> list[SynthesisRow]:
        return [
            SynthesisRow(
                item,
                bound[2]
                if bound and bound[:2] == (kind, item.pk)
                else SYNTHESIS_FORMS[kind](
                    prefix=f"edit-{kind}-{item.pk}",
                    participants=participants,
                    initial=_initial_for(item),
                ),
            )
            for item in items
        ]

    context = {
        "table": table,
        "participants": participants,
        "contributions": rows("contribution", contributions),
        "quotes": rows("quote", quotes),
    }
    for kind in SYNTHESIS_FORMS:
        context[f"{kind}_form"] = _add_form(request, table, kind, participants)
    if bound and bound[1] is None:
        context[f"{bound[0]}_form"] = bound[2]
    template = "events/console_synthesis.html"
    prefill = request.GET.get("prefill")
    if request.htmx and request.method == "GET" and prefill in {"contribution", "quote"}:
        template += f"#{prefill}-add"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
def synthesis(request: AuthenticatedRequest, code: str) -> HttpResponse:
    """The table's synthesis: who proposed what, and quotes; each action is a POST ``action``."""
    table = get_table_for_console(request, code)
    participants = list(Participant.objects.filter(table=table).order_by("display_name", "pk"))
    if request.method != "POST":
        return _render_synthesis(request, table, participants)
    action = request.POST.get("action", "")
    kind, _sep, verb = action.partition(":")
    if kind not in {"contribution", "quote"} or verb not in {"add", "edit", "delete"}:
        messages.error(request, _("Action inconnue."))
        return see_other(synthesis_url(table))
    model = SynthesisContribution if kind == "contribution" else Quote
    item: SynthesisContribution | Quote | None = None
    if verb in {"edit", "delete"}:
        item_id = posted_int(request.POST.get("item"))
        item = model.objects.filter(table=table, pk=item_id).first() if item_id else None
        if item is None:
            messages.error(request, _("Cet élément de la synthèse n'existe plus."))
            return see_other(synthesis_url(table))
        item.table = table
    if verb == "delete":
        if isinstance(item, SynthesisContribution):
            delete_synthesis_contribution(contribution=item)
            messages.success(request, _("Contribution retirée de la synthèse."))
        else:
            assert isinstance(item, Quote)
            delete_quote(quote=item)
            messages.success(request, _("Citation retirée de la synthèse."))
        return see_other(synthesis_url(table, f"#{kind}s"))

    if item is None:
        form = _add_form(request, table, kind, participants, data=request.POST)
    else:
        form = SYNTHESIS_FORMS[kind](
            request.POST, prefix=f"edit-{kind}-{item.pk}", participants=participants
        )
    if form.is_valid():
        try:
            _save_item(table, kind, item, form)
        except FacilitationRefused as refusal:
            apply_refusal(form, refusal)
        else:
            messages.success(request, _SAVED[kind, verb])
            return see_other(synthesis_url(table, f"#{kind}s"))
    messages.error(request, _("Rien n'a été enregistré : corrigez le formulaire."))
    return _render_synthesis(
        request, table, participants, bound=(kind, item.pk if item else None, form)
    )


_SAVED = {
    ("contribution", "add"): gettext_lazy("Contribution ajoutée à la synthèse."),
    ("contribution", "edit"): gettext_lazy("Contribution corrigée."),
    ("quote", "add"): gettext_lazy("Citation ajoutée à la synthèse."),
    ("quote", "edit"): gettext_lazy("Citation corrigée."),
}


def _save_item(table: Table, kind: str, item, form: SynthesisItemForm) -> None:
    fields = form.chosen
    name = form.cleaned_data["name"]
    if kind == "contribution":
        if item is None:
            add_synthesis_contribution(table=table, person_name=name, **fields)
        else:
            update_synthesis_contribution(contribution=item, person_name=name, **fields)
    elif item is None:
        add_quote(table=table, speaker_name=name, **fields)
    else:
        update_quote(quote=item, speaker_name=name, **fields)
