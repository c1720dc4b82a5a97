"""Launch Debian's Chromium through Playwright's sync API, and run axe-core in a page.

Never `playwright install`: it downloads a browser, which these machines cannot do. We drive
the `chromium` Debian package instead (see shared TOOLCHAIN.md).
"""

from __future__ import annotations

from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tests.support.tools import AXE_SCRIPT, CHROMIUM

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Playwright, ViewportSize

CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
)

T = TypeVar("T")

DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 812}


def launch_chromium(playwright: Playwright, executable: Path = CHROMIUM) -> Browser:
    """Start a headless Debian Chromium."""
    return playwright.chromium.launch(
        executable_path=str(executable), headless=True, args=list(CHROMIUM_ARGS)
    )


def run_axe(page: Page, script: str | None = None,
            options: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Inject axe-core into the loaded page, run it, and return its violations.

    `options` goes to `axe.run(document, options)`, e.g. `{"runOnly": ["wcag2a"]}`.
    """
    if script is None:
        script = AXE_SCRIPT.read_text(encoding="utf-8")
    page.add_script_tag(content=script)
    result = page.evaluate(
        "async (options) => await axe.run(document, options || {})", options
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """Format axe violations as one line per failing node, for assertion messages."""
    lines = []
    for violation in violations:
        for node in violation.get("nodes", []):
            target = " ".join(map(str, node.get("target", [])))
            lines.append(f"{violation['id']} ({violation.get('impact')}): {target}: "
                         f"{violation.get('help', '')}")
    return "\n".join(lines)


def rendered_fonts(page: Page, selector: str) -> dict[str, int]:
    """Return the fonts Chromium actually drew the first `selector` match with: name -> glyphs.

    `document.fonts.check()` says true even for fonts that do not exist, so ask the
    DevTools protocol instead: this is how a test proves Japanese is not drawn as boxes.
    """
    session = page.context.new_cdp_session(page)
    try:
        session.send("DOM.enable")
        session.send("CSS.enable")
        root = session.send("DOM.getDocument")["root"]["nodeId"]
        node = session.send("DOM.querySelector", {"nodeId": root, "selector": selector})
        if not node["nodeId"]:
            raise LookupError(f"no element matches {selector!r}")
        fonts = session.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
        return {font["familyName"]: font["glyphCount"] for font in fonts["fonts"]}
    finally:
        session.detach()


def run_coroutine(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to the end in a thread of its own and return its result.

    Playwright's sync API leaves its event loop marked as running in the thread that started
    it, so once the session's `browser` is up, `asyncio.run()` in the test thread fails with
    "cannot be called from a running event loop" for the rest of the session. Async code
    (Pagefind's Python API) must therefore run in another thread, as this does.
    """
    import asyncio

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="coroutine") as pool:
        return pool.submit(asyncio.run, coroutine).result()
