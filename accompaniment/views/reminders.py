"""Choosing one's reminders: from the link in every digest (the token is the secret, no sign-in
needed) or signed in from one's space. A GET never changes anything (mail scanners open links);
the form's POST saves, its second button stops everything."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accompaniment.domain.reminders import new_token, preference_for, set_preferences
from accompaniment.models import ReminderPreference
from territoire.http import AuthenticatedRequest
from territoire.tokens import is_urlsafe_token


class ReminderPreferenceForm(forms.ModelForm):
    class Meta:
        model = ReminderPreference
        fields = ["milestones_due", "milestones_overdue", "silent_projects"]
        help_texts = {
            "milestones_due": gettext_lazy(
                "Un jalon de vos projets arrive à échéance dans les 7 jours."
            ),
            "milestones_overdue": gettext_lazy(
                "Un jalon a dépassé sa date sans être marqué atteint."
            ),
            "silent_projects": gettext_lazy(
                "Un projet n'a pas publié de point mensuel depuis 30 jours."
            ),
        }


def _preferences_page(request: HttpRequest, preference: ReminderPreference, save) -> HttpResponse:
    if request.method == "POST":
        form = ReminderPreferenceForm(request.POST, instance=preference)
        if form.is_valid():
            stop_all = "stop_all" in request.POST
            data = form.cleaned_data
            set_preferences(
                preference=save(),
                milestones_due=data["milestones_due"] and not stop_all,
                milestones_overdue=data["milestones_overdue"] and not stop_all,
                silent_projects=data["silent_projects"] and not stop_all,
                stopped=stop_all,
            )
            if stop_all:
                messages.success(request, _("Vous ne recevrez plus aucun rappel."))
            else:
                messages.success(request, _("Vos choix de rappels sont enregistrés."))
            return redirect(request.path, permanent=False)
    else:
        form = ReminderPreferenceForm(instance=preference)
    return render(
        request,
        "accompaniment/reminder_preferences.html",
        {"form": form, "preference": preference},
    )


@require_http_methods(["GET", "POST"])
def reminder_preferences(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every digest: no sign-in, the token is the secret."""
    if not is_urlsafe_token(token):  # never one of ours; PostgreSQL refuses a NUL in a query
        raise Http404
    preference = get_object_or_404(ReminderPreference.objects.select_related("user"), token=token)
    return _preferences_page(request, preference, save=lambda: preference)


@login_required
@require_http_methods(["GET", "POST"])
def my_reminder_preferences(request: AuthenticatedRequest) -> HttpResponse:
    """The same choices from one's space; the row is created by the first save."""
    preference = ReminderPreference.objects.filter(user=request.user).first() or ReminderPreference(
        user=request.user, token=new_token()
    )
    return _preferences_page(request, preference, save=lambda: preference_for(user=request.user))
