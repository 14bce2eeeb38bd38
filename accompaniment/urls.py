from django.urls import path

PROJECT = "espace/projets/<slug:territory>/<slug:slug>/"
TERRITORY = "espace/territoires/<slug:territory>/"

urlpatterns: list = [
    # A project's space and a territory's follow-up: added as their views land.
]

__all__ = ["PROJECT", "TERRITORY", "path"]
