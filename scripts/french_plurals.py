"""Write locale/fr's catalogue of plural forms from the English one (run by `make messages`).

French is the source language, so its strings need no translation, with one exception: a
`{% blocktranslate count %}` or `ngettext` missing from a catalogue falls back to the English
rule (singular only for 1), so "0 emploi vérifié" would read "0 emplois vérifiés". This catalogue
gives each plural message its own French forms under French's rule, singular for 0 and 1.
"""

import sys
from pathlib import Path

HEADER = """# French plural forms of Territoire's messages: written by scripts/french_plurals.py.
msgid ""
msgstr ""
"Project-Id-Version: territoire\\n"
"PO-Revision-Date: 2026-12-07 00:00+0100\\n"
"Last-Translator: Territoire\\n"
"Language-Team: French\\n"
"Language: fr\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=2; plural=(n > 1);\\n"
"""


def _field(lines: list[str], key: str) -> list[str]:
    """The raw quoted lines of ``key`` (its first line without the key, then continuations)."""
    for start, line in enumerate(lines):
        if line.startswith(key + ' "'):
            found = [line[len(key) + 1 :]]
            for following in lines[start + 1 :]:
                if not following.startswith('"'):
                    break
                found.append(following)
            return found
    return []


def _entry(key: str, quoted: list[str]) -> list[str]:
    return [f"{key} {quoted[0]}", *quoted[1:]]


def french_plurals(english_po: str) -> str:
    blocks = []
    for block in english_po.split("\n\n"):
        lines = [line for line in block.strip().split("\n") if not line.startswith("#~")]
        plural = _field(lines, "msgid_plural")
        if not plural:
            continue
        singular = _field(lines, "msgid")
        context = _field(lines, "msgctxt")
        entry = _entry("msgctxt", context) if context else []
        entry += _entry("msgid", singular) + _entry("msgid_plural", plural)
        entry += _entry("msgstr[0]", singular) + _entry("msgstr[1]", plural)
        blocks.append("\n".join(entry))
    return HEADER + "\n" + "\n\n".join(blocks) + "\n"


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    english = root / "locale" / "en" / "LC_MESSAGES" / "django.po"
    french = root / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    french.parent.mkdir(parents=True, exist_ok=True)
    french.write_text(french_plurals(english.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"{french.relative_to(root)}: {french.read_text().count('msgid_plural')} plurals")
    sys.exit(0)
