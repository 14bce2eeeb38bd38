"""Attendees keep a thread after the night: an address left at the table (double opt-in by a
signed link, consent dated), and what becomes of the table's ideas sent to it — once when the
table's projects are born, once when each is published — with a stop link in every e-mail.

Exactly once per follower and occasion: one transaction inserts the TableNewsSent row (its
unique pair is the guard) and sends the e-mail, as the evening's reminders do; a failed send
records nothing and the next run tries again, a second run finds the row and skips.
"""

import datetime
import logging
import secrets
from collections.abc import Sequence

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from events.enums import EventStatus, Phase
from events.extensions import PublicProject
from events.models import (
    FormedProject,
    Participant,
    Registration,
    Table,
    TableFollower,
    TableNewsSent,
)
from events.queries_outcome import born_projects_shown
from territoire.errors import Refused
from territoire.outbox import enqueue
from territoire.text import one_line
from territoire.tokens import is_urlsafe_token

logger = logging.getLogger(__name__)

CONFIRMATION_SALT = "events.table_follower.confirm"
CONFIRMATION_MAX_AGE = datetime.timedelta(days=7)
FORMED = "formed"


class TableFollowRefused(Refused):
    """The address or the link cannot be used; says why."""


def published_occasion(project_id: int) -> str:
    return f"published:{project_id}"


def confirmation_token(follower: TableFollower) -> str:
    return signing.dumps(follower.token, salt=CONFIRMATION_SALT)


def stop_url(follower: TableFollower) -> str:
    return settings.SITE_URL + reverse("table_follow_stop", kwargs={"token": follower.token})


def follow_table(
    *, table: Table, email: str, participant: Participant | None = None, language: str = ""
) -> TableFollower:
    """Ask to hear what becomes of ``table``'s ideas at ``email``; nothing but the confirmation
    is sent until its owner confirms.

    One row per table and address (case aside): asking again sends a new link (its validity
    counted from now, ``requested_at``), unless the address is already confirmed and not
    stopped (then nothing is sent).
    Raises TableFollowRefused for an empty or invalid address.
    Side effects: one TableFollower created or updated; a confirmation e-mail queued after
    commit when a confirmation is needed.
    """
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise TableFollowRefused(_("Indiquez une adresse e-mail valide."), field="email") from None
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    with transaction.atomic():
        follower = (
            TableFollower.objects.select_for_update()
            .filter(table=table, email__iexact=email)
            .first()
        ) or TableFollower(table=table, email=email)
        follower.language = language
        follower.participant = participant or follower.participant
        needs_confirmation = follower.confirmed_at is None or follower.stopped_at is not None
        if needs_confirmation:
            follower.token = secrets.token_urlsafe(32)
            follower.requested_at = timezone.now()
            follower.confirmed_at = follower.stopped_at = None
        try:
            with transaction.atomic():
                follower.save()
        except IntegrityError:
            return TableFollower.objects.get(table=table, email__iexact=email)
        if needs_confirmation:
            _send_confirmation(follower, table)
    return follower


def _send_confirmation(follower: TableFollower, table: Table) -> None:
    url = settings.SITE_URL + reverse(
        "table_follow_confirm", kwargs={"token": confirmation_token(follower)}
    )
    with translation.override(follower.language):
        context = {
            "table": table,
            "challenge": table.challenge,
            "url": url,
            "stop_url": stop_url(follower),
            "days": CONFIRMATION_MAX_AGE.days,
        }
        subject = _("Confirmez : suivre les idées de la table %(table)s") % {"table": table.name}
        body = render_to_string("events/email/table_follow_confirmation.txt", context)
    enqueue("territoire.send_email", subject=subject, body=body, to=[follower.email])


def confirm_table_following(*, token: str) -> TableFollower:
    """Confirm the follower a link was made for: their consent, dated. Twice changes nothing.

    Raises TableFollowRefused with a message for the person.
    Side effects: ``confirmed_at`` set.
    """
    try:
        raw = signing.loads(token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE)
    except signing.SignatureExpired:
        raise TableFollowRefused(
            _("Ce lien a expiré. Laissez à nouveau votre adresse pour en recevoir un autre.")
        ) from None
    except signing.BadSignature:
        raise TableFollowRefused(_("Ce lien de confirmation n'est pas valide.")) from None
    with transaction.atomic():
        follower = (
            TableFollower.objects.select_for_update()
            .select_related("table__challenge")
            .filter(token=raw)
            .first()
        )
        if follower is None or follower.stopped_at is not None:
            raise TableFollowRefused(
                _("Ce lien a été remplacé par un plus récent, ou a déjà servi.")
            )
        if follower.confirmed_at is None:
            follower.confirmed_at = timezone.now()
            follower.save(update_fields=["confirmed_at"])
    return follower


def stop_table_following(*, token: str) -> TableFollower:
    """Send nothing more to the follower whose token is in the link. Twice changes nothing.

    Raises TableFollowRefused for an unknown link (one not shaped as our tokens is not looked
    up: PostgreSQL refuses a NUL in a query).
    Side effects: ``stopped_at`` set.
    """
    if not is_urlsafe_token(token):
        raise TableFollowRefused(_("Ce lien n'est pas valide."))
    with transaction.atomic():
        follower = (
            TableFollower.objects.select_for_update()
            .select_related("table__challenge")
            .filter(token=token)
            .first()
        )
        if follower is None:
            raise TableFollowRefused(_("Ce lien n'est pas valide."))
        if follower.stopped_at is None:
            follower.stopped_at = timezone.now()
            follower.save(update_fields=["stopped_at"])
    return follower


