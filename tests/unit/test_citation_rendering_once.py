"""Each article's citation is formatted once a build, whatever pages show it: its page's three
entries and note, and the APA entry its term pages list, are made before the pages render
(build/citing.py), not once per call or per page: every style is a citeproc run, the
largest part of rendering an article (docs/performance.md, Citations)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.cite import styles
from tests.support.citeproc_calls import count_citeproc_runs
from tests.support.sites import article, build_site

ARTICLES = 6


def _site() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for n in range(ARTICLES):
        files[f"content/2024/a{n}.md"] = article(f"Article {n}", f"2024-01-{n + 1:02d}", f"Text {n}.",
                                                 categories="[alliance]", tags="[sofa, futenma, bases]")
    return files


def test_a_citation_is_formatted_once_a_build_for_its_page_and_its_lists(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    calls = count_citeproc_runs(monkeypatch, notes_apart=True)
    root = make_site(_site())
    assert build_site(root, "--quiet", "--jobs", "1", "--no-cache").code == 0
    pages = (root / "public" / "tags" / "sofa" / "index.html").read_text(encoding="utf-8")
    assert pages.count('class="Z3988"') == ARTICLES  # the term page lists every citation
    # every style and the note once, for the article's page and the term pages alike
    expected = Counter({f"Article {n}": len(styles.STYLES) for n in range(ARTICLES)})
    expected.update({f"note: Article {n}": 1 for n in range(ARTICLES)})
    assert calls == expected
