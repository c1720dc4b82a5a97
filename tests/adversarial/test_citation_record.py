"""Issue 19's promises that no other test pinned: every Highwire and Dublin Core tag a
reference manager reads, by name and role, and `check`'s warning in the direction the
citation tests did not take (an original title without its language)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lxml import html as lxml_html

from tests.support.sites import article, build_site, run_cli

TRANSLATION = article(
    "An old argument", date="2019-07-13", body="Since it was reported, the alliance has been uncertain.",
    author="Corey Bell", translator="Corey Bell", original_author="Taro Yamada",
    source_name="Asahi Shimbun GLOBE", source_url="https://globe.example.jp/article/1",
    original_title="「日米安保は不公平」", original_language="ja", original_date="2019-07-07",
    keywords="[alliance, burden sharing]")


def _tags(page: str) -> dict[str, list[str]]:
    """meta name -> every content given for it, in page order."""
    tags: dict[str, list[str]] = {}
    for element in lxml_html.fromstring(page).xpath("//head/meta[@name]"):
        tags.setdefault(element.get("name"), []).append(element.get("content"))
    return tags


def test_highwire_and_dublin_core_tags_name_every_role(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/t.md": TRANSLATION})
    assert build_site(root).code == 0
    tags = _tags((root / "public/2019/an-old-argument/index.html").read_text(encoding="utf-8"))
    url = "https://example.org/2019/an-old-argument/"
    assert tags["citation_author"] == ["Taro Yamada"]  # the translator is never an author
    assert tags["citation_publication_date"] == ["2019/07/13"]
    assert tags["citation_language"] == ["en"]
    assert tags["citation_public_url"] == [url] and tags["citation_abstract_html_url"] == [url]
    assert tags["citation_keywords"] == ["alliance; burden sharing"]
    assert "citation_journal_title" not in tags  # it would make Zotero say "journal article"
    assert tags["DC.creator"] == ["Taro Yamada"]
    assert tags["DC.contributor"] == ["Corey Bell"]
    assert tags["DC.source"] == ["Asahi Shimbun GLOBE"]
    assert tags["DC.language"] == ["en"]
    assert tags["DC.relation"] == ["https://globe.example.jp/article/1"]  # the original


def test_check_warns_about_an_original_title_without_its_language(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/x.md": article(
        "X", date="2019-07-13", translator="Corey Bell", original_author="Taro Yamada",
        source_name="GLOBE", original_title="原題", source_url="https://globe.example.jp/1")})
    run = run_cli("check", "--root", str(root))
    lines = [line for line in (run.out + run.err).splitlines() if ": warning: " in line]
    assert lines == ["content/2019/x.md:7:1: warning: original_title without original_language"]
