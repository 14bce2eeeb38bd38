"""E-mailed links for people without an account: "send me my data", "erase my data".

A link is the address and the request, signed (``django.core.signing``) and valid for
``LINK_MAX_AGE``. The public page answers the same whether or not we hold something about the
address (no enumeration); only an address we hold something about receives an e-mail.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from territoire.outbox import enqueue
from territoire.privacy.people import account_for, holds_something

LINK_SALT = "territoire.privacy.link"
LINK_MAX_AGE = datetime.timedelta(hours=24)
ACCESS = "access"
ERASURE = "erasure"
ACTIONS = (ACCESS, ERASURE)


class LinkRefused(ValueError):
    """The link is tampered, expired or for nothing we know; ``str()`` is the French message."""


def link_token(email: str, action: str) -> str:
    return signing.dumps({"e": email.strip().lower(), "a": action}, salt=LINK_SALT)


def read_link(token: str) -> tuple[str, str]:
    """The (address, action) a link was made for. Raises LinkRefused with a message."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise LinkRefused(
            _("Ce lien a expiré. Demandez-en un nouveau depuis la page « Mes données ».")
        ) from None
    except (signing.BadSignature, ValueError, TypeError, UnicodeError):
        raise LinkRefused(_("Ce lien n'est pas valide.")) from None
    if not isinstance(data, dict) or data.get("a") not in ACTIONS or not data.get("e"):
        raise LinkRefused(_("Ce lien n'est pas valide."))
    return str(data["e"]), str(data["a"])


def send_link(*, email: str, action: str, language: str | None = None) -> bool:
    """E-mail the link for ``action`` to ``email`` if we hold something about it.

    Side effects: one e-mail (sent once the transaction commits). Returns whether one was sent;
    callers must not tell the person (no enumeration).
    """
    from territoire.tasks import task_send_email

    email = email.strip()
    if not holds_something(email, account_for(email)):
        return False
    url = settings.SITE_URL + reverse("privacy_link", kwargs={"token": link_token(email, action)})
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
        task_send_email,
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
        body=body,
        to=[email],
    )
    return True
