"""Formatted citations are made once a build, before the pages render, and kept in the
build cache (build/citing.py, cite/texts.py): a build that renders pages again without
changing their records formats none, one that changes a record formats that record alone,
and every page is byte for byte what a build without a cache makes."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import citeproc
import msgpack
import pytest
from lxml import html as lxml_html

from sitegen import build, load_config
from sitegen.build import citing
from sitegen.build.session import BuildSession
from sitegen.cite import styles
from sitegen.incremental.cache import DB_NAME, sealed
from sitegen.theme import THEME
from tests.integration.test_languages import LANGUAGES
from tests.support.citeproc_calls import count_citeproc_runs
from tests.support.sites import DEFAULT_CONFIG, article, build_site, read_tree

CONFIG = DEFAULT_CONFIG + "search:\n  enabled: false\n"


def _site(count: int, config: str = CONFIG) -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {"config.yaml": config}
    for n in range(count):
        files[f"content/2024/a{n}.md"] = article(f"Article {n}", f"2024-01-{n % 28 + 1:02d}", f"Text {n}.",
                                                 tags="[sofa, bases]", author="Hana Sato")
    return files


@pytest.fixture
def formatted(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many times citeproc formatted each article's entries and notes, by title."""
    return count_citeproc_runs(monkeypatch)


def _edit_template(root: Path, marker: str) -> None:
    """The theme's article template copied into the project, with a comment in its body."""
    ours = root / "templates" / "article.html"
    text = ours.read_text(encoding="utf-8") if ours.exists() else \
        (THEME / "templates" / "article.html").read_text(encoding="utf-8")
    at = text.rfind("{% endblock %}")
    ours.parent.mkdir(parents=True, exist_ok=True)
    ours.write_text(text[:at] + f"<!-- {marker} -->\n" + text[at:], encoding="utf-8")


def _build(root: Path, *args: str) -> None:
    run = build_site(root, "--quiet", "--jobs", "1", *args)
    assert run.code == 0, run.err


def _clean_build(root: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "clean"
    _build(root, "--no-cache", "--output", str(out))
    return read_tree(out)


def _rows(root: Path) -> list[str]:
    with sqlite3.connect(root / ".cache" / DB_NAME) as db:
        return sorted(source for (source,) in db.execute("SELECT source FROM citations"))


def test_a_template_edit_formats_no_citation_again(make_site: Callable[..., Path], tmp_path: Path,
                                                   formatted: Counter[str]) -> None:
    root = make_site(_site(5))
    _build(root)
    per_article = len(styles.STYLES) + 1
    assert formatted == Counter({f"Article {n}": per_article for n in range(5)})
    formatted.clear()
    _edit_template(root, "edited")
    _build(root)
    assert formatted == Counter()  # every page rendered again, from the cached texts
    page = (root / "public" / "2024" / "article-3" / "index.html").read_text(encoding="utf-8")
    assert "<!-- edited -->" in page
    assert read_tree(root / "public") == _clean_build(root, tmp_path)


def test_a_retitled_article_alone_is_formatted_again_and_shows_its_new_title(
        make_site: Callable[..., Path], tmp_path: Path, formatted: Counter[str]) -> None:
    root = make_site(_site(5))
    _build(root)
    formatted.clear()
    source = root / "content" / "2024" / "a2.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Article 2", "Renamed"), encoding="utf-8")
    _edit_template(root, "and a template edit, so that every page renders")
    _build(root)
    assert formatted == Counter({"Renamed": len(styles.STYLES) + 1})
    tree = lxml_html.fromstring((root / "public" / "tags" / "sofa" / "index.html").read_bytes())
    listed = [item.text_content() for item in tree.cssselect(".term-citations li")]
    assert any("Renamed" in text for text in listed) and not any("Article 2" in text for text in listed)
    assert read_tree(root / "public") == _clean_build(root, tmp_path)


