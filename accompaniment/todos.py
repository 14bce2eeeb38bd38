"""What the accompaniment puts on an organiser's to-do card: resource offers to review, jobs and
indicator values awaiting verification, plans with no milestone, and a territory with no default
milestone."""

from django.db.models import Exists, OuterRef, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accompaniment.domain.four_eyes import awaiting
from accompaniment.enums import JobStatus
from accompaniment.models import JobRecord, Milestone, MilestoneTemplate, ResourceOffer
from accompaniment.queries_indicators import declared_values_by_territory
from projects.models import Project
from territoire.extensions import SpaceEntry, Todo, organised_territories, provide_space_todos
from territoire.models import User
from territoire.queries import count_by


@provide_space_todos
def organiser_todos(user: User, entries: list[SpaceEntry]) -> list[Todo]:
    """Resource offers to review, jobs and indicator values awaiting verification, plans with no
    milestone, and a territory with no default milestone. Five queries."""
    organised = organised_territories(user, entries)
    if not organised:
        return []
    ids = list(organised)
    offers = count_by(
        ResourceOffer.objects.filter(
            territory_id__in=ids, proposed_publicly=True, is_available=False
        ),
        "territory_id",
    )
    # Jobs, not declarations: the number each declaration counts, like the coach's and the
    # official's cards (accompaniment/cards.py).
    # Only what she may verify: not what she declared or corrected herself (four eyes).
    jobs = dict(
        JobRecord.objects.filter(project__territory_id__in=ids, status=JobStatus.DECLARED)
        .filter(awaiting(JobRecord, user, territory_path="project__territory"))
        .values("project__territory_id")
        .annotate(n=Sum("number"))
        .values_list("project__territory_id", "n")
    )
    values = declared_values_by_territory(ids, for_user=user)
    empty_plans = count_by(
        Project.objects.filter(territory_id__in=ids, plan__isnull=False).exclude(
            Exists(Milestone.objects.filter(project=OuterRef("pk")))
        ),
        "territory_id",
    )
    with_templates = set(
        MilestoneTemplate.objects.filter(territory_id__in=ids).values_list(
            "territory_id", flat=True
        )
    )
    todos = []
    for pk, territory in organised.items():
        kwargs = {"territory": territory.slug}
        portfolio = reverse("portfolio", kwargs=kwargs)
        n_offers, n_jobs, n_plans = offers.get(pk, 0), jobs.get(pk, 0), empty_plans.get(pk, 0)
        todos += [
            Todo(
                pk,
                ngettext(
                    "ressource proposée à examiner", "ressources proposées à examiner", n_offers
                ),
                n_offers,
                reverse("resource_list", kwargs=kwargs),
                order=20,
            ),
            Todo(
                pk,
                ngettext(
                    "emploi déclaré en attente de vérification",
                    "emplois déclarés en attente de vérification",
                    n_jobs,
                ),
                n_jobs,
                portfolio,
                order=30,
            ),
            Todo(
                pk,
                ngettext(
                    "valeur d'indicateur déclarée en attente de vérification",
                    "valeurs d'indicateurs déclarées en attente de vérification",
                    values.get(pk, 0),
                ),
                values.get(pk, 0),
                portfolio,
                order=35,
            ),
            Todo(
                pk,
                ngettext("plan sans aucun jalon", "plans sans aucun jalon", n_plans),
                n_plans,
                portfolio,
                order=40,
            ),
        ]
        if pk not in with_templates:
            todos.append(
                Todo(
                    pk,
                    _("territoire sans jalons par défaut : chargez le modèle 18/24 mois"),
                    1,
                    reverse("admin:territoire_territory_change", args=[pk]),
                    order=50,
                )
            )
    return todos
