"""Search, end to end: the real archive built with its Pagefind index, served on 127.0.0.1,
searched by typing into the page in Debian's Chromium.

- A table of queries against the archive's real content, each with its expected top result
  (names, places, provenance, Japanese words found only inside a mixed-language article, a
  romanised term, an exact phrase, misspellings, and queries that must find nothing).
- The header box from an English and from a Japanese page, with English and Japanese
  queries, with the site at the root and under the sub-path /archive/. The real archive has
  no Japanese-language page yet, so those builds add one test article (`JA_ARTICLE`).
- Filter chips, keyboard use, axe, no JavaScript, no request leaving the site.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sitegen.errors import BuildFailed
from sitegen.search.indexing import find_pagefind
from sitegen.search.pagefind_cli import pagefind_version
from tests.support.browser import describe_violations, run_axe
from tests.support.server import serve_directory
from tests.support.sites import REPO, build_site
from tests.support.tools import missing_tool

if TYPE_CHECKING:
    from playwright.sync_api import Page, Route

T2010 = "50th Anniversary of the US-Japan Security Treaty"
T2019 = "‘The security treaty between the United States and Japan is unfair’"
T2025 = "Japan-US Security Treaty highlights ‘imbalance’"
ABOUT = "About"
ABOUT_JA = "このアーカイブについて"
TJA = "普天間飛行場の移設と思いやり予算"

# A Japanese-language article, for the tests that search from a page whose <html lang> is ja.
JA_ARTICLE = """\
---
title: 普天間飛行場の移設と思いやり予算
date: 2024-05-01
slug: futenma-omoiyari
lang: ja
author: 山田太郎
categories: [japan]
tags: [futenma]
summary: 普天間飛行場の移設問題と、在日米軍駐留経費の日本側負担（思いやり予算）について。
---
日米安全保障条約のもとで、沖縄の普天間飛行場（Futenma）の移設は長年の課題である。

在日米軍駐留経費の日本側負担は「思いやり予算」と呼ばれ、毎年の予算編成で議論となる。

