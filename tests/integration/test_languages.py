"""Multilingual sites, as Hugo makes them: languages in config.yaml, content in a language by
file name or by folder, translations linked by path or translationKey, every language's
pages under its prefix, and readers and search engines told of each page's other versions."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from tests.support.sites import DEFAULT_CONFIG, article, build_site, run_cli
from tests.support.tools import SITEMAP_XSD
from tests.support.validators import validate_sitemap

LANGUAGES = """\
languages:
  en:
    name: English
    weight: 1
  ja:
    name: 日本語
    weight: 2
    title: テストアーカイブ
    description: テスト用のサイト。
"""
EN_BODY = "## Bases\n\nFirst paragraph.\n\nSecond paragraph.\n"
JA_BODY = "## 基地\n\n第一段落。\n\n第二段落。\n"
BY_NAME = {
    "config.yaml": DEFAULT_CONFIG + LANGUAGES,
    "content/2019/bases.md": article("Bases", "2019-03-29", EN_BODY, slug="bases", tags="[futenma]"),
    "content/2019/bases.ja.md": article("基地", "2019-07-07", JA_BODY, slug="bases", tags="[普天間]",
                                        original_language="en", translator="山田"),
    "content/2019/only.md": article("Only in English", "2019-01-01", "Text.", slug="only"),
}
SITE = "https://example.org"


def page(root: Path, rel: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((root / "public" / rel).read_bytes())


def alternates(tree: lxml_html.HtmlElement) -> list[tuple[str, str]]:
    return [(link.get("hreflang"), link.get("href")) for link in tree.cssselect("link[rel=alternate][hreflang]")]


@pytest.fixture
def by_name(make_site: Callable[..., Path]) -> Path:
    root = make_site(BY_NAME)
    run = build_site(root, "--quiet")
    assert run.code == 0, run.err
    return root


def test_a_translation_by_file_name_has_its_own_url_under_the_language(by_name: Path) -> None:
    en, ja = page(by_name, "2019/bases/index.html"), page(by_name, "ja/2019/bases/index.html")
    assert (en.get("lang"), ja.get("lang")) == ("en", "ja")
    assert ja.cssselect("h1.article-title")[0].text == "基地"
    assert ja.cssselect(".article-meta time")[0].text == "2019年7月7日"  # Babel, in Japanese
    assert ja.cssselect(".skip-link")[0].text == "本文へ移動"  # the interface in Japanese
    assert not (by_name / "public" / "ja" / "2019" / "only").exists()


def test_every_page_with_translations_links_them_with_hreflang_and_lang(by_name: Path) -> None:
    for rel, other, url in [("2019/bases/index.html", "ja", "/ja/2019/bases/"),
                            ("ja/2019/bases/index.html", "en", "/2019/bases/"),
                            ("index.html", "ja", "/ja/"), ("ja/archive/index.html", "en", "/archive/"),
                            ("tags/index.html", "ja", "/ja/tags/"), ("ja/404.html", "en", "/404.html")]:
        links = page(by_name, rel).cssselect("nav.language-switcher a")
        assert [(a.get("href"), a.get("hreflang"), a.get("lang")) for a in links] == [(url, other, other)], rel
    assert not page(by_name, "2019/only/index.html").cssselect("nav.language-switcher")


def test_head_names_each_version_and_x_default(by_name: Path) -> None:
    ja = page(by_name, "ja/2019/bases/index.html")
    assert alternates(ja) == [("ja", f"{SITE}/ja/2019/bases/"), ("en", f"{SITE}/2019/bases/"),
                              ("x-default", f"{SITE}/2019/bases/")]
    assert [m.get("content") for m in ja.cssselect("meta[property='og:locale']")] == ["ja_JP"]
    assert [m.get("content") for m in ja.cssselect("meta[property='og:locale:alternate']")] == ["en_US"]
    assert alternates(page(by_name, "2019/only/index.html")) == []


def test_json_ld_links_the_original_and_its_translation(by_name: Path) -> None:
    def data(rel: str) -> dict:  # type: ignore[type-arg]
        return json.loads(page(by_name, rel).cssselect("script[type='application/ld+json']")[0].text)

    en, ja = data("2019/bases/index.html"), data("ja/2019/bases/index.html")
    assert ja["translationOfWork"] == {"@id": f"{SITE}/2019/bases/", "@type": "Article", "inLanguage": "en",
                                       "name": "Bases", "url": f"{SITE}/2019/bases/"}
    assert [w["@id"] for w in en["workTranslation"]] == [f"{SITE}/ja/2019/bases/"]
    assert "translationOfWork" not in en and "workTranslation" not in ja


def test_each_language_has_its_own_lists_feeds_and_404(by_name: Path) -> None:
    public = by_name / "public"
    for rel in ("ja/index.html", "ja/archive/index.html", "ja/search/index.html", "ja/404.html",
                "ja/tags/index.html", "ja/tags/普天間/index.html", "ja/2019/index.html"):
        assert (public / rel).is_file(), rel
    assert page(by_name, "ja/index.html").findtext(".//title") == "テストアーカイブ"
    atom = etree.parse(str(public / "ja" / "feed.xml")).getroot()
    assert atom.get("{http://www.w3.org/XML/1998/namespace}lang") == "ja"
    atom_ns = "{http://www.w3.org/2005/Atom}"
    assert [e.findtext(f"{atom_ns}title") for e in atom.iter(f"{atom_ns}entry")] == ["基地"]
    rss = feedparser.parse((public / "ja" / "index.xml").read_bytes())
    assert rss.feed.language == "ja" and rss.feed.link == f"{SITE}/ja/"
    assert etree.parse(str(public / "feed.xml")).getroot().get("{http://www.w3.org/XML/1998/namespace}lang") == "en"


def test_the_sitemap_lists_alternates_and_is_valid(by_name: Path) -> None:
    if not SITEMAP_XSD.is_file():
        pytest.skip("node_modules/sitemap is missing: run `npm ci --ignore-scripts`")
    sitemap = by_name / "public" / "sitemap.xml"
    assert validate_sitemap(sitemap) == []
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    tree = etree.parse(str(sitemap))
    entry = tree.xpath("//s:url[s:loc='https://example.org/ja/2019/bases/']", namespaces=ns)[0]
    assert [(link.get("hreflang"), link.get("href")) for link in entry.xpath("x:link", namespaces=ns)] == [
        ("en", f"{SITE}/2019/bases/"), ("ja", f"{SITE}/ja/2019/bases/"), ("x-default", f"{SITE}/2019/bases/")]
    assert not tree.xpath("//s:url[s:loc='https://example.org/2019/only/']/x:link", namespaces=ns)


def test_a_sitemap_with_a_bad_alternate_is_invalid(tmp_path: Path) -> None:
    """The validator reads the xhtml:link elements against the XHTML schema: it can fail."""
    if not SITEMAP_XSD.is_file():
        pytest.skip("node_modules/sitemap is missing: run `npm ci --ignore-scripts`")
    bad = tmp_path / "sitemap.xml"
    bad.write_text('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                   'xmlns:xhtml="http://www.w3.org/1999/xhtml"><url><loc>https://example.org/</loc>'
                   '<xhtml:link rel="alternate" hreflang="ja" hrefx="/ja/"/></url></urlset>', encoding="utf-8")
    assert validate_sitemap(bad) != []


def test_a_side_by_side_view_for_each_translation(by_name: Path) -> None:
    tree = page(by_name, "2019/bases/side-by-side/ja/index.html")
    rows = tree.cssselect(".parallel-row:not(.parallel-head)")
    assert [[c.get("lang") for c in row.cssselect(".parallel-cell")] for row in rows] == [["en", "ja"]] * 3
    assert [c.text_content().strip() for c in rows[1].cssselect(".parallel-cell")] == ["First paragraph.", "第一段落。"]
    assert tree.cssselect("meta[name=robots]")[0].get("content") == "noindex"
    assert [a.get("href") for a in tree.cssselect("nav.language-switcher a")] == ["/ja/2019/bases/side-by-side/en/"]
    link = page(by_name, "2019/bases/index.html").cssselect(".side-by-side-links a")[0]
    assert link.get("href") == "/2019/bases/side-by-side/ja/"
    assert page(by_name, "ja/2019/bases/side-by-side/en/index.html").cssselect(".parallel-cell")[0].get("lang") == "ja"


FOLDERS = {
    "config.yaml": DEFAULT_CONFIG + """\
