"""Text written by people: plain text is escaped at render time; the few fields that allow
formatting are cleaned with nh3 before they are stored."""

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "b",
    "i",
    "ul",
    "ol",
    "li",
    "a",
    "blockquote",
    "h3",
    "h4",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


def clean_rich_text(html: str) -> str:
    """Keep simple formatting (paragraphs, emphasis, lists, links); drop scripts and styles."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    ).strip()


def one_line(text: str) -> str:
    """``text`` on one line, its runs of spaces and line breaks collapsed to one space: an e-mail
    subject built from a title someone typed with a line break in it would otherwise be refused
    by the mail library (a header cannot hold CR or LF) and the e-mail never sent."""
    return " ".join(str(text).split())
