"""Celery entry points of the projects, thin."""

from celery import shared_task

from projects.announcements import announce_publication


@shared_task(
    name="projects.announce_publication",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=600,
    max_retries=6,
)
def task_announce_publication(*, project_id: int) -> int:
    """Exactly once per follower even when run twice: the news rows are the guard."""
    return announce_publication(project_id=project_id)
