from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ProjectStatus(models.TextChoices):
    """Where a project stands in its accompaniment."""

    DRAFT = "draft", pgettext_lazy("project status", "en préparation")
    ACTIVE = "active", pgettext_lazy("project status", "accompagné")
    PAUSED = "paused", pgettext_lazy("project status", "en pause")
    GRADUATED = "graduated", pgettext_lazy("project status", "autonome")
    STOPPED = "stopped", pgettext_lazy("project status", "arrêté")


class MemberRole(models.TextChoices):
    LEAD = "lead", pgettext_lazy("team role", "porteur·se")
    MEMBER = "member", pgettext_lazy("team role", "membre")


# Statuses a public showcase lists (a draft is never public).
SHOWCASE_STATUSES = (ProjectStatus.ACTIVE, ProjectStatus.PAUSED, ProjectStatus.GRADUATED)

# Statuses of a project still alive: accompanied, paused, or graduated and standing alone.
ALIVE_STATUSES = (ProjectStatus.ACTIVE, ProjectStatus.PAUSED, ProjectStatus.GRADUATED)

__all__ = ["ALIVE_STATUSES", "SHOWCASE_STATUSES", "MemberRole", "ProjectStatus", "_"]
