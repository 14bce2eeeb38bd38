"""A new territory starts with a plan template: default milestones from the built-in 18/24-month
template or copied from another territory; a plan started without any says so."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from accompaniment.domain.milestone_templates import (
    BUILT_IN,
    copy_templates,
    load_built_in_templates,
)
from accompaniment.domain.plans import start_plan
from accompaniment.models import MilestoneTemplate
from territoire.models import Territory
from tests.accompaniment.conftest import space_url
from tests.accompaniment.factories import MilestoneTemplateFactory
from tests.factories import MembershipFactory


def titles(territory) -> list[str]:
    return list(
        MilestoneTemplate.objects.filter(territory=territory)
        .order_by("month", "order")
        .values_list("title", flat=True)
    )


def test_built_in_template_loads_once(cast):
    first = load_built_in_templates(territory=cast.territory)
    again = load_built_in_templates(territory=cast.territory)

    assert (first, again) == (len(BUILT_IN), 0)
    assert titles(cast.territory)[0] == "Équipe constituée"
    assert MilestoneTemplate.objects.filter(territory=cast.territory, month__gt=18).count() == 1


def test_an_eighteen_month_plan_takes_the_milestones_up_to_month_eighteen(cast):
    load_built_in_templates(territory=cast.territory)

    start_plan(project=cast.project, months=18, starts_on=datetime.date(2026, 6, 4), by=None)

    assert cast.project.milestones.count() == len(BUILT_IN) - 1


def test_copy_from_another_territory_keeps_what_exists(cast):
    MilestoneTemplateFactory(territory=cast.other_territory, title="Prototype", month=4)
    MilestoneTemplateFactory(territory=cast.other_territory, title="Local trouvé", month=6)
    MilestoneTemplateFactory(territory=cast.territory, title="Prototype", month=2)

    added = copy_templates(source=cast.other_territory, territory=cast.territory)

    assert added == 1
    assert titles(cast.territory) == ["Prototype", "Local trouvé"]
    assert MilestoneTemplate.objects.get(territory=cast.territory, title="Prototype").month == 2


def _territory_form(**fields) -> dict:
    return {
        "name": "Vallée nouvelle",
        "slug": "vallee-nouvelle",
        "description": "",
        "job_target": "120",
        "job_target_deadline": "2029-06-30",
        "launched_on": "2026-09-01",
        "evening_on": "",
        "accompaniment_ends_on": "",
        "attendee_retention_months": "12",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_creating_a_territory_with_the_built_in_template(client, cast):
    client.force_login(cast.superuser)

    response = client.post(
        reverse("admin:territoire_territory_add"),
        _territory_form(starter="milestones:built-in"),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    territory = Territory.objects.get(slug="vallee-nouvelle")
    assert len(titles(territory)) == len(BUILT_IN)
    messages = [str(m) for m in get_messages(response.wsgi_request)]
    assert messages[0] == (
        f"Jalons par défaut : le modèle 18/24 mois : {len(BUILT_IN)} éléments ajoutés."
    )


def test_creating_a_territory_by_copying_another(client, cast):
    MilestoneTemplateFactory(territory=cast.territory, title="Prototype", month=4)
    client.force_login(cast.superuser)

    response = client.post(
        reverse("admin:territoire_territory_add"),
        _territory_form(starter=f"milestones:copy:{cast.territory.pk}"),
    )

    assert response.status_code == 302
    assert titles(Territory.objects.get(slug="vallee-nouvelle")) == ["Prototype"]


def test_creating_a_territory_with_nothing_adds_nothing(client, cast):
    client.force_login(cast.superuser)

    response = client.post(reverse("admin:territoire_territory_add"), _territory_form())

    assert response.status_code == 302
    assert titles(Territory.objects.get(slug="vallee-nouvelle")) == []


def test_an_organiser_copies_only_from_her_territories(client, cast):
    MilestoneTemplateFactory(territory=cast.other_territory, title="D'ailleurs")
    mine = Territory.objects.create(
        name="Autre à moi",
        slug="autre-a-moi",
        job_target=10,
        job_target_deadline=datetime.date(2029, 1, 1),
        launched_on=datetime.date(2026, 1, 1),
    )
    MilestoneTemplateFactory(territory=mine, title="Chez moi")
    MembershipFactory(territory=mine, user=cast.organiser, role="organiser")
    client.force_login(cast.organiser)

    response = client.get(reverse("admin:territoire_territory_change", args=[cast.territory.pk]))

    choices = dict(response.context["adminform"].form.fields["starter"].choices)
    assert choices == {
        "": "Rien pour l'instant",
        "milestones:built-in": "Jalons par défaut : le modèle 18/24 mois",
        f"milestones:copy:{mine.pk}": "Jalons par défaut : copier ceux de Autre à moi",
    }


def test_an_unknown_starter_is_refused_with_the_form_kept(client, cast):
    client.force_login(cast.superuser)

    response = client.post(
        reverse("admin:territoire_territory_add"), _territory_form(starter="milestones:copy:999")
    )

    assert response.status_code == 200
    assert "starter" in response.context["adminform"].form.errors
    assert 'value="Vallée nouvelle"' in response.content.decode()
    assert not Territory.objects.filter(slug="vallee-nouvelle").exists()


def test_plan_start_says_the_plan_will_be_empty_and_where_to_fix_it(client, cast):
    client.force_login(cast.organiser)

    html = client.get(space_url(cast.project, "plan_start")).content.decode()

    assert "ce plan démarrera vide" in html
    assert reverse("admin:territoire_territory_change", args=[cast.territory.pk]) in html


def test_plan_start_counts_the_default_milestones(client, cast):
    MilestoneTemplateFactory.create_batch(3, territory=cast.territory)
    client.force_login(cast.team_member)

    html = client.get(space_url(cast.project, "plan_start")).content.decode()

    assert "reprend les 3 jalons par défaut" in html
    assert "démarrera vide" not in html


@pytest.mark.parametrize("who", ("team_member", "coach"))
def test_a_plan_without_milestones_says_so_and_links_where_to_add_them(client, cast, who):
    start_plan(project=cast.project, months=18, starts_on=datetime.date(2026, 6, 4), by=None)
    client.force_login(getattr(cast, who))

    html = client.get(space_url(cast.project)).content.decode()

    assert "Ce plan a démarré sans jalon" in html
    assert space_url(cast.project, "milestone_add") in html


def test_built_in_milestones_are_stored_in_the_sites_language_not_the_browsers(cast):
    from django.utils import translation

    with translation.override("en"):  # a superuser browsing the admin in English
        load_built_in_templates(territory=cast.territory)

    assert titles(cast.territory)[0] == "Équipe constituée"
