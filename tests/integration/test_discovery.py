"""How readers and machines find the archive: sitemap, robots.txt, canonical, OpenGraph,
Twitter cards, JSON-LD, favicon, archive, related articles, previous/next, term counts,
aliases, provenance and the citation block. Read from the built HTML of the real site."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.support.real_site import (
    SEED_000,
    SEED_000_TITLE,
    SITE_URL,
    BuiltPage,
    build_real_site,
    html_pages,
)
from tests.support.sites import article, build_site
from tests.support.tools import SITEMAP_XSD, require_file
from tests.support.validators import validate_sitemap

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
SEED_ORIGINAL = "「日米安保は不公平」は、今に始まった議論ではない"


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_real_site(tmp_path_factory.mktemp("discovery"))


@pytest.fixture(scope="module")
def pages(public: Path) -> list[BuiltPage]:
    return html_pages(public)


def tree_of(public: Path, path: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((public / path / "index.html").read_bytes())


def meta(tree: lxml_html.HtmlElement, attr: str, name: str) -> list[str]:
    return [m.get("content", "") for m in tree.cssselect(f'meta[{attr}="{name}"]')]


def json_ld(tree: lxml_html.HtmlElement) -> list[dict[str, Any]]:
    return [json.loads(s.text) for s in tree.cssselect('script[type="application/ld+json"]')]


def article_paths(public: Path) -> list[str]:
    """Article URL paths in the order of the home page (newest first)."""
    home = lxml_html.fromstring((public / "index.html").read_bytes())
    return [a.get("href").lstrip("/") for a in home.cssselect(".entry-title a")]


# -- sitemap and robots --------------------------------------------------------

def test_sitemap_is_valid_against_the_sitemaps_org_schema(public: Path) -> None:
    require_file(SITEMAP_XSD, "run `npm ci --ignore-scripts` in the repository root")
    assert validate_sitemap(public / "sitemap.xml") == []


def test_sitemap_lists_every_indexable_page_and_nothing_else(public: Path, pages: list[BuiltPage]) -> None:
    root = etree.parse(str(public / "sitemap.xml"))
    locs = root.xpath("//s:loc/text()", namespaces=SITEMAP_NS)
    assert len(locs) == len(set(locs))
    indexable = set()
    for page in pages:
        tree = page.tree()
        if page.kind in ("alias", "404") or meta(tree, "name", "robots") == ["noindex"]:
            assert SITE_URL + page.path not in locs, page.path
            continue
        if "/page/" in "/" + page.path:  # later pages of a paginated list
            continue
        indexable.add(SITE_URL + page.path)
    assert set(locs) == indexable
    lastmods = dict(zip(root.xpath("//s:url[s:lastmod]/s:loc/text()", namespaces=SITEMAP_NS),
                        root.xpath("//s:url/s:lastmod/text()", namespaces=SITEMAP_NS), strict=True))
    assert lastmods[SITE_URL + SEED_000] == "2019-07-13"


def test_robots_txt_points_at_the_sitemap(public: Path) -> None:
    lines = (public / "robots.txt").read_text(encoding="utf-8").splitlines()
    assert "User-agent: *" in lines
    assert f"Sitemap: {SITE_URL}sitemap.xml" in lines
    assert "Disallow: /" not in lines


# -- head: canonical, OpenGraph, Twitter, favicon -----------------------------------

KINDS = {"home", "article", "page", "taxonomy", "term", "section", "archive", "search", "404"}


def test_every_page_kind_is_built(pages: list[BuiltPage]) -> None:
    assert {p.kind for p in pages} >= KINDS


def test_canonical_opengraph_and_twitter_on_every_page(pages: list[BuiltPage]) -> None:
    for page in pages:
        if page.kind == "alias":
            continue
        tree = page.tree()
        canonical = [link.get("href") for link in tree.cssselect('link[rel="canonical"]')]
        assert canonical == [SITE_URL + page.path], page.path
        title = tree.findtext(".//title")
        assert title and title.strip()
        assert meta(tree, "property", "og:url") == canonical
        # the site's title in the page's language (config.yaml, languages.ja.title)
        site_name = "条約論評アーカイブ" if page.path.lstrip("/").startswith("ja/") else "Treaty Commentary Archive"
        assert meta(tree, "property", "og:site_name") == [site_name], page.path
        assert meta(tree, "property", "og:type") == ["article" if page.kind == "article" else "website"]
        og_title = meta(tree, "property", "og:title")
        assert og_title and og_title[0] and og_title == meta(tree, "name", "twitter:title"), page.path
        assert meta(tree, "name", "twitter:card") == ["summary_large_image"]  # the site's card
        assert meta(tree, "property", "og:image") == [SITE_URL + "images/card.png"]
        description = meta(tree, "name", "description")
        assert description and description == meta(tree, "property", "og:description") \
            == meta(tree, "name", "twitter:description"), page.path
        icons = {link.get("href") for link in tree.cssselect('link[rel="icon"]')}
        assert icons == {"/favicon.ico", "/favicon.svg"}, page.path


def test_favicons_exist(public: Path) -> None:
    assert (public / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert b"<svg" in (public / "favicon.svg").read_bytes()


def test_article_pages_carry_article_metadata(public: Path) -> None:
    tree = tree_of(public, SEED_000)
    assert meta(tree, "property", "og:title") == [SEED_000_TITLE]
    assert meta(tree, "property", "article:published_time") == ["2019-03-29T00:00:00+00:00"]
    assert meta(tree, "property", "article:section") == ["japan"]
    # The translator is never the citation's author; the original names none.
    assert meta(tree, "name", "citation_author") == []
    assert meta(tree, "name", "z.translators") == ["Corey Bell"]
    assert meta(tree, "name", "z.itemType") == ["newspaperArticle"]


# -- JSON-LD -----------------------------------------------------------------

def test_seed_000_json_ld_is_a_news_article_translated_from_asahi(public: Path) -> None:
    data = json_ld(tree_of(public, SEED_000))
    assert len(data) == 1
    item = data[0]
    assert item["@context"] == "https://schema.org"
    assert item["@type"] == "NewsArticle"
    assert item["headline"] == SEED_000_TITLE
    assert item["datePublished"].startswith("2019-03-29")
    assert item["dateModified"].startswith("2019-07-13")
    assert item["author"] == [{"@type": "Person", "name": "Corey Bell"}]
    assert item["publisher"]["@type"] == "Organization"
    assert item["publisher"]["name"] == "Treaty Commentary Archive"
    assert item["inLanguage"] == "en"
    assert item["mainEntityOfPage"] == {"@type": "WebPage", "@id": SITE_URL + SEED_000}
    assert item["translator"] == {"@type": "Person", "name": "Corey Bell"}
    original = item["isBasedOn"]
    assert original["url"] == "https://globe.asahi.com/article/12508614"
    assert original["name"] == SEED_ORIGINAL
    assert original["inLanguage"] == "ja"
    assert original["datePublished"].startswith("2019-07-07")
    assert original["publisher"]["name"] == "Asahi Shimbun GLOBE"


def test_every_article_has_one_parseable_json_ld_object(public: Path) -> None:
    for path in article_paths(public):
        data = json_ld(tree_of(public, path))
        assert len(data) == 1, path
        assert data[0]["@type"] in ("Article", "NewsArticle")
        assert data[0]["url"] == SITE_URL + path
        assert data[0]["author"], path
    home = json_ld(lxml_html.fromstring((public / "index.html").read_bytes()))
    assert [d["@type"] for d in home] == ["WebSite"]


def test_json_ld_survives_a_hostile_title(make_site: Any) -> None:
    title = "'</script><script>alert(1)</script> & <!-- x'"
    root = make_site({"content/2019/x.md": article(title, slug="x")})
    assert build_site(root, "--no-cache").code == 0
    text = (root / "public/2019/x/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in text
    tree = lxml_html.fromstring(text)
    assert json_ld(tree)[0]["headline"] == title.strip("'")


# -- provenance and citation -------------------------------------------------------

def test_seed_000_provenance_names_source_date_title_and_translator(public: Path) -> None:
    block = tree_of(public, SEED_000).cssselect("aside.provenance")[0]
    text = " ".join(block.text_content().split())
    assert text == (f"Originally published in Asahi Shimbun GLOBE, 7 July 2019, as 『{SEED_ORIGINAL}』; "
                    "translated by Corey Bell.")
    assert "「「" not in text and "」」" not in text
    assert block.cssselect("a.source-link")[0].get("href") == "https://globe.asahi.com/article/12508614"
    assert block.cssselect(".original-title")[0].get("lang") == "ja"


def test_seed_000_cite_block(public: Path) -> None:
    tree = tree_of(public, SEED_000)
    section = tree.cssselect("section.cite")[0]
    heading_id = section.get("aria-labelledby")
    assert tree.get_element_by_id(heading_id).text_content() == "Cite this article"
    apa = section.cssselect("#cite-apa")[0].text_content()
    # The original names no author (original_author: []): the title leads, the translator
    # is credited as translator only.
    assert apa.startswith(f"{SEED_000_TITLE} (C. Bell, Trans.). (2019, March 29). "
                          f"Treaty Commentary Archive. {SITE_URL}{SEED_000}")
    assert SEED_ORIGINAL in apa and "Asahi Shimbun GLOBE" in apa
    bib = section.cssselect("pre#cite-bibtex")[0].text_content()
    assert bib.startswith("@article{security2019treaty,")
    assert "translator    = {Bell, Corey}" in bib and SEED_ORIGINAL in bib and "author" not in bib
    buttons = section.cssselect("button.cite-copy")
    assert [b.get("data-copy") for b in buttons] == ["cite-apa", "cite-chicago", "cite-chicago-note",
                                                     "cite-mla", "cite-bibtex"]
    assert all(b.get("hidden") is not None and b.get("type") == "button" for b in buttons)
    assert section.cssselect('[aria-live="polite"]')
    assert tree.cssselect('script[src="/js/cite.js"]')
    assert (Path(str(public)) / "js" / "cite.js").is_file()


# -- archive, related, previous/next, terms ------------------------------------------

def test_archive_has_year_and_month_anchors_with_their_articles(public: Path) -> None:
    tree = tree_of(public, "archive/")
    years = [a.get("href") for a in tree.cssselect(".archive-years a")]
    assert years == ["#2025", "#2019", "#2010"]
    for anchor in years:
        assert tree.get_element_by_id(anchor[1:]).tag == "h2"
    months = [h.get("id") for h in tree.cssselect(".archive-year h3")]
    assert months == ["2025-03", "2019-03", "2010-02"]
    seed_link = tree.cssselect(f'a[href="/{SEED_000}"]')[0]
    assert seed_link.getparent().getparent().getprevious().get("id") == "2019-03"
    assert [a.get("href").lstrip("/") for a in tree.cssselect(".archive-list a")] == article_paths(public)


def related_of(public: Path, path: str) -> list[str]:
    return [a.get("href").lstrip("/") for a in tree_of(public, path).cssselect("aside.related a")]


def test_related_articles_of_the_real_site(public: Path) -> None:
    newest, seed, oldest = article_paths(public)
    assert seed == SEED_000
    # 2010 and 2025 share two tags and both categories; the seed shares only "japan" with them.
    assert related_of(public, newest) == [oldest, seed]
    assert related_of(public, oldest) == [newest, seed]
    assert related_of(public, seed) == [newest, oldest]


def test_related_articles_rank_tags_over_categories_and_are_deterministic(make_site: Any) -> None:
    files = {
        "content/2019/a.md": article("A", "2019-01-05", tags="[x, y]", categories="[c]"),
        "content/2019/b.md": article("B", "2019-01-04", tags="[x, y]"),
        "content/2019/c.md": article("C", "2019-01-03", categories="[c]"),
        "content/2019/d.md": article("D", "2019-01-06", tags="[x]", categories="[c]"),
        "content/2019/e.md": article("E", "2019-01-07", tags="[z]"),
        "content/2019/f.md": article("F", "2019-01-02", tags="[x]", categories="[c]"),  # ties D: older
    }
    outputs = []
    for _ in range(2):
        root = make_site(files)
        assert build_site(root, "--no-cache").code == 0
        outputs.append(related_of(root / "public", "2019/a/"))
    assert outputs[0] == outputs[1] == ["2019/b/", "2019/d/", "2019/f/", "2019/c/"]


def test_previous_next_chain_walks_every_article_in_date_order(public: Path) -> None:
    order = article_paths(public)  # newest first
    path, walked = order[-1], []
    while path:
        walked.append(path)
        newer = tree_of(public, path).cssselect('.article-nav a[rel="next"]')
        path = newer[0].get("href").lstrip("/") if newer else ""
    assert walked == order[::-1]
    path, walked = order[0], []
    while path:
        walked.append(path)
        older = tree_of(public, path).cssselect('.article-nav a[rel="prev"]')
        path = older[0].get("href").lstrip("/") if older else ""
    assert walked == order


def test_taxonomy_pages_show_term_counts(public: Path) -> None:
    for taxonomy in ("tags", "categories"):
        tree = tree_of(public, f"{taxonomy}/")
        items = tree.cssselect(".term-list li")
        assert items
        for item in items:
            link = item.cssselect("a")[0]
            count = int(item.cssselect(".count")[0].text_content().split()[0])
            term = tree_of(public, link.get("href").lstrip("/"))
            assert len(term.cssselect(".entry")) == count
            assert term.cssselect(".lede")[0].text_content().startswith(f"{count} article")


# -- aliases -------------------------------------------------------------------------

def test_aliases_become_redirect_pages(make_site: Any) -> None:
    root = make_site({"content/2019/new.md": article(
        "Moved", slug="new", aliases="[/old/path/, /2018/moved.html]")})
    assert build_site(root, "--no-cache").code == 0
    public = root / "public"
    target = "https://example.org/2019/new/"
    for file in (public / "old/path/index.html", public / "2018/moved.html"):
        tree = lxml_html.fromstring(file.read_bytes())
        refresh = meta(tree, "http-equiv", "refresh")
        assert refresh == [f"0; url={target}"]
        assert [link.get("href") for link in tree.cssselect('link[rel="canonical"]')] == [target]
        assert meta(tree, "name", "robots") == ["noindex"]
        assert tree.cssselect(f'a[href="{target}"]')
    sitemap = (public / "sitemap.xml").read_text(encoding="utf-8")
    assert "old/path" not in sitemap and "moved.html" not in sitemap
    assert re.search(r"<loc>https://example.org/2019/new/</loc>", sitemap)
