"""The real archive: content/ as committed builds cleanly and renders as Hugo would.

Seed 000 is a blogdown post that must build unchanged; 001 and 004 were converted
from plain-text captures. These tests read the rendered HTML, not our internals.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.support.sites import REPO, build_site, read_tree

SEED_000 = "2019/us-japan-security-treaty-an-old-argument/index.html"
SEED_001 = "2010/50th-anniversary-of-the-us-japan-security-treaty/index.html"
SEED_004 = "2025/japan-us-security-treaty-imbalance-trump-unfair/index.html"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built once with --strict (any warning fails it)."""
    root = tmp_path_factory.mktemp("archive")
    for name in ("content", "templates", "static", "archetypes", "i18n", "data"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "config.yaml", root / "config.yaml")
    run = build_site(root, "--strict", "--no-cache")
    assert run.code == 0, run.err
    assert run.err == ""
    return root / "public"


def page(public: Path, rel: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((public / rel).read_bytes())


def body_of(public: Path, rel: str) -> lxml_html.HtmlElement:
    """The article's body, without the glossary's tooltips (shown on hover and focus only)."""
    tree = page(public, rel)
    bodies = tree.cssselect("[data-pagefind-body] .article-body, .article-body")
    assert bodies, f"no article body in {rel}"
    for tip in bodies[0].cssselect(".gloss-tip"):
        tip.drop_tree()
    return bodies[0]


def test_seed_000_rawhtml_shortcode_is_raw_html(archive: Path) -> None:
    body = body_of(archive, SEED_000)
    h2 = body.cssselect("h2")[0]
    assert "「日米安保は不公平」は、今に始まった議論ではない" in h2.text_content()
    assert h2.cssselect("br"), "the <br/> inside the rawhtml block is kept"
    assert "{{" not in lxml_html.tostring(body, encoding="unicode")


def test_seed_000_backslash_is_a_hard_break_and_url_a_link(archive: Path) -> None:
    source = lxml_html.tostring(body_of(archive, SEED_000), encoding="unicode")
    assert re.search(r"July 7, 2019<br>\s*<a href=\"https://globe.asahi.com/article/12508614\">", source)
    assert "2019\\" not in source


def test_seed_000_japanese_blockquote_is_marked_japanese(archive: Path) -> None:
    quote = body_of(archive, SEED_000).cssselect("blockquote")[0]
    assert quote.get("lang") == "ja"
    assert quote.text_content().strip() == "「日米安保は不公平」は、今に始まった議論ではない"


def test_seed_000_closing_note_is_emphasis_starting_with_an_asterisk(archive: Path) -> None:
    last = body_of(archive, SEED_000).cssselect("p em")[-1]
    assert last.text_content().startswith("* Omoiyari Yosan - financial support")


def test_seed_000_folded_title_is_one_line_and_shown_once(archive: Path) -> None:
    tree = page(archive, SEED_000)
    titles = [h.text_content().strip() for h in tree.cssselect("h1")]
    assert titles == ["‘The security treaty between the United States and Japan is unfair’ is an old argument"]


def test_seed_001_byline_and_reader_comment_section(archive: Path) -> None:
    tree = page(archive, SEED_001)
    assert "Ren Yi Hooi" in tree.cssselect(".byline, .author")[0].text_content()
    section = tree.cssselect("#reader-comments")
    assert section and "reader-comments" in section[0].get("class", "")
    text = tree.text_content()
    assert "If he wants better Asian ties then I wodner exactly how" in text
    for furniture in ("View More", "Comments are closed.", "Donate Now", "Interested in donating"):
        assert furniture not in text


def test_seed_004_key_points_and_headings(archive: Path) -> None:
    body = body_of(archive, SEED_004)
    items = [li.text_content().strip() for li in body.cssselect("ul")[0].cssselect("li")]
    assert items == ["Trump criticizes the Japan-US Security Treaty for being unfair.",
                     "He highlights the lack of reciprocity in protection responsibilities.",
                     "Trump questioned the origins of the agreement and previous negotiations."]
    headings = [(h.tag, h.text_content().strip()) for h in body.cssselect("h2, h3")]
    assert ("h2", "Commentary") in headings
    assert ("h3", "The Complexity of Fairness in Alliances") in headings


def test_inferred_dates_are_shown(archive: Path) -> None:
    for rel in (SEED_001, SEED_004):
        assert "inferred" in page(archive, rel).text_content().lower()


def test_pages_of_every_kind_exist(archive: Path) -> None:
    for rel in ("index.html", "404.html", "about/index.html", "archive/index.html",
                "categories/index.html", "tags/index.html", "categories/japan/index.html",
                "tags/futenma/index.html", "2019/index.html", "feed.xml", "sitemap.xml", "robots.txt"):
        assert (archive / rel).is_file(), rel


def test_category_page_lists_every_term_with_its_count(archive: Path) -> None:
    text = " ".join(page(archive, "categories/index.html").text_content().split())
    assert re.search(r"japan\D{0,40}3", text), text


def test_term_page_lists_articles_newest_first(archive: Path) -> None:
    tree = page(archive, "categories/japan/index.html")
    dates = [t.get("datetime") for t in tree.cssselect("main time[datetime]")]
    assert dates == sorted(dates, reverse=True) and len(dates) == 3


def test_article_links_to_its_terms_and_neighbours(archive: Path) -> None:
    tree = page(archive, SEED_000)
    hrefs = {a.get("href") for a in tree.cssselect("a[href]")}
    assert "/categories/japan/" in hrefs
    assert "/2025/japan-us-security-treaty-imbalance-trump-unfair/" in hrefs  # newer
    assert "/2010/50th-anniversary-of-the-us-japan-security-treaty/" in hrefs  # older


def test_html_lang_and_reading_time(archive: Path) -> None:
    tree = page(archive, SEED_000)
    assert tree.get("lang") == "en"
    assert re.search(r"\d+ min read", tree.text_content())


def test_two_builds_are_byte_identical(archive: Path, tmp_path: Path) -> None:
    root = tmp_path / "again"
    for name in ("content", "templates", "static", "i18n", "data"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "config.yaml", root / "config.yaml")
    assert build_site(root, "--no-cache").code == 0
    assert read_tree(root / "public") == read_tree(archive)
