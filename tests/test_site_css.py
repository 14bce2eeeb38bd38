"""The site's stylesheet, read as text: what a form field or a button looks like."""

import re
from pathlib import Path

from django.conf import settings

SITE_CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"


def rules(css: str) -> list[tuple[list[str], str]]:
    """(selectors, declarations) of every plain rule of ``css`` (at-rules' insides included)."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = []
    for selector, body in re.findall(r"([^{}@]+)\{([^{}]*)\}", css):
        found.append(([part.strip() for part in selector.split(",")], body))
    return found


def test_date_and_month_fields_look_like_the_other_fields():
    field_rule = next(
        selectors
        for selectors, body in rules(SITE_CSS.read_text())
        if 'input[type="text"]' in selectors and "border" in body
    )

    assert {'input[type="date"]', 'input[type="month"]', 'input[type="email"]'} <= set(field_rule)
