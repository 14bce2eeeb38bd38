"""Attendees keep a thread after the night: leave an address at the table (from the phone's
table page or the page of a closed table), confirm it from the e-mail, stop from any e-mail.

Anyone with the table's code may ask (the confirmation e-mail is the proof the address is
theirs); a seated participant is linked to their request.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events.domain.table_news import (
    TableFollowRefused,
    confirm_table_following,
    follow_table,
    stop_table_following,
)
from events.forms_follow import TableFollowForm
from events.queries_participant import table_for_joining, table_is_over
from events.views.participant import join_url, seated
from territoire.forms import apply_refusal
from territoire.http import HtmxRequest
from territoire.ratelimit import allow, client_key

FOLLOW_PAGE = "events/table_follow.html"
CONFIRM_PAGE = "events/table_follow_confirm.html"


@require_http_methods(["GET", "POST"])
def table_follow(request: HtmxRequest, code: str) -> HttpResponse:
    """GET: the form alone; POST: ask for the confirmation e-mail, then back to the table."""
    code, ref, participant = seated(request, code)
    table = table_for_joining(ref.table_id)
    if table is None:  # gone since its code was read
        raise Http404
    context = {"table": table, "over": table_is_over(table), "participant": participant}
    if request.method == "GET":
        return render(request, FOLLOW_PAGE, context)
    form = TableFollowForm(request.POST, auto_id="suivre-%s")
    status = 400
    if not allow("table_follow", client_key(request), limit=10, window=600):
        form.refuse_flood()
        status = 429
    elif form.is_valid():
        try:
            follow_table(
                table=table,
                email=form.cleaned_data["email"],
                participant=participant,
                language=translation.get_language(),
            )
        except TableFollowRefused as refusal:
            apply_refusal(form, refusal)
        else:
            # The same answer whatever the address's state: the page does not tell who follows.
            messages.success(
                request,
                _(
                    "Merci ! Un e-mail vient de partir vers %(email)s : ouvrez le lien qu'il "
                    "contient pour confirmer."
                )
                % {"email": form.cleaned_data["email"]},
            )
            return redirect(join_url(code) + "#suivre")
    return render(request, FOLLOW_PAGE, context | {"follow_form": form}, status=status)


def _answer(request: HtmxRequest, token: str, action: str, act) -> HttpResponse:
    # E-mail scanners open links: a GET only shows the button, the POST acts.
    if request.method == "GET":
        return render(request, CONFIRM_PAGE, {"action": action})
    try:
        follower = act(token=token)
    except TableFollowRefused as refusal:
        return render(
            request, CONFIRM_PAGE, {"action": action, "refusal": str(refusal)}, status=400
        )
    return render(request, CONFIRM_PAGE, {"action": action, "follower": follower})


@require_http_methods(["GET", "POST"])
def table_follow_confirm(request: HtmxRequest, token: str) -> HttpResponse:
    return _answer(request, token, "confirm", confirm_table_following)


@require_http_methods(["GET", "POST"])
def table_follow_stop(request: HtmxRequest, token: str) -> HttpResponse:
    return _answer(request, token, "stop", stop_table_following)
