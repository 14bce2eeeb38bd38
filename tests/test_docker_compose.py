"""docker-compose.yml and the Dockerfile agree with settings.py.

No Docker engine runs on the development machines or in CI, so nothing here starts a container:
the files are read as text and checked against what territoire/settings.py actually reads.
"""

import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("migrate", "web", "worker", "beat")
ALL_SERVICES = ("db", "redis", *APP_SERVICES)
ENV_NAME = r"[A-Z][A-Z0-9_]*"


@cache
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def service(name: str) -> dict:
    return compose()["services"][name]


def environment(name: str) -> dict[str, str]:
    env = service(name).get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {key: str(value) for key, value in env.items()}


@cache
def names_settings_reads() -> frozenset[str]:
    """Every variable name settings.py passes to os.environ.get(), envbool(), envint()..."""
    source = (ROOT / "territoire" / "settings.py").read_text()
    names = set(re.findall(rf'\w\(\s*"({ENV_NAME})"', source))
    names |= set(re.findall(rf'"({ENV_NAME})"\s+(?:not\s+)?in\s+os\.environ', source))
    # envsecret("X") also reads X_FILE (Docker secrets).
    names |= {f"{name}_FILE" for name in re.findall(rf'envsecret\(\s*"({ENV_NAME})"', source)}
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL"} <= names, "settings.py not parsed"
    return frozenset(names)


@cache
def dockerfile_instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    instructions = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            instructions.append((keyword.upper(), rest.strip()))
    return instructions


def depends_on(name: str) -> dict[str, str]:
    deps = service(name).get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {dep: spec.get("condition", "service_started") for dep, spec in deps.items()}


def test_all_services_are_defined():
    assert set(ALL_SERVICES) <= set(compose()["services"])


def test_app_services_share_one_environment():
    web = set(environment("web"))
    assert web
    for name in APP_SERVICES:
        assert set(environment(name)) == web, name


def test_every_variable_set_for_the_app_is_read_by_settings():
    for name in APP_SERVICES:
        unknown = set(environment(name)) - names_settings_reads()
        assert not unknown, f"{name} sets variables settings.py never reads: {sorted(unknown)}"


def test_production_environment():
    env = environment("web")
    assert env["DJANGO_DEBUG"] == "0"
    # The secret key is required: compose refuses to start without it, or it comes from a file.
    assert "DJANGO_SECRET_KEY_FILE" in env or env["DJANGO_SECRET_KEY"].startswith(
        "${DJANGO_SECRET_KEY:?"
    )
    assert env["MEDIA_ROOT"] == "/app/media"
    assert urlsplit(env["REDIS_URL"]).hostname == "redis"


def test_database_url_matches_the_db_service():
    url = urlsplit(environment("web")["DATABASE_URL"])
    db = environment("db")
    assert url.scheme in {"postgres", "postgresql"}
    assert (url.hostname, url.port) == ("db", 5432)
    assert url.username == db["POSTGRES_USER"]
    assert url.password == db["POSTGRES_PASSWORD"]
    assert url.path.lstrip("/") == db["POSTGRES_DB"]


def test_db_and_redis_have_healthchecks():
    for name in ("db", "redis"):
        check = service(name).get("healthcheck") or {}
        assert check.get("test") and not check.get("disable"), name


def test_app_services_wait_for_healthy_db_and_redis_and_migrations():
    assert depends_on("migrate")["db"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        deps = depends_on(name)
        assert deps["db"] == "service_healthy", name
        assert deps["redis"] == "service_healthy", name
        assert deps["migrate"] == "service_completed_successfully", name


def test_worker_healthcheck_pings_its_own_node():
    test = service("worker")["healthcheck"]["test"]
    command = test if isinstance(test, str) else " ".join(test)
    assert "inspect ping" in command
    assert "celery@$$HOSTNAME" in command


def test_beat_is_a_single_replica():
    assert service("beat").get("deploy", {}).get("replicas") == 1


def test_web_and_worker_share_the_media_volume():
    for name in ("web", "worker"):
        assert "media:/app/media" in service(name).get("volumes", []), name
    assert "media" in compose()["volumes"]


def test_dockerfile_cmd_runs_gunicorn():
    cmds = [rest for keyword, rest in dockerfile_instructions() if keyword == "CMD"]
    assert cmds, "the Dockerfile has no CMD"
    argv = json.loads(cmds[-1])
    assert argv[0] == "gunicorn"
    assert "territoire.wsgi:application" in argv
    assert "0.0.0.0:8000" in argv
    # web runs the image's CMD, or says gunicorn itself.
    command = service("web").get("command")
    if command:
        command = command if isinstance(command, str) else " ".join(command)
        assert "gunicorn territoire.wsgi" in command


def test_dockerfile_healthcheck_hits_healthz():
    checks = [rest for keyword, rest in dockerfile_instructions() if keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    assert "/healthz" in checks[0]


# Uploaded files: what the documented reverse proxy serves itself, and what it leaves to Django --


def _production_doc_block(language: str) -> str:
    text = (ROOT / "docs" / "production.md").read_text()
    blocks = re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)
    assert len(blocks) == 1, f"docs/production.md should have one {language} block"
    return blocks[0]


def test_the_documented_proxy_serves_only_public_uploads_from_the_media_volume():
    override = yaml.safe_load(_production_doc_block("yaml"))
    mounts = override["services"]["proxy"]["volumes"]
    media_mount = next(m for m in mounts if m.startswith("media:"))
    proxy_root = media_mount.split(":")[1]
    caddyfile = _production_doc_block("caddy")
    served = re.findall(r"handle_path (\S+) \{\s*root \* (\S+)", caddyfile)

    assert media_mount.endswith(":ro")
    # Only challenge images (public) come straight from the volume; reports, evidence files and
    # project images (a draft's must not leak) go to Django, which checks who asks.
    assert served == [("/media/challenges/*", f"{proxy_root}/challenges")]
    assert "reverse_proxy" in caddyfile


def test_project_images_are_served_by_django_from_the_shared_media_volume(settings):
    from django.urls import resolve

    from projects.models import Project

    settings.DEBUG = False
    upload_to = Project._meta.get_field("image").upload_to
    match = resolve(f"/{settings.MEDIA_URL.lstrip('/')}{upload_to}photo-1a2b3c4d.jpg")
    env_lines = [rest for keyword, rest in dockerfile_instructions() if keyword == "ENV"]
    dockerfile_env = " ".join(env_lines)

    assert match.url_name == "project_image"
    assert "MEDIA_ROOT=/app/media" in dockerfile_env
    # web, which answers /media/projects/..., reads the volume the uploads are written to.
    assert environment("web")["MEDIA_ROOT"] == "/app/media"
    assert "media:/app/media" in service("web")["volumes"]