def _send_news(follower: TableFollower, table: Table, template: str, context: dict) -> None:
    with translation.override(follower.language):
        context = context | {"table": table, "stop_url": stop_url(follower)}
        body = render_to_string(template, context)
        subject = render_to_string(template.replace(".txt", "_subject.txt"), context).strip()
    EmailMultiAlternatives(subject=one_line(subject), body=body, to=[follower.email]).send()


def send_table_news(*, table: Table, occasion: str, template: str, context: dict) -> int:
    """E-mail ``table``'s confirmed followers about ``occasion``, each exactly once.

    Returns how many were sent. A failed send is logged and left for the next run.
    Side effects: one TableNewsSent row and one e-mail per follower not yet told.
    """
    already = TableNewsSent.objects.filter(follower=OuterRef("pk"), occasion=occasion)
    followers = TableFollower.objects.filter(
        table=table, confirmed_at__isnull=False, stopped_at__isnull=True
    ).exclude(Exists(already))
    sent = 0
    for follower in followers.order_by("pk"):
        try:
            with transaction.atomic():
                _row, created = TableNewsSent.objects.get_or_create(
                    follower=follower, occasion=occasion
                )
                if not created:  # another run got there first
                    continue
                _send_news(follower, table, template, context)
        except Exception:
            logger.exception("table news %s to follower %s failed", occasion, follower.pk)
            continue
        sent += 1
    return sent


def _links(projects: Sequence[FormedProject]) -> list[dict]:
    """The projects as the public may see them (``born_projects_shown``), with absolute links."""
    return [
        {
            "name": born.name,
            "pitch": born.formed.pitch,
            "url": settings.SITE_URL + born.url if born.url else "",
        }
        for born in born_projects_shown(projects)
    ]


def announce_formed_projects(*, table: Table) -> int:
    """Tell the table's followers which projects were born there (one e-mail each), with the
    links of those already public.

    Side effects: as ``send_table_news``.
    """
    projects = list(FormedProject.objects.filter(table=table).order_by("created_at", "pk"))
    if not projects:
        return 0
    return send_table_news(
        table=table,
        occasion=FORMED,
        template="events/email/table_news_formed.txt",
        context={"challenge": table.challenge, "projects": _links(projects)},
    )


def announce_published_project(*, table: Table, project_id: int, project: PublicProject) -> int:
    """Tell the table's followers that one of its projects is published, with the link to its
    page (where they may follow it). Called by the projects app once the project is public.

    Side effects: as ``send_table_news``.
    """
    return send_table_news(
        table=table,
        occasion=published_occasion(project_id),
        template="events/email/table_news_published.txt",
        context={
            "challenge": table.challenge,
            "project": {"name": project.name, "url": settings.SITE_URL + project.url},
        },
    )


def tables_to_announce():
    """Tables whose night is over, that formed projects and have a confirmed follower not yet
    told of them."""
    told = TableNewsSent.objects.filter(follower=OuterRef("pk"), occasion=FORMED)
    waiting = TableFollower.objects.filter(
        table=OuterRef("pk"), confirmed_at__isnull=False, stopped_at__isnull=True
    ).exclude(Exists(told))
    return (
        Table.objects.filter(Q(phase=Phase.CLOSED) | Q(event__status=EventStatus.FINISHED))
        .filter(project_count__gt=0)
        .filter(Exists(waiting))
        .select_related("challenge")
        .order_by("pk")
    )


def ask_registered_followers() -> int:
    """People who asked, when registering, for their table's news: once the table they sat at
    is over, the confirmation e-mail (the double opt-in's second step). Returns how many.

    Side effects: as ``follow_table``, for each such participant not asked yet; their
    registration's request cleared (it became a TableFollower: an unconfirmed one, deleted
    when its link expires, is not asked again).
    """
    asked = TableFollower.objects.filter(
        table=OuterRef("table"), email__iexact=OuterRef("registration__email")
    )
    participants = (
        Participant.objects.filter(
            Q(table__phase=Phase.CLOSED) | Q(table__event__status=EventStatus.FINISHED),
            registration__table_news_asked_at__isnull=False,
            table__project_count__gt=0,
        )
        .exclude(Exists(asked))
        .select_related("registration", "table__challenge")
        .order_by("pk")
    )
    count = 0
    for participant in participants:
        registration = participant.registration
        assert registration is not None  # as filtered
        with transaction.atomic():
            Registration.objects.filter(pk=registration.pk).update(table_news_asked_at=None)
            try:
                follow_table(
                    table=participant.table,
                    email=registration.email,
                    participant=participant,
                    language=registration.language,
                )
            except TableFollowRefused:
                continue
        count += 1
    return count


def send_due_table_news(*, now: datetime.datetime | None = None) -> int:
    """The sweep (beat, every 15 minutes): the projects born at closed tables to their
    followers; the confirmation to those who asked when registering; addresses never confirmed
    forgotten once their last link has expired. Returns how many news were sent.

    An address that was told something and asked again after stopping is kept, unconfirmed
    (nothing is sent to it): its TableNewsSent rows are what keeps each e-mail once.
    Side effects: as ``announce_formed_projects`` and ``ask_registered_followers``;
    unconfirmed TableFollowers without news sent, whose link has expired, deleted.
    """
    now = now or timezone.now()
    TableFollower.objects.filter(
        confirmed_at__isnull=True, requested_at__lt=now - CONFIRMATION_MAX_AGE
    ).exclude(Exists(TableNewsSent.objects.filter(follower=OuterRef("pk")))).delete()
    ask_registered_followers()
    return sum(announce_formed_projects(table=table) for table in tables_to_announce())
