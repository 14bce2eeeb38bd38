"""Turn a kind of report and its scope into a PDF with WeasyPrint.

Only files of the project's own static folders are fetched (the stylesheet, the embedded font,
images): a report never reaches another host, and text people typed cannot make it read a file.
"""

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation

from territoire.errors import Refused
from territoire.reports.kinds import ReportKind, Scope


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int
    gather_ms: float
    render_ms: float


class ReportResourceRefused(Refused):
    """A report asked for a resource outside the project's static files."""


def static_file_url(path: str) -> str:
    """The file:// URL of a static file, for report templates (``{% report_static %}``)."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"static file not found: {path}")
    return Path(found).resolve().as_uri()


def _static_roots() -> list[Path]:
    roots = []
    for finder in finders.get_finders():
        for _prefix, storage in getattr(finder, "locations", []) or []:
            roots.append(Path(storage).resolve())
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    return roots


def _fetcher():
    """WeasyPrint's URL fetcher, limited to the project's static files (and data: URLs)."""
    # In the function: WeasyPrint loads Pango and HarfBuzz on import; only the workers and
    # commands that render a PDF pay for it, not every web process.
    from weasyprint.urls import URLFetcher

    class StaticOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if not any(path.is_relative_to(root) for root in _static_roots()):
                    raise ReportResourceRefused(f"refused: {url[:80]}")
            elif parsed.scheme != "data":
                raise ReportResourceRefused(f"refused: {url[:80]}")
            return super().fetch(url, headers)

    return StaticOnlyFetcher(allowed_protocols={"file", "data"}, fail_on_errors=False)


def render_html(kind: ReportKind, scope: Scope, *, language: str) -> tuple[str, float]:
    """The report's HTML and the milliseconds spent gathering and templating it."""
    started = time.perf_counter()
    with translation.override(language):
        context = kind.gather(scope)
        context.setdefault("scope", scope)
        context.setdefault("territory", scope.territory)
        context.setdefault("report_title", kind.title(scope))
        context.setdefault("report_kind", kind)
        context.setdefault("generated_at", timezone.localtime())
        context.setdefault("language", language)
        html = render_to_string(kind.template, context)
    return html, (time.perf_counter() - started) * 1000


def build_pdf(kind: ReportKind, scope: Scope, *, language: str = "fr") -> RenderedPdf:
    """Render one report of ``kind`` over ``scope`` to PDF bytes (seconds: run it in a worker
    or a command, never in a web request)."""
    # In the function: WeasyPrint loads Pango and HarfBuzz on import; only the workers and
    # commands that render a PDF pay for it, not every web process.
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    html, gather_ms = render_html(kind, scope, language=language)
    started = time.perf_counter()
    font_config = FontConfiguration()
    document = HTML(
        string=html, base_url=static_file_url("reports/report.css"), url_fetcher=_fetcher()
    ).render(font_config=font_config)
    content = document.write_pdf()
    render_ms = (time.perf_counter() - started) * 1000
    return RenderedPdf(
        content=content, page_count=len(document.pages), gather_ms=gather_ms, render_ms=render_ms
    )
