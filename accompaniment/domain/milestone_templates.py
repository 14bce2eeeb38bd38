"""A territory's default milestones (the plan template every new plan starts from): loaded from
the built-in 18/24-month template or copied from another territory."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accompaniment.models import MilestoneTemplate
from territoire.models import Territory, User

# (month, title, description): the milestones a Start-up de Territoire project usually meets.
# An 18-month plan takes those up to month 18 (plans.start_plan leaves the others out).
BUILT_IN = (
    (1, _("Équipe constituée"), _("Les rôles sont répartis, une personne porte le projet.")),
    (2, _("Premier rendez-vous d'accompagnement"), _("Objectifs et calendrier fixés ensemble.")),
    (3, _("Modèle économique esquissé"), _("Qui paie, pour quoi, combien.")),
    (4, _("Premier test auprès d'usagers"), _("Un prototype, un service essayé, des retours.")),
    (
        6,
        _("Financement d'amorçage demandé"),
        _("Subvention, prêt d'honneur, financement participatif."),
    ),
    (9, _("Structure juridique créée"), _("Association, SCIC, SAS… ou portage par une structure.")),
    (
        12,
        _("Premier emploi créé"),
        _("Déclaré dans l'espace du projet, vérifié par l'accompagnateur·rice."),
    ),
    (12, _("Bilan à un an"), _("Ce qui est acquis, ce qui reste à faire.")),
    (18, _("Activité régulière"), _("Des clients ou des usagers réguliers, des recettes.")),
    (18, _("Bilan de fin d'accompagnement (18 mois)"), _("Pour les plans de 18 mois.")),
    (24, _("Projet autonome"), _("Bilan final : emplois, activité, suite.")),
)


def load_built_in_templates(*, territory: Territory, by: User | None = None) -> int:
    """Give ``territory`` the built-in 18/24-month default milestones, in the site's language
    (whatever language the person loading them browses in). Idempotent: a title the territory
    already has is kept as it is. Returns how many were added.

    Side effects: MilestoneTemplate rows (one INSERT … ON CONFLICT DO NOTHING).
    """
    with translation.override(settings.LANGUAGE_CODE):
        rows = [
            MilestoneTemplate(
                territory=territory,
                title=str(title),
                description=str(description),
                month=month,
                order=index,
            )
            for index, (month, title, description) in enumerate(BUILT_IN)
        ]
    return _insert(territory, rows)


def copy_templates(*, source: Territory, territory: Territory, by: User | None = None) -> int:
    """Copy ``source``'s default milestones to ``territory``. Idempotent like the built-in load.
    Returns how many were added. Side effects: MilestoneTemplate rows."""
    rows = [
        MilestoneTemplate(
            territory=territory,
            title=template.title,
            description=template.description,
            month=template.month,
            order=template.order,
        )
        for template in MilestoneTemplate.objects.filter(territory=source)
    ]
    return _insert(territory, rows)


def _insert(territory: Territory, rows: list[MilestoneTemplate]) -> int:
    before = MilestoneTemplate.objects.filter(territory=territory).count()
    MilestoneTemplate.objects.bulk_create(rows, ignore_conflicts=True)
    return MilestoneTemplate.objects.filter(territory=territory).count() - before
