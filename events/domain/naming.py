"""A person's own answer to "may we name you in the synthesis?", given on her phone.

A facilitator asks (events/domain/facilitation.py, ``ask_consent``); only the participant the
quote or contribution is linked to answers, from the table's page on her phone. The answer is
recorded with its date and its channel; she may change it as long as the item exists.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from events.domain.board import bump
from events.models import Participant, Quote, SynthesisContribution
from territoire.errors import Refused

# How the answer was given: stored on the item, shown to the facilitator, kept for the record.
CHANNEL_TABLE_PHONE = "téléphone à la table"

NAMING_KINDS: dict[str, type[SynthesisContribution] | type[Quote]] = {
    "contribution": SynthesisContribution,
    "citation": Quote,
}


class NamingRefused(Refused):
    """Nobody asked this person about this item; the message says so."""


def answer_naming_request(
    *,
    participant: Participant,
    item: SynthesisContribution | Quote,
    accept: bool,
    channel: str = CHANNEL_TABLE_PHONE,
) -> SynthesisContribution | Quote:
    """Record the participant's own answer: named in the synthesis (``accept``) or not.

    Raises NamingRefused when the item is not linked to this participant or she was never asked.
    Side effects: the item's consent, answer date and channel saved; the table's board bumped.
    """
    if item.participant_id != participant.pk or item.naming_asked_at is None:
        raise NamingRefused(_("Personne ne vous a demandé votre accord pour ceci."))
    item.consent_to_be_named = accept
    item.naming_answered_at = timezone.now()
    item.naming_channel = channel
    with transaction.atomic():
        item.save(update_fields=["consent_to_be_named", "naming_answered_at", "naming_channel"])
        bump(item.table_id)
    return item
