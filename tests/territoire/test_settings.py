"""Both settings paths: nothing set → SQLite and in-process tasks; service URLs → services."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[2]
PROBE = (
    "import json, django; from django.conf import settings as s; django.setup();"
    "print(json.dumps({'engine': s.DATABASES['default']['ENGINE'],"
    " 'conn_max_age': s.DATABASES['default'].get('CONN_MAX_AGE'),"
    " 'cache': s.CACHES['default']['BACKEND'], 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
    " 'broker': s.CELERY_BROKER_URL, 'debug': s.DEBUG,"
    " 'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE, 'email': s.EMAIL_BACKEND,"
    " 'hsts': s.SECURE_HSTS_SECONDS, 'proxies': s.TRUSTED_PROXY_COUNT}))"
)
PRODUCTION_KEY = "k" * 20 + "-a-long-and-random-production-secret-0123456789"
SERVICE_VARIABLES = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_SECRET_KEY_FILE",
    "DJANGO_DEBUG",
    "TRUSTED_PROXY_COUNT",
    "TRUST_X_FORWARDED_FOR",
    "CELERY_BROKER_URL",
)


def _run(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with only ``env`` on top of a service-free environment."""
    clean = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "territoire.settings"
    return subprocess.run(
        [sys.executable, *args],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def _settings_with(**env: str) -> dict:
    result = _run("-c", PROBE, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_no_environment_means_sqlite_locmem_and_in_process_tasks():
    values = _settings_with()

    assert values == values | {
        "engine": "django.db.backends.sqlite3",
        "cache": "django.core.cache.backends.locmem.LocMemCache",
        "eager": True,
        "debug": True,
        "lang": "fr",
        "tz": "Europe/Paris",
    }


def test_service_urls_mean_postgresql_redis_and_a_real_broker():
    values = _settings_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/territoire",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )

    assert values["engine"] == "django.db.backends.postgresql"
    assert values["conn_max_age"] == 600
    assert values["cache"] == "territoire.cache.RedisCache"
    assert values["eager"] is False
    assert values["broker"] == "redis://127.0.0.1:6379/0"


def test_production_without_secret_key_fails_loudly():
    result = _run("-c", PROBE, DJANGO_DEBUG="0", DJANGO_SECRET_KEY="")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_a_bad_boolean_is_refused():
    result = _run("-c", PROBE, DJANGO_DEBUG="peut-être")

    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_check_deploy_is_clean_with_production_variables():
    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=PRODUCTION_KEY,
        ALLOWED_HOSTS="territoire.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("source", ["DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY_FILE"])
def test_any_secret_key_source_means_production(tmp_path, source):
    key_file = tmp_path / "secret_key"
    key_file.write_text(PRODUCTION_KEY + "\n")
    value = str(key_file) if source.endswith("_FILE") else PRODUCTION_KEY

    values = _settings_with(**{source: value})

    assert values["debug"] is False
    assert values["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["hsts"] == 31536000


def test_check_deploy_is_clean_with_only_a_secret_key_file(tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text(PRODUCTION_KEY)

    result = _run(
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY_FILE=str(key_file),
        ALLOWED_HOSTS="territoire.example.org",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    ("env", "proxies"),
    [({}, 0), ({"TRUSTED_PROXY_COUNT": "2"}, 2), ({"TRUST_X_FORWARDED_FOR": "1"}, 1)],
)
def test_the_trusted_proxy_count_comes_from_the_environment(env, proxies):
    assert _settings_with(**env)["proxies"] == proxies


@pytest.mark.services
def test_the_suite_runs_on_postgresql_when_asked(db):
    if not os.environ.get("DATABASE_URL"):
        require_service("DATABASE_URL is not set: this run uses SQLite")

    assert connection.vendor == "postgresql"
    assert django_settings.DATABASES["default"]["CONN_MAX_AGE"] == 600
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_reports_go_to_local_files_unless_a_bucket_is_named(monkeypatch, tmp_path):
    from territoire.settings import reports_storage_from_env

    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    for name in ("REPORTS_S3_BUCKET", "REPORTS_S3_REGION", "REPORTS_S3_ACCESS_KEY_ID"):
        monkeypatch.delenv(name, raising=False)
    local = reports_storage_from_env()
    monkeypatch.setenv("REPORTS_S3_BUCKET", "rapports")
    monkeypatch.setenv("REPORTS_S3_ENDPOINT_URL", "https://s3.example.org")
    monkeypatch.setenv("REPORTS_S3_ACCESS_KEY_ID", "cle")
    monkeypatch.setenv("REPORTS_S3_SECRET_ACCESS_KEY_FILE", str(secret))

    bucket = reports_storage_from_env()

    assert local == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    assert bucket == {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": "rapports",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,
            "location": "territoire",
            "endpoint_url": "https://s3.example.org",
            "access_key": "cle",
            "secret_key": "s3cr3t",
        },
    }
