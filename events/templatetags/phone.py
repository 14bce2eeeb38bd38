"""Template tags of the participant's phone pages."""

from django import template
from django.utils.safestring import SafeString

from events.notices import notices_html

register = template.Library()


@register.simple_tag
def notices_block(notices: list[tuple[str, str]] | None, oob: bool = False) -> SafeString:
    """The page's notices area (``#notices``): the same markup the htmx answers send."""
    return notices_html(notices or [], oob=oob)
