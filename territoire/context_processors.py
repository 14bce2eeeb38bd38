import rules
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject


def navigation(request: HttpRequest) -> dict:
    """What the site's header needs. Asks the rules directly: ``perms.…`` would also query
    Django's model permissions (two more queries on every page) for an answer they never give."""
    user = getattr(request, "user", None)
    return {
        "can_use_admin": SimpleLazyObject(
            lambda: bool(
                user and user.is_authenticated and rules.has_perm("territoire.access_admin", user)
            )
        )
    }
