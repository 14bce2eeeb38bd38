"""The PDF reports every app shares: a registry of kinds, the rendering, the stored versions.

A kind of report is a template and a function that gathers its data (``kinds.py``); apps register
theirs from ``AppConfig.ready()``. ``render.py`` turns a kind and a scope into a PDF with
WeasyPrint; ``models.py`` keeps each requested version and its state; ``tasks.py`` renders them in
a Celery worker, never in a web request.
"""
