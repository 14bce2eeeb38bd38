"""French typography in the templates, as in the PDFs (territoire/reports/typography.py): the
space before « : » and inside guillemets is a non-breaking space (U+00A0), the one before ; ! ?
a narrow non-breaking space (U+202F), written as such in the text and the msgids, so that a
sign never starts a line on a phone.

``python -m tests.test_french_typography <template>…`` puts them in a template, in place."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
# A plain space after a word and before : ; ! ? » (never "!=" inside a tag), or after «.
PLAIN_SPACE = re.compile(r"(?<=\S)[ \t]+(?=([:;!?»])(?!=))|(?<=«)[ \t]+")


def _templates() -> list[Path]:
    folders = [ROOT / "templates", *ROOT.glob("*/templates")]
    return sorted(
        path
        for folder in folders
        for path in folder.rglob("*")
        if path.suffix in {".html", ".txt"} and ".venv" not in path.parts
    )


def plain_spaces(source: str) -> list[str]:
    """The lines of a template where French punctuation follows a breaking space."""
    text = COMMENTS.sub(lambda comment: "\n" * comment.group().count("\n"), source)
    lines = text.splitlines()
    return [
        f"{number}: {lines[number - 1].strip()}"
        for number in sorted(
            {text.count("\n", 0, m.start()) + 1 for m in PLAIN_SPACE.finditer(text)}
        )
    ]


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("Objectif : {{ n }}", 1),
        ('{% translate "Vous venez ?" %}', 1),
        ("« {{ title }} »", 1),
        ("Objectif\u00a0: {{ n }} — «\u00a0{{ t }}\u00a0» — prêt\u202f?", 0),
        ("{% if a != b %}https://x.fr?page=2{% endif %}", 0),
        ('{# note : en anglais #}{{ x|date:"j F" }}', 0),
    ],
)
def test_the_scan_finds_plain_spaces_only_in_text(source, found):
    assert len(plain_spaces(source)) == found
    assert plain_spaces(with_french_spaces(source)) == []


def test_templates_put_a_non_breaking_space_before_french_punctuation():
    templates = _templates()

    faults = {
        str(path.relative_to(ROOT)): plain_spaces(path.read_text(encoding="utf-8"))
        for path in templates
    }

    assert len(templates) > 80
    assert {path: lines for path, lines in faults.items() if lines} == {}, (
        "python -m tests.test_french_typography <template>… puts the right spaces in"
    )


def with_french_spaces(source: str) -> str:
    """``source`` with U+00A0 before « : » and inside « », U+202F before ; ! ? (comments kept)."""

    def space(match: re.Match) -> str:
        return "\u00a0" if match.group(1) in (None, ":", "»") else "\u202f"

    parts, last = [], 0
    for comment in COMMENTS.finditer(source):
        parts += [PLAIN_SPACE.sub(space, source[last : comment.start()]), comment.group()]
        last = comment.end()
    return "".join([*parts, PLAIN_SPACE.sub(space, source[last:])])


if __name__ == "__main__":
    import sys

    for name in sys.argv[1:]:
        template = Path(name)
        template.write_text(with_french_spaces(template.read_text(encoding="utf-8")), "utf-8")
