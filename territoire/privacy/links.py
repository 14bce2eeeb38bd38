"""E-mailed links for people without an account: "send me my data", "erase my data".

A link names a ``PrivacyRequest`` row by a random secret (the row keeps only its SHA-256): the
address is in the row, never in the link, so a link copied into a log or a chat gives away
nobody's address. It is valid for ``LINK_MAX_AGE``. The public page answers the same whether or
not we hold something about the address (no enumeration); only an address we hold something
about receives an e-mail (and gets a row).

An access link downloads the data as often as its holder likes until it expires (a download
changes nothing, and a double click must not fail). An erasure link acts once: using it blanks
the row's address, and following it again shows the same "erased" page.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from territoire.errors import Refused
from territoire.outbox import enqueue
from territoire.privacy.models import PrivacyRequest
from territoire.privacy.people import account_for, holds_something
from territoire.tokens import has_expired, issue_link, purge_expired_links, row_for_secret

LINK_MAX_AGE = datetime.timedelta(hours=24)
ACCESS = PrivacyRequest.Action.ACCESS
ERASURE = PrivacyRequest.Action.ERASURE
ACTIONS = (ACCESS, ERASURE)


class LinkRefused(Refused):
    """The link is unknown, expired or spent; ``str()`` is the French message."""


def new_request(*, email: str, action: str) -> str:
    """Record a request for ``email`` and return its link's secret.

    Side effects: one PrivacyRequest row.
    """
    return issue_link(PrivacyRequest.objects, email=email.strip().lower(), action=action)


def read_link(token: str, *, lock: bool = False) -> PrivacyRequest:
    """The request a link stands for, while it applies. Raises LinkRefused with a message.

    A used erasure link comes back (``used_at`` set, address blanked): the caller shows the
    "erased" page again.
    """
    rows = PrivacyRequest.objects.all()
    if lock:
        rows = rows.select_for_update()
    request = row_for_secret(rows, token)
    if request is None:
        raise LinkRefused(_("Ce lien n'est pas valide."))
    if has_expired(request, LINK_MAX_AGE):
        raise LinkRefused(
            _("Ce lien a expiré. Demandez-en un nouveau depuis la page « Mes données ».")
        )
    return request


def use_erasure_link(token: str) -> PrivacyRequest:
    """Spend an erasure link: its row forgets the address before the erasure runs (which then
    leaves this row alone), so following the link again shows "erased", not an error.

    Raises LinkRefused. Side effects: the row's ``used_at`` set and ``email`` blanked.
    """
    with transaction.atomic():
        request = read_link(token, lock=True)
        if request.used_at is None:
            request.used_at = timezone.now()
            PrivacyRequest.objects.filter(pk=request.pk).update(used_at=request.used_at, email="")
    return request


def purge_expired_requests(now: datetime.datetime | None = None) -> int:
    """Delete the requests whose link expired. Returns how many. Run daily by the beat."""
    return purge_expired_links(PrivacyRequest, LINK_MAX_AGE, now)


def send_link(*, email: str, action: str, language: str | None = None) -> bool:
    """E-mail the link for ``action`` to ``email`` if we hold something about it.

    Side effects: one PrivacyRequest row and one e-mail (sent once the transaction commits).
    Returns whether one was sent; callers must not tell the person (no enumeration).
    """
    # In the function: territoire.tasks calls this module's functions (an import cycle).

    email = email.strip()
    if not holds_something(email, account_for(email)):
        return False
    secret = new_request(email=email, action=action)
    url = settings.SITE_URL + reverse("privacy_link", kwargs={"token": secret})
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        context = {
            "url": url,
            "erasure": action == ERASURE,
            "hours": int(LINK_MAX_AGE.total_seconds() // 3600),
        }
        if action == ERASURE:
            subject = _("Effacer vos données personnelles")
        else:
            subject = _("Vos données personnelles")
        body = render_to_string("territoire/email/privacy_link.txt", context)
    enqueue(
        "territoire.send_email",
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=body,
        to=[email],
    )
    return True
