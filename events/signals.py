"""Keep the night's caches honest when rows they point at are deleted.

The table behind a code and the participant behind a cookie are cached for the phones' hot paths
(``events/queries_participant.py``), and so are a participant's dots (``events/domain/board.py``);
a table, participant or vote deleted (from the admin, or cascading from a table's deletion) must
not live on there.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from events.domain.board import forget_dots
from events.models import Participant, Table, Vote
from events.queries_participant import forget_participant, forget_table_code


@receiver(post_delete, sender=Table, dispatch_uid="events.forget_deleted_table")
def forget_deleted_table(sender, instance: Table, **kwargs) -> None:
    transaction.on_commit(lambda: forget_table_code(instance.code))


@receiver(post_delete, sender=Participant, dispatch_uid="events.forget_deleted_participant")
def forget_deleted_participant(sender, instance: Participant, **kwargs) -> None:
    # A table's deletion deletes its participants first: the table's row is still there.
    code = Table.objects.filter(pk=instance.table_id).values_list("code", flat=True).first()
    if code:
        transaction.on_commit(lambda: forget_participant(code, instance.key))


@receiver(post_delete, sender=Vote, dispatch_uid="events.forget_deleted_vote")
def forget_deleted_vote(sender, instance: Vote, **kwargs) -> None:
    """A vote deleted elsewhere than by its participant (an idea deleted in the admin…)."""
    forget_dots(instance.participant_id)
