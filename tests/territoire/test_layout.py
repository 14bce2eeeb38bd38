"""The site's layout (templates/base.html): the page title."""

import re

import pytest
from django.template import Context, Template
from django.urls import reverse

from tests.factories import TerritoryFactory


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("home", {}, "Les territoires · Territoire"),
        ("account_login", {}, "Se connecter · Territoire"),
        ("territory_detail", {"slug": "lille"}, "Métropole « A&amp;B » · Territoire"),
        ("challenge_list", {"territory_slug": "lille"}, None),
    ],
)
def test_page_titles_read_page_then_site(
    client, db, django_assert_max_num_queries, name, kwargs, expected
):
    TerritoryFactory(slug="lille", name="Métropole « A&B »")

    with django_assert_max_num_queries(12):
        response = client.get(reverse(name, kwargs=kwargs))

    title = _title(response.content.decode())
    assert response.status_code == 200
    assert title.endswith(" · Territoire")
    assert not title.startswith(" · ")
    if expected:
        assert title == expected


def test_a_page_without_a_title_is_named_after_the_site():
    html = Template('{% extends "base.html" %}{% block content %}Bonjour{% endblock %}').render(
        Context({})
    )

    assert _title(html) == "Territoire"


def test_a_title_spread_over_lines_is_read_on_one():
    html = Template(
        "{% load site %}{% filter page_title %}\n  Besoins\n  · Numéribus\n{% endfilter %}"
    ).render(Context({}))

    assert html == "Besoins · Numéribus · Territoire"
