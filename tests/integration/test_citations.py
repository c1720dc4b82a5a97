"""Citations as reference managers see them: the built page's tags read by Zotero's rules,
the downloads read by their parsers, COinS, term pages, descriptions and `check`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import bibtexparser
import pytest
from lxml import html as lxml_html

from tests.support.sites import article, build_site, run_cli, write_site
from tests.support.zotero_rules import coins, embedded_metadata

TRANSLATION = article(
    "The treaty is unfair is an old argument", date="2019-07-13",
    body="*Updated: Jul 13, 2019*\n\nJuly 7, 2019\\\nhttps://globe.example.jp/article/1\n\n"
         "Since it was reported that the treaty might be torn up, the alliance has been uncertain.",
    author="Corey Bell", translator="Corey Bell", original_author="Taro Yamada",
    source_name="Asahi Shimbun GLOBE", source_url="https://globe.example.jp/article/1",
    original_title="「日米安保は不公平」", original_language="ja", original_date="2019-07-07",
    categories="[japan]", tags="[burden-sharing]", keywords="[alliance]")
UNSIGNED = article("Trump calls the treaty unfair", date="2025-03-07", body="The editors write.")
PAGE = "public/2019/the-treaty-is-unfair-is-an-old-argument/index.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_site(tmp_path_factory.mktemp("citations"),
                      {"content/2019/translation.md": TRANSLATION, "content/2025/unsigned.md": UNSIGNED})
    run = build_site(root)
    assert run.code == 0, run.err
    return root


def test_zotero_embedded_metadata_reads_a_newspaper_article_with_roles(site: Path) -> None:
    item = embedded_metadata((site / PAGE).read_text(encoding="utf-8"))
    assert item.item_type == "newspaperArticle"
    assert item.creators == [("Taro Yamada", "author")]  # the translator is never an author
    assert item.title == "The treaty is unfair is an old argument"
    assert item.publication == "Test archive"
    assert item.date == "2019/07/13"
    assert item.language == "en"
    assert item.url == "https://example.org/2019/the-treaty-is-unfair-is-an-old-argument/"
    assert item.abstract.startswith("Since it was reported")


def test_zotero_coins_wins_and_keeps_the_translator_as_contributor(site: Path) -> None:
    [item] = coins((site / PAGE).read_text(encoding="utf-8"))
    assert item.item_type == "newspaperArticle"
    assert item.creators == [("Yamada, Taro", "author"), ("Bell, Corey", "contributor")]
    assert (item.title, item.publication, item.date, item.language) == (
        "The treaty is unfair is an old argument", "Test archive", "2019-07-13", "en")
    assert item.url.endswith("/2019/the-treaty-is-unfair-is-an-old-argument/")


def test_a_translation_without_original_author_gives_zotero_the_translator_role(
        make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/t.md": article(
        "Unsigned original", translator="Corey Bell", author="Corey Bell", original_author="[]",
        source_name="Asahi Shimbun GLOBE", original_title="原題", original_language="ja")})
    assert build_site(root).code == 0
    item = embedded_metadata((root / "public/2019/unsigned-original/index.html").read_text(encoding="utf-8"))
    assert item.item_type == "newspaperArticle"
    assert item.creators == [("Corey Bell", "translator")]


def test_the_site_editors_are_a_group_not_a_person(site: Path) -> None:
    page = (site / "public/2025/trump-calls-the-treaty-unfair/index.html").read_text(encoding="utf-8")
    [item] = coins(page)
    assert item.item_type == "blogPost"
    assert item.creators == [("Test Editors", "institution")]
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//meta[@name='citation_author']") == []


def test_downloads_beside_the_page_are_linked_and_parse(site: Path) -> None:
    folder = site / PAGE.rsplit("/", 1)[0]
    tree = lxml_html.fromstring((site / PAGE).read_text(encoding="utf-8"))
    links = tree.xpath("//section[@class='cite']//a[@download]/@href")
    assert links == [f"/2019/the-treaty-is-unfair-is-an-old-argument/cite.{ext}" for ext in ("bib", "ris", "json")]
    library = bibtexparser.parse_string((folder / "cite.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    [entry] = library.entries
    assert entry.entry_type == "article"
    assert entry.fields_dict["author"].value == "Yamada, Taro"
    assert entry.fields_dict["translator"].value == "Bell, Corey"
    assert entry.fields_dict["origtitle"].value == "{「日米安保は不公平」}"
    ris = (folder / "cite.ris").read_bytes().decode("utf-8")
    tags = [line[:2] for line in ris.split("\r\n") if line]
    for tag in ("TY", "AU", "A4", "TI", "T2", "PY", "DA", "UR", "LA"):
        assert tag in tags, tag
    assert "TY  - NEWS\r\n" in ris and "A4  - Bell, Corey\r\n" in ris and "DA  - 2019/07/13\r\n" in ris
    assert ris.endswith("ER  - \r\n")
    [record] = json.loads((folder / "cite.json").read_text(encoding="utf-8"))
    assert record["type"] == "article-newspaper"
    assert record["author"] == [{"family": "Yamada", "given": "Taro"}]
    assert record["translator"] == [{"family": "Bell", "given": "Corey"}]
    assert record["original-publisher"] == "Asahi Shimbun GLOBE"
    assert record["original-date"] == {"date-parts": [[2019, 7, 7]]}
    assert record["container-title"] == "Test archive" and "accessed" not in record


def test_cite_block_shows_three_styles(site: Path) -> None:
    tree = lxml_html.fromstring((site / PAGE).read_text(encoding="utf-8"))
    text = {p.get("id"): p.text_content() for p in tree.xpath("//p[@class='cite-text']")}
    assert text["cite-apa"].startswith("Yamada, T. (2019, July 13). The treaty is unfair is an old "
                                       "argument (C. Bell, Trans.). Test Archive.")
    assert text["cite-chicago"].startswith("Yamada, Taro. “The Treaty Is Unfair Is an Old Argument.” "
                                           "Translated by Corey Bell. Test Archive, July 13, 2019.")
    assert text["cite-mla"].startswith("Yamada, Taro. “The Treaty Is Unfair Is an Old Argument.” "
                                       "Test Archive, translated by Corey Bell, 13 July 2019,")


def test_term_pages_list_citations_and_offer_one_file(site: Path) -> None:
    tree = lxml_html.fromstring((site / "public/tags/burden-sharing/index.html").read_text(encoding="utf-8"))
    assert next(li.text_content() for li in tree.xpath("//section[@class='term-citations']//li")).startswith(
        "Yamada, T. (2019, July 13).")
    assert tree.xpath("//section[@class='term-citations']//a/@href") == [
        "/tags/burden-sharing/citations.bib", "/tags/burden-sharing/citations.ris"]
    both = site / "public/categories/japan"
    library = bibtexparser.parse_string((both / "citations.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == [] and len(library.entries) == 1
    assert (both / "citations.ris").read_bytes().decode("utf-8").count("ER  - ") == 1


def test_descriptions_skip_dates_urls_and_headings(site: Path) -> None:
    tree = lxml_html.fromstring((site / PAGE).read_text(encoding="utf-8"))
    for xpath in ("//meta[@name='description']/@content", "//meta[@property='og:description']/@content",
                  "//meta[@name='citation_abstract']/@content"):
        assert tree.xpath(xpath)[0].startswith("Since it was reported"), xpath
    data = json.loads(tree.xpath("//script[@type='application/ld+json']")[0].text)
    assert data["description"].startswith("Since it was reported")


def test_og_image_is_the_articles_else_the_sites(make_site: Callable[..., Path]) -> None:
    config = ("site:\n  title: T\n  base_url: https://example.org/\nextra:\n  image: /images/card.png\n")
    root = make_site({"config.yaml": config, "content/2019/a.md": article("A", images="[pics/a.png]"),
                      "content/2019/b.md": article("B")})
    assert build_site(root).code == 0
    image = "//meta[@property='og:image']/@content"
    a = lxml_html.fromstring((root / "public/2019/a/index.html").read_text(encoding="utf-8"))
    b = lxml_html.fromstring((root / "public/2019/b/index.html").read_text(encoding="utf-8"))
    assert a.xpath(image) == ["https://example.org/2019/a/pics/a.png"]
    assert b.xpath(image) == ["https://example.org/images/card.png"]


def test_check_guards_the_scholarly_record(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/x.md": article(
        "X", date="2019-03-29", translator="Corey Bell", source_name="GLOBE",
        original_language="ja", source_url="globe.example.jp/1", original_date="2019-07-07")})
    run = run_cli("check", "--root", str(root))
    lines = [line for line in run.out.splitlines() + run.err.splitlines() if ": warning: " in line]
    assert "content/2019/x.md:3:1: warning: dated 2019-03-29, before its original (original_date 2019-07-07)" in lines
    assert "content/2019/x.md:6:1: warning: original_language without original_title" in lines
    assert "content/2019/x.md:7:1: warning: source_url is not an absolute http(s) URL: 'globe.example.jp/1'" in lines
    assert "content/2019/x.md:4:1: warning: translated article without original_author" in lines


def test_check_accepts_a_complete_record(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/x.md": article(
        "X", date="2019-07-13", translator="Corey Bell", source_name="GLOBE", original_author="[]",
        original_language="ja", original_title="原題", source_url="https://globe.example.jp/1",
        original_date="2019-07-07")})
    run = run_cli("check", "--root", str(root))
    assert run.code == 0, run.out + run.err
