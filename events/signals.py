"""Keep the night's caches honest when rows they point at are deleted.

The table behind a code is cached for the phones' pages (``events/queries_participant.py``), and
so are a participant's dots (``events/domain/board.py``); a table or vote deleted (from the
admin, or cascading from a table's deletion) must not live on there. A deleted participant needs
nothing: the phone's cookie names them, and every write and page checks that they still sit there.
"""

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from events.domain.board import forget_dots
from events.models import Table, Vote
from events.queries_participant import forget_table_code


@receiver(post_delete, sender=Table, dispatch_uid="events.forget_deleted_table")
def forget_deleted_table(sender, instance: Table, **kwargs) -> None:
    transaction.on_commit(lambda: forget_table_code(instance.code))


@receiver(post_delete, sender=Vote, dispatch_uid="events.forget_deleted_vote")
def forget_deleted_vote(sender, instance: Vote, **kwargs) -> None:
    """A vote deleted elsewhere than by its participant (an idea deleted in the admin…)."""
    forget_dots(instance.participant_id)
