"""The team's monthly updates."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accompaniment.domain.errors import Refused
from accompaniment.domain.updates import post_update
from accompaniment.forms import UpdateForm
from accompaniment.views.common import project_for, project_kwargs
from territoire.forms import apply_refusal
from territoire.http import AuthenticatedRequest


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def update_list(request: AuthenticatedRequest, territory: str, slug: str) -> HttpResponse:
    project = project_for(request, territory, slug, "accompaniment.read_project_space")
    can_change = request.user.has_perm("accompaniment.change_project_space", project)
    form = UpdateForm(initial={"month": timezone.localdate().replace(day=1)})
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        form = UpdateForm(request.POST)
        if form.is_valid():
            try:
                post_update(project=project, by=request.user, **form.cleaned_data)
            except Refused as refusal:
                apply_refusal(form, refusal)
            else:
                messages.success(request, _("Point mensuel publié."))
                return redirect(reverse("update_list", kwargs=project_kwargs(project)))
    return render(
        request,
        "accompaniment/update_list.html",
        {
            "project": project,
            "updates": project.updates.select_related("author"),
            "form": form if can_change else None,
        },
    )