日米同盟の公平性をめぐる議論は、今に始まったものではない。
"""

# query, expected top result (None: nothing), why it is in the table
QUERIES: list[tuple[str, str | None, str]] = [
    ("Hatoyama", T2010, "a name"),
    ("Koizumi", T2019, "a name in a translation"),
    ("Futenma", T2010, "a place"),
    ("NATO", T2025, "an organisation"),
    ("Asahi Shimbun", T2019, "the original publication, from the provenance block"),
    ("Corey Bell", T2019, "the translator"),
    ("Ren Yi Hooi", T2010, "an author, from the byline"),
    ("Omoiyari Yosan", T2019, "a romanised Japanese term"),
    ("日米安保", T2019, "Japanese found only inside a mixed-language article"),
    ("不公平", T2019, "Japanese inside a mixed-language article"),
    ("議論", T2019, "Japanese inside a mixed-language article"),
    ("今に始まった", T2019, "a Japanese phrase inside a mixed-language article"),
    ("日米安保は不公平", T2019, "a whole Japanese clause"),
    ('"appreciation payments"', T2019, "an exact phrase in quotes"),
    ("Status of Forces Agreement", T2010, "a multi-word name"),
    ("Marine Corps Air Station", T2010, "a multi-word place"),
    ("postwar reconstruction", T2025, "two words"),
    ("rare earth metals", T2010, "words in the reader comments"),
    ("Tokyo Beijing Seoul", ABOUT, "the About page is searchable too"),
    ("Koala", T2019, "a rare word"),
    ("reciprocity", T2025, "a rare word"),
    ("Asia-Pacific", T2019, "a hyphenated word"),
    ("Trump fortune", T2025, "two words far apart"),
    ("Hatoyamma", T2010, "a misspelling: found through a shorter prefix"),
    ("Koizimi", T2019, "a misspelling in the middle of the word"),
    ("zeppelin", None, "a word the archive does not contain"),
    ("牛丼", None, "Japanese the archive does not contain"),
    # Across languages, through the glossary's forms on each article (docs/search.md)
    ("普天間", T2010, "a place written in kanji, the article writes Futenma"),
    ("地位協定", T2010, "the Japanese name of the Status of Forces Agreement"),
    ("鳩山", T2010, "a name in kanji, the article writes Hatoyama"),
    ("冷戦", T2019, "a term in kanji, the article writes cold war"),
    ("北大西洋条約機構", T2025, "an organisation's Japanese name, the article writes NATO"),
    ("朝日新聞", T2019, "the original publication's Japanese name"),
]

# query -> every article it must find (and no other), whatever their order: the glossary
# bridges the two languages both ways.
CROSS_LANGUAGE = [
    ("普天間", {T2010}),
    ("Futenma", {T2010}),
    ("思いやり予算", {T2010, T2019}),  # 2010 writes "omoiyari" budget, 2019 Omoiyari Yosan
    ('"host-nation support"', {T2010, T2019}),  # the phrase: unquoted, stemming finds "hosting" too
    ("安保条約", {T2010, T2019, T2025, ABOUT, ABOUT_JA}),  # every page names the treaty
]

# Japanese queries whose ranking depends on Pagefind's segmenter (docs/search.md): pinned per
# Pagefind version, so that an upgrade that changes them is noticed. query -> {version: the
# titles, in that version's order}, why.
KNOWN_RANKINGS = [
    ("日米安全保障条約", {"1.5": [T2019, TJA], "1.6": [TJA, T2019, ABOUT, ABOUT_JA, T2010]},
     "1.5: the exact word is in TJA, T2019 repeats 日米; 1.6: TJA first, then every page holding 日米, "
     "安全, 保障 and 条約"),
    ("日米同盟", {"1.5": [T2019, TJA], "1.6": [TJA, T2019, ABOUT, ABOUT_JA, T2010]},
     "1.5: the exact word is in TJA, T2019 repeats 日米; 1.6: TJA first, then the pages with 日米 and 同盟"),
    ("公平性", {"1.5": [T2019, TJA, ABOUT_JA], "1.6": [TJA]},
     "1.5: T2019 has 不公平, ABOUT_JA 公平; 1.6: only the exact word"),
]


@pytest.fixture(scope="module")
def pagefind_installed() -> None:
    try:
        find_pagefind(REPO)  # what _build gives the archive
    except BuildFailed:
        missing_tool("the Pagefind extended binary is missing: pip install 'pagefind[extended]'")


def _build(root: Path, base_url: str, extra: dict[str, str], pages_per_shard: int = 256) -> Path:
    """Build the real archive; with a small `pages_per_shard`, every family of the index is
    cut into several bundles that the browser must merge (search/shards.py)."""
    for name in ("config.yaml", "content", "templates", "static", "i18n", "data"):
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name)
        else:
            shutil.copyfile(source, root / name)
    config = (root / "config.yaml").read_text(encoding="utf-8")
    assert "\nsearch:\n  enabled: true\n" in config
    # the binary the archive itself builds with: the repo's npm install when there is one
    config = config.replace("\nsearch:\n", f"\nsearch:\n  pages_per_shard: {pages_per_shard}\n"
                                          f"  pagefind: {json.dumps(str(find_pagefind(REPO)))}\n")
    (root / "config.yaml").write_text(config, encoding="utf-8")
    for rel, text in extra.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    run = build_site(root, "--quiet", "--base-url", base_url)
    assert run.code == 0, run.err
    return root / "public"


@pytest.fixture(scope="module", params=[256, 1], ids=["one-shard", "sharded"])
def archive(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            pagefind_installed: None) -> Iterator[str]:
    """The real archive, as it is, served from the root: its index in one bundle per family,
    or one bundle per page, which the browser merges."""
    public = _build(tmp_path_factory.mktemp("archive"), "https://example.org/", {}, request.param)
    with serve_directory(public, "/") as url:
        yield url


@pytest.fixture(scope="module", params=["/", "/archive/"], ids=["root", "subpath"])
def archive_ja(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
               pagefind_installed: None) -> Iterator[tuple[str, str]]:
    """The real archive plus one Japanese article, served from the root or from /archive/."""
    base: str = request.param
    public = _build(tmp_path_factory.mktemp("archive-ja"), f"https://example.org{base}",
                    {"content/2024/futenma-omoiyari.md": JA_ARTICLE})
    with serve_directory(public, base) as url:
        yield url, base


@pytest.fixture(scope="module")
def archive_ja_sharded(tmp_path_factory: pytest.TempPathFactory, pagefind_installed: None
                       ) -> Iterator[tuple[str, str, Path]]:
    """The same, under /archive/, with every page in a shard of its own in both families."""
    public = _build(tmp_path_factory.mktemp("archive-ja-sharded"), "https://example.org/archive/",
                    {"content/2024/futenma-omoiyari.md": JA_ARTICLE}, 1)
    with serve_directory(public, "/archive/") as url:
        yield url, "/archive/", public


def _wait_for(page: Page, query: str, status: str) -> str:
    page.wait_for_function(
        "([selector, q]) => document.querySelector(selector).textContent.includes(`“${q}”`)",
        arg=[status, query], timeout=15_000)
    return page.text_content(status) or ""


def search_page(page: Page, url: str, query: str) -> tuple[str, list[str]]:
    """Type `query` into the search page's box; return the status line and result titles."""
    page.fill("#site-search", "")
    page.locator("#site-search").press_sequentially(query)
    status = _wait_for(page, query, "#search-status")
    return status, page.locator("#search-results .search-result-title").all_inner_texts()


