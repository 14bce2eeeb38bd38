from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Contract(models.TextChoices):
    PERMANENT = "permanent", _("CDI")
    FIXED_TERM = "fixed_term", _("CDD")
    INTEGRATION = "integration", _("contrat d'insertion")
    APPRENTICESHIP = "apprenticeship", _("apprentissage")
    FREELANCE = "freelance", _("indépendant·e")


class JobKind(models.TextChoices):
    CREATED = "created", pgettext_lazy("job", "créé")
    KEPT = "kept", pgettext_lazy("job", "maintenu")


class JobStatus(models.TextChoices):
    """A job record is declared by the team, then verified by the coach or sent back."""

    DECLARED = "declared", pgettext_lazy("job status", "déclaré")
    VERIFIED = "verified", pgettext_lazy("job status", "vérifié")
    RETURNED = "returned", pgettext_lazy("job status", "renvoyé")


class NeedKind(models.TextChoices):
    FUNDING = "funding", _("financement")
    PREMISES = "premises", _("locaux")
    MENTORING = "mentoring", _("mentorat")
    NETWORK = "network", _("réseau")
    SKILLS = "skills", _("compétences")
    EQUIPMENT = "equipment", _("machines et matériel")
    OTHER = "other", pgettext_lazy("need kind", "autre")


class NeedStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("need status", "ouvert")
    MET = "met", pgettext_lazy("need status", "satisfait")
    CLOSED = "closed", pgettext_lazy("need status", "abandonné")


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", pgettext_lazy("match status", "proposée")
    ACCEPTED = "accepted", pgettext_lazy("match status", "acceptée")
    DECLINED = "declined", pgettext_lazy("match status", "déclinée")


class ReminderKind(models.TextChoices):
    MILESTONE_DUE = "milestone_due", _("jalon à échéance dans 7 jours")
    MILESTONE_OVERDUE = "milestone_overdue", _("jalon en retard")
    MILESTONE_OVERDUE_COACH = "milestone_overdue_coach", _("jalon en retard depuis 14 jours")
    NO_UPDATE = "no_update", _("pas de nouvelles depuis 30 jours")


class Aggregation(models.TextChoices):
    """How an indicator's values per period make its total."""

    SUM = "sum", _("les valeurs des périodes s'additionnent")
    LATEST = "latest", _("la dernière valeur vérifiée fait foi")
