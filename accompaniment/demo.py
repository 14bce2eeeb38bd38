"""The accompaniment's part of ``manage.py load_demo``: the Roubaix projects published by the
projects app's demo, at different months of their accompaniment.

Idempotent: the default milestones and offers are looked up by title; a project's plan is the
marker of its whole accompaniment (milestones, updates, jobs, needs, meetings), built once in one
transaction, through the domain functions where they exist (so the history says who did what).
A project the projects app did not publish is skipped.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accompaniment.domain import indicators, jobs, plans
from accompaniment.domain.needs import state_need
from accompaniment.enums import Aggregation, Contract, JobKind, NeedKind
from accompaniment.models import (
    MeetingNote,
    MilestoneTemplate,
    NeedMatch,
    Plan,
    ProjectUpdate,
    ResourceOffer,
)
from projects.models import Project

# The Lille metropolis' default milestones: (month, title, description).
TEMPLATES = [
    (1, "Équipe constituée", "Les rôles sont répartis, un·e porteur·se est désigné·e."),
    (2, "Étude des besoins", "Les personnes concernées ont été rencontrées."),
    (4, "Prototype", "Une première version est testée avec de vrais utilisateurs."),
    (6, "Structure juridique", "Association, SCIC, SAS… le projet a une forme."),
    (8, "Premier financement", "Subvention, prêt d'honneur ou premier client."),
    (12, "Premier recrutement", "Un premier emploi est créé."),
    (18, "Modèle économique consolidé", "Le projet tient sans l'accompagnement."),
]

# (organisation, kind, title, description, contact name, contact e-mail)
OFFERS = [
    (
        "Mairie de Roubaix",
        NeedKind.PREMISES,
        "Garage municipal rue de l'Épeule",
        "Un garage chauffé pour un véhicule, de novembre à mars.",
        "Service patrimoine",
        "patrimoine@ville-roubaix.demo",
    ),
    (
        "Damartex",
        NeedKind.MENTORING,
        "Vingt heures de mentorat par des cadres",
        "Finance, logistique et ressources humaines.",
        "Sophie Lemaire",
        "mecenat@damartex.demo",
    ),
    (
        "SoBizHub",
        NeedKind.NETWORK,
        "Mise en réseau avec les entrepreneurs sociaux",
        "Un petit-déjeuner mensuel et l'annuaire du réseau.",
        "Thomas Delattre",
        "contact@sobizhub.demo",
    ),
    (
        "Humanis",
        NeedKind.FUNDING,
        "Appel à projets « Bien vieillir »",
        "Jusqu'à 15 000 € pour les projets qui rompent l'isolement des seniors.",
        "Fondation Humanis",
        "fondation@humanis.demo",
    ),
]


@dataclass
class Story:
    """One project's accompaniment so far. Dates are offsets in days from the plan's start."""

    slug: str
    months: int
    start_offset: int
    done: dict[str, tuple[int, str]] = field(default_factory=dict)  # title → (day, note)
    updates: list[tuple[int, str, bool]] = field(default_factory=list)  # (month, text, public)
    silent_since: int | None = None  # the last update's age in days, when the team went quiet
    jobs: list[tuple[int, int, str, str, str, str]] = field(default_factory=list)
    needs: list[tuple[str, str, str | None]] = field(default_factory=list)  # kind, text, offer
    meetings: list[tuple[int, str, str]] = field(default_factory=list)
    # Indicators beyond jobs: (name, unit, baseline, target, aggregation, description,
    # [(month of the plan, value, outcome, evidence)]); outcome: verified, declared or returned.
    indicators: list[tuple] = field(default_factory=list)


STORIES = [
    Story(
        slug="numeribus",
        months=18,
        start_offset=0,
        done={
            "Équipe constituée": (20, "Cinq personnes, dont deux anciens chauffeurs d'Ilévia."),
            "Étude des besoins": (55, "42 seniors rencontrés dans trois résidences."),
            "Prototype": (118, "Première tournée à l'Alma le 30 septembre : 17 personnes."),
        },
        updates=[
            (1, "L'équipe s'est réunie chaque semaine ; un bus d'occasion est repéré.", False),
            (2, "Rencontres dans trois résidences : les seniors veulent surtout la visio.", True),
            (3, "Le bus est acheté grâce à un prêt d'honneur.", False),
            (4, "Première tournée à l'Alma : 17 personnes, beaucoup de sourires.", True),
            (5, "Deux tournées par semaine ; une animatrice recrutée en CDI.", True),
        ],
        jobs=[
            (110, 1, Contract.PERMANENT, "1", JobKind.CREATED, "verified"),
            (140, 1, Contract.FIXED_TERM, "0.5", JobKind.CREATED, "declared"),
        ],
        needs=[
            (NeedKind.PREMISES, "Un garage pour le bus pendant l'hiver.", "Garage municipal"),
            (NeedKind.FUNDING, "Financer une deuxième tournée hebdomadaire.", None),
        ],
        meetings=[
            (40, "Point d'étape : étude des besoins presque finie.", "Chercher un bus d'occasion."),
            (150, "Le prototype fonctionne ; préparer la structure juridique.", "Statuts SCIC."),
        ],
        indicators=[
            (
                "Seniors rencontrés",
                "personnes",
                "0",
                "300",
                Aggregation.SUM,
                "Personnes de plus de 70 ans venues au bus au moins une fois dans le mois.",
                [
                    (2, "42", "verified", "Étude des besoins : trois résidences."),
                    (4, "17", "verified", "Première tournée à l'Alma."),
                    (5, "58", "declared", "Feuilles d'émargement des tournées."),
                ],
            ),
            (
                "Seniors autonomes en visio",
                "personnes",
                "0",
                "60",
                Aggregation.LATEST,
                "Seniors qui appellent leurs proches en visio sans aide, à la fin du mois.",
                [
                    (4, "6", "verified", "Bilan de l'animatrice."),
                    (5, "11", "declared", "Bilan de l'animatrice."),
                ],
            ),
        ],
    ),
    Story(
        slug="orientation-partagee",
        months=24,
        start_offset=27,
        done={"Équipe constituée": (15, "Trois lycéens, deux conseillères d'orientation.")},
        updates=[
            (1, "Premiers ateliers dans deux lycées de Roubaix.", True),
            (2, "Maquette de l'application testée par 30 élèves.", False),
        ],
        silent_since=52,
        jobs=[(60, 1, Contract.APPRENTICESHIP, "1", JobKind.CREATED, "returned")],
        needs=[
            (
                NeedKind.SKILLS,
                "Un·e développeur·se mobile bénévole quelques heures par mois.",
                None,
            ),
            (NeedKind.MENTORING, "Un regard sur le modèle économique.", None),
        ],
        indicators=[
            (
                "Jeunes maintenus en formation",
                "jeunes",
                "0",
                "40",
                Aggregation.LATEST,
                "Élèves suivis qui n'ont pas décroché, à la fin du mois.",
                [
                    (1, "8", "verified", "Listes des deux lycées."),
                    (2, "14", "returned", "Listes des lycées."),
                ],
            ),
        ],
    ),
    Story(
        slug="six-mois-pour-rebondir",
        months=18,
        start_offset=89,
        updates=[(1, "Deux logements identifiés avec un bailleur social.", True)],
        jobs=[(30, 1, Contract.INTEGRATION, "0.8", JobKind.CREATED, "declared")],
        needs=[
            (NeedKind.PREMISES, "Des logements meublés pour six mois.", None),
            (NeedKind.NETWORK, "Rencontrer les associations d'insertion du quartier.", None),
        ],
        meetings=[(20, "Premier rendez-vous : le bailleur est partant.", "Convention à signer.")],
        indicators=[
            (
                "Personnes relogées",
                "personnes",
                "0",
                "12",
                Aggregation.SUM,
                "Personnes entrées dans un logement meublé pour six mois.",
                [(1, "2", "verified", "Baux signés."), (2, "1", "declared", "Bail signé.")],
            ),
        ],
    ),
]


def _templates(territory) -> None:
    for order, (month, title, description) in enumerate(TEMPLATES):
        MilestoneTemplate.objects.get_or_create(
            territory=territory,
            title=title,
            defaults={"month": month, "description": description, "order": order},
        )


def _offers(territory, organisations) -> dict[str, ResourceOffer]:
    offers = {}
    for organisation, kind, title, description, contact, email in OFFERS:
        offers[title], _created = ResourceOffer.objects.get_or_create(
            territory=territory,
            title=title,
            defaults={
                "organisation": organisations.get(organisation),
                "kind": kind,
                "description": description,
                "contact_name": contact,
                "contact_email": email,
            },
        )
    return offers


def _tell(project: Project, story: Story, made, offers: dict[str, ResourceOffer]) -> None:
    team = made.accounts.get("project team member")
    coach = made.accounts.get("coach")
    organiser = made.accounts.get("organiser")
    today = timezone.localdate()
    starts_on = made.territory.evening_on + datetime.timedelta(days=story.start_offset)
    plans.start_plan(project=project, months=story.months, starts_on=starts_on, by=coach)
    for milestone in project.milestones.filter(title__in=story.done):
        day, note = story.done[milestone.title]
        plans.mark_milestone_done(
            milestone=milestone,
            revision=milestone.revision,
            done_on=min(starts_on + datetime.timedelta(days=day), today),
            note=note,
            by=team,
            today=today,
        )
    now = timezone.now()
    for month, text, is_public in story.updates:
        first_day = plans.add_months(starts_on, month - 1).replace(day=1)
        if first_day > today:
            continue
        # Written directly: the demo's old news are not e-mailed to anyone.
        update = ProjectUpdate.objects.create(
            project=project,
            month=first_day,
            text=text,
            is_public=is_public,
            author=team,
            news_sent_at=now if is_public else None,
        )
        # A month's news is written as it ends.
        written = min(
            timezone.make_aware(
                datetime.datetime.combine(plans.add_months(first_day, 1), datetime.time(18))
            ),
            now,
        )
        ProjectUpdate.objects.filter(pk=update.pk).update(created_at=written)
    if story.silent_since is not None:
        ProjectUpdate.objects.filter(project=project).update(
            created_at=now - datetime.timedelta(days=story.silent_since)
        )
    for day, number, contract, fte, kind, outcome in story.jobs:
        job = jobs.declare_job(
            project=project,
            occurred_on=min(starts_on + datetime.timedelta(days=day), today),
            number=number,
            contract=contract,
            fte=Decimal(fte),
            kind=kind,
            evidence_note="Contrat signé, copie remise au coach.",
            by=team,
            today=today,
        )
        if outcome == "verified":
            jobs.verify_job(job=job, by=coach)
        elif outcome == "returned":
            jobs.return_job(
                job=job,
                reason="Joignez le contrat d'apprentissage signé, s'il vous plaît.",
                by=coach,
            )
    for kind, description, offer_prefix in story.needs:
        need = state_need(project=project, kind=kind, description=description, by=team)
        if offer_prefix:
            offer = next(o for title, o in offers.items() if title.startswith(offer_prefix))
            # Written directly: ``match_need`` would e-mail both sides.
            NeedMatch.objects.create(
                need=need,
                offer=offer,
                matched_by=organiser,
                note="Le garage est libre dès novembre : appelez le service patrimoine.",
            )
    _indicators(project, story, made, starts_on)
    for day, text, next_steps in story.meetings:
        met_on = starts_on + datetime.timedelta(days=day)
        if met_on <= today:
            MeetingNote.objects.create(
                project=project, met_on=met_on, text=text, next_steps=next_steps, author=coach
            )


def _indicators(project: Project, story: Story, made, starts_on: datetime.date) -> None:
    """The story's indicators and their values, month by month, through the domain: written by
    the team and verified by the coach when they hold those roles on the project, else by an
    organiser."""
    organiser = made.accounts.get("organiser")

    def who(role: str, perm: str):
        person = made.accounts.get(role)
        if person is not None and person.has_perm(perm, project):
            return person
        return organiser

    team = who("project team member", "accompaniment.declare_indicator_values")
    coach = who("coach", "accompaniment.verify_indicator_values")
    if team == coach:
        # Four eyes: nobody verifies what she declared; the platform then declares.
        team = None
    today = timezone.localdate()
    for name, unit, baseline, target, aggregation, description, values in story.indicators:
        indicator = indicators.define_indicator(
            project=project,
            name=name,
            unit=unit,
            baseline=Decimal(baseline),
            target=Decimal(target),
            aggregation=aggregation,
            description=description,
            by=team,
        )
        for month, value, outcome, evidence in values:
            period_start = plans.add_months(starts_on, month - 1)
            if period_start > today:
                continue
            period_end = plans.add_months(starts_on, month) - datetime.timedelta(days=1)
            record = indicators.declare_value(
                indicator=indicator,
                period_start=period_start,
                period_end=min(period_end, today),
                value=Decimal(value),
                evidence_note=evidence,
                by=team,
                today=today,
            )
            if outcome == "verified":
                indicators.verify_value(record=record, by=coach)
            elif outcome == "returned":
                indicators.return_value(
                    record=record,
                    reason="Précisez les établissements : le chiffre a presque doublé.",
                    by=coach,
                )


def load(made) -> None:
    territory = made.territory
    with transaction.atomic():
        _templates(territory)
        offers = _offers(territory, made.organisations)
    projects = {
        p.slug: p
        for p in Project.objects.filter(
            territory=territory, slug__in=[story.slug for story in STORIES]
        )
    }
    started = set(
        Plan.objects.filter(project__in=projects.values()).values_list("project__slug", flat=True)
    )
    for story in STORIES:
        project = projects.get(story.slug)
        if project is None or story.slug in started:
            continue
        with transaction.atomic():
            _tell(project, story, made, offers)
    # The network's territories further along their cycle (it imports this module's milestones).
    from accompaniment import demo_network

    demo_network.load(made)
