"""The notices area of a participant's phone page (``#notices``), as one function.

The page renders it through ``{% notices_block %}``, and the htmx answers to an idea, a dot or a
team send it out of band. Those answers are the night's hottest writes: building a few bytes
here costs ~0.02 ms where a template render costs ~0.3 ms (docs/benchmarks.md).
"""

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


def notices_html(notices: list[tuple[str, str]], *, oob: bool = False) -> SafeString:
    """``notices`` as ``(level, text)`` pairs, escaped; ``oob`` for an htmx out-of-band swap."""
    items = format_html_join(
        "", '<p class="message message--{}">{}</p>', ((level, text) for level, text in notices)
    )
    swap = SafeString(' hx-swap-oob="true"') if oob else ""
    return format_html('<div id="notices" class="notices" role="status"{}>{}</div>', swap, items)
