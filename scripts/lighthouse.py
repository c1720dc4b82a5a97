"""Build the site, serve it on 127.0.0.1 and run Lighthouse on the home page, an article and a tag page.

    python scripts/lighthouse.py [--pages "" 2019/x/ tags/y/] [--desktop] [--json DIR]

Builds into a temporary folder (public/ is left alone), serves it the way a static host
would, runs `npx lighthouse` with Debian's Chromium (CHROME_PATH=/usr/bin/chromium) on each
page, and prints a table of the four category scores, then every audit that cost points.
Exits 1 when a page scores under 100 for Accessibility, Best Practices or SEO, or under 95
for Performance. Lighthouse's default is a throttled mobile run; --desktop uses its desktop
preset. Not part of the test suite: each page takes ~15 s.
"""

from __future__ import annotations

import argparse
import json
import os
import socketserver
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from tests.support import server as site_server
from tests.support.server import serve_directory
from tests.support.tools import CHROMIUM

CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LABELS = {"performance": "Performance", "accessibility": "Accessibility",
          "best-practices": "Best Practices", "seo": "SEO"}
MINIMUM = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 100}
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-dev-shm-usage"


def _quiet_on_hang_up(self: Any, request: Any, client_address: Any) -> None:
    """Chromium drops connections it no longer needs; say nothing about those (only those)."""
    if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
        socketserver.BaseServer.handle_error(self, request, client_address)


site_server._SiteServer.handle_error = _quiet_on_hang_up  # type: ignore[method-assign]


def main(argv: list[str] | None = None) -> int:
    """Build, serve, audit, print; return the exit code."""
    args = parse_args(argv)
    if not CHROMIUM.is_file():
        print(f"error: {CHROMIUM} not found: apt-get install -y chromium fonts-noto-cjk", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as folder:
        site = Path(folder) / "public"
        build(site)
        pages = args.pages if args.pages is not None else default_pages(site)
        results = []
        with serve_directory(site) as url:
            for path in pages:
                report = run_lighthouse(url.rstrip("/") + "/" + path, args.desktop)
                if args.json:
                    args.json.mkdir(parents=True, exist_ok=True)
                    name = (path.strip("/").replace("/", "_") or "home") + ".json"
                    (args.json / name).write_text(json.dumps(report, indent=1), encoding="utf-8")
                results.append(("/" + path, report))
    print(score_table(results, "desktop" if args.desktop else "mobile"))
    lost = lost_points(results)
    if lost:
        print("\nAudits that cost points:\n" + "\n".join(lost))
    return 0 if all(passes(report) for _, report in results) else 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", nargs="*", default=None,
                        help='URL paths below the site root ("" is home); default: home, the '
                             "first article with Japanese text, the first tag page")
    parser.add_argument("--desktop", action="store_true", help="Lighthouse's desktop preset")
    parser.add_argument("--json", type=Path, default=None, help="also save each full report here")
    return parser.parse_args(argv)


def build(out: Path) -> None:
    """Build the repository's site into `out` with the real CLI (no cache, nothing else touched)."""
    command = [sys.executable, "build.py", "build", "--no-cache", "--quiet", "--output", str(out)]
    subprocess.run(command, cwd=REPO_ROOT, check=True)


def default_pages(site: Path) -> list[str]:
    """Home, an article (the first with Japanese text, else the first) and the first tag page."""
    articles = sorted(p for p in site.glob("[0-9]*/*/index.html"))
    japanese = [p for p in articles if 'lang="ja"' in p.read_text(encoding="utf-8")]
    article = (japanese or articles)[0].parent.relative_to(site).as_posix() + "/"
    tag = min(site.glob("tags/*/index.html")).parent.relative_to(site).as_posix() + "/"
    return ["", article, tag]


def run_lighthouse(url: str, desktop: bool) -> dict[str, Any]:
    command = ["npx", "--no-install", "lighthouse", url, f"--chrome-flags={CHROME_FLAGS}",
               "--output=json", "--output-path=stdout", "--quiet",
               "--only-categories=" + ",".join(CATEGORIES)]
    if desktop:
        command.append("--preset=desktop")
    environment = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
    done = subprocess.run(command, cwd=REPO_ROOT, env=environment, capture_output=True, text=True,
                          check=False, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"lighthouse failed on {url}:\n{done.stderr[-2000:]}")
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def score(report: dict[str, Any], category: str) -> int:
    value = report["categories"][category]["score"]
    return round(100 * value) if value is not None else 0


def passes(report: dict[str, Any]) -> bool:
    return all(score(report, c) >= MINIMUM[c] for c in CATEGORIES)


def score_table(results: list[tuple[str, dict[str, Any]]], mode: str) -> str:
    """A Markdown table: one row per page, one column per category."""
    header = f"| page ({mode}) | " + " | ".join(LABELS[c] for c in CATEGORIES) + " |"
    rule = "|---|" + "---:|" * len(CATEGORIES)
    rows = [f"| `{path}` | " + " | ".join(str(score(report, c)) for c in CATEGORIES) + " |"
            for path, report in results]
    return "\n".join([header, rule, *rows])


def lost_points(results: list[tuple[str, dict[str, Any]]]) -> list[str]:
    """One line per weighted audit that did not score 1, per page and category."""
    lines = []
    for path, report in results:
        audits = report["audits"]
        for category in CATEGORIES:
            for ref in report["categories"][category]["auditRefs"]:
                audit = audits[ref["id"]]
                if ref.get("weight", 0) > 0 and audit.get("score") is not None and audit["score"] < 1:
                    shown = audit.get("displayValue", "")
                    lines.append(f"- {path} {LABELS[category]}: {audit['id']} ({audit['score']}) "
                                 f"{audit['title']} {shown}".rstrip())
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
