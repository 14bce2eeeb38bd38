# Territoire: one image for every role (web, worker, beat, migrate); docs/production.md explains it.
# Nothing on the development machines can build it (no Docker engine there):
# tests/test_docker_compose.py keeps this file and docker-compose.yml consistent with settings.py.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    MEDIA_ROOT=/app/media

# WeasyPrint's system libraries (Pango, HarfBuzz with its subsetter for embedded fonts), a font,
# and gettext for compilemessages.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        gettext \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 1000 territoire \
    && useradd --system --uid 1000 --gid territoire --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin territoire

WORKDIR /app

# Dependencies first, from pyproject.toml alone, so that a code change does not reinstall them.
COPY pyproject.toml ./
# The "s3" extra too: the reports may go to an S3-compatible bucket (REPORTS_S3_BUCKET).
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; print('\n'.join(p['dependencies'] + p['optional-dependencies']['s3']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The code, owned by root and read-only for the app user. settings.BASE_DIR is the directory
# holding the `territoire` package, so the app runs from /app (PYTHONPATH above), where
# templates/, static/ and locale/ are; `pip install .` registers the distribution itself.
COPY . .
RUN pip install --no-deps . \
    && rm -rf build ./*.egg-info \
    && python manage.py compilemessages \
    && DJANGO_SECRET_KEY=collectstatic-only-not-a-secret DJANGO_DEBUG=0 \
        python manage.py collectstatic --noinput \
    && mkdir -p /app/media \
    && chown territoire:territoire /app/media

USER territoire

EXPOSE 8000

# /healthz answers 503 only when the database is down. The Host header must be one of
# ALLOWED_HOSTS, and X-Forwarded-Proto keeps SECURE_SSL_REDIRECT from redirecting the probe.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as r; h = os.environ.get('ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('.'); h = h if h not in ('', '*') else 'localhost'; r.urlopen(r.Request('http://127.0.0.1:8000/healthz', headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=8)"]

# 2 sync workers: on 2 cores, measured better than 4 (they compete with PostgreSQL on one host).
CMD ["gunicorn", "territoire.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "2", "--worker-class", "sync", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-", "--graceful-timeout", "30"]
