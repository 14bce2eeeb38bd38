"""Templates compare enumerations with their members (``table.phase == Phase.VOTE``, exposed by
the context processors ``<app>.context_processors.enums``), never with values written as strings:
a renamed value then fails loudly instead of silently hiding a block."""

import re
from pathlib import Path

from django.db import models

from accompaniment import enums as accompaniment_enums
from challenges import enums as challenges_enums
from events import enums as events_enums
from projects import enums as projects_enums
from territoire import enums as territoire_enums

ROOT = Path(__file__).resolve().parent.parent
COMPARISON = re.compile(r"""(==|!=)\s*["']([^"']*)["']""")
# Left as they are: the phone's page, whose board and timer partials are rendered without a request
# (events/live_board.py) and are being reworked into plain templates (the board's rendering).
ALLOWED_FILES = {"events/templates/events/table_participant.html"}
# Comparisons whose value only looks like an enumeration's: the history's kinds of change.
ALLOWED_TAGS = {
    (
        "accompaniment/templates/accompaniment/project_history.html",
        '{% elif change.kind == "member" %}',
    )
}


def _enum_values() -> set[str]:
    values = set()
    for module in (
        territoire_enums,
        challenges_enums,
        events_enums,
        projects_enums,
        accompaniment_enums,
    ):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, models.Choices):
                values |= {str(member.value) for member in value}
    return values


def _templates() -> list[Path]:
    found = []
    for folder in ["templates", "*/templates"]:
        for path in ROOT.glob(f"{folder}/**/*"):
            if path.suffix in {".html", ".txt", ".xml"} and ".venv" not in path.parts:
                found.append(path)
    return found


def test_templates_compare_enum_members_not_strings():
    values = _enum_values()
    offenders = []
    for path in _templates():
        relative = str(path.relative_to(ROOT))
        if relative in ALLOWED_FILES:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for tag in re.findall(r"{%.*?%}", line):
                for _operator, literal in COMPARISON.findall(tag):
                    if literal in values and (relative, tag) not in ALLOWED_TAGS:
                        offenders.append(f"{relative}:{number}: {tag}")
    assert offenders == []
