import pytest
from django.apps import apps

from accompaniment import demo as accompaniment_demo
from accompaniment.models import JobRecord, Milestone, NeedMatch, Plan
from projects.models import Project
from territoire import demo
from tests.projects.factories import ProjectFactory


def _snapshot() -> dict:
    snapshot = {}
    for model in apps.get_app_config("accompaniment").get_models():
        fields = [f.attname for f in model._meta.concrete_fields]
        snapshot[model.__name__] = sorted(model.objects.values_list(*fields), key=repr)
    return snapshot


@pytest.fixture
def made(db):
    made = demo.load()
    for story in accompaniment_demo.STORIES:
        # The projects app's demo publishes these; stand-ins when it has not run.
        if not Project.objects.filter(territory=made.territory, slug=story.slug).exists():
            ProjectFactory(territory=made.territory, slug=story.slug, name=story.slug)
    return made


def test_demo_shows_projects_at_different_months_and_runs_twice_unchanged(made):
    accompaniment_demo.load(made)
    first = _snapshot()

    accompaniment_demo.load(made)

    assert _snapshot() == first
    # The Lille metropolis' plans (the network's territories: tests/territoire/test_network_demo.py)
    lille = {"project__territory": made.territory}
    assert Plan.objects.filter(**lille).count() == 3
    assert len(set(Plan.objects.filter(**lille).values_list("starts_on", flat=True))) == 3
    assert Milestone.objects.filter(done_on__isnull=False, **lille).count() == 4
    assert set(JobRecord.objects.filter(**lille).values_list("status", flat=True)) == {
        "verified",
        "declared",
        "returned",
    }
    assert NeedMatch.objects.count() == 1


def test_demo_projects_measure_their_impact_beyond_jobs(made):
    from accompaniment.models import Indicator, IndicatorValue

    accompaniment_demo.load(made)

    assert set(Indicator.objects.values_list("name", flat=True)) >= {
        "Seniors rencontrés",
        "Jeunes maintenus en formation",
        "Personnes relogées",
    }
    assert set(IndicatorValue.objects.values_list("status", flat=True)) == {
        "verified",
        "declared",
        "returned",
    }


def test_demo_figures_are_verified_by_somebody_other_than_who_declared_them(made):
    """Four eyes (accompaniment/domain/four_eyes.py): the demo still loads through the domain,
    its figures declared by the team and verified by the coach or an organiser."""
    from django.db.models import F

    from accompaniment.models import IndicatorValue

    accompaniment_demo.load(made)

    for model in (JobRecord, IndicatorValue):
        verified = model.objects.filter(status="verified")
        assert verified.exists()
        assert not verified.filter(declared_by=F("verified_by")).exists()
    assert JobRecord.objects.filter(
        project__territory=made.territory, declared_by=made.accounts["project team member"]
    ).exists()
