"""Search indexing: which pages, which bundles, when Pagefind runs, and byte-identical bundles.

The tests that run Pagefind skip off CI when `pagefind[extended]` is not installed (and
fail on CI). Browser tests of the search UI are in tests/integration/test_search_browser.py.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from sitegen.config.settings import Config, SiteSection
from sitegen.errors import BuildFailed
from sitegen.search.bundle import (
    SIGNATURE,
    FormatError,
    canonicalize_bundle,
    decode_cbor,
    encode_cbor,
    read_pagefind_file,
)
from sitegen.search.indexing import (
    EXCLUDE_SELECTORS,
    STAMP,
    SearchBundle,
    can_keep,
    find_pagefind,
    make_stamp,
    plan_bundles,
    searchable_outputs,
)
from sitegen.render.templates import OutputPlan
from tests.support.sites import article, build_site, read_tree
from tests.support.tools import missing_tool


@pytest.fixture(scope="module")
def pagefind() -> Path:
    try:
        return find_pagefind()
    except BuildFailed:
        missing_tool("the Pagefind extended binary is missing: pip install 'pagefind[extended]'")


@dataclasses.dataclass(frozen=True)
class _Page:
    kind: str


def _plan(output: str, kind: str) -> OutputPlan:
    return OutputPlan(output, "x.html", {"page": _Page(kind)})


# --- which pages and bundles -------------------------------------------------------------

def test_only_articles_and_pages_are_searchable() -> None:
    plans = [_plan("index.html", "home"), _plan("b/index.html", "article"),
             _plan("about/index.html", "page"), _plan("tags/x/index.html", "term"),
             _plan("a/index.html", "article"), _plan("old/index.html", "alias"),
             _plan("search/index.html", "search"), _plan("404.html", "404")]
    assert searchable_outputs(plans) == ["a/index.html", "about/index.html", "b/index.html"]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", (SearchBundle("pagefind", "en"), SearchBundle("pagefind/ja", "ja"))),
    ("en-GB", (SearchBundle("pagefind", "en"), SearchBundle("pagefind/ja", "ja"))),
    ("fr", (SearchBundle("pagefind", "fr"), SearchBundle("pagefind/ja", "ja"))),
    ("ja", (SearchBundle("pagefind", "ja"),)),
    ("zh-Hant", (SearchBundle("pagefind", "zh"),)),
])
def test_bundles_follow_the_site_language(language: str, expected: tuple[SearchBundle, ...]) -> None:
    config = Config(site=SiteSection(language=language))
    assert plan_bundles(config) == expected


# --- when the previous index is kept -----------------------------------------------------

BUNDLES = (SearchBundle("pagefind", "en"), SearchBundle("pagefind/ja", "ja"))


def _previous_site(tmp_path: Path, stamp: bytes) -> Path:
    out = tmp_path / "public"
    for folder in ("pagefind", "pagefind/ja"):
        (out / folder).mkdir(parents=True, exist_ok=True)
        (out / folder / "pagefind-entry.json").write_text("{}", encoding="utf-8")
    (out / STAMP).write_bytes(stamp)
    return out


def test_keep_when_no_searchable_page_changed(tmp_path: Path) -> None:
    stamp = make_stamp("1.5.2", BUNDLES)
    out = _previous_site(tmp_path, stamp)
    now = {"a/index.html": "1", "index.html": "2"}
    assert can_keep(out, ["a/index.html"], now, dict(now), stamp, BUNDLES)


@pytest.mark.parametrize("change", ["edited", "added", "removed", "version", "stamp-missing",
                                    "bundle-missing"])
def test_index_again_when(tmp_path: Path, change: str) -> None:
    stamp = make_stamp("1.5.2", BUNDLES)
    out = _previous_site(tmp_path, stamp)
    now = {"a/index.html": "1", "b/index.html": "2", "index.html": "3"}
    previous = dict(now)
    searchable = ["a/index.html", "b/index.html"]
    if change == "edited":
        previous["a/index.html"] = "0"
    elif change == "added":
        del previous["b/index.html"]
    elif change == "removed":
        previous["c/index.html"] = "4"
    elif change == "version":
        stamp = make_stamp("1.6.0", BUNDLES)
    elif change == "stamp-missing":
        (out / STAMP).unlink()
    elif change == "bundle-missing":
        shutil.rmtree(out / "pagefind" / "ja")
    assert not can_keep(out, searchable, now, previous, stamp, BUNDLES)


def test_the_stamp_names_everything_that_shapes_the_bundle() -> None:
    stamp = json.loads(make_stamp("1.5.2", BUNDLES))
    assert stamp == {"pagefind": "1.5.2", "bundles": {"pagefind": "en", "pagefind/ja": "ja"},
                     "exclude": list(EXCLUDE_SELECTORS), "kinds": ["article", "page"]}


# --- CBOR and canonical bundles ----------------------------------------------------------

@pytest.mark.parametrize("value", [0, 23, 24, 255, 256, 65_536, 2**32, -1, -25, -300, "", "日米安保",
                                   "x" * 300, [], [1, ["a", [-2, 70_000]]], [[]] * 30])
def test_cbor_round_trips(value: Any) -> None:
    assert decode_cbor(encode_cbor(value)) == value


def test_cbor_uses_the_shortest_heads() -> None:
    assert encode_cbor(23) == b"\x17"
    assert encode_cbor(24) == b"\x18\x18"
    assert encode_cbor(-25) == b"\x38\x18"
    assert encode_cbor(["a"]) == b"\x81\x61a"


@pytest.mark.parametrize("data", [b"\xa1\x01\x02", b"\xf9\x00\x00", b"\x82\x01", b"\x01\x02", b"\x7f"])
def test_cbor_rejects_what_pagefind_does_not_write_here(data: bytes) -> None:
    with pytest.raises(FormatError):
        decode_cbor(data)


def _write(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(SIGNATURE + encode_cbor(value)))


def _fake_bundle(folder: Path, tags: list[list[Any]], filters: list[list[str]]) -> None:
    _write(folder / "filter" / "en_aaaaaaa.pf_filter", ["tag", tags])
    _write(folder / "filter" / "en_bbbbbbb.pf_filter", ["year", [["2019", [0]], ["2010", [1]]]])
    _write(folder / "pagefind.en_0123456789.pf_meta",
           ["1.5.2", [["en_f1", 10], ["en_f2", 20]], [["a", "z", "en_i1"]], filters,
            [["date", [1, 0]]], ["date", "title"]])
    (folder / "pagefind-entry.json").write_text(json.dumps(
        {"version": "1.5.2", "languages": {"en": {"hash": "en_0123456789", "wasm": "en",
                                                  "page_count": 2}}}), encoding="utf-8")


def test_canonical_bundles_do_not_depend_on_pagefinds_hash_map_order(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _fake_bundle(first, [["sofa", [1]], ["futenma", [0, 1]]],
                 [["tag", "en_aaaaaaa"], ["year", "en_bbbbbbb"]])
    _fake_bundle(second, [["futenma", [0, 1]], ["sofa", [1]]],
                 [["year", "en_bbbbbbb"], ["tag", "en_aaaaaaa"]])
    assert canonicalize_bundle(first) and canonicalize_bundle(second)
    assert read_tree(first) == read_tree(second)
    entry = json.loads((first / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta = read_pagefind_file(first / f"pagefind.{entry['languages']['en']['hash']}.pf_meta")
    assert isinstance(meta, list)
    assert [name for name, _ in meta[3]] == ["tag", "year"]
    for _, short_hash in meta[3]:
        assert (first / "filter" / f"{short_hash}.pf_filter").is_file()
    tag_file = next(h for name, h in meta[3] if name == "tag")
    assert read_pagefind_file(first / "filter" / f"{tag_file}.pf_filter") == [
        "tag", [["futenma", [0, 1]], ["sofa", [1]]]]


def test_a_bundle_in_an_unknown_format_is_left_as_written(tmp_path: Path,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    folder = tmp_path / "bundle"
    _fake_bundle(folder, [["sofa", [1]]], [["tag", "en_aaaaaaa"], ["year", "en_bbbbbbb"]])
    (folder / "filter" / "en_aaaaaaa.pf_filter").write_bytes(gzip.compress(b"pagefind_dcd\xa0"))
    before = read_tree(folder)
    assert not canonicalize_bundle(folder)
    assert read_tree(folder) == before
    assert "may differ between builds" in caplog.text


# --- with the real Pagefind --------------------------------------------------------------

SITE = {
    "content/2010/futenma.md": article(
        "Futenma and the budget", "2010-02-15",
        "The **omoiyari** budget and the Futenma relocation.\n\n> 普天間飛行場の移設と思いやり予算",
        categories="[japan]", tags="[futenma, sofa, hatoyama]", author="Ren Yi Hooi"),
    "content/2019/old-argument.md": article(
        "An old argument", "2019-03-29", "「日米安保は不公平」は、今に始まった議論ではない。Koala diplomacy.",
        categories="[japan, alliance-politics]", tags="[trump, futenma]"),
    "content/about.md": "---\ntitle: About\nurl: /about/\ntype: page\n---\nAbout the archive.\n",
}


def test_a_bundle_is_byte_identical_across_clean_builds(make_site: Any, pagefind: Path) -> None:
    trees = []
    for _ in range(2):
        root = make_site(SITE)
        assert build_site(root, "--quiet").code == 0
        trees.append({k: v for k, v in read_tree(root / "public").items() if k.startswith("pagefind/")})
    assert trees[0] == trees[1]
    assert {"pagefind/pagefind.js", "pagefind/ja/pagefind.js", STAMP} <= set(trees[0])
    assert not any("pagefind-ui" in name for name in trees[0])


def _fragments(bundle: Path) -> dict[str, dict[str, Any]]:
    found = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = json.loads(gzip.decompress(path.read_bytes())[len(SIGNATURE):])
        found[data["url"]] = data
    return found


def test_the_index_holds_articles_with_filters_and_result_data(make_site: Any, pagefind: Path) -> None:
    root = make_site(SITE)
    assert build_site(root, "--quiet").code == 0
    for bundle in ("pagefind", "pagefind/ja"):
        fragments = _fragments(root / "public" / bundle)
        assert sorted(fragments) == ["/2010/futenma-and-the-budget/", "/2019/an-old-argument/", "/about/"]
        first = fragments["/2010/futenma-and-the-budget/"]
        assert first["filters"] == {"category": ["japan"], "tag": ["futenma", "sofa", "hatoyama"],
                                    "year": ["2010"], "language": ["en"]}
        assert first["meta"]["title"] == "Futenma and the budget"
        assert first["meta"]["date"] == "15 February 2010"
        assert first["meta"]["author"] == "Ren Yi Hooi"
        assert first["meta"]["summary"].startswith("The omoiyari budget")
        text = first["content"].replace("\u200b", "")  # the ja bundle marks its word breaks
        assert "omoiyari" in text and "普天間" in text and "Ren Yi Hooi" in text
        for chrome in ("Skip to main content", "Search the archive", "All articles by date",
                       "min read", "words", "Category:", "Older", "Related articles"):
            assert chrome not in text, chrome


def test_a_rebuild_without_changes_keeps_the_index(make_site: Any, pagefind: Path) -> None:
    root = make_site(SITE)
    first = build_site(root, "-v")
    assert "search " in first.out and "search kept" not in first.out
    before = read_tree(root / "public")
    entry = root / "public" / "pagefind" / "pagefind-entry.json"
    inode = entry.stat().st_ino
    again = build_site(root, "-v")
    assert "search kept" in again.out and "search " not in again.out.replace("search kept", "")
    assert read_tree(root / "public") == before
    assert entry.stat().st_ino == inode  # the same file, not a rewritten copy


def test_an_edit_rebuilds_the_index(make_site: Any, pagefind: Path) -> None:
    root = make_site(SITE)
    assert build_site(root, "--quiet").code == 0
    source = root / "content" / "2019" / "old-argument.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA zeppelin over Yokosuka.\n",
                      encoding="utf-8")
    run = build_site(root, "-v")
    assert "search kept" not in run.out and "search " in run.out
    fragments = _fragments(root / "public" / "pagefind")
    assert "zeppelin" in fragments["/2019/an-old-argument/"]["content"]


def test_without_the_cache_the_indexer_always_runs(make_site: Any, pagefind: Path) -> None:
    root = make_site(SITE)
    assert build_site(root, "--quiet").code == 0
    assert "search kept" not in build_site(root, "-v", "--no-cache").out


def test_search_disabled_writes_no_index(make_site: Any) -> None:
    root = make_site({**SITE, "config.yaml": "site:\n  title: T\n  base_url: https://example.org/\n"
                                             "search:\n  enabled: false\n"})
    assert build_site(root, "--quiet").code == 0
    assert not (root / "public" / "pagefind").exists()


def test_a_missing_binary_is_a_build_error_with_a_hint(make_site: Any,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from sitegen.search import indexing as search

    def missing(name: str) -> None:
        raise ImportError(name)

    monkeypatch.setattr(search.importlib, "import_module", missing)
    monkeypatch.setattr(search.shutil, "which", lambda name: None)
    root = make_site(SITE)
    run = build_site(root)
    assert run.code == 1
    assert "Pagefind's extended binary is missing" in run.err
    assert "pip install 'pagefind[extended]'" in run.err
    assert not (root / "public").exists()
