"""Needs of the projects and the territory's resources that answer them."""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accompaniment.domain.errors import Refused
from accompaniment.enums import NeedKind, NeedStatus
from accompaniment.models import Need, NeedMatch, ResourceOffer
from projects.models import Project
from territoire.audit import record
from territoire.enums import Role
from territoire.impact.cache import impact_changed
from territoire.models import Membership, Organisation, Territory, User
from territoire.outbox import enqueue

# The wording of the public offer form's consent box (accompaniment/forms.py ProposeOfferForm):
# change it when that text changes, so each offer says which text its author accepted.
OFFER_CONSENT_VERSION = "2026-12"


def state_need(*, project: Project, kind: str, description: str, by: User | None) -> Need:
    """The team states a need (funding, premises, mentoring…).

    Raises Refused for an unknown kind or an empty description. Side effects: one Need row.
    """
    if kind not in NeedKind.values:
        raise Refused(_("Choisissez le type de besoin."), field="kind")
    if not description.strip():
        raise Refused(_("Décrivez ce dont le projet a besoin."), field="description")
    need = Need.objects.create(project=project, kind=kind, description=description.strip())
    impact_changed(project.territory_id)
    return need


def close_need(*, need: Need, status: str, by: User | None) -> Need:
    """Close a need: met, or given up. Raises Refused for a need already closed.

    Side effects: the need's status.
    """
    if status not in (NeedStatus.MET, NeedStatus.CLOSED):
        raise Refused(_("Dites si le besoin est satisfait ou abandonné."))
    updated = Need.objects.filter(pk=need.pk, status=NeedStatus.OPEN).update(status=status)
    if not updated:
        raise Refused(_("Ce besoin est déjà clos."))
    need.status = status
    impact_changed(need.project.territory_id)
    return need


def record_offer(
    *,
    territory: Territory,
    kind: str,
    title: str,
    contact_name: str,
    contact_email: str,
    description: str = "",
    organisation: Organisation | None = None,
    by: User | None,
) -> ResourceOffer:
    """An organiser records what a local actor offers the territory's projects.

    Raises Refused for an organisation of another territory. Side effects: one ResourceOffer.
    """
    if organisation is not None and organisation.territory_id != territory.pk:
        raise Refused(_("Cette organisation n'est pas de ce territoire."), field="organisation")
    return ResourceOffer.objects.create(
        territory=territory,
        organisation=organisation,
        kind=kind,
        title=title,
        description=description,
        contact_name=contact_name,
        contact_email=contact_email,
    )


def propose_offer(
    *,
    territory: Territory,
    organisation_name: str,
    kind: str,
    title: str,
    description: str,
    contact_name: str,
    contact_email: str,
    consented: bool,
) -> ResourceOffer:
    """A local actor, without an account, proposes a resource on the territory's public page.

    ``consented`` is the box the person ticked ("the organisers may contact me"): without it
    nothing is stored. Its date and the version of its wording (``OFFER_CONSENT_VERSION``) are
    kept on the offer.
    The offer is not matchable until an organiser accepts it (``accept_offer``). Raises Refused
    without consent, for an unknown kind or an empty title. Side effects: one ResourceOffer
    (unavailable, proposed publicly); after commit, one e-mail to each organiser of the territory.
    """
    if not consented:
        raise Refused(
            _("Votre accord est nécessaire pour que l'équipe puisse vous contacter."),
            field="consent",
        )
    if kind not in NeedKind.values:
        raise Refused(_("Choisissez le type de ressource."), field="kind")
    if not title.strip():
        raise Refused(_("Donnez un intitulé à votre proposition."), field="title")
    offer = ResourceOffer.objects.create(
        territory=territory,
        organisation_name=organisation_name.strip(),
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        is_available=False,
        proposed_publicly=True,
        contact_consented_at=timezone.now(),
        contact_consent_version=OFFER_CONSENT_VERSION,
    )
    send_proposal_emails(offer=offer)
    return offer


def send_proposal_emails(*, offer: ResourceOffer) -> int:
    """Tell the territory's organisers that a local actor proposed a resource to review.

    Returns the number of e-mails queued (on commit). Side effects: e-mail tasks.
    """
    territory = offer.territory
    emails = sorted(
        set(
            Membership.objects.filter(territory=territory, role=Role.ORGANISER).values_list(
                "user__email", flat=True
            )
        )
    )
    url = settings.SITE_URL + reverse("resource_list", kwargs={"territory": territory.slug})
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Une ressource proposée à examiner : %(offer)s") % {"offer": offer.title}
        body = render_to_string(
            "accompaniment/email/offer_proposed.txt", {"offer": offer, "url": url}
        )
        for email in emails:
            enqueue("territoire.send_email", subject=subject, body=body, to=[email])
    return len(emails)


def accept_offer(*, offer: ResourceOffer, by: User | None) -> ResourceOffer:
    """An organiser accepts a resource proposed on the public page: it becomes matchable.

    Raises Refused for an offer already available. Side effects: the offer's availability.
    """
    updated = ResourceOffer.objects.filter(pk=offer.pk, is_available=False).update(
        is_available=True
    )
    if not updated:
        raise Refused(_("Cette ressource est déjà disponible."))
    offer.is_available = True
    record(by, "offer.accept", offer)
    return offer


def match_need(*, need: Need, offer: ResourceOffer, by: User | None, note: str = "") -> NeedMatch:
    """Put a project's need in touch with a resource offer; both sides are told by e-mail.

    Raises Refused for an offer of another territory, an unavailable offer, a closed need or a
    match already made. Side effects: one NeedMatch row; after commit, one e-mail to each team
    member with an account and one to the offer's contact.
    """
    project = need.project
    if offer.territory_id != project.territory_id:
        raise Refused(_("Cette ressource n'est pas proposée sur ce territoire."))
    if not offer.is_available:
        raise Refused(_("Cette ressource n'est plus disponible."))
    if need.status != NeedStatus.OPEN:
        raise Refused(_("Ce besoin est clos."))
    try:
        with transaction.atomic():
            match = NeedMatch.objects.create(need=need, offer=offer, note=note, matched_by=by)
            record(by, "need.match", need, offer=offer, territory_id=project.territory_id)
    except IntegrityError:
        raise Refused(_("Ce besoin et cette ressource sont déjà mis en relation.")) from None
    transaction.on_commit(lambda: send_match_emails(match=match))
    impact_changed(project.territory_id)
    return match


def send_match_emails(*, match: NeedMatch) -> int:
    """Tell the project's team (members with an account) and the offer's contact about a match.

    Returns the number of e-mails queued. Side effects: e-mail tasks.
    """
    need, offer = match.need, match.offer
    project = need.project
    space_url = settings.SITE_URL + reverse(
        "need_list", kwargs={"territory": project.territory.slug, "slug": project.slug}
    )
    context = {"match": match, "need": need, "offer": offer, "project": project}
    team = sorted(
        {m.user.email for m in project.members.select_related("user") if m.user is not None}
    )
    sent = 0
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Une ressource pour votre besoin : %(offer)s") % {"offer": offer.title}
        body = render_to_string("accompaniment/email/match_team.txt", {**context, "url": space_url})
        for email in team:
            enqueue("territoire.send_email", subject=subject, body=body, to=[email])
            sent += 1
        subject = _("Mise en relation avec le projet %(project)s") % {"project": project.name}
        body = render_to_string("accompaniment/email/match_offer.txt", context)
        enqueue("territoire.send_email", subject=subject, body=body, to=[offer.contact_email])
    return sent + 1
