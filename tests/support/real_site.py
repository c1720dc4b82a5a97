"""The repository's own site (content/, templates/, static/, config.yaml) built into a temporary
folder, and what tests need to read it: its pages, their kinds, and their links."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from lxml import html as lxml_html

from tests.support.sites import REPO, build_site

SITE_URL = "https://treaty-archive.example.org/"
SEED_000 = "2019/us-japan-security-treaty-an-old-argument/"
SEED_000_TITLE = "‘The security treaty between the United States and Japan is unfair’ is an old argument"


def build_real_site(root: Path, *args: str) -> Path:
    """Copy the real project into `root`, build it (no cache) and return the output folder."""
    for name in ("content", "templates", "static", "archetypes", "i18n", "data"):
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "config.yaml", root / "config.yaml")
    run = build_site(root, "--no-cache", *args)
    assert run.code == 0, run.out + run.err
    return root / "public"


@dataclass(frozen=True)
class BuiltPage:
    path: str  # URL path below the site root: "" for home, "tags/trump/", "404.html"
    file: Path
    kind: str  # from <body class="kind-...">; "alias" for redirect pages

    def tree(self) -> lxml_html.HtmlElement:
        return lxml_html.fromstring(self.file.read_bytes())


def html_pages(public: Path) -> list[BuiltPage]:
    """Every HTML page of the built site, sorted by path."""
    pages = []
    for file in sorted(public.rglob("*.html")):
        rel = file.relative_to(public).as_posix()
        path = rel.removesuffix("index.html")
        tree = lxml_html.fromstring(file.read_bytes())
        body = tree.find("body")
        classes = (body.get("class") or "").split() if body is not None else []
        kind = next((c[len("kind-"):] for c in classes if c.startswith("kind-")), "")
        if not kind and tree.cssselect('meta[http-equiv="refresh"]'):
            kind = "alias"
        pages.append(BuiltPage(path, file, kind))
    return pages


def first_of_kind(public: Path, kind: str) -> BuiltPage:
    return next(page for page in html_pages(public) if page.kind == kind)


def internal_links(page: BuiltPage, site_url: str = SITE_URL) -> set[str]:
    """Site-root URL paths (with #fragments) of every internal href/src on the page.

    Links to the site's own absolute URL (canonical, og:url) count as internal; links to
    other hosts, mailto: and the like do not.
    """
    here = urljoin(site_url, page.path)
    found = set()
    tree = page.tree()
    links = [link for _, _, link, _ in tree.iterlinks()]  # href, src, srcset, meta refresh ...
    links += [meta.get("content", "") for meta in tree.cssselect(
        'meta[property="og:url"], meta[property="og:image"], meta[name="twitter:image"]')]
    for link in links:
        absolute = urljoin(here, link.strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https") or not absolute.startswith(site_url):
            continue
        found.add(parts.path + (f"#{parts.fragment}" if parts.fragment else ""))
    return found
