from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    """What a person does in one territory. Project team membership comes with projects."""

    ORGANISER = "organiser", pgettext_lazy("territory role", "organisateur·rice")
    FACILITATOR = "facilitator", pgettext_lazy("territory role", "animateur·rice")
    COACH = "coach", pgettext_lazy("territory role", "coach")
    OFFICIAL = "official", pgettext_lazy("territory role", "élu·e / agent·e de la collectivité")


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("entreprise")
    STARTUP = "startup", _("start-up")
    ASSOCIATION = "association", _("association")
    PUBLIC_BODY = "public_body", _("collectivité ou organisme public")
    SCHOOL = "school", _("école ou université")
    MUTUAL = "mutual", _("mutuelle ou assurance")
    NETWORK = "network", _("réseau, forum ou fédération")
    OTHER = "other", _("autre")


class ReportStatus(models.TextChoices):
    """Where one requested report stands; the page updates itself until it is ready or failed."""

    QUEUED = "queued", pgettext_lazy("report status", "en attente")
    RENDERING = "rendering", pgettext_lazy("report status", "en cours de rendu")
    READY = "ready", pgettext_lazy("report status", "prêt")
    FAILED = "failed", pgettext_lazy("report status", "échec")


class ConsentChannel(models.TextChoices):
    """Where a person gave their consent themselves (never somebody else on their behalf)."""

    WEB_FORM = "web_form", _("formulaire en ligne")
    CHECK_IN_DESK = "check_in_desk", _("accueil de la soirée")
    PHONE_AT_TABLE = "phone_at_table", _("téléphone à la table")
