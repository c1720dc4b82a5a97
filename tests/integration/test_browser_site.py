"""The real site in a real browser: Debian's Chromium, driven by Playwright, against the built
site served on 127.0.0.1. A reader's journey, every internal link, axe-core in light and
dark, a 375 px phone, print, and the "Cite this" copy buttons.

The link check reads the built HTML and requests every URL from the server, so it runs
without Chromium; the other tests use the session's one `browser`.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from lxml import html as lxml_html

from tests.support.browser import DESKTOP, PHONE, describe_violations, rendered_fonts, run_axe
from tests.support.real_site import SEED_000, build_real_site, html_pages, internal_links
from tests.support.server import serve_directory

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

# One page of each kind, by URL path below the site root.
KIND_PAGES = {
    "home": "",
    "article": SEED_000,
    "page": "about/",
    "taxonomy": "tags/",
    "term": "tags/burden-sharing/",
    "section": "2019/",
    "archive": "archive/",
    "search": "search/",
    "404": "404.html",
}
AXE_PAGES = ("home", "article", "taxonomy", "term")


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_real_site(tmp_path_factory.mktemp("browser-site"))


@pytest.fixture(scope="module")
def site(public: Path) -> Iterator[str]:
    """The built site's URL on 127.0.0.1, ending in '/'."""
    with serve_directory(public) as url:
        yield url.rstrip("/") + "/"


def open_page(browser: Browser, url: str, **options: Any) -> tuple[BrowserContext, Page]:
    context = browser.new_context(viewport=options.pop("viewport", DESKTOP), **options)
    page = context.new_page()
    page.goto(url, wait_until="load")
    return context, page


def h1(page: Page) -> str:
    return " ".join(page.locator("main h1").first.inner_text().split())


# -- a reader's journey --------------------------------------------------------------

def test_journey_home_category_article_tag_prev_next_and_back(browser: Browser, site: str) -> None:
    context, page = open_page(browser, site)
    try:
        assert h1(page) == "Latest commentary"
        page.locator('main a.term[href="/categories/japan/"]').first.click()
        page.wait_for_url(site + "categories/japan/")
        assert page.title().startswith("Category: japan")
        first = page.locator("main .entry-title a").first
        title = " ".join(first.inner_text().split())
        first.click()
        assert h1(page) == title
        article_url = page.url
        tag = page.locator("article .terms-tags a.term").first
        tag_name = tag.inner_text().strip()
        tag.click()
        page.wait_for_url(f"{site}tags/{tag_name}/")
        assert tag_name in h1(page)
        page.locator("main .entry-title a").first.click()
        here = h1(page)
        older = page.locator('.article-nav a[rel="prev"]')
        newer = page.locator('.article-nav a[rel="next"]')
        assert older.count() + newer.count() >= 1
        step = older if older.count() else newer
        target = " ".join(step.inner_text().split())
        step.click()
        assert h1(page) == target
        back = page.locator('.article-nav a[rel="next"]' if step is older else '.article-nav a[rel="prev"]')
        assert " ".join(back.inner_text().split()) == here
        page.go_back()
        assert h1(page) == here
        page.go_back()
        assert page.url == f"{site}tags/{tag_name}/"
        page.go_back()
        assert page.url == article_url
    finally:
        context.close()


# -- every internal link resolves ------------------------------------------------------

def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def broken_links(public: Path, site: str) -> list[str]:
    """Every internal link (with #fragment) of every page that does not answer 200 or whose
    fragment names no element of the target page, with the pages that link to it."""
    wanted: dict[str, set[str]] = {}  # path -> pages linking to it
    for page in html_pages(public):
        for link in internal_links(page):
            wanted.setdefault(link, set()).add(page.path or "/")
    bodies: dict[str, bytes] = {}
    broken = []
    for link in sorted(wanted):
        path, _, fragment = link.partition("#")
        origin = sorted(wanted[link])[:3]
        if path not in bodies:
            status, body = fetch(site + path.lstrip("/"))
            if status != 200:
                broken.append(f"{link}: HTTP {status} (linked from {origin})")
                continue
            bodies[path] = body
        if fragment and not lxml_html.fromstring(bodies[path]).xpath(
                "//*[@id=$f] | //a[@name=$f]", f=fragment):
            broken.append(f"{link}: no element with id {fragment!r} (linked from {origin})")
    return broken


