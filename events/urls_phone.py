"""The participants' phones, under /t/: the night's hottest URLs, tried first by the resolver
(territoire/urls.py), so a poll or a vote does not walk every other pattern of the site."""

from django.urls import path

import territoire.converters  # noqa: F401  (registers <id:…>, a bounded database id)
from events.views import (
    participant,
    participant_actions,
    participant_naming,
    plenary,
    signs,
    table_follow,
)

urlpatterns = [
    path("", participant.code_entry, name="table_code_entry"),
    path("qr.svg", plenary.join_qr, name="join_qr"),
    path("<str:code>/qr.svg", signs.table_qr, name="table_qr"),
    path("<str:code>/", participant.table_join, name="table_join"),
    path("<str:code>/tableau/", participant.table_board, name="table_board"),
    path("<str:code>/idees/", participant_actions.idea_post, name="idea_post"),
    path(
        "<str:code>/idees/<id:idea_id>/gommette/",
        participant_actions.vote_cast,
        name="vote_cast",
    ),
    path(
        "<str:code>/gommettes/<id:vote_id>/retirer/",
        participant_actions.vote_withdraw,
        name="vote_withdraw",
    ),
    path("<str:code>/suivre/", table_follow.table_follow, name="table_follow"),
    path(
        "<str:code>/projets/<id:project_id>/rejoindre/",
        participant_actions.team_join,
        name="team_join",
    ),
    path(
        "<str:code>/projets/<id:project_id>/nom-public/",
        participant_naming.team_name_public,
        name="team_name_public",
    ),
    path(
        "<str:code>/nommer/<str:kind>/<id:item_id>/",
        participant_naming.naming_answer,
        name="naming_answer",
    ),
]
