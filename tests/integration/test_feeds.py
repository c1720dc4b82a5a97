"""Feeds of the real site and of small sites: valid, complete, absolute, in the right order.

"Valid" is what feed readers see: feedparser parses each feed with `bozo == False`. The
expected entries are worked out from the front matter in content/, not from the engine.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import feedparser
import pytest
import yaml
from lxml import html as lxml_html

from tests.support.real_site import SEED_000, SEED_000_TITLE, SITE_URL, build_real_site
from tests.support.sites import REPO, article, build_site


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_real_site(tmp_path_factory.mktemp("feeds"))


def front_matter(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


def expected_articles() -> list[dict[str, Any]]:
    """Dated articles of content/ (not top-level pages), newest first, from their front matter."""
    items = []
    for path in sorted((REPO / "content").glob("*/*.md")):
        meta = front_matter(path)
        if meta.get("draft"):
            continue
        when = meta["date"]
        when = datetime.fromisoformat(when).date() if isinstance(when, str) else when
        assert isinstance(when, date)
        items.append({**meta, "day": when})
    return sorted(items, key=lambda m: m["day"], reverse=True)


def title_of(meta: dict[str, Any]) -> str:
    return " ".join(str(meta["title"]).split())


def parse(path: Path) -> feedparser.FeedParserDict:
    feed = feedparser.parse(path.read_bytes())
    assert not feed.bozo, f"{path}: {feed.get('bozo_exception')}"
    return feed


def term_feeds(public: Path) -> list[Path]:
    feeds = sorted([*public.glob("tags/*/feed.xml"), *public.glob("categories/*/feed.xml")])
    assert feeds
    return feeds


def test_every_term_page_has_a_feed_and_every_feed_parses(public: Path) -> None:
    term_pages = sorted(p.parent for p in [*public.glob("tags/*/index.html"),
                                           *public.glob("categories/*/index.html")])
    assert term_pages == [f.parent for f in term_feeds(public)]
    for path in [public / "feed.xml", public / "index.xml", *term_feeds(public)]:
        parse(path)


@pytest.mark.parametrize("name", ["feed.xml", "index.xml"])
def test_site_feeds_list_every_article_newest_first(public: Path, name: str) -> None:
    feed = parse(public / name)
    assert feed.version == ("atom10" if name == "feed.xml" else "rss20")
    assert [e.title for e in feed.entries] == [title_of(m) for m in expected_articles()]


@pytest.mark.parametrize("taxonomy", ["tags", "categories"])
def test_term_feeds_list_exactly_the_terms_articles(public: Path, taxonomy: str) -> None:
    articles = expected_articles()
    terms = sorted({term for meta in articles for term in meta.get(taxonomy) or []})
    assert terms
    for term in terms:
        feed = parse(public / taxonomy / term / "feed.xml")
        expected = [title_of(m) for m in articles if term in (m.get(taxonomy) or [])]
        assert [e.title for e in feed.entries] == expected, term
        assert feed.feed.title.endswith(term)
        assert feed.feed.link == f"{SITE_URL}{taxonomy}/{term}/"


def test_atom_feeds_use_absolute_urls_everywhere(public: Path) -> None:
    for path in [public / "feed.xml", *term_feeds(public)]:
        feed = parse(path)
        self_links = [link.href for link in feed.feed.links if link.rel == "self"]
        assert self_links == [SITE_URL + path.relative_to(public).as_posix()]
        assert feed.feed.id.startswith(SITE_URL)
        for entry in feed.entries:
            assert entry.link.startswith(SITE_URL) and entry.id == entry.link
            for part in (entry.get("content") or [{"value": ""}])[0]["value"], entry.summary:
                for link in re.findall(r'(?:href|src)="([^"]*)"', part):
                    assert link.startswith(("http://", "https://", "#")), f"{path}: {link}"
            assert (public / entry.link[len(SITE_URL):] / "index.html").is_file()


def test_raw_feed_xml_has_no_root_relative_links(public: Path) -> None:
    for path in [public / "feed.xml", public / "index.xml", *term_feeds(public)]:
        text = path.read_text(encoding="utf-8")
        assert 'href="/' not in text and "href=&quot;/" not in text, path


def test_entries_have_authors_and_updated_dates(public: Path) -> None:
    feed = parse(public / "feed.xml")
    assert feed.feed.updated_parsed is not None
    assert feed.feed.updated_parsed == max(e.updated_parsed for e in feed.entries)
    for entry in feed.entries:
        assert entry.updated_parsed is not None and entry.published_parsed is not None
        assert entry.authors and all(a.get("name") for a in entry.authors)
    seed = next(e for e in feed.entries if e.link == SITE_URL + SEED_000)
    assert seed.title == SEED_000_TITLE
    assert [a["name"] for a in seed.authors] == ["Corey Bell"]
    assert seed.published.startswith("2019-03-29")
    rss = parse(public / "index.xml")
    assert all(entry.get("author") for entry in rss.entries)
    assert rss.feed.link == SITE_URL


def test_full_content_is_the_default(public: Path) -> None:
    seed = next(e for e in parse(public / "feed.xml").entries if e.link == SITE_URL + SEED_000)
    assert "Japanese diplomacy is likened to a Koala" in seed.content[0].value
    assert seed.summary


def test_feeds_are_linked_from_head_and_term_pages(public: Path) -> None:
    home = lxml_html.fromstring((public / "index.html").read_bytes())
    alternates = {(link.get("type"), link.get("href")) for link in home.cssselect('link[rel="alternate"]')}
    assert alternates >= {("application/atom+xml", "/feed.xml"), ("application/rss+xml", "/index.xml")}
    article_page = lxml_html.fromstring((public / SEED_000 / "index.html").read_bytes())
    assert article_page.cssselect('link[rel="alternate"][href="/feed.xml"]')
    for feed in term_feeds(public):
        page = lxml_html.fromstring((feed.parent / "index.html").read_bytes())
        url = "/" + feed.relative_to(public).as_posix()
        assert page.cssselect(f'head link[rel="alternate"][type="application/atom+xml"][href="{url}"]')
        visible = page.cssselect(f'main a[href="{url}"]')
        assert visible and "feed" in visible[0].text_content().lower()


SUMMARY_CONFIG = """\
site:
  title: Summary site
  base_url: https://example.org/archive/
  language: en
  author: Desk
