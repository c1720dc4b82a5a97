"""Take full-page screenshots of the built site with Debian's Chromium, to look at by eye.

    python scripts/screenshots.py [--site public] [--out screenshots] [--base /]

Serves the built folder on 127.0.0.1 under its base path and shoots the home page, the first
page with Japanese text (`lang="ja"`) and the first tag page, at desktop and phone widths, in
light and dark colour schemes. Prints each file written. Build the site first.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.support.browser import DESKTOP, PHONE, launch_chromium
from tests.support.server import serve_directory
from tests.support.tools import CHROMIUM

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}
SCHEMES: tuple[Literal["light"], Literal["dark"]] = ("light", "dark")
SKIPPED_PAGES = ("404.html",)


@dataclass(frozen=True)
class Shot:
    """One page to photograph: a short name for the file and its path inside the site."""

    name: str
    page: str  # relative URL path below the base: "" for home, "tags/x/" for a folder


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, find the pages, shoot them; return the exit code."""
    args = parse_args(argv)
    site = args.site.resolve()
    if not (site / "index.html").is_file():
        print(f"error: {args.site}/index.html not found: run `python build.py` first",
              file=sys.stderr)
        return 2
    if not CHROMIUM.is_file():
        print(f"error: {CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk",
              file=sys.stderr)
        return 2
    shots = find_shots(site)
    written = take_screenshots(site, shots, args.out, args.base)
    for path in written:
        print(path)
    return 0 if written else 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=REPO_ROOT / "public",
                        help="built site folder (default: public/)")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "screenshots",
                        help="folder for the PNG files (default: screenshots/)")
    parser.add_argument("--base", default="/",
                        help="base path the site was built for, e.g. /archive/ (default: /)")
    return parser.parse_args(argv)


def find_shots(site: Path) -> list[Shot]:
    """Pick the home page, the first Japanese page and the first tag page that exist."""
    shots = [Shot("home", "")]
    japanese = first_japanese_page(site)
    if japanese is None:
        print("note: no page with lang=\"ja\" found; skipping the Japanese shot", file=sys.stderr)
    else:
        shots.append(Shot("japanese", japanese))
    tag = first_tag_page(site)
    if tag is None:
        print("note: no tags/<name>/index.html found; skipping the tag shot", file=sys.stderr)
    else:
        shots.append(Shot("tag", tag))
    return shots


def first_japanese_page(site: Path) -> str | None:
    """Return the URL path of the first page (by path) whose HTML has `lang="ja"`."""
    for path in sorted(site.rglob("*.html")):
        relative = path.relative_to(site)
        if relative == Path("index.html") or relative.parts[0] in ("tags", *SKIPPED_PAGES):
            continue
        if 'lang="ja"' in path.read_text(encoding="utf-8", errors="replace"):
            return url_path(relative)
    return None


def first_tag_page(site: Path) -> str | None:
    """Return the URL path of the first folder under tags/ that has an index.html."""
    tags = site / "tags"
    if not tags.is_dir():
        return None
    for folder in sorted(p for p in tags.iterdir() if p.is_dir()):
        if (folder / "index.html").is_file():
            return url_path(folder.relative_to(site) / "index.html")
    return None


def url_path(relative: Path) -> str:
    """Turn `a/b/index.html` into `a/b/` and `a/x.html` into `a/x.html`."""
    if relative.name == "index.html":
        parent = relative.parent.as_posix()
        return "" if parent == "." else parent + "/"
    return relative.as_posix()


def take_screenshots(site: Path, shots: list[Shot], out: Path, base: str) -> list[Path]:
    """Serve `site` and write one PNG per shot, viewport and colour scheme."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("error: playwright is not installed: pip install playwright "
              "(never `playwright install`)", file=sys.stderr)
        return []
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with serve_directory(site, base) as base_url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for width_name, viewport in VIEWPORTS.items():
                for scheme in SCHEMES:
                    context = browser.new_context(viewport=viewport, color_scheme=scheme)
                    page = context.new_page()
                    for shot in shots:
                        response = page.goto(base_url + shot.page, wait_until="load")
                        if response is None or response.status != 200:
                            status = response.status if response else "no response"
                            print(f"warning: {base_url + shot.page} answered {status}",
                                  file=sys.stderr)
                        page.evaluate("document.fonts.ready.then(() => true)")
                        target = out / f"{shot.name}-{width_name}-{scheme}.png"
                        page.screenshot(path=str(target), full_page=True)
                        written.append(target)
                    context.close()
        finally:
            browser.close()
    return written


if __name__ == "__main__":
    sys.exit(main())
