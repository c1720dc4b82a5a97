"""Bodies and sources' text stay out of the main process: the cache holds them.

A build hashes every source without keeping its text, converts it in a process that
reads the file itself, and keeps the converted HTML in the cache's database until the
article's page renders. These tests build real sites and look at what the build keeps.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sitegen.build.pipeline import load_site
from sitegen.build.render_pool import PARALLEL_THRESHOLD
from sitegen.build.workers import SourceProcessor
from sitegen.config.settings import load_config
from sitegen.content.sources import discover_sources
from sitegen.incremental.bodies import BodyStore
from sitegen.incremental.cache import BuildCache, decode_body
from sitegen.site.model import ArticleBody
from tests.support.sites import DEFAULT_CONFIG, build_site

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def article(title: str, body: str = "Some *words* here.") -> str:
    return f"---\ntitle: {title}\ndate: 2019-07-07\ntags: [a]\n---\n{body}\n"


def test_the_loaded_site_holds_no_text_and_no_body_but_pages_read_them(
        make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/one.md": article("One", "First *body*.\n\n## A\n\n## B\n\n## C"),
                      "content/2019/two.md": article("Two", "Second body.")})
    config = load_config(root)
    cache = BuildCache(config.path("cache"))
    try:
        checked = load_site(config, NOW, cache=cache)
        assert [d.source.text for d in checked.documents] == ["", ""]
        assert [(p.body.html, p.body.toc_html) for p in checked.pages] == [("", ""), ("", "")]
        bodies = {p.document.source.path: p.content for p in checked.pages}
        assert bodies["content/2019/one.md"].html.startswith("<p>First <em>body</em>.</p>")
        assert 'href="#a"' in bodies["content/2019/one.md"].toc
        assert bodies["content/2019/two.md"].html == "<p>Second body.</p>"
    finally:
        cache.close()
    assert [html[:20] for html in stored_html(root)] == ["<p>First <em>body</e", "<p>Second body.</p>"]


def stored_html(root: Path) -> list[str]:
    """The HTML of every body in the cache's database, sorted."""
    db = sqlite3.connect(root / ".cache" / "build.sqlite3")
    bodies = [decode_body(value) for (value,) in db.execute("SELECT value FROM bodies")]
    return sorted(body[0] for body in bodies if body is not None)