def header_search(page: Page, query: str) -> tuple[str, list[str]]:
    """Type into the header box; return the announced status and the titles in the panel."""
    page.fill("#site-search", "")
    page.locator("#site-search").press_sequentially(query)
    status = _wait_for(page, query, "#search [role=status]")
    return status, page.locator("#search .search-result > a").all_inner_texts()


@pytest.mark.parametrize(("query", "expected", "why"), QUERIES, ids=[q[0] for q in QUERIES])
def test_query_table(page: Page, archive: str, query: str, expected: str | None, why: str,
                     request: pytest.FixtureRequest) -> None:
    page.goto(archive + "search/")
    status, titles = search_page(page, archive, query)
    if expected is None:
        assert titles == [] and status.startswith("No results"), (why, status, titles)
        return
    assert titles, (why, status)
    if request.node.callspec.params["archive"] == 1:
        # One bundle per page: Pagefind ranks each merged bundle by its own word statistics,
        # so only finding the article is pinned here (docs/search.md, "Shards").
        assert any(title.startswith(expected) for title in titles), (why, status, titles)
    else:
        assert titles[0].startswith(expected), (why, status, titles)
    if query in ("Hatoyamma", "Koizimi"):
        assert status.startswith(f"No exact matches for “{query}”"), status


@pytest.mark.parametrize(("query", "expected"), CROSS_LANGUAGE, ids=[q[0] for q in CROSS_LANGUAGE])
def test_cross_language_queries_find_every_article_using_the_term(page: Page, archive: str, query: str,
                                                                  expected: set[str]) -> None:
    page.goto(archive + "search/")
    status, titles = search_page(page, archive, query)
    assert len(titles) == len(expected), (status, titles)
    assert all(any(t.startswith(e) for t in titles) for e in expected), (status, titles)


def test_matched_words_are_highlighted_in_the_excerpt(page: Page, archive: str) -> None:
    page.goto(archive + "search/")
    search_page(page, archive, "Koala")
    assert page.locator("#search-results mark").first.inner_text().lower() == "koala"
    search_page(page, archive, "不公平")
    marks = page.locator("#search-results mark").all_inner_texts()
    assert marks and all(m in "「日米安保は不公平」" for m in marks), marks


def test_stemming_finds_other_forms_of_an_english_word(page: Page, archive: str) -> None:
    page.goto(archive + "search/")
    status, titles = search_page(page, archive, "treaties")
    assert len(titles) == 5, (status, titles)  # every page says "treaty" (About in Japanese: in its title)


