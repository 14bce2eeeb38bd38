"""The English catalogue: translated, compiled from the current .po, and chosen by the cookie.

The compiled ``django.mo`` is committed so that a fresh checkout shows English without a compile
step; ``test_compiled_catalogue_matches_po`` fails when the .po changed and `make messages` was not
run again.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, ngettext, npgettext, pgettext

from territoire.enums import Role
from tests.factories import TerritoryFactory

PO_PATH = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")

_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$')
_ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def parse_po(path: Path) -> list[Entry]:
    """A minimal .po reader: enough for the files makemessages writes (obsolete ``#~`` skipped)."""
    entries: list[Entry] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, current = Entry(), None
        seen = False
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry.flags.update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#") or not line:
                continue
            elif match := _FIELD.match(line):
                keyword, text = match.group(1), _unescape(match.group(2))
                seen = True
                if keyword.startswith("msgstr"):
                    current = int(keyword[7:-1]) if "[" in keyword else 0
                    entry.msgstr[current] = text
                else:
                    current = keyword
                    setattr(entry, keyword, text)
            elif line.startswith('"') and current is not None:
                text = _unescape(line[1:-1])
                if isinstance(current, int):
                    entry.msgstr[current] += text
                else:
                    setattr(entry, current, getattr(entry, current) + text)
        if seen:
            entries.append(entry)
    return entries


def catalogue() -> tuple[Entry, list[Entry]]:
    header, *entries = parse_po(PO_PATH)
    assert header.msgid == "", "the .po must start with its header"
    return header, entries


def translate(entry: Entry, n: int) -> str:
    if entry.msgid_plural is None:
        if entry.msgctxt is None:
            return gettext(entry.msgid)
        return pgettext(entry.msgctxt, entry.msgid)
    if entry.msgctxt is None:
        return ngettext(entry.msgid, entry.msgid_plural, n)
    return npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, n)


@pytest.fixture(autouse=True)
def _back_to_default_language():
    """A request with the English cookie leaves English active in the thread: undo it."""
    yield
    translation.deactivate()


def test_catalogue_files_are_committed_with_an_english_header():
    header, entries = catalogue()

    assert MO_PATH.is_file(), "run `make messages` and commit locale/en/LC_MESSAGES/django.mo"
    assert "Language: en\n" in header.msgstr[0]
    assert "charset=UTF-8" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]
    assert entries


def test_no_entry_is_fuzzy():
    _, entries = catalogue()

    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]

    assert fuzzy == [], "fuzzy entries are left out of the .mo: review them and drop the flag"


def test_compiled_catalogue_matches_po():
    _, entries = catalogue()
    stale = []
    with translation.override("en"):
        for entry in entries:
            for index, expected in sorted(entry.msgstr.items()):
                if not expected:
                    continue
                got = translate(entry, 1 if index == 0 else 2)
                if got != expected:
                    stale.append((entry.msgctxt, entry.msgid, index, got, expected))

    assert stale == [], "django.mo is older than django.po: run `make messages`"


def test_project_strings_come_out_in_english():
    with translation.override("en"):
        assert gettext("Mon espace") == "My space"
        assert gettext("Les territoires") == "Territories"
        assert str(Role.ORGANISER.label) == "organiser"
        assert str(Role.OFFICIAL.label) == "city official"
        assert ngettext("%d invitation renvoyée.", "%d invitations renvoyées.", 3) % 3 == (
            "3 invitations resent."
        )
    with translation.override("fr"):
        assert gettext("Mon espace") == "Mon espace"
        assert str(Role.FACILITATOR.label) == "animateur·rice"


def test_home_is_english_with_the_language_cookie(client, db):
    TerritoryFactory(name="Métropole A", job_target=250)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(reverse("home")).content.decode()

    assert '<html lang="en">' in html
    assert "Territories" in html
    assert "Target: 250 jobs by June 2029" in html
    assert "Les territoires" not in html


def test_home_is_french_without_the_cookie(client, db):
    TerritoryFactory(name="Métropole A", job_target=250)

    html = client.get(reverse("home")).content.decode()

    assert '<html lang="fr">' in html
    assert "Les territoires" in html
    assert "Objectif\u00a0: 250 emplois d'ici juin 2029" in html
    assert "Territories" not in html


FR_PO_PATH = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def test_french_catalogue_gives_every_plural_its_french_forms():
    _, english = catalogue()
    french_header, *french = parse_po(FR_PO_PATH)

    plurals = {(e.msgctxt, e.msgid, e.msgid_plural) for e in english if e.msgid_plural}
    forms = {(e.msgctxt, e.msgid, e.msgid_plural): e.msgstr for e in french}

    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in french_header.msgstr[0]
    assert plurals
    assert [key for key in plurals if forms.get(key) != {0: key[1], 1: key[2]}] == [], (
        "run `make messages` (scripts/french_plurals.py)"
    )


def test_french_counts_put_zero_in_the_singular():
    with translation.override("fr"):
        zero = ngettext("%d invitation renvoyée.", "%d invitations renvoyées.", 0) % 0
        two = ngettext("%d invitation renvoyée.", "%d invitations renvoyées.", 2) % 2

    assert zero == "0 invitation renvoyée."
    assert two == "2 invitations renvoyées."