def test_without_a_cache_bodies_stay_in_memory(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/one.md": article("One", "Only body.")})
    checked = load_site(load_config(root), NOW)
    assert checked.pages[0].content.html == "<p>Only body.</p>"
    assert not (root / ".cache").exists()


def test_a_file_changed_after_it_was_hashed_is_an_error_not_a_stale_page(
        make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/one.md": article("One")})
    config = load_config(root)
    (source,) = discover_sources(config).sources
    (root / "content" / "2019" / "one.md").write_text(article("One, saved again"), encoding="utf-8")
    result = SourceProcessor(config).process(source)
    assert result.document is None
    assert [d.format() for d in result.diagnostics] == [
        ("content/2019/one.md:1:1: error: file changed while the site was building\n"
         "  hint: build again once the file is saved")]


def test_a_body_missing_from_the_cache_names_its_article() -> None:
    body = ArticleBody(BodyStore(BuildCache(None)), "no-such-key", "content/2019/x.md")
    with pytest.raises(LookupError, match=r"converted body of content/2019/x\.md is missing"):
        _ = body.html


def test_bodies_of_removed_articles_leave_the_cache(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/one.md": article("One", "First."),
                      "content/2019/two.md": article("Two", "Second.")})
    assert build_site(root).code == 0
    (root / "content" / "2019" / "two.md").unlink()
    (root / "content" / "2019" / "one.md").write_text(article("One", "First, edited."), encoding="utf-8")
    assert build_site(root, "--allow-removed-urls").code == 0
    db = sqlite3.connect(root / ".cache" / "build.sqlite3")
    assert stored_html(root) == ["<p>First, edited.</p>"]
    assert db.execute("SELECT COUNT(*) FROM sources").fetchone() == (1,)
    assert "First, edited." in (root / "public" / "2019" / "one" / "index.html").read_text(encoding="utf-8")


def test_ref_links_resolve_during_conversion_and_a_moved_target_converts_the_body_again(
        make_site: Callable[..., Path]) -> None:
    """Every page is routed before any body is converted, so the stored body holds the URL
    its ref resolved to; when that page moves, the body that links to it is converted again
    (the targets are part of what the stored body stands for), and only that one."""
    root = make_site({"content/2019/one.md": article("One", 'See [two]({{< relref "two.md" >}}).'),
                      "content/2019/two.md": article("Two", "Second."),
                      "content/2019/three.md": article("Three", "Third.")})
    assert build_site(root).code == 0
    page = (root / "public" / "2019" / "one" / "index.html").read_text(encoding="utf-8")
    assert '<a href="/2019/two/">two</a>' in page
    assert '<p>See <a href="/2019/two/">two</a>.</p>' in stored_html(root)
    before = body_rows(root)
    (root / "content" / "2019" / "two.md").write_text(
        article("Two", "Second.").replace("date:", "slug: renamed\ndate:"), encoding="utf-8")
    assert build_site(root, "--allow-removed-urls").code == 0
    page = (root / "public" / "2019" / "one" / "index.html").read_text(encoding="utf-8")
    assert '<a href="/2019/renamed/">two</a>' in page
    stored = stored_html(root)
    assert '<p>See <a href="/2019/renamed/">two</a>.</p>' in stored
    assert '<p>See <a href="/2019/two/">two</a>.</p>' not in stored
    after = body_rows(root)  # a body stored again gets a new row
    assert after["<p>Third.</p>"] == before["<p>Third.</p>"]
    assert after['<p>See <a href="/2019/renamed/">two</a>.</p>'] > max(before.values())
    assert build_site(root).code == 0 and body_rows(root) == after  # nothing moved: nothing converted


def body_rows(root: Path) -> dict[str, int]:
    """Each stored body's HTML and the database row it is in."""
    db = sqlite3.connect(root / ".cache" / "build.sqlite3")
    rows = {}
    for rowid, value in db.execute("SELECT rowid, value FROM bodies"):
        body = decode_body(value)
        if body is not None:
            rows[body[0]] = rowid
    return rows


def test_a_ref_to_no_page_is_one_error_at_its_shortcode(make_site: Callable[..., Path]) -> None:
    """Refs resolve while the body converts, so a wrong one is reported once, at the line
    and column of the shortcode that names it (not found again in the summary, the links
    and the HTML, nor placed at the body's first line)."""
    body = 'First paragraph.\n\nSee [two]({{< relref "two.md" >}}) and\n[three]({{< ref "nope.md" >}}).\n'
    root = make_site({"content/2019/one.md": article("One", body),
                      "content/2019/two.md": article("Two", "Second.")})
    run = build_site(root)
    assert run.code == 1
    line = article("One", body).split("\n").index('[three]({{< ref "nope.md" >}}).') + 1
    assert run.err == (f"content/2019/one.md:{line}:9: error: ref 'nope.md' does not match any page\n"
                       "  hint: give the path of a Markdown file under content/\n")


def test_forked_renderers_read_their_bodies_from_the_store_not_the_database(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """The pipeline loads the bodies of the pages it is about to render before the renderers
    fork; they inherit them and open no database of their own (each used to, through a
    closure over the cache). sqlite3.connect is wrapped to note the process that calls it."""
    files = {f"content/2019/a{n:03}.md": article(f"Article {n}", f"Body *{n}*.") for n in range(PARALLEL_THRESHOLD)}
    root = make_site({"config.yaml": DEFAULT_CONFIG + "search:\n  enabled: false\n", **files})
    calls = root / "connects.txt"
    connect = sqlite3.connect

    def noting(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        with calls.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return connect(*args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", noting)
    for step in range(2):  # a cold build, then one after an edit of every body
        assert build_site(root, "--jobs", "2").code == 0
        page = (root / "public" / "2019" / "article-7" / "index.html").read_text(encoding="utf-8")
        assert f"<p>Body <em>7</em>.{' Edited.' if step else ''}</p>" in page
        for name in files:
            path = root / name
            path.write_text(path.read_text(encoding="utf-8").replace(".\n", ". Edited.\n"), encoding="utf-8")
    assert set(calls.read_text(encoding="utf-8").split()) == {str(os.getpid())}
