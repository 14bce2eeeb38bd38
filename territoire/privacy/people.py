"""Access and erasure of one person's data, across every app's provider.

Rendered reports: a PDF (the synthesis of an evening, a portfolio, an impact report) may print
the name of a person who asks for erasure, and it cannot be edited. Erasure therefore deletes
every rendered version of every report of the territories where the person left something
(rows, then their files once the erasure commits), and asks for a new version of the latest
of each, rendered in the background from the anonymised data (``rerender_after_erasure``): a
version replacing a published one is published as soon as it is ready. Deleting, then
rendering anew, keeps the erasure one transaction that does not depend on the PDF renderer.
"""

import logging

from allauth.account.models import EmailAddress
from django.db import models, transaction
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from territoire.impact.cache import impact_changed
from territoire.models import User
from territoire.privacy.registry import privacy_providers
from territoire.reports.models import Report

logger = logging.getLogger(__name__)


def erased_address(kind: str, pk: int) -> str:
    """The address an anonymised row keeps where one is required (unique per row, never
    deliverable: ``.invalid`` is reserved)."""
    return f"efface-{kind}-{pk}@anonyme.invalid"


def erased_address_expression(kind: str) -> Concat:
    """``erased_address`` as a database expression, for an ``update()`` over many rows."""
    return Concat(
        models.Value(f"efface-{kind}-"),
        Cast("pk", output_field=models.CharField()),
        models.Value("@anonyme.invalid"),
        output_field=models.CharField(),
    )


def iso(value) -> str | None:
    """A date or datetime as ISO 8601, None kept."""
    return value.isoformat() if value is not None else None


def account_for(email: str) -> User | None:
    """The account of this address: its own, or the one that verified it as another address."""
    email = email.strip()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        address = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
        user = address.user if address is not None else None
    return user


def export_person(email: str, user: User | None = None) -> dict:
    """Everything held about the person with ``email`` (and ``user``), by app, JSON-able."""
    email = email.strip()
    data: dict = {
        "adresse": email,
        "exporte_le": timezone.now().isoformat(),
    }
    for provider in privacy_providers():
        data[provider.app] = provider.export(email, user)
    return data


def holds_something(email: str, user: User | None = None) -> bool:
    """Whether any app holds something about this address (an account counts)."""
    if user is not None:
        return True
    return any(provider.territory_ids(email, user) for provider in privacy_providers())


def erase_person(email: str, user: User | None = None) -> dict[str, int]:
    """Remove or anonymise everything about the person, in every app, in one transaction;
    the account (if any) is deleted last. Aggregate figures (registrations, ideas, votes,
    jobs) keep their counts.

    Side effects: every provider's ``erase``; the rendered reports of the territories
    concerned deleted and their latest versions asked for again (see the module's
    docstring); the account deleted; impact figures of those territories moved. Returns how
    many rows each app changed.
    """
    # In the function: lifecycle imports territoire.tasks, which reaches this module
    # through privacy.links (an import cycle).
    from territoire.reports.lifecycle import rerender_after_erasure

    email = email.strip()
    changed: dict[str, int] = {}
    with transaction.atomic():
        territory_ids: set[int] = set()
        for provider in privacy_providers():
            territory_ids |= provider.territory_ids(email, user)
        for provider in privacy_providers():
            changed[provider.app] = provider.erase(email, user)
        reports = Report.objects.filter(territory_id__in=territory_ids)
        files = [(report.file.storage, report.file.name) for report in reports if report.file]
        again = [report.pk for report in rerender_after_erasure(reports)]
        changed["reports"] = reports.exclude(pk__in=again).delete()[0]
        # The PDFs go once the rows are gone for good (a rolled-back erasure keeps them).
        transaction.on_commit(lambda: _delete_files(files))
        if user is not None:
            user.delete()
            changed["account"] = 1
        for territory_id in sorted(territory_ids):
            impact_changed(territory_id)
    logger.info("privacy erasure done: %s", changed)
    return changed


def _delete_files(files: list) -> None:
    for storage, name in files:
        try:
            storage.delete(name)
        except OSError:  # storage away: the row is gone, the file is an orphan to sweep
            logger.warning("privacy erasure: could not delete report file %s", name)