feeds:
  full_content: false
  limit: 2
"""


def test_summary_only_mode_and_limit(make_site: Any) -> None:
    root = make_site({
        "config.yaml": SUMMARY_CONFIG,
        "content/2019/one.md": article("One", "2019-01-01", "Teaser one.\n\n<!--more-->\n\nSECRET body one."),
        "content/2019/two.md": article("Two", "2019-02-01", "Teaser two.\n\n<!--more-->\n\nSECRET body two.",
                                       author="Ann Lee"),
        "content/2019/three.md": article("Three & more", "2019-03-01",
                                         "Teaser [three](../one/).\n\n<!--more-->\n\nSECRET."),
    })
    run = build_site(root, "--no-cache")
    assert run.code == 0, run.err
    public = root / "public"
    atom = parse(public / "feed.xml")
    assert [e.title for e in atom.entries] == ["Three & more", "Two"]
    for entry in atom.entries:
        assert "content" not in entry
        assert "Teaser" in entry.summary and "SECRET" not in entry.summary
    assert 'href="https://example.org/archive/2019/one/"' in atom.entries[0].summary
    assert atom.entries[1].author == "Ann Lee"
    assert atom.entries[0].author == "Desk"
    assert atom.feed.link == "https://example.org/archive/"
    rss = parse(public / "index.xml")
    assert [e.title for e in rss.entries] == ["Three & more", "Two"]
    assert all("SECRET" not in e.description for e in rss.entries)
    assert b"SECRET" not in (public / "feed.xml").read_bytes() + (public / "index.xml").read_bytes()
