from django.conf import settings
from django.urls import path

import territoire.converters  # noqa: F401  (registers <id:…>, a bounded database id)
from projects.views import images, organiser, public, team, team_members

PROJECT = "territoires/<slug:territory>/projets/<slug:slug>/"
SPACE = "espace/projets/<slug:territory>/<slug:slug>/"

urlpatterns = [
    # Public
    path("territoires/<slug:territory>/projets/", public.showcase, name="project_showcase"),
    path(PROJECT, public.project_detail, name="project_detail"),
    path(f"{PROJECT}suivre/", public.follow, name="project_follow"),
    # Uploaded images, at their media address, checked like the project's page (a draft's too).
    path(
        f"{settings.MEDIA_URL.lstrip('/')}projects/<str:name>",
        images.project_image,
        name="project_image",
    ),
    path("projets/suivre/<str:token>/", public.follow_confirm, name="project_follow_confirm"),
    path("projets/arreter/<str:token>/", public.follow_stop, name="project_follow_stop"),
    path(
        "projets/invitations/<str:token>/",
        team.invitation_accept,
        name="project_invitation_accept",
    ),
    # The team's space (its home is the accompaniment's)
    path(f"{SPACE}page/", team.page_edit, name="project_page_edit"),
    path(f"{SPACE}equipe/", team.team, name="project_team"),
    path(f"{SPACE}statut/", team.status, name="project_status"),
    path(
        f"{SPACE}equipe/<id:member_id>/retirer/",
        team_members.member_remove,
        name="project_member_remove",
    ),
    path(
        f"{SPACE}equipe/<id:member_id>/role/",
        team_members.member_role,
        name="project_member_role",
    ),
    path(f"{SPACE}equipe/fusionner/", team_members.member_merge, name="project_member_merge"),
    path(f"{SPACE}equipe/mon-nom/", team_members.own_name_public, name="project_name_public"),
    # Organisers
    path(
        "espace/territoires/<slug:territory>/projets-a-publier/",
        organiser.review,
        name="project_review",
    ),
    path(
        "espace/territoires/<slug:territory>/projets-a-publier/<id:formed_id>/publier/",
        organiser.publish,
        name="project_publish",
    ),
    path(
        "espace/territoires/<slug:territory>/nouveau-projet/",
        organiser.project_create,
        name="project_create",
    ),
]
