"""French typography for text people typed: the non-breaking spaces and the signs a printed
French document is expected to have, applied before escaping."""

import datetime
import re

from django.utils import translation
from django.utils.formats import date_format

NBSP = "\u00a0"  # before « : » and inside guillemets
NNBSP = "\u202f"  # the fine space before ; ! ?

_SPACES = r"[ \t\u00a0\u202f]"
_STRAIGHT_QUOTES = re.compile(r'"([^"\n]+)"')
_INSIDE_OPENING = re.compile(rf"«{_SPACES}*")
_INSIDE_CLOSING = re.compile(rf"{_SPACES}*»")
# ; ! ? (runs of them, "?!") after a word or a closing sign, before a space or the end.
_HIGH_SIGNS = re.compile(rf"(?<=[\w)\]»\u2019]){_SPACES}*([;!?]+)(?=\s|$|[)»])")
# A colon after a word, followed by a space or the end: never "18:00" nor "https://".
_COLON = re.compile(rf"(?<=[^\W\d_]|[)\]»\u2019]){_SPACES}*:(?=\s|$)")
_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")
_ELLIPSIS = re.compile(r"\.\.\.")


def french(text: str) -> str:
    """Return ``text`` with French typography: « » for straight double quotes, a non-breaking
    space inside guillemets and before a colon, a fine non-breaking space before ; ! ?, the
    typographic apostrophe and the ellipsis sign. Plain text in, plain text out: escape after."""
    if not text:
        return ""
    text = _STRAIGHT_QUOTES.sub(r"«\1»", text)
    text = _INSIDE_OPENING.sub("«" + NBSP, text)
    text = _INSIDE_CLOSING.sub(NBSP + "»", text)
    text = _HIGH_SIGNS.sub(NNBSP + r"\1", text)
    text = _COLON.sub(NBSP + ":", text)
    text = _APOSTROPHE.sub("\u2019", text)
    return _ELLIPSIS.sub("…", text)


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a text typed in a form: split on blank lines, single line breaks kept
    inside a paragraph (the caller renders them as <br>)."""
    blocks = re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n").strip())
    return [block.strip() for block in blocks if block.strip()]


def long_date(value: datetime.date, *, weekday: bool = False) -> str:
    """« 1er juin 2026 », « jeudi 4 juin 2026 »: the date in words, with the French ordinal
    for the first of the month (Django's formats write « 1 juin »)."""
    text = date_format(value, "l j F Y" if weekday else "j F Y")
    if value.day == 1 and (translation.get_language() or "").startswith("fr"):
        text = re.sub(r"\b1 ", "1er ", text, count=1)
    return text
