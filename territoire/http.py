"""The requests the views receive, typed for mypy.

Django types ``request.user`` as signed in or anonymous, and knows nothing of the ``htmx``
attribute django-htmx's middleware adds to every request (settings.MIDDLEWARE). A view annotates
its request with the class that says what it can count on: ``HtmxRequest`` everywhere,
``AuthenticatedRequest`` behind ``login_required``. The admin's methods, whose signatures are
Django's, ask ``signed_in_user``.
"""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from territoire.models import User


class HtmxRequest(HttpRequest):
    """Any request: django-htmx's middleware has set ``htmx`` on it."""

    htmx: HtmxDetails


class AuthenticatedRequest(HtmxRequest):
    """A request behind ``login_required``: its user is signed in."""

    user: User


def signed_in_user(request: HttpRequest) -> User:
    """The person behind a request that only a signed-in person reaches (the admin, whose
    site lets staff only in; an admin action)."""
    user = request.user
    assert isinstance(user, User)
    return user
