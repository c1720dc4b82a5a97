"""`import` of .html captures: trafilatura's path (the [import] extra) and the fallback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from sitegen.importer import capture, page
from tests.support.sites import article, build_site

SAVED = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Hatoyama's equal alliance | BASC News</title>
<link rel="canonical" href="https://basc.example.edu/2010/02/equal-alliance/">
<meta property="og:site_name" content="BASC News">
<meta property="og:title" content="Hatoyama's equal alliance">
<meta name="author" content="Ren Yi Hooi">
<meta property="article:published_time" content="2010-02-15T09:00:00+00:00">
</head><body>
<nav><a href="/">Home</a> <a href="/about/">About</a></nav>
<article><h1>Hatoyama's equal alliance</h1>
<p class="byline">By Ren Yi Hooi, <time datetime="2010-02-15">February 15, 2010</time></p>
<p>The US-Japan security treaty turned 50 years old last month, but the bilateral relationship
between these two countries currently faces a critical point as a result of several spats between
the US and the new Hatoyama administration in Japan, which has asked for a close and equal alliance.</p>
<p>Under the current treaty, the US is obliged to defend Japan in the case of an armed attack, but
Japan is not obliged to defend America should the attack happen the other way around, and this
asymmetry has long been a cause of friction between the allies in Tokyo and Washington.</p>
<p>As the two nations review the past 50 years of their security relationship, their evaluations
of the past will play a crucial role in determining the future direction of their alliance.</p>
</article>
<section id="comments" class="comments-area"><h2>One thought on “Hatoyama's equal alliance”</h2>
<ol class="comment-list"><li class="comment"><div class="comment-content"><p>If he wants better
Asian ties then I wonder how he intends to deal with the islands dispute, which will not go away
any time soon whatever the prime minister says about an equal alliance.</p></div></li></ol></section>
<footer>© BASC</footer></body></html>"""


@pytest.fixture(params=["trafilatura", "fallback"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "fallback":
        monkeypatch.setattr(page, "_disabled", True)
    else:
        assert page.available(), "the [import] extra (trafilatura, htmldate) must be installed"
    return request.param


def _front(text: str) -> dict:
    return yaml.safe_load(text.split("---\n")[1])


def test_saved_page_gives_its_record_and_its_comments(path: str) -> None:
    result = capture.import_html(SAVED, capture.ImportOptions(), filename="saved.html")
    meta = _front(result.text)
    assert meta["title"] == "Hatoyama's equal alliance"
    assert str(meta["date"]) == "2010-02-15"
    assert meta["author"] == "Ren Yi Hooi"
    assert meta["source_name"] == "BASC News"
    assert meta["source_url"] == "https://basc.example.edu/2010/02/equal-alliance/"
    assert "draft" not in meta
    body, comments = result.text.split(capture.COMMENTS_HEADING)
    assert "turned 50 years old last month" in body and "islands dispute" not in body
    assert "islands dispute" in comments
    assert any(f"({'trafilatura' if path == 'trafilatura' else 'meta tags'})" in line
               for line in result.report)


def test_what_the_editor_gives_wins_over_the_page(path: str) -> None:
    options = capture.ImportOptions(date="2010-02-16", author="Someone Else", source_name="BASC")
    meta = _front(capture.import_html(SAVED, options, filename="saved.html").text)
    assert (str(meta["date"]), meta["author"], meta["source_name"]) == ("2010-02-16", "Someone Else", "BASC")


def test_the_archives_own_page_has_no_cite_block_in_body_or_comments(
        path: str, make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/t.md": article(
        "An old argument", date="2019-07-13", translator="Corey Bell", author="Corey Bell",
        original_author="Taro Yamada", source_name="Asahi Shimbun GLOBE",
        body="Since it was reported that the treaty might be torn up, the alliance has been "
             "uncertain. " * 6 + "\n\nThe argument is not new, and Japan has long clung to the US. " * 4)})
    assert build_site(root).code == 0
    built = (root / "public/2019/an-old-argument/index.html").read_text(encoding="utf-8")
    result = capture.import_html(built, capture.ImportOptions(), filename="index.html")
    assert capture.COMMENTS_HEADING not in result.text  # today's heuristics filed 7 comments
    assert "Cite this" not in result.text and "BibTeX" not in result.text
    assert "Translated by Corey Bell" not in result.text
    assert str(_front(result.text)["date"]) == "2019-07-13"
