from django.urls import path

import territoire.converters  # noqa: F401  (registers <id:…>, a bounded database id)
from events.views import (
    checkin,
    console,
    console_moderation,
    console_picker,
    control,
    control_timer,
    plenary,
    registration,
    signs,
    spotlight,
    synthesis,
    table_follow,
)

urlpatterns = [
    # Public: the event, registering, the ticket
    path("soirees/<slug:slug>/", registration.event_detail, name="event_detail"),
    path("soirees/<slug:slug>/agenda.ics", registration.event_ics, name="event_ics"),
    path(
        "soirees/<slug:slug>/synthese-des-debats.pdf",
        registration.event_synthesis,
        name="event_synthesis",
    ),
    path("soirees/<slug:slug>/inscription/", registration.event_register, name="event_register"),
    path(
        "soirees/<slug:slug>/inscription/merci/",
        registration.event_register_done,
        name="event_register_done",
    ),
    path(
        "billets/modifier/<str:token>/",
        registration.registration_change_confirm,
        name="registration_change_confirm",
    ),
    path("billets/<str:token>/", registration.ticket, name="ticket"),
    # Attendees' thread after the night: confirming and stopping, from the e-mails
    path(
        "tables/suivre/<str:token>/",
        table_follow.table_follow_confirm,
        name="table_follow_confirm",
    ),
    path("tables/arreter/<str:token>/", table_follow.table_follow_stop, name="table_follow_stop"),
    path("billets/<str:token>/qr.svg", registration.ticket_qr, name="ticket_qr"),
    path("billets/<str:token>/annuler/", registration.ticket_cancel, name="ticket_cancel"),
    # The door
    path("espace/soirees/<slug:slug>/accueil/", checkin.desk, name="checkin_desk"),
    path("espace/soirees/<slug:slug>/accueil/sur-place/", checkin.walk_in, name="checkin_walk_in"),
    path("espace/soirees/<slug:slug>/accueil/compteur/", checkin.count, name="checkin_count"),
    # Facilitators: the table console
    path("espace/tables/<str:code>/", console.console, name="console"),
    path("espace/tables/<str:code>/flux/", console.console_live, name="console_live"),
    path("espace/tables/<str:code>/fusionner/", console.merge, name="console_merge"),
    path("espace/tables/<str:code>/themes/", console.theme, name="console_theme"),
    path("espace/tables/<str:code>/phase/", console.phase, name="console_phase"),
    path("espace/tables/<str:code>/projets/", console.project, name="console_project"),
    path(
        "espace/tables/<str:code>/idees/<id:idea_id>/",
        console_picker.idea_picker,
        name="console_idea",
    ),
    path(
        "espace/tables/<str:code>/idees/<id:idea_id>/masquer/",
        console_moderation.hide,
        name="console_hide",
    ),
    path(
        "espace/tables/<str:code>/idees/<id:idea_id>/reafficher/",
        console_moderation.unhide,
        name="console_unhide",
    ),
    path("espace/tables/<str:code>/prolonger/", console_moderation.extend, name="console_extend"),
    path("espace/tables/<str:code>/synthese/", synthesis.synthesis, name="console_synthesis"),
    path("espace/soirees/<slug:slug>/affiches/", signs.table_signs, name="table_signs"),
    # The MC's plenary screen and the organisers' control room
    path("espace/soirees/<slug:slug>/pleniere/", plenary.plenary, name="plenary"),
    path("espace/soirees/<slug:slug>/pleniere/flux/", plenary.plenary_live, name="plenary_live"),
    # The projector opens the plenary through its secret link, without signing in.
    path("ecran/<str:token>/", plenary.screen, name="plenary_screen"),
    path("ecran/<str:token>/flux/", plenary.screen_live, name="plenary_screen_live"),
    path("espace/soirees/<slug:slug>/regie/", control.control_room, name="control_room"),
    path("espace/soirees/<slug:slug>/regie/flux/", control.control_live, name="control_live"),
    path("espace/soirees/<slug:slug>/regie/phase/", control.control_phase, name="control_phase"),
    path(
        "espace/soirees/<slug:slug>/regie/prolonger/",
        control_timer.control_extend,
        name="control_extend",
    ),
    path(
        "espace/soirees/<slug:slug>/regie/orienter/",
        control.control_redirect,
        name="control_redirect",
    ),
    path(
        "espace/soirees/<slug:slug>/regie/a-l-ecran/",
        spotlight.control_spotlight,
        name="control_spotlight",
    ),
    path(
        "espace/soirees/<slug:slug>/regie/lien-ecran/",
        spotlight.control_screen_link,
        name="control_screen_link",
    ),
]
