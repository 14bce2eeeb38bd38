"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Every test under tests/browser is marked ``browser`` (``make test-fast`` leaves them out).
Without /usr/bin/chromium they are skipped with a message, except in CI where they fail.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

from tests.conftest import require_service

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
BROWSER_DIR = Path(__file__).resolve().parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark this directory's tests ``browser``, before ``-m`` selects. (Sees every item.)"""
    for item in items:
        if _in_browser_dir(item):
            item.add_marker(pytest.mark.browser)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Run this directory's tests after all others, once pytest-django has ordered them.

    Playwright's asyncio loop and DJANGO_ALLOW_ASYNC_UNSAFE (below) stay until the session
    ends: a test run after them would inherit both (a subprocess running ``check --deploy``
    would then fail with async.E001).
    """
    session.items.sort(key=_in_browser_dir)  # stable: each group keeps its order


def _in_browser_dir(item: pytest.Item) -> bool:
    return item.path.is_relative_to(BROWSER_DIR)


@pytest.fixture(scope="session", autouse=True)
def _allow_sync_orm_beside_playwright():
    """Playwright's sync API keeps an asyncio loop running in the main thread, so Django would
    refuse the test's own ORM calls (SynchronousOnlyOperation). Django's documented escape hatch;
    set only once a browser test runs, and kept to the session's end, like Playwright's loop."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def base_url(live_server) -> str:
    """Pages open relative to the live server (``page.goto("/")``).

    Also replaces pytest-playwright's fallback ``base_url`` fixture, an instance method of a
    plugin class, which pytest 9 deprecates (PytestRemovedIn10Warning, an error here)."""
    return live_server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's options (--headed, --slowmo…), on the system's Chromium."""
    if not CHROMIUM.exists():
        require_service("Chromium not installed: apt-get install chromium")
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict) -> dict:
    """A French-speaking visitor: Chromium would otherwise ask for en-US (the site has English)."""
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


def shot(page: Page, name: str) -> Path:
    """Save a full-page PNG of ``page`` as tests/artifacts/<name>.png."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
