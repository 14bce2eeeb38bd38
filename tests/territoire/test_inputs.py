"""Numbers from URLs and forms: only ASCII digits, never more than a column holds."""

import pytest

from territoire.inputs import parse_int


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("42", 42),
        (" 7 ", 7),
        ("0", 0),
        ("999999999999999999", 999999999999999999),  # 18 digits: still a bigint
        ("²", None),  # str.isdigit() says yes, int() says no
        ("\u0661", None),  # an Arabic-Indic one: int() would take it
        ("99999999999999999999", None),  # beyond PostgreSQL's bigint
        ("-3", None),
        ("1e3", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_int_takes_ascii_digits_only_within_bounds(value, expected):
    assert parse_int(value) == expected


def test_parse_int_respects_a_smaller_bound():
    assert parse_int("123456789", max_digits=9) == 123456789
    assert parse_int("1234567890", max_digits=9) is None
