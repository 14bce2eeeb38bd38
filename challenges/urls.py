from django.urls import path

import territoire.converters  # noqa: F401  (registers <id:…>, a bounded database id)
from challenges.views import organiser, public, training

urlpatterns = [
    # Public
    path("territoires/<slug:territory_slug>/defis/", public.challenge_list, name="challenge_list"),
    path(
        "territoires/<slug:territory_slug>/defis/<slug:slug>/",
        public.challenge_detail,
        name="challenge_detail",
    ),
    path(
        "territoires/<slug:territory_slug>/defis/<slug:slug>/contribuer/",
        public.contribution_create,
        name="contribution_create",
    ),
    path("territoires/<slug:territory_slug>/inscription/", public.signup, name="signup"),
    path(
        "territoires/<slug:territory_slug>/inscription/merci/",
        public.signup_thanks,
        name="signup_thanks",
    ),
    path("inscription/confirmer/<str:token>/", public.signup_confirm, name="signup_confirm"),
    path(
        "inscription/modifier/<str:token>/",
        public.signup_change_confirm,
        name="signup_change_confirm",
    ),
    # Organisers
    path(
        "espace/territoires/<slug:territory_slug>/mobilisation/",
        organiser.mobilisation_board,
        name="mobilisation_board",
    ),
    path(
        "espace/territoires/<slug:territory_slug>/mobilisation/inscriptions.csv",
        organiser.signups_csv,
        name="signups_csv",
    ),
    path(
        "espace/territoires/<slug:territory_slug>/mobilisation/volontaires/inviter/",
        organiser.volunteers_invite,
        name="volunteers_invite",
    ),
    path(
        "espace/territoires/<slug:territory_slug>/mobilisation/contributions/<id:pk>/masquer/",
        organiser.contribution_hide,
        name="contribution_hide",
    ),
    # Facilitators' preparation
    path(
        "espace/territoires/<slug:territory_slug>/formations/",
        training.training_list,
        name="training_list",
    ),
    path(
        "espace/territoires/<slug:territory_slug>/formations/<id:pk>/reponse/",
        training.training_respond,
        name="training_respond",
    ),
    path(
        "espace/territoires/<slug:territory_slug>/formations/<id:pk>/presences/",
        training.training_attendance,
        name="training_attendance",
    ),
    path("espace/territoires/<slug:territory_slug>/kit/", training.kit_index, name="kit_index"),
    path(
        "espace/territoires/<slug:territory_slug>/kit/<slug:slug>/",
        training.kit_detail,
        name="kit_detail",
    ),
]
