from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from territoire import demo
from territoire.enums import Role
from territoire.models import Membership, Territory, User


@pytest.fixture(autouse=True)
def _development(settings):
    # pytest-django runs with DEBUG off; the demo is a development tool.
    settings.DEBUG = True


def _snapshot() -> dict:
    """Every row of every model of ours (and their many-to-many tables), every field."""
    snapshot = {}
    for label in ("territoire", "challenges", "events", "projects", "accompaniment"):
        for model in apps.get_app_config(label).get_models():
            fields = [f.attname for f in model._meta.concrete_fields]
            # key=repr: history rows share their object's id, and their dates may be None.
            snapshot[model.__name__] = sorted(model.objects.values_list(*fields), key=repr)
            for m2m in model._meta.local_many_to_many:
                through = m2m.remote_field.through
                columns = [f.attname for f in through._meta.concrete_fields]
                snapshot[f"{model.__name__}.{m2m.name}"] = sorted(
                    through.objects.values_list(*columns)
                )
    return snapshot


def test_load_demo_builds_the_lille_metropolis(db, settings):
    out = StringIO()

    call_command("load_demo", stdout=out)

    lille = Territory.objects.get(slug="metropole-lilloise")
    assert lille.job_target == 250
    assert (lille.job_target_deadline.year - lille.evening_on.year) == 3
    assert lille.domains.count() == 13  # the 10 domains and the 3 Roubaix themes
    assert {"Économie circulaire", "Jeunesse", "Bien-être dans la ville"} <= set(
        lille.domains.values_list("name", flat=True)
    )
    kinds = dict(lille.organisations.values_list("name", "kind"))
    assert kinds["Mairie de Roubaix"] == "public_body"
    assert kinds["Damartex"] == "company"
    assert kinds["Orientoi"] == "startup"
    roles = set(Membership.objects.filter(territory=lille).values_list("role", flat=True))
    assert roles == {Role.ORGANISER, Role.FACILITATOR, Role.COACH, Role.OFFICIAL}
    printed = out.getvalue()
    for account in demo.ACCOUNTS:
        assert account.email in printed
        assert User.objects.get(email=account.email).check_password(demo.DEMO_PASSWORD)
    assert f"password: {demo.DEMO_PASSWORD}" in printed
    assert f"Links in its e-mails and PDFs open on {settings.SITE_URL} " in printed
    for label in (
        "organiser",
        "facilitator",
        "coach",
        "project team member",
        "official",
        "superuser",
    ):
        assert label in printed


def test_load_demo_twice_changes_nothing(db):
    call_command("load_demo", stdout=StringIO())
    first = _snapshot()

    call_command("load_demo", stdout=StringIO())

    assert _snapshot() == first


def test_load_demo_refuses_without_debug(db, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo", stdout=StringIO())

    assert not Territory.objects.exists()


def test_load_demo_runs_without_debug_when_forced(db, settings):
    settings.DEBUG = False

    call_command("load_demo", "--force", stdout=StringIO())

    assert Territory.objects.filter(slug="metropole-lilloise").exists()


def test_demo_accounts_are_fictional_people():
    seed_people = {
        "LIBERT",
        "BIERNACKI",
        "TIMMERMANN",
        "ROUSSEEUW",
        "BART",
        "DELBAR",
        "VASSEUR",
        "CHEVALIER",
    }

    for account in demo.ACCOUNTS:
        assert not set(account.full_name.upper().split()) & seed_people
