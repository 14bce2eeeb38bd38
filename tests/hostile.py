"""What a careless user or an attacker types: hypothesis strategies for form values, and the
forms of a page read back from its HTML (tests/test_no_server_error.py)."""

import inspect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django import forms
from django.core import signing
from hypothesis import strategies as st

HUGE_ID = "99999999999999999999"  # above PostgreSQL's bigint and SQLite's INTEGER
HOSTILE_VALUES = (
    "",
    " ",
    "0",
    "-1",
    HUGE_ID,
    "9" * 400,
    "1.5",
    "1e400",
    "abc",
    "²",  # str.isdigit() says yes, int() says no
    "٣",  # an Arabic-Indic digit: int() takes it
    "\uff11\uff12",  # full-width digits
    "\x00",
    "a\x00b",
    "\x01\x08\x1b\x7f",
    "\x0b\x0c",
    "Titre\r\nBcc: victime@example.org",
    "\r\n",
    "\u2028\u2029",
    "x" * 20_000,
    "é" * 5_000,
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "//ailleurs.example.com/",
    "2026-02-30",
    "99999-12-31",
    "0001-01-01",
    "on",
    "true",
    "None",
    "[]",
    "{}",
    "1:1v9Zx2:signature-falsifiee",  # a Django signed value, tampered
    signing.dumps({"pk": 1}, salt="autre-sel"),  # signed, with another salt
    "eyJhbGciOiJub25lIn0.e30.",
    "%00",
    "../../etc/passwd",
    "\ud7ff\ue000\U0010ffff",
)

hostile_text = st.one_of(
    st.sampled_from(HOSTILE_VALUES),
    st.text(max_size=40),
    st.integers().map(str),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x1F), max_size=5),
)


@dataclass
class Field:
    name: str
    kind: str  # input type, "textarea" or "select"
    value: str = ""
    options: list[str] = field(default_factory=list)

    def plausible(self) -> str:
        """A value a careful user would send."""
        if self.value:
            return self.value
        if self.options:
            return next((option for option in self.options if option), self.options[0])
        return {
            "email": "ana@example.org",
            "date": "2027-03-15",
            "datetime-local": "2027-03-15T18:30",
            "time": "18:30",
            "number": "3",
            "url": "https://example.org/",
            "checkbox": "on",
            "tel": "0601020304",
        }.get(self.kind, "Un texte ordinaire")


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, Field] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = attributes.get("method", "get").lower()
            self.forms.append(Form(action=attributes.get("action", ""), method=method))
            return
        if not self.forms or tag not in {"input", "textarea", "select", "option", "button"}:
            return
        fields = self.forms[-1].fields
        name = attributes.get("name")
        if tag == "option" and self._select is not None:
            self._select.options.append(attributes.get("value", ""))
            if "selected" in attributes:
                self._select.value = attributes.get("value", "")
        elif name and tag == "input":
            kind = attributes.get("type", "text").lower()
            if kind in {"submit", "image", "reset", "file"}:
                return
            checked = kind not in {"checkbox", "radio"} or "checked" in attributes
            known = fields.setdefault(name, Field(name, kind))
            if checked and attributes.get("value"):
                known.value = attributes["value"]
        elif name and tag == "textarea":
            self._textarea = fields.setdefault(name, Field(name, "textarea"))
        elif name and tag == "select":
            self._select = fields.setdefault(name, Field(name, "select"))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def page_forms(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


_READ_NAMES = re.compile(r"""(?:POST|GET|data)\.(?:get|getlist)\(\s*f?["']([\w-]+)["']""")


def names_read_by(view) -> set[str]:
    """Field names the view's module reads from the request or through its forms."""
    module = inspect.getmodule(inspect.unwrap(view))
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return set()
    names = set(_READ_NAMES.findall(source))
    for value in vars(module).values():
        if isinstance(value, type) and issubclass(value, forms.BaseForm):
            names |= set(value.base_fields)
    return names