def test_many_records_are_formatted_on_every_core_to_the_same_bytes(
        make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site(_site(citing.PARALLEL + 6))
    run = build_site(root, "--quiet", "--jobs", "2")
    assert run.code == 0, run.err
    assert len(_rows(root)) == citing.PARALLEL + 6
    assert read_tree(root / "public") == _clean_build(root, tmp_path)


def test_each_language_keeps_its_own_texts_and_a_removed_article_is_forgotten(
        make_site: Callable[..., Path], tmp_path: Path, formatted: Counter[str]) -> None:
    files = _site(3, CONFIG + LANGUAGES)
    files["content/2024/a0.ja.md"] = article("記事", "2024-02-01", "本文。", tags="[基地]")
    root = make_site(files)
    _build(root)
    assert _rows(root) == sorted([*(f"en\x00content/2024/a{n}.md" for n in range(3)),
                                  "ja\x00content/2024/a0.ja.md"])
    formatted.clear()
    _edit_template(root, "edited")
    _build(root)
    assert formatted == Counter()
    (root / "content" / "2024" / "a1.md").unlink()
    _edit_template(root, "edited again")
    _build(root, "--allow-removed-urls")
    assert "en\x00content/2024/a1.md" not in _rows(root)
    assert formatted == Counter()
    assert read_tree(root / "public") == _clean_build(root, tmp_path)


def test_serve_keeps_no_texts_between_builds(make_site: Callable[..., Path], formatted: Counter[str]) -> None:
    """serve keeps a build's template environments for the next: the texts they read are
    let go once the pages are made (at 40,000 articles, some 50 MB), and the next build
    takes the few it needs from the cache."""
    root = make_site(_site(3))
    session = BuildSession()
    build(load_config(root), now=datetime.now(UTC), session=session)
    assert session.last is not None
    texts = session.last.envs.citations
    assert all(texts.get(key) is None for key in session.last.planned.cited["en"].shown.values())
    formatted.clear()
    source = root / "content" / "2024" / "a1.md"
    source.write_text(source.read_text(encoding="utf-8").replace("Text 1.", "Text one."), encoding="utf-8")
    build(load_config(root), now=datetime.now(UTC), session=session)
    # its record's abstract changed with its text; its neighbours' texts came from the cache
    assert formatted == Counter({"Article 1": len(styles.STYLES) + 1})
    page = (root / "public" / "2024" / "article-1" / "index.html").read_text(encoding="utf-8")
    assert "Text one." in page and "Sato, H. (2024, January 2). Article 1." in page


@pytest.mark.parametrize("texts", [["only one"], ["<script>alert(1)</script>"] * 4])
def test_a_row_with_a_valid_key_and_checksum_shows_only_as_text(
        texts: list[str], make_site: Callable[..., Path], tmp_path: Path) -> None:
    """A cache from anywhere (a fork's CI cache) may hold rows whose key and checksum hold:
    too few texts are not used (the page would lose a style), and markup stays text."""
    root = make_site(_site(2))
    _build(root)
    with sqlite3.connect(root / ".cache" / DB_NAME) as db:
        for source, key in db.execute("SELECT source, key FROM citations").fetchall():
            db.execute("INSERT OR REPLACE INTO citations VALUES (?, ?, ?, ?)",
                       sealed(source, key, msgpack.packb(texts, use_bin_type=True)))
    _edit_template(root, "edited")
    _build(root)
    tree = lxml_html.fromstring((root / "public" / "2024" / "article-1" / "index.html").read_bytes())
    assert not tree.xpath("//script[contains(., 'alert')]")
    shown = [p.text_content() for p in tree.cssselect("p.cite-text")]
    if len(texts) < len(styles.STYLES) + 1:
        assert read_tree(root / "public") == _clean_build(root, tmp_path)
    else:
        assert shown and all(text == "<script>alert(1)</script>" for text in shown)


def test_a_record_citeproc_fails_on_is_reported_by_the_pages_that_show_it(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """Formatting ahead must not change how a citeproc failure reads: the record is left
    to its pages, which report it as a template error naming the template and the page."""
    shown = citeproc.CitationStylesBibliography.bibliography

    def failing(self: citeproc.CitationStylesBibliography) -> Any:
        if any("Cannot Cite" in str(self.source[key].get("title")) for key in self.keys):
            raise ValueError("citeproc cannot format this record")
        return shown(self)

    monkeypatch.setattr(citeproc.CitationStylesBibliography, "bibliography", failing)
    files = _site(3)
    files["content/2024/bad.md"] = article("Cannot Cite", "2024-02-01", "Text.", tags="[sofa]")
    root = make_site(files)
    run = build_site(root, "--jobs", "1")
    assert run.code == 1
    assert "Traceback" not in run.err and "internal error" not in run.err
    assert "templates/article.html:72: error: template error: ValueError: citeproc cannot format this record" in run.err
    assert "hint: while rendering 2024/cannot-cite/index.html" in run.err
    assert "hint: while rendering tags/sofa/index.html" in run.err
