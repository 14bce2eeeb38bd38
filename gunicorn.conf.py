"""gunicorn's settings that belong to the code rather than to one deployment (the Dockerfile's
CMD names the rest). gunicorn reads this file from its working directory."""

# The access log never holds a ticket's or a link's secret (territoire/logredact.py).
logger_class = "territoire.gunicorn_logging.RedactingLogger"
