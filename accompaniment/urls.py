from django.urls import path

import territoire.converters  # noqa: F401  (registers <id:…>, a bounded database id)
from accompaniment.views import (
    indicators,
    jobs,
    milestones,
    needs,
    offers_public,
    portfolio,
    reminders,
    space,
    updates,
)

PROJECT = "espace/projets/<slug:territory>/<slug:slug>/"
TERRITORY = "espace/territoires/<slug:territory>/"

urlpatterns = [
    # Reminders: from the digest's link (no sign-in, the token is the secret) or one's space.
    path("rappels/<str:token>/", reminders.reminder_preferences, name="reminder_preferences"),
    path("espace/rappels/", reminders.my_reminder_preferences, name="my_reminder_preferences"),
    # A project's space
    path(PROJECT, space.project_space, name="project_space"),
    path(f"{PROJECT}historique/", space.project_history, name="project_history"),
    path(f"{PROJECT}rendez-vous/", space.meeting_notes, name="meeting_notes"),
    path(f"{PROJECT}plan/demarrer/", milestones.plan_start, name="plan_start"),
    path(f"{PROJECT}jalons/ajouter/", milestones.milestone_add, name="milestone_add"),
    path(f"{PROJECT}jalons/<id:pk>/", milestones.milestone_edit, name="milestone_edit"),
    path(f"{PROJECT}jalons/<id:pk>/atteint/", milestones.milestone_done, name="milestone_done"),
    path(f"{PROJECT}jalons/<id:pk>/rouvrir/", milestones.milestone_reopen, name="milestone_reopen"),
    path(
        f"{PROJECT}jalons/<id:pk>/supprimer/",
        milestones.milestone_delete,
        name="milestone_delete",
    ),
    path(
        f"{PROJECT}jalons/<id:pk>/preuve/",
        milestones.milestone_evidence,
        name="milestone_evidence",
    ),
    path(f"{PROJECT}nouvelles/", updates.update_list, name="update_list"),
    path(f"{PROJECT}emplois/", jobs.job_list, name="job_list"),
    path(f"{PROJECT}emplois/<id:pk>/corriger/", jobs.job_correct, name="job_correct"),
    path(f"{PROJECT}emplois/<id:pk>/verifier/", jobs.job_verify, name="job_verify"),
    path(f"{PROJECT}emplois/<id:pk>/renvoyer/", jobs.job_return, name="job_return"),
    path(f"{PROJECT}emplois/<id:pk>/preuve/", jobs.job_evidence, name="job_evidence"),
    path(f"{PROJECT}indicateurs/", indicators.indicator_list, name="indicator_list"),
    path(
        f"{PROJECT}indicateurs/<id:pk>/modifier/",
        indicators.indicator_edit,
        name="indicator_edit",
    ),
    path(
        f"{PROJECT}indicateurs/<id:pk>/supprimer/",
        indicators.indicator_delete,
        name="indicator_delete",
    ),
    path(
        f"{PROJECT}indicateurs/valeurs/<id:pk>/corriger/",
        indicators.indicator_value_correct,
        name="indicator_value_correct",
    ),
    path(
        f"{PROJECT}indicateurs/valeurs/<id:pk>/verifier/",
        indicators.indicator_value_verify,
        name="indicator_value_verify",
    ),
    path(
        f"{PROJECT}indicateurs/valeurs/<id:pk>/renvoyer/",
        indicators.indicator_value_return,
        name="indicator_value_return",
    ),
    path(
        f"{PROJECT}indicateurs/valeurs/<id:pk>/preuve/",
        indicators.indicator_value_evidence,
        name="indicator_value_evidence",
    ),
    path(f"{PROJECT}besoins/", needs.need_list, name="need_list"),
    path(f"{PROJECT}besoins/<id:pk>/clore/", needs.need_close, name="need_close"),
    # A territory's follow-up
    path(f"{TERRITORY}portefeuille/", portfolio.portfolio, name="portfolio"),
    path(f"{TERRITORY}besoins/", needs.needs_across, name="needs_across"),
    path(
        f"{TERRITORY}besoins/<id:pk>/mettre-en-relation/",
        needs.need_match,
        name="need_match",
    ),
    path(f"{TERRITORY}ressources/", needs.resource_list, name="resource_list"),
    path(
        f"{TERRITORY}ressources/<id:pk>/accepter/",
        needs.resource_offer_accept,
        name="resource_offer_accept",
    ),
    # A local actor, without an account, proposes a resource.
    path(
        "territoires/<slug:territory>/ressources/proposer/",
        offers_public.resource_offer_public,
        name="resource_offer_public",
    ),
]
