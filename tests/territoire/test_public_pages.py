import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from tests.events.factories import TableFactory
from tests.factories import DomainFactory, TerritoryFactory


@pytest.mark.parametrize("item_count", (1, 3))
def test_home_lists_territories_in_bounded_queries(
    client, db, django_assert_max_num_queries, item_count
):
    for index in range(item_count):
        territory = TerritoryFactory(name=f"Territoire n°{index}", job_target=100 + index)
        territory.domains.add(DomainFactory(), DomainFactory())

    # territories, domains; the evenings' cards; the network in brief (verified jobs, projects
    # born, projects accompanied and alive, and once an evening is a year old those alive then)
    with django_assert_max_num_queries(2 + 1 + 4):
        response = client.get(reverse("home"))

    assert response.status_code == 200
    assert [t.name for t in response.context["territories"]] == [
        f"Territoire n°{index}" for index in range(item_count)
    ]
    assert "Objectif\u00a0: 100 emplois" in response.content.decode()


def test_home_without_territory_says_so(client, db):
    response = client.get(reverse("home"))

    assert "Aucun territoire n'est encore ouvert." in response.content.decode()


@pytest.mark.parametrize("item_count", (1, 3))
def test_territory_page_shows_target_cycle_and_domains(
    client, db, django_assert_num_queries, item_count
):
    territory = TerritoryFactory(name="Métropole lilloise", job_target=250)
    domains = [DomainFactory(name=f"Domaine {i}") for i in range(item_count)]
    territory.domains.add(*domains)

    # the territory, its domains; the evening, the projects born and accompanied, the jobs
    with django_assert_num_queries(2 + 4):
        response = client.get(territory.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "territoire/territory_detail.html"
    assert "<h1>Métropole lilloise</h1>" in html
    assert "<strong>250</strong>" in html
    assert "4 juin 2029" in html  # the job target's deadline
    assert "jeudi 4 juin 2026" in html  # the launch evening
    assert "24 mois, jusqu'au 4 juin 2028" in html
    assert [d.name for d in response.context["domains"]] == [d.name for d in domains]


def test_unknown_territory_is_404(client, db):
    response = client.get(reverse("territory_detail", kwargs={"slug": "nulle-part"}))

    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()


def test_territory_description_is_escaped(client, db):
    territory = TerritoryFactory(description="<script>alert('x')</script>")

    response = client.get(territory.get_absolute_url())

    assert "<script>alert" not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()


def test_pages_in_english_with_the_language_switch(client, db):
    TerritoryFactory()

    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_pages_forbid_inline_scripts_and_other_hosts(client, db):
    response = client.get(reverse("home"))

    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "script-src 'self'" in policy
    assert '<script src="/static/django_htmx/htmx-2.min.js' in response.content.decode()


def test_territory_page_writes_the_first_of_the_month_as_french_does(client, db):
    territory = TerritoryFactory(job_target_deadline=datetime.date(2029, 9, 1))

    html = client.get(territory.get_absolute_url()).content.decode()

    assert "1er septembre 2029" in html
    assert "1 septembre 2029" not in html


def test_the_site_and_the_phone_share_one_language_switch(client, db):
    table = TableFactory()
    with translation.override("fr"):  # the requests' English stays inside this test
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        pages = {
            "site": client.get(reverse("home")),
            "phone": client.get(reverse("table_join", kwargs={"code": table.code})),
        }

    for response in pages.values():
        assert "partials/language_switch.html" in [t.name for t in response.templates]
        html = response.content.decode()
        assert html.count('<form class="language-switch"') == 1
        assert 'value="en" lang="en"\n            aria-current="true"' in html