languages:
  en:
    weight: 1
    content_dir: content/english
  ja:
    weight: 2
    content_dir: content/japanese
""",
    "content/english/2019/bases.md": article("Bases", "2019-03-29", EN_BODY, slug="bases"),
    "content/japanese/2019/bases.md": article("基地", "2019-07-07", JA_BODY, slug="bases"),
    "content/japanese/2019/keyed.md": article("鍵", "2019-07-08", "本文。", slug="kagi", translationKey="k"),
    "content/english/2019/other-name.md": article("Keyed", "2019-07-08", "Text.", slug="keyed", translationKey="k"),
}


def test_content_folders_per_language_and_translation_keys(make_site: Callable[..., Path]) -> None:
    root = make_site(FOLDERS)
    run = build_site(root, "--quiet")
    assert run.code == 0, run.err
    assert alternates(page(root, "ja/2019/bases/index.html"))[:2] == [("ja", f"{SITE}/ja/2019/bases/"),
                                                                     ("en", f"{SITE}/2019/bases/")]
    switch = page(root, "ja/2019/kagi/index.html").cssselect("nav.language-switcher a")
    assert [a.get("href") for a in switch] == ["/2019/keyed/"]  # linked by translationKey
    assert not (root / "public" / "english").exists() and not (root / "public" / "japanese").exists()


def test_default_language_in_a_subfolder(make_site: Callable[..., Path]) -> None:
    root = make_site({**BY_NAME, "config.yaml": DEFAULT_CONFIG + LANGUAGES + "default_in_subdir: true\n"})
    assert build_site(root, "--quiet").code == 0
    assert page(root, "en/2019/bases/index.html").get("lang") == "en"
    home = page(root, "index.html")
    assert home.cssselect("meta[http-equiv=refresh]")[0].get("content") == f"0; url={SITE}/en/"
    assert (root / "public" / "404.html").is_file() and (root / "public" / "en" / "404.html").is_file()


def test_lists_may_show_the_articles_a_language_has_no_version_of(make_site: Callable[..., Path]) -> None:
    root = make_site({**BY_NAME, "config.yaml": DEFAULT_CONFIG + LANGUAGES + "list_other_languages: true\n"})
    assert build_site(root, "--quiet").code == 0
    titles = [(a.text, a.getparent().get("lang")) for a in page(root, "ja/index.html").cssselect(".entry-title a")]
    assert titles == [("基地", None), ("Only in English", "en")]
    assert not (root / "public" / "ja" / "2019" / "only").exists()  # listed, not copied


@pytest.mark.parametrize(("config", "expected"), [
    (LANGUAGES + "  xx-nope:\n    weight: 3\n",
     "config.yaml:18:3: error: 'languages.xx-nope' is not a language code CLDR knows"),
    (LANGUAGES.replace("  en:\n", "  fr:\n"),
     "config.yaml:5:13: error: the default language 'en' is not one of the languages (fr, ja)"),
    (LANGUAGES + "    content_dir: ../elsewhere\n",
     "config.yaml:18:18: error: 'languages.ja.content_dir' ('../elsewhere') must be a folder inside the project"),
])
def test_language_settings_are_checked_with_their_line(make_site: Callable[..., Path], config: str,
                                                       expected: str) -> None:
    root = make_site({"config.yaml": DEFAULT_CONFIG + config, "content/x.md": article()})
    run = build_site(root, "--quiet")
    assert run.code == 2 and expected in run.err, run.err


def test_check_warns_when_the_texts_cannot_be_paired(make_site: Callable[..., Path]) -> None:
    root = make_site({**BY_NAME, "content/2019/bases.ja.md": article(
        "基地", "2019-07-07", JA_BODY + "\n第三段落。\n", slug="bases")})
    run = run_cli("check", "--root", str(root))
    assert ("content/2019/bases.ja.md:6:1: warning: side by side with content/2019/bases.md: the texts "
            "have 3 and 4 aligned blocks (headings, paragraphs, lists and quotes) and no alignment "
            "markers") in run.out + run.err
    pinned = JA_BODY.replace("第二段落。", "第二段落。\n{#p-two}") + "\n第三段落。\n"
    root = make_site({**BY_NAME, "content/2019/bases.md": article(
        "Bases", "2019-03-29", EN_BODY.replace("Second paragraph.", "Second paragraph.\n{#p-two}"), slug="bases"),
        "content/2019/bases.ja.md": article("基地", "2019-07-07", pinned, slug="bases")})
    run = run_cli("check", "--root", str(root))
    assert "no alignment markers" not in run.out + run.err
    assert "after the last marker, the texts have 0 and 1 blocks" in run.out + run.err
