"""Pytest fixtures for real-browser and validator tests (a plugin loaded by tests/conftest.py).

We use Playwright's plain sync API, not pytest-playwright's fixtures: those manage browsers
of their own, which `playwright install` would have to download.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.support.browser import DESKTOP, launch_chromium
from tests.support.server import serve_directory
from tests.support.tools import (
    AXE_SCRIPT,
    CHROMIUM,
    VNU_JAR,
    missing_tool,
    require_file,
    require_java,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

NPM_HINT = "run `npm ci --ignore-scripts` in the repository root"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that drives the browser `browser`, so `-m "not browser"` works."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, launched once per test session."""
    if not CHROMIUM.is_file():
        missing_tool(f"{CHROMIUM} is missing: apt-get install -y chromium fonts-noto-cjk")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing_tool("playwright is not installed: pip install playwright (no `playwright install`)")
    with sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh desktop-sized page in its own browser context, closed after the test."""
    context = browser.new_context(viewport=DESKTOP)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="session")
def vnu() -> Path:
    """The Nu HTML checker's jar, once java and the jar are known to be there."""
    require_java()
    return require_file(VNU_JAR, NPM_HINT)


@pytest.fixture(scope="session")
def axe_script() -> str:
    """The text of axe-core's `axe.min.js`, to inject with `run_axe(page, axe_script)`."""
    return require_file(AXE_SCRIPT, NPM_HINT).read_text(encoding="utf-8")


@pytest.fixture
def serve() -> Iterator[Callable[..., str]]:
    """Serve a folder for the rest of the test: `base_url = serve(root, "/archive/")`."""
    with ExitStack() as stack:
        def start(root: Path, base_path: str = "/") -> str:
            return stack.enter_context(serve_directory(root, base_path))

        yield start
