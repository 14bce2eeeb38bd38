"""Filters for report templates: French typography on text people typed, always escaped."""

import datetime

from django import template
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from territoire.reports.render import static_file_url
from territoire.reports.typography import french, long_date, paragraphs

register = template.Library()


@register.filter
def fr(value: object) -> SafeString:
    """``{{ text|fr }}``: the text escaped, with French typography."""
    return mark_safe(escape(french(str(value or ""))))


@register.filter
def fr_paragraphs(value: object) -> SafeString:
    """``{{ text|fr_paragraphs }}``: one escaped <p> per paragraph, line breaks kept."""
    return format_html_join(
        "\n",
        "<p>{}</p>",
        (
            (mark_safe(escape(french(block)).replace("\n", "<br>")),)
            for block in paragraphs(str(value or ""))
        ),
    )


@register.simple_tag
def report_static(path: str) -> str:
    """``{% report_static "reports/report.css" %}``: a static file's local URL, for WeasyPrint."""
    return static_file_url(path)


@register.filter(name="long_date")
def long_date_filter(value: datetime.date | None) -> str:
    """``{{ event.starts_at|long_date }}``: « 1er juin 2026 » (no weekday)."""
    return long_date(value) if value else ""
