import rules
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from territoire.enums import ReportStatus, Role


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


def enums(request: HttpRequest) -> dict:
    """The core's enumerations, so that templates compare with members
    (``report.status == ReportStatus.READY``), never with their values written as strings.
    Each app exposes its own (events/context_processors.py, projects/context_processors.py);
    a template rendered without a request gets the enums it compares in its context."""
    return {"ReportStatus": ReportStatus, "Role": Role}
