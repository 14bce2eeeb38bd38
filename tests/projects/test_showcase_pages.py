"""The showcase, one page of cards at a time: filters kept across pages, any ``page`` safe."""

import re

import pytest
from django.urls import reverse

from projects.enums import ProjectStatus
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db

PAGE_SIZE = 24


def _names(html: str) -> list[str]:
    return re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', html)


@pytest.fixture
def crowded(cast):
    """Cast's project plus 49 paused ones: the paused ones fill three pages of the filter."""
    for index in range(49):
        ProjectFactory(
            territory=cast.territory, name=f"Pause {index:02}", status=ProjectStatus.PAUSED
        )
    return cast


def test_the_second_page_keeps_the_filters_and_links_back(client, crowded):
    url = reverse("project_showcase", args=[crowded.territory.slug])

    first = client.get(url, {"statut": "paused"}).content.decode()
    second = client.get(url, {"statut": "paused", "page": "2"}).content.decode()
    third = client.get(url, {"statut": "paused", "page": "3"}).content.decode()

    assert "49 projets" in first
    assert "Page 1 sur 3" in first
    assert 'href="?statut=paused&amp;page=2" rel="next"' in first
    assert _names(first) == [f"Pause {i:02}" for i in range(PAGE_SIZE)]
    assert _names(second) == [f"Pause {i:02}" for i in range(PAGE_SIZE, 2 * PAGE_SIZE)]
    assert _names(third) == ["Pause 48"]
    assert 'href="?statut=paused" rel="prev"' in second
    assert "Bus numérique" not in first + second + third


@pytest.mark.parametrize(
    ("page", "shown"),
    [
        ("99", "Pause 48"),
        ("0", "Bus numérique"),
        ("abc", "Bus numérique"),
        ("²", "Bus numérique"),
        ("9" * 40, "Bus numérique"),
        ("-1", "Bus numérique"),
    ],
)
def test_a_page_out_of_range_or_not_a_number_shows_a_page(client, crowded, page, shown):
    url = reverse("project_showcase", args=[crowded.territory.slug])

    response = client.get(url, {"page": page})

    assert response.status_code == 200
    assert shown in _names(response.content.decode())


def test_a_list_that_fits_on_one_page_has_no_page_links(client, cast):
    html = client.get(reverse("project_showcase", args=[cast.territory.slug])).content.decode()

    assert 'class="pagination"' not in html
    assert "1 projet" in html
