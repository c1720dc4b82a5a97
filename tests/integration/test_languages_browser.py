"""The bilingual site in Chromium: the side-by-side view lines its columns up on a desktop,
stacks them without sideways scrolling on a 375 px phone, and axe finds nothing wrong with it,
the Japanese pages or the glossary's tooltips; the header's search box, on a Japanese page,
finds articles in both languages and speaks Japanese. Screenshots of the view go to
$SCREENSHOTS (a folder) when it is set."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sitegen.errors import BuildFailed
from sitegen.search.indexing import find_pagefind
from tests.support.browser import DESKTOP, PHONE, describe_violations, run_axe
from tests.support.real_site import build_real_site
from tests.support.server import serve_directory
from tests.support.sites import DEFAULT_CONFIG, article, build_site, write_site
from tests.support.tools import missing_tool

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

T2010 = "50th Anniversary of the US-Japan Security Treaty"
T2019 = "‘The security treaty between the United States and Japan is unfair’"

EN = """\
## The bases

The relocation of Futenma has divided Okinawa for a quarter of a century, and the argument
shows no sign of ending while the runway stays in the middle of a crowded city.

Host-nation support, which Japanese officials call the omoiyari budget, pays for much of what
the bases cost. It has grown and shrunk with the politics of the day.

- Land for the bases
- Wages of the base workers
- Utilities
{#p-costs}

> The alliance is the cornerstone of peace in the region.

## What changes

Neither government wants to reopen the treaty itself.[^1] What they argue about is money.

[^1]: The treaty has not been amended since 1960.
"""
JA = """\
## 基地

普天間飛行場の移設は、四半世紀にわたって沖縄を二分してきた。滑走路が人口の密集した街の真ん中にある限り、議論が終わる気配はない。

日本の当局者が思いやり予算と呼ぶ在日米軍駐留経費負担は、基地にかかる費用の多くをまかなっている。

その額は、その時々の政治とともに増えたり減ったりしてきた。

- 基地の用地
- 基地従業員の給与
- 光熱水費
{#p-costs}

> 同盟は地域の平和の礎である。

## 何が変わるのか

どちらの政府も、条約そのものを見直そうとは考えていない。[^1] 争点はお金である。

[^1]: 条約は1960年以来、一度も改正されていない。
"""
LANGUAGES = """\
languages:
  en:
    name: English
    weight: 1
  ja:
    name: 日本語
    weight: 2
    title: テストアーカイブ
"""


@pytest.fixture(scope="module")
def pair_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A site with one article and its Japanese translation (a paragraph split in two)."""
    root = write_site(tmp_path_factory.mktemp("pair"), {
        "config.yaml": DEFAULT_CONFIG + LANGUAGES + "search:\n  enabled: false\n",
        "content/2024/bases.md": article("The bases", "2024-05-01", EN, slug="bases"),
        "content/2024/bases.ja.md": article("基地", "2024-05-02", JA, slug="bases", original_language="en",
                                            original_title='"The bases"'),
    })
    run = build_site(root, "--quiet")
    assert run.code == 0, run.err
    with serve_directory(root / "public") as url:
        yield url.rstrip("/") + "/"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real archive, with its search index."""
    try:
        find_pagefind()
    except BuildFailed:
        missing_tool("the Pagefind extended binary is missing: pip install 'pagefind[extended]'")
    public = build_real_site(tmp_path_factory.mktemp("archive-languages"))
    with serve_directory(public) as url:
        yield url.rstrip("/") + "/"


def rows(page: Page) -> list[list[dict[str, float]]]:
    """Each row's cells' boxes, in document order."""
    return page.eval_on_selector_all(
        ".parallel-row:not(.parallel-head)",
        "rows => rows.map(r => [...r.querySelectorAll('.parallel-cell')].map(c => {"
        " const b = c.getBoundingClientRect(); return {x: b.x, y: b.y, w: b.width, h: b.height}; }))")


def screenshot(page: Page, name: str) -> None:
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_columns_line_up_row_by_row_on_a_desktop(page: Page, pair_site: str) -> None:
    page.goto(pair_site + "2024/bases/side-by-side/ja/")
    found = rows(page)
    assert len(found) == 7  # two headings, paragraphs (the split one in one row), list, quote
    for cells in found:
        left, right = cells
        assert abs(left["y"] - right["y"]) < 1, found  # each pair starts on one line
        assert left["x"] + left["w"] <= right["x"]  # side by side, the first on the left
    for above, below in zip(found, found[1:], strict=False):  # rows do not overlap
        assert below[0]["y"] >= above[0]["y"] + max(above[0]["h"], above[1]["h"]) - 1
    texts = page.eval_on_selector_all(".parallel-row:nth-child(4) .parallel-cell", "cs => cs.map(c => c.innerText)")
    assert "shrunk" in texts[0] and "増えたり減ったり" in texts[1]  # the surplus joins its row
    screenshot(page, "side-by-side-desktop.png")


def test_on_a_phone_the_texts_alternate_without_sideways_scrolling(browser: Browser, pair_site: str) -> None:
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto(pair_site + "2024/bases/side-by-side/ja/")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        for left, right in rows(page):
            assert right["y"] > left["y"] and abs(right["x"] - left["x"]) < 20  # stacked, in order
        screenshot(page, "side-by-side-phone.png")
    finally:
        context.close()


def test_the_view_reads_linearly_in_both_languages(page: Page, pair_site: str) -> None:
    page.goto(pair_site + "2024/bases/side-by-side/ja/")
    langs = page.eval_on_selector_all(".parallel-row:not(.parallel-head) .parallel-cell",
                                      "cs => cs.map(c => c.lang)")
    assert langs == ["en", "ja"] * 7  # each row: the text, then its translation
    headings = page.eval_on_selector_all(".parallel h2", "hs => hs.map(h => h.innerText)")
    assert headings == ["The bases", "基地", "What changes", "何が変わるのか"]
    for href in page.eval_on_selector_all(".parallel a[href^='#']", "as => as.map(a => a.getAttribute('href'))"):
        assert page.locator(f"[id='{href[1:]}']").count() == 1, href  # footnotes keep working


@pytest.mark.parametrize("path", ["2024/bases/side-by-side/ja/", "ja/2024/bases/side-by-side/en/",
                                  "ja/2024/bases/", "2024/bases/"])
def test_axe_finds_no_violations(browser: Browser, pair_site: str, axe_script: str, path: str) -> None:
    for viewport in (DESKTOP, PHONE):
        context = browser.new_context(viewport=viewport)
        try:
            page = context.new_page()
            page.goto(pair_site + path)
            violations = run_axe(page, axe_script)
            assert not violations, describe_violations(violations)
        finally:
            context.close()


def test_a_glossary_term_explains_itself_on_focus_and_escape_hides_it(page: Page, archive: str,
                                                                      axe_script: str) -> None:
    page.goto(archive + "2010/50th-anniversary-of-the-us-japan-security-treaty/")
    term = page.locator("dfn.gloss-term", has_text="Futenma")
    tip = page.locator("#gloss-futenma")
    assert tip.is_hidden()
    term.focus()
    assert tip.is_visible() and "普天間" in tip.inner_text()
    assert term.get_attribute("aria-describedby") == "gloss-futenma"
    violations = run_axe(page, axe_script)
    assert not violations, describe_violations(violations)
    page.keyboard.press("Escape")
    assert tip.is_hidden()
    page.keyboard.press("Shift+Tab")
    term.focus()
    assert tip.is_visible()  # it shows again next time


@pytest.mark.parametrize("path", ["ja/", "ja/about/", "ja/glossary/", "ja/tags/", "ja/404.html",
                                  "about/side-by-side/ja/", "glossary/"])
def test_the_japanese_pages_and_the_glossary_pass_axe(page: Page, archive: str, axe_script: str,
                                                      path: str) -> None:
    page.goto(archive + path)
    violations = run_axe(page, axe_script)
    assert not violations, describe_violations(violations)


def header_search(page: Page, query: str) -> tuple[str, list[str]]:
    page.fill("#site-search", "")
    page.locator("#site-search").press_sequentially(query)
    page.wait_for_function("q => document.querySelector('#search [role=status]').textContent.includes(q)",
                           arg=query, timeout=15_000)
    status = page.text_content("#search [role=status]") or ""
    return status, page.locator("#search .search-result > a").all_inner_texts()


@pytest.mark.parametrize(("query", "expected"), [
    ("普天間", {T2010}), ("Futenma", {T2010}), ("思いやり予算", {T2010, T2019}), ("Omoiyari Yosan", {T2010, T2019}),
])
def test_the_search_box_on_a_japanese_page_finds_both_languages(page: Page, archive: str, query: str,
                                                                expected: set[str]) -> None:
    page.goto(archive + "ja/")
    assert page.get_attribute("html", "lang") == "ja"
    status, titles = header_search(page, query)
    assert len(titles) == len(expected) and all(any(t.startswith(e) for t in titles) for e in expected), titles
    assert status == f"「{query}」の検索結果：{len(expected)}件。"  # the interface's language
    assert page.get_attribute("#search .search-more", "href").startswith("/ja/search/?q=")
