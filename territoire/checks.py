"""System checks: what `manage.py check` (and runserver, migrate) tells the person installing
Territoire about their machine, so a missing library is said plainly rather than found later."""

import ctypes
import ctypes.util

from django.core.checks import CheckMessage, Warning, register

# The names WeasyPrint itself tries for HarfBuzz-subset on Linux and macOS (weasyprint/text/ffi.py).
_HARFBUZZ_SUBSET_NAMES = ("libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib")


def harfbuzz_subset_available() -> bool:
    """Whether the HarfBuzz-subset library WeasyPrint embeds fonts with can be loaded."""
    if ctypes.util.find_library("harfbuzz-subset"):
        return True
    for name in _HARFBUZZ_SUBSET_NAMES:
        try:
            ctypes.CDLL(name)
        except OSError:
            continue
        return True
    return False


@register()
def check_pdf_libraries(app_configs, **kwargs) -> list[CheckMessage]:
    if harfbuzz_subset_available():
        return []
    return [
        Warning(
            "HarfBuzz-subset is missing: the PDF reports still render, but WeasyPrint embeds "
            "whole fonts and warns on every import (the test suite fails on that warning).",
            hint="Install it: `make system-deps` (Debian: apt-get install libharfbuzz-subset0).",
            id="territoire.W001",
        )
    ]
