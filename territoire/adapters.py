"""django-allauth hooks: sign-up by invitation only, e-mails sent by a Celery task, sign-in limits
keyed on the client's real address behind our proxies."""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from territoire.clientip import client_address
from territoire.outbox import enqueue


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # Nobody signs up on their own: an organiser's invitation creates the account
        # (territoire.views.invitations).
        return False

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address allauth's rate limits count on: the client's, not our proxy's."""
        return client_address(request) or super().get_client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """Failed sign-ins are counted per account *and client address* (ACCOUNT_RATE_LIMITS
        "login_failed"): somebody who types a person's address with wrong passwords locks out
        only themselves, never that person signing in from her own connection."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{client_address(request)}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render in the request (its language, its site), send from a worker."""
        request = allauth_context.request
        full_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context,
        }
        message = self.render_mail(template_prefix, email, full_context)
        html = next(
            (
                body
                for body, mimetype in getattr(message, "alternatives", [])
                if mimetype == "text/html"
            ),
            None,
        )
        enqueue(
            "territoire.send_email",
            subject=message.subject,
            body=message.body,
            to=list(message.to),
            html=html,
        )
