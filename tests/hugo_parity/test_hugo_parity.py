"""The Hugo parity corpus, its snapshot, and the comparison in scripts/hugo_parity.py."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "hugo_parity.py"
_spec = importlib.util.spec_from_file_location("hugo_parity", SCRIPT)
assert _spec is not None and _spec.loader is not None
hp = importlib.util.module_from_spec(_spec)
sys.modules["hugo_parity"] = hp
_spec.loader.exec_module(hp)


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    return hp.load_expected()


@pytest.fixture(scope="module")
def pages(expected: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {k: v for k, v in expected["entries"].items() if not k.startswith(hp.TERM_PREFIX)}


def test_snapshot_records_hugo_version(expected: dict[str, Any]) -> None:
    assert expected["hugo_version"].count(".") == 2


def test_corpus_is_large_enough_and_urls_are_unique(pages: dict[str, dict[str, Any]]) -> None:
    regular = [p for p in pages.values() if p["kind"] == "page"]
    assert len(regular) >= 60
    duplicates = [u for u, n in Counter(p["url"] for p in pages.values()).items() if n > 1]
    assert duplicates == []


def test_every_page_has_the_compared_fields(pages: dict[str, dict[str, Any]]) -> None:
    for key, page in pages.items():
        missing = set(hp.PAGE_FIELDS) - set(page)
        assert not missing, (key, missing)


def test_excluded_pages_are_absent(pages: dict[str, dict[str, Any]]) -> None:
    for source in ("posts/draft.md", "posts/expired.md", "posts/future.md"):
        assert source not in pages


@pytest.mark.parametrize(("source", "field", "value"), [
    ("posts/slug-with-slash.md", "url", "/posts/alliance/history/"),
    ("posts/slug-upper.md", "url", "/posts/okinawa-bases/"),
    ("posts/url-absolute.md", "url", "/Special/Alliance-Overview/"),
    ("posts/url-no-trailing-slash.md", "url", "/archive/plain-url/"),
    ("notes/note with spaces.md", "url", "/notes/note-with-spaces/"),
    ("posts/date-single-digit-hour.md", "date", "2017-07-15T00:10:32Z"),
    ("posts/date-offset.md", "date", "2019-02-11T10:00:00+09:00"),
    ("posts/date-missing.md", "date", ""),
    ("posts/date-missing-lastmod.md", "date", "2019-05-05T00:00:00Z"),
    ("posts/date-missing-publishdate.md", "date", "2019-05-06T00:00:00Z"),
    ("posts/cjk-flagged.md", "word_count", 21),
    ("posts/cjk-unflagged.md", "word_count", 1),
    ("posts/cjk-hascjk-in-front-matter.md", "word_count", 1),
    ("posts/summary-auto-long.md", "truncated", False),
    ("posts/summary-auto-truncated.md", "truncated", True),
    ("posts/summary-more-spaced.md", "truncated", False),
])
def test_hugo_behaviours_we_rely_on(pages: dict[str, dict[str, Any]], source: str,
                                    field: str, value: Any) -> None:
    assert hp.normalise(field, pages[source][field]) == value


def test_terms_differing_in_case_are_merged(expected: dict[str, Any]) -> None:
    japan = expected["entries"]["term:/tags/japan/"]
    assert "/posts/tax-japan-lower/" in japan["pages"]
    assert "/posts/tax-japan-capital/" in japan["pages"]


def test_r_chunk_headers_make_hugo_fail(expected: dict[str, Any]) -> None:
    error = expected["errors"]["fence-r-chunk.md"]
    assert (error["exit"], error["line"]) == (1, 7)


def test_compare_reports_each_differing_field() -> None:
    hugo = {"a.md": {"url": "/a/", "title": "A", "plain_summary": "x  y", "tags": []},
            "term:/tags/t/": {"url": "/tags/t/", "name": "T", "pages": ["/a/"]}}
    ours = {"a.md": {"url": "/a/", "title": "B", "plain_summary": "x\ny", "tags": []},
            "b.md": {"url": "/b/"}}
    rows = {row.key: row for row in hp.compare(hugo, ours)}
    assert rows["a.md"].diffs == (hp.Diff("title", "A", "B"),)
    assert rows["b.md"].diffs == (hp.Diff("present", False, True),)
    assert rows["term:/tags/t/"].diffs == (hp.Diff("present", True, False),)


def test_compare_treats_percent_encoded_urls_as_equal() -> None:
    encoded = "/tags/%E6%97%A5/"
    hugo = {"t.md": {"url": encoded, "tags": [{"name": "日", "url": encoded}]}}
    ours = {"t.md": {"url": "/tags/日/", "tags": [{"name": "日", "url": "/tags/日/"}]}}
    assert all(row.ok for row in hp.compare(hugo, ours))


def test_the_table_marks_rows() -> None:
    text = hp.format_rows([hp.Row("a.md", ()), hp.Row("b.md", (hp.Diff("word_count", 3, 4),))])
    assert text.splitlines() == ["✓ a.md", "✗ b.md", "    word_count: hugo=3 ours=4",
                                 "1/2 match"]


def test_the_hugo_only_table_lists_every_page(expected: dict[str, Any],
                                              pages: dict[str, dict[str, Any]]) -> None:
    text = hp.format_hugo_table(expected["entries"])
    assert all(key[:30] in text for key in pages)


@pytest.mark.skipif(hp.find_hugo() is None, reason="hugo not installed")
def test_snapshot_is_what_hugo_builds_now(expected: dict[str, Any]) -> None:
    fresh = hp.snapshot()
    if fresh["hugo_version"] != expected["hugo_version"]:
        pytest.skip(f"hugo {fresh['hugo_version']} differs from the snapshot's")
    assert fresh == expected, "run: python scripts/hugo_parity.py --update"
