"""Template tags of the impact side: ``{% impact_chart chart %}`` and ``{{ cell|impact_cell }}``.

    {% load impact %}
    {% impact_chart chart %}            (the data table in a <details>)
    {% impact_chart chart for_print=True %}   (the data table printed; the PDF's default)

``for_print`` defaults to the template's own ``for_print`` variable, which the impact report
sets.
"""

import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from territoire.impact.charts import SVG_STYLE, draw
from territoire.impact.registry import Chart
from territoire.impact.scales import format_number

register = template.Library()


@register.inclusion_tag("territoire/impact/_chart.html", takes_context=True)
def impact_chart(
    context: template.Context, chart: Chart, for_print: bool | None = None
) -> dict[str, Any]:
    """One chart as a <figure>: title, legend, inline SVG, its sentence and its data table."""
    if for_print is None:
        for_print = bool(context.get("for_print"))
    return {"drawing": draw(chart), "for_print": for_print, "colours": SVG_STYLE}


@register.filter
def impact_numeric(value: object) -> bool:
    """Whether a table cell holds a figure (set right-aligned, in tabular digits)."""
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


@register.filter
def impact_cell(value: object) -> str:
    """A cell of an impact table as a French reader expects it: « 1 234 », « 2,5 », « oui »,
    « 3 juin 2026 »; an em dash for no value."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, int | float | Decimal):
        return format_number(value)
    if isinstance(value, datetime.datetime):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)
