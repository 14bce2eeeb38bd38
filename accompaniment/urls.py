from django.urls import path

from accompaniment.views import reminders

PROJECT = "espace/projets/<slug:territory>/<slug:slug>/"
TERRITORY = "espace/territoires/<slug:territory>/"

urlpatterns: list = [
    # A project's space and a territory's follow-up: added as their views land.
    # Reminders: from the digest's link (no sign-in, the token is the secret) or one's space.
    path("rappels/<str:token>/", reminders.reminder_preferences, name="reminder_preferences"),
    path("espace/rappels/", reminders.my_reminder_preferences, name="my_reminder_preferences"),
]

__all__ = ["PROJECT", "TERRITORY", "path"]
