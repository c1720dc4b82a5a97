"""Each article's citation is formatted once for its page, and only its APA entry once
more for the term pages that list it, not once per call: every style is a citeproc run,
the largest part of rendering an article (docs/performance.md, Citations)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sitegen.cite import styles
from tests.support.sites import article, build_site

ARTICLES = 6


def _site() -> dict[str, str | bytes]:
    files: dict[str, str | bytes] = {}
    for n in range(ARTICLES):
        files[f"content/2024/a{n}.md"] = article(f"Article {n}", f"2024-01-{n + 1:02d}", f"Text {n}.",
                                                 categories="[alliance]", tags="[sofa, futenma, bases]")
    return files


def test_a_citation_is_formatted_once_for_its_page_and_only_in_apa_for_its_lists(
        make_site: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> None:
    calls: Counter[str] = Counter()
    format_entry = styles.bibliography_entry

    def counted(record: dict[str, Any], csl: str) -> str:
        calls[str(record.get("title"))] += 1
        return format_entry(record, csl)

    monkeypatch.setattr(styles, "bibliography_entry", counted)
    root = make_site(_site())
    assert build_site(root, "--quiet", "--jobs", "1", "--no-cache").code == 0
    pages = (root / "public" / "tags" / "sofa" / "index.html").read_text(encoding="utf-8")
    assert pages.count('class="Z3988"') == ARTICLES  # the term page lists every citation
    # every style for the article's page; APA alone for the term pages, which show only it
    assert calls == Counter({f"Article {n}": len(styles.STYLES) + 1 for n in range(ARTICLES)})
