from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ChallengeStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("challenge status", "brouillon")
    OPEN = "open", pgettext_lazy("challenge status", "ouvert aux contributions")
    CLOSED = "closed", pgettext_lazy("challenge status", "clos")


class ActorKind(models.TextChoices):
    CITIZEN = "citizen", _("habitant·e")
    ASSOCIATION = "association", _("association")
    COMPANY = "company", _("entreprise")
    STARTUP = "startup", _("start-up ou porteur·se de projet")
    PUBLIC_BODY = "public_body", _("collectivité ou organisme public")
    STUDENT = "student", _("étudiant·e ou lycéen·ne")
    RESEARCH = "research", _("recherche ou enseignement")
    OTHER = "other", _("autre")


class ContributionKind(models.TextChoices):
    NEED = "need", _("un besoin que je constate")
    IDEA = "idea", _("une idée")
    RESOURCE = "resource", _("une ressource que je peux apporter")