ENGLISH_PAGE = "2010/50th-anniversary-of-the-us-japan-security-treaty-comes-amid-strains-in-the-bilateral-relationship/"
JAPANESE_PAGE = "2024/futenma-omoiyari/"
# The glossary adds every form of a term an article uses to its index entry, so the article
# about 思いやり予算 ranks first for Omoiyari Yosan, and the one that says Futenma twice for it.
HEADER_QUERIES = [("思いやり予算", TJA), ("普天間", TJA), ("日米安保", T2019), ("Hatoyama", T2010),
                  ("Omoiyari Yosan", TJA), ("Futenma", T2010)]


@pytest.mark.parametrize("where", [ENGLISH_PAGE, JAPANESE_PAGE], ids=["en-page", "ja-page"])
def test_header_box_finds_both_languages_from_both_kinds_of_page(
        page: Page, archive_ja: tuple[str, str], where: str) -> None:
    url, base = archive_ja
    page.goto(url + where)
    expected_lang = "ja" if where == JAPANESE_PAGE else "en"
    assert page.get_attribute("html", "lang") == expected_lang
    for query, expected in HEADER_QUERIES:
        status, titles = header_search(page, query)
        assert titles and titles[0].startswith(expected), (query, status, titles)
        hrefs = page.locator("#search .search-result > a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert all(h.startswith(base) for h in hrefs), hrefs
    # the page's own language is untouched by the search
    assert page.get_attribute("html", "lang") == expected_lang


@pytest.mark.parametrize(("query", "orders", "why"), KNOWN_RANKINGS, ids=[q[0] for q in KNOWN_RANKINGS])
def test_japanese_rankings_pinned_per_pagefind_version(page: Page, archive_ja: tuple[str, str], query: str,
                                                       orders: dict[str, list[str]], why: str) -> None:
    version = ".".join(pagefind_version(find_pagefind(REPO)).split(".")[:2])
    if version not in orders:
        pytest.fail(f"Pagefind {version}: record how it ranks {query} here and in docs/search.md")
    url, _ = archive_ja
    for where in (ENGLISH_PAGE, JAPANESE_PAGE):
        page.goto(url + where)
        _, titles = header_search(page, query)
        assert len(titles) == len(orders[version]), (why, titles)
        assert all(t.startswith(o) for t, o in zip(titles, orders[version], strict=True)), (why, where, titles)


def test_a_result_opens_the_article_under_the_base_path(page: Page, archive_ja: tuple[str, str]) -> None:
    url, base = archive_ja
    page.goto(url + ENGLISH_PAGE)
    header_search(page, "思いやり予算")
    page.locator("#search .search-result > a").first.click()
    page.wait_for_url(f"**{base}{JAPANESE_PAGE}")
    assert page.locator("h1").inner_text() == TJA
    assert page.locator("#search .search-result").count() == 0


def test_japanese_results_carry_their_language(page: Page, archive_ja: tuple[str, str]) -> None:
    url, _ = archive_ja
    page.goto(url + ENGLISH_PAGE)
    header_search(page, "普天間")
    assert page.locator("#search .search-result").first.get_attribute("lang") == "ja"


def test_every_link_has_an_address_once_the_search_box_is_ready(
        page: Page, archive_ja: tuple[str, str]) -> None:
    """Lighthouse's "links are crawlable" (SEO) counts hidden links too: the header panel's
    "see all results" link carries the search page's address before any query."""
    url, base = archive_ja
    for path in ("", JAPANESE_PAGE):
        page.goto(url + path)
        page.wait_for_selector("#search .search-more", state="attached")
        missing = page.eval_on_selector_all(
            "a", "links => links.filter(a => !a.getAttribute('href')).map(a => a.outerHTML)")
        assert missing == [], path
        assert page.get_attribute("#search .search-more", "href") == f"{base}search/"


def test_see_all_results_leads_to_the_search_page(page: Page, archive_ja: tuple[str, str]) -> None:
    url, base = archive_ja
    page.goto(url + JAPANESE_PAGE)
    header_search(page, "treaty")
    page.locator("#search .search-more").click()
    page.wait_for_url(f"**{base}search/?q=treaty")
    _wait_for(page, "treaty", "#search-status")
    assert page.input_value("#site-search") == "treaty"
    assert page.locator("#search-results .search-result").count() == 6  # TJA's glossary forms name the treaty


def test_filter_chips_narrow_the_results(page: Page, archive_ja: tuple[str, str]) -> None:
    url, _ = archive_ja
    page.goto(url + "search/")
    page.wait_for_selector("#search-filters legend")
    for legend in ("Category", "Tag", "Year", "Language"):  # before any query: every value
        assert page.locator("#search-filters legend", has_text=legend).count() == 1, legend
    _, titles = search_page(page, url, "Futenma")
    assert sorted(titles) == sorted([T2010 + " comes amid strains in the bilateral relationship", TJA])
    chip = page.locator("#search-filters .search-filter-year button", has_text="2010")
    chip.click()
    page.wait_for_function("() => document.querySelectorAll('#search-results .search-result').length === 1")
    assert page.locator("#search-results .search-result-title").all_inner_texts()[0].startswith(T2010)
    assert page.locator("#search-filters .search-filter-year button", has_text="2010").get_attribute(
        "aria-pressed") == "true"
    assert "year=2010" in page.url and page.url.startswith(url)
    page.locator("#search-filters .search-filter-year button", has_text="2010").click()
    page.wait_for_function("() => document.querySelectorAll('#search-results .search-result').length === 2")
    page.locator("#search-filters .search-filter-language button", has_text="Japanese").click()
    page.wait_for_function("() => document.querySelectorAll('#search-results .search-result').length === 1")
    assert page.locator("#search-results .search-result-title").inner_text() == TJA
    tags = page.locator("#search-filters .search-filter-tag button").all_inner_texts()
    assert any(t.startswith("futenma") for t in tags), tags


def test_the_search_page_reads_its_query_and_filters_from_the_address(
        page: Page, archive_ja: tuple[str, str]) -> None:
    url, _ = archive_ja
    page.goto(url + "search/?q=treaty&category=alliance-politics")
    _wait_for(page, "treaty", "#search-status")
    assert page.locator("#search-results .search-result").count() == 2
    assert page.locator("#search-filters .search-filter-category button[aria-pressed=true]").inner_text(
    ).startswith("alliance-politics")


def test_keyboard_only(page: Page, archive_ja: tuple[str, str]) -> None:
    url, _ = archive_ja
    page.goto(url + ENGLISH_PAGE)
    page.keyboard.press("Tab")  # skip link
    while page.evaluate("document.activeElement.id") != "site-search":
        page.keyboard.press("Tab")
    page.keyboard.type("Futenma")
    _wait_for(page, "Futenma", "#search [role=status]")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent").startswith(T2010)
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == TJA
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "site-search"
    assert page.locator("#search .search-panel").is_hidden()
    page.keyboard.press("Enter")  # the form still submits to the search page
    page.wait_for_url("**/search/?q=Futenma")
    _wait_for(page, "Futenma", "#search-status")


def test_results_are_announced(page: Page, archive_ja: tuple[str, str]) -> None:
    url, _ = archive_ja
    page.goto(url + JAPANESE_PAGE)
    status, _ = header_search(page, "日米安保")
    assert status == "1 result for “日米安保”."
    live = page.locator("#search [role=status]")
    assert live.count() == 1 and live.get_attribute("lang") is None
    page.goto(url + "search/")
    status, _ = search_page(page, url, "zeppelin")
    assert status == "No results for “zeppelin”."
    assert page.get_attribute("#site-search", "aria-describedby") == "search-tip"
    assert page.locator("label[for=site-search]").inner_text() == "Search the archive"


def test_axe_finds_no_violations(page: Page, archive_ja: tuple[str, str], axe_script: str) -> None:
    url, _ = archive_ja
    page.goto(url + "search/")
    search_page(page, url, "Futenma")
    violations = run_axe(page, axe_script)
    assert not violations, describe_violations(violations)
    page.goto(url + JAPANESE_PAGE)
    header_search(page, "日米安保")
    violations = run_axe(page, axe_script)
    assert not violations, describe_violations(violations)


def test_without_javascript_the_header_links_to_the_search_page(
        browser: Any, archive_ja: tuple[str, str]) -> None:
    url, base = archive_ja
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(url + ENGLISH_PAGE)
        assert page.locator("#search form").is_hidden()
        link = page.locator("#search a.search-link")
        assert link.get_attribute("href") == f"{base}search/"
        page.set_viewport_size({"width": 375, "height": 812})  # phones hide the nav's link
        assert link.is_visible()
        page.goto(url + "search/")
        assert page.locator("#search form").is_hidden()
        assert "needs JavaScript" in page.locator("main").inner_text()
    finally:
        context.close()


def test_no_request_leaves_the_site(page: Page, archive_ja: tuple[str, str]) -> None:
    url, _ = archive_ja
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url + JAPANESE_PAGE)
    header_search(page, "Futenma")
    header_search(page, "思いやり予算")
    page.goto(url + "search/?q=treaty")
    _wait_for(page, "treaty", "#search-status")
    origin = url.split("/", 3)[:3]
    assert requests and all(r.split("/", 3)[:3] == origin for r in requests), requests
    assert any("/pagefind/ja/" in r for r in requests) and any("/pagefind/en/0/pagefind.js" in r for r in requests)


