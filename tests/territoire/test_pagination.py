"""The one pagination helper (territoire/pagination.py): links keep the other GET parameters,
any ``page`` value shows a page."""

import pytest
from django.test import RequestFactory

from territoire.pagination import paginate

ROWS = list(range(1, 61))  # 3 pages of 25


def _page(query: str, **options):
    return paginate(RequestFactory().get(f"/liste/?{query}"), ROWS, per_page=25, **options)


def test_links_keep_every_other_parameter_and_drop_the_page_for_the_first():
    listing = _page("statut=paused&defi=a&defi=b&page=2")

    assert list(listing.items) == list(range(26, 51))
    assert listing.count == 60
    assert listing.previous_url == "?statut=paused&defi=a&defi=b"
    assert listing.next_url == "?statut=paused&defi=a&defi=b&page=3"
    assert listing.last_url == "?statut=paused&defi=a&defi=b&page=3"
    assert listing.current_url == "?statut=paused&defi=a&defi=b&page=2"


def test_each_list_of_a_page_has_its_parameter_and_its_anchor():
    listing = _page("page=3&volontaires=2", param="volontaires", anchor="volunteers")

    assert listing.page.number == 2
    assert listing.previous_url == "?page=3#volunteers"
    assert listing.next_url == "?page=3&volontaires=3#volunteers"
    assert listing.current_url == "?page=3&volontaires=2"


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("", 1),
        ("1", 1),
        ("3", 3),
        ("4", 3),
        ("999999999", 3),
        ("0", 1),
        ("-2", 1),
        ("x", 1),
        ("²", 1),
        ("٣", 1),
        ("9" * 30, 1),
        ("2.0", 1),
    ],
)
def test_any_page_value_shows_a_page(value, number):
    assert _page(f"page={value}").page.number == number


def test_an_empty_list_is_one_empty_page_without_links():
    listing = paginate(RequestFactory().get("/"), [], per_page=25)

    assert listing.count == 0
    assert list(listing.items) == []
    assert not listing.page.has_other_pages()
    assert listing.previous_url == listing.next_url == ""
