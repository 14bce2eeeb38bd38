"""Filters for the site's layout (templates/base.html)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

SITE_NAME = "Territoire"


@register.filter(is_safe=True)
def page_title(value: str) -> SafeString:
    """``{% filter page_title %}{% block head_title %}{% endblock %}{% endfilter %}``: the page's
    own title then the site's, « Page · Territoire », or « Territoire » alone for a page that
    names nothing. (A Django template cannot test whether a block is empty: it filters it.)"""
    title = " ".join(str(value).split())
    return mark_safe(f"{title} · {SITE_NAME}" if title else SITE_NAME)