@pytest.mark.parametrize("where", [ENGLISH_PAGE, JAPANESE_PAGE], ids=["en-page", "ja-page"])
def test_a_sharded_index_is_merged_in_the_browser(page: Page, archive_ja_sharded: tuple[str, str, Path],
                                                  where: str) -> None:
    url, base, public = archive_ja_sharded
    shards = sorted(p.parent.relative_to(public).as_posix()
                    for p in public.glob("pagefind/*/*/pagefind-entry.json"))
    assert len(shards) >= 6, shards  # 5 pages in the English family, 3 with Japanese
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url + where)
    for query, expected in HEADER_QUERIES:
        status, titles = header_search(page, query)
        assert any(title.startswith(expected) for title in titles), (query, status, titles)
        hrefs = page.locator("#search .search-result > a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert all(h.startswith(base) for h in hrefs), hrefs
    fetched = {shard for shard in shards if any(f"{base}{shard}/pagefind-entry.json" in r for r in requests)}
    assert fetched == set(shards), sorted(set(shards) - fetched)


def test_the_shards_of_a_family_are_fetched_all_at_once(page: Page, archive_ja_sharded: tuple[str, str, Path]
                                                         ) -> None:
    """search.js asks for every merged shard's entry file before any has come back: one
    after the other, a reader waited for 64 round trips at 40,000 articles. The test holds
    those answers; fetched in turn, only the first request would ever arrive."""
    url, base, public = archive_ja_sharded
    listed = json.loads((public / "pagefind" / "sitegen-search.json").read_text(encoding="utf-8"))
    first, *merged = listed["families"][0]["bundles"]
    assert len(merged) >= 2, merged
    held: list[Route] = []
    # Pagefind's worker asks for `pagefind-entry.json?ts=…`: the context sees the worker's requests
    page.context.route(re.compile(r"/pagefind-entry\.json(\?|$)"),
               lambda route: route.continue_() if f"/pagefind/{first}" in route.request.url else held.append(route))
    page.goto(url + "search/")
    page.fill("#site-search", "Hatoyama")
    for _ in range(100):
        if len(held) == len(merged):
            break
        page.wait_for_timeout(100)
    assert sorted(r.request.url.split(f"{base}pagefind/")[1].split("?")[0] for r in held) == sorted(
        f"{folder}pagefind-entry.json" for folder in merged)
    for route in held:
        route.continue_()
    assert any(t.startswith(T2010) for t in search_page(page, url, "Hatoyama")[1])
