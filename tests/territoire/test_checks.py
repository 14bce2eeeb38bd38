"""The system check that tells whoever installs Territoire what their machine lacks."""

import re
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from territoire import checks


def test_pdf_libraries_check_is_silent_when_harfbuzz_subset_loads(monkeypatch):
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: True)

    messages = checks.check_pdf_libraries(None)

    assert messages == []


def test_pdf_libraries_check_names_the_missing_library_and_the_command(monkeypatch, capsys):
    monkeypatch.setattr(checks, "harfbuzz_subset_available", lambda: False)

    call_command("check")

    err = capsys.readouterr().err
    assert "territoire.W001" in err
    assert "HarfBuzz-subset is missing" in err
    assert "make system-deps" in err


def test_this_machine_has_the_libraries_the_reports_need():
    assert checks.harfbuzz_subset_available()


def test_the_image_installs_every_library_the_script_installs():
    root = Path(settings.BASE_DIR)
    script = (root / "scripts" / "system-deps.sh").read_text()
    dockerfile = (root / "Dockerfile").read_text()
    packages = re.search(r"^packages=\(([^)]*)\)", script, re.MULTILINE).group(1).split()

    libraries = [p for p in packages if p.startswith("lib")]

    assert libraries == ["libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"]
    assert [lib for lib in libraries if lib not in dockerfile] == []
