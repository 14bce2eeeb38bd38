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


def _luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of a #rrggbb colour."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _colours(selector: str) -> dict[str, str]:
    declared = {}
    for selectors, body in rules(SITE_CSS.read_text()):
        if selector in selectors:
            for prop, value in re.findall(r"(background|color)\s*:\s*([^;]+);", body):
                value = value.strip()
                declared[prop] = "#ffffff" if value in ("#fff", "white") else value
    return declared


def test_contrast_is_computed_as_wcag_does():
    assert round(contrast("#000000", "#ffffff"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54


def test_the_dot_button_text_meets_wcag_aa():
    for selector in (".button--dot", ".button--dot:hover"):
        colours = _colours(selector)

        assert contrast(colours["color"], colours["background"]) >= 4.5, selector