def test_every_internal_link_on_every_page_resolves(public: Path, site: str) -> None:
    links = {link for page in html_pages(public) for link in internal_links(page)}
    assert len(links) > 30
    assert {"/archive/#2019", "/feed.xml", "/index.xml", f"/{SEED_000}", "/favicon.ico",
            "/css/site.css", "/js/cite.js", "/tags/burden-sharing/feed.xml"} <= links
    assert broken_links(public, site) == []


def test_the_link_check_catches_dead_links_and_anchors(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="en"><title>x</title><a href="a/">ok</a> <a href="/a/#here">ok</a>'
        '<a href="/nope/">dead</a> <a href="a/#gone">dead anchor</a>'
        '<a href="https://elsewhere.example/x">external</a>', encoding="utf-8")
    (tmp_path / "a" / "index.html").write_text('<!DOCTYPE html><p id="here">here</p>', encoding="utf-8")
    with serve_directory(tmp_path) as url:
        broken = broken_links(tmp_path, url.rstrip("/") + "/")
    assert [line.split(":")[0] for line in broken] == ["/a/#gone", "/nope/"]


# -- accessibility: axe-core, light and dark -----------------------------------------------

@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", AXE_PAGES)
def test_axe_reports_no_violations(browser: Browser, site: str, axe_script: str, kind: str,
                                   scheme: str) -> None:
    errors: list[str] = []
    context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)  # type: ignore[arg-type]
    try:
        page = context.new_page()
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(site + KIND_PAGES[kind], wait_until="load")
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches") == (scheme == "dark")
        violations = run_axe(page, axe_script)
        assert violations == [], describe_violations(violations)
        assert errors == []
    finally:
        context.close()


# -- a 375 px phone ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", sorted(KIND_PAGES))
def test_no_horizontal_scroll_at_375px(browser: Browser, site: str, kind: str) -> None:
    context, page = open_page(browser, site + KIND_PAGES[kind], viewport=PHONE)
    try:
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"{kind}: the page is {width}px wide"
        wider = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 376 && !e.closest('.visually-hidden'))
            .map(e => e.tagName + '.' + e.className).slice(0, 5)""")
        assert wider == []
    finally:
        context.close()


# -- print -----------------------------------------------------------------------------

def test_print_hides_navigation_and_keeps_the_article(browser: Browser, site: str) -> None:
    context, page = open_page(browser, site + SEED_000)
    try:
        page.emulate_media(media="print")
        for selector in (".site-nav", "#search", ".article-nav", ".related", ".skip-link",
                         ".site-footer nav", ".cite-copy", "#cite-bibtex"):
            assert page.locator(selector).first.is_hidden(), selector
        for selector in ("h1.article-title", ".article-body", ".provenance", "#cite-apa"):
            assert page.locator(selector).first.is_visible(), selector
        assert page.evaluate("getComputedStyle(document.body).backgroundColor") in ("rgb(255, 255, 255)",)
        assert "Japanese diplomacy is likened to a Koala" in page.locator(".article-body").inner_text()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
    finally:
        context.close()


# -- Japanese text and the citation block --------------------------------------------------

def test_japanese_original_title_is_drawn_with_a_japanese_font(browser: Browser, site: str) -> None:
    context, page = open_page(browser, site + SEED_000)
    try:
        fonts = rendered_fonts(page, ".provenance .original-title")
        assert any("CJK" in name or "JP" in name for name in fonts), fonts
    finally:
        context.close()


def test_cite_buttons_copy_and_announce(browser: Browser, site: str) -> None:
    context, page = open_page(browser, site + SEED_000,
                              permissions=["clipboard-read", "clipboard-write"])
    try:
        button = page.get_by_role("button", name="Copy the APA citation")
        assert button.is_visible()
        button.click()
        status = page.get_by_role("status")
        status.filter(has_text="Copied").wait_for(state="attached", timeout=3000)
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == page.locator("#cite-apa").inner_text().strip()
        page.get_by_role("button", name="Copy the BibTeX entry").click()
        page.wait_for_function("navigator.clipboard.readText().then(t => t.startsWith('@article{security2019'))")
    finally:
        context.close()


def test_citation_is_there_without_javascript(browser: Browser, site: str) -> None:
    context, page = open_page(browser, site + SEED_000, java_script_enabled=False)
    try:
        assert page.locator("#cite-apa").is_visible()
        assert page.locator("#cite-bibtex").is_visible()
        assert page.locator("button.cite-copy").first.is_hidden()
    finally:
        context.close()
