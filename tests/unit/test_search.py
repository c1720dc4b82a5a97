"""Search indexing: which pages, which bundles, when Pagefind runs, and byte-identical bundles.

The tests that run Pagefind skip off CI when `pagefind[extended]` is not installed (and
fail on CI). Browser tests of the search UI are in tests/integration/test_search_browser.py.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from sitegen.config.settings import Config, SiteSection, load_config
from sitegen.errors import BuildFailed
from sitegen.render.contexts import PageContext
from sitegen.render.templates import OutputPlan
from sitegen.search.bundle import (
    SIGNATURE,
    FormatError,
    canonicalize_bundle,
    decode_cbor,
    encode_cbor,
    read_pagefind_file,
)
from sitegen.search.indexing import STAMP, families, searchable_plans
from sitegen.search.pagefind_cli import find_pagefind
from sitegen.search.shards import (
    SHARD_STAMP,
    IndexedPage,
    Shard,
    ShardMemo,
    has_han_or_kana,
    plan_shards,
    shard_count,
    shard_list,
    shard_of,
)
from sitegen.site.model import PageMeta
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
    page = PageMeta(title="T", url="/", permalink="/", kind=kind, description="", lang="en")
    return OutputPlan(output, "x.html", PageContext(None, page))  # type: ignore[arg-type]


# --- which pages, families and shards ----------------------------------------------------

def test_only_articles_and_pages_are_searchable() -> None:
    plans = [_plan("index.html", "home"), _plan("b/index.html", "article"),
             _plan("about/index.html", "page"), _plan("tags/x/index.html", "term"),
             _plan("a/index.html", "article"), _plan("old/index.html", "alias"),
             _plan("search/index.html", "search"), _plan("404.html", "404")]
    assert [p.output for p in searchable_plans(plans)] == ["b/index.html", "about/index.html", "a/index.html"]


@pytest.mark.parametrize(("language", "expected"), [
    ("en", ("en", "ja")), ("en-GB", ("en", "ja")), ("fr", ("fr", "ja")),
    ("ja", ("ja", None)), ("zh-Hant", ("zh", None)),
])
def test_families_follow_the_site_language(language: str, expected: tuple[str, str | None]) -> None:
    assert families(Config(site=SiteSection(language=language))) == expected


@pytest.mark.parametrize(("pages", "per_shard", "count"), [
    (0, 256, 1), (1, 256, 1), (256, 256, 1), (257, 256, 2), (4000, 256, 16), (4096, 256, 16),
    (4097, 256, 32), (40_000, 256, 64), (1_000_000, 256, 64), (5, 1, 8), (3, 2, 2),
])
def test_shard_count_is_a_power_of_two_capped(pages: int, per_shard: int, count: int) -> None:
    assert shard_count(pages, per_shard) == count


def _pages(n: int, every_segmented: int = 4) -> list[IndexedPage]:
    return [IndexedPage(f"{2000 + i % 20}/a{i}/index.html", f"d{i}", i % every_segmented == 0)
            for i in range(n)]


def test_a_page_keeps_its_shard_whatever_else_is_in_the_site() -> None:
    pages = _pages(1000)
    shards = plan_shards(pages, "en", "ja")
    home = {(s.language, p.output): s.number for s in shards for p in s.pages}
    fewer = plan_shards(pages[:900] + pages[901:], "en", "ja")  # one page fewer, same counts
    assert all(home[(s.language, p.output)] == s.number for s in fewer for p in s.pages)
    shuffled = plan_shards(list(reversed(pages)), "en", "ja")
    assert shuffled == shards  # order of the input never matters


def test_the_segmenting_family_holds_only_pages_with_han_or_kana() -> None:
    pages = _pages(1000)
    shards = plan_shards(pages, "en", "ja")
    primary = [p for s in shards if s.language == "en" for p in s.pages]
    segmented = [p for s in shards if s.language == "ja" for p in s.pages]
    assert sorted(p.output for p in primary) == sorted(p.output for p in pages)
    assert sorted(p.output for p in segmented) == sorted(p.output for p in pages if p.segmented)
    assert len({s.number for s in shards if s.language == "en"}) == 4  # 1000 pages / 256
    assert len({s.number for s in shards if s.language == "ja"}) == 1  # 250 pages
    assert plan_shards(pages, "ja", None) == tuple(s for s in plan_shards(pages, "ja", None))
    assert {s.language for s in plan_shards(pages, "ja", None)} == {"ja"}


def test_shards_are_balanced() -> None:
    sizes = [len(s.pages) for s in plan_shards(_pages(4000), "en", None)]
    assert len(sizes) == 16 and max(sizes) < 2 * min(sizes), sizes
    assert shard_of("2019/x/index.html", 16) == shard_of("2019/x/index.html", 16)


def test_han_and_kana_but_not_hangul_or_latin() -> None:
    assert has_han_or_kana("普天間") and has_han_or_kana("ひらがな") and has_han_or_kana("カタカナ")
    assert not has_han_or_kana("Futenma, 후텐마, Ωmega")


def test_the_stamp_names_everything_that_shapes_a_shard() -> None:
    shard = Shard("en", 3, (IndexedPage("a/index.html", "d1", True),))
    stamp = json.loads(shard.stamp({"pagefind": "1.5.2", "exclude": [".x"], "kinds": ["article"]}))
    assert stamp == {"pagefind": "1.5.2", "exclude": [".x"], "kinds": ["article"], "language": "en",
                     "pages": [["a/index.html", "d1", True]]}
    assert shard.folder == "pagefind/en/3"


@pytest.mark.parametrize("pages", [
    (), (IndexedPage("a/index.html", "d1", False),),
    (IndexedPage('x"y/日本/index.html', "d2", True), IndexedPage("b\\c\x01", "", False)),
    (IndexedPage("a/index.html", "d1", False), IndexedPage("b/index.html", 'q"\x1f', True))])
def test_a_stamp_has_the_bytes_json_gives_it(pages: tuple[IndexedPage, ...]) -> None:
    """Stamps are written without json's indenting encoder; they must keep its bytes, or
    every published shard would be indexed again after an upgrade."""
    settings = {"pagefind": "1.6.0", "exclude": ["a", 'b"c'], "kinds": ["article", "page"]}
    shard = Shard("ja", 3, pages)
    record = {**settings, "language": "ja", "pages": [[p.output, p.digest, p.segmented] for p in pages]}
    assert shard.stamp(settings) == (json.dumps(record, sort_keys=True, indent=0, ensure_ascii=False) + "\n").encode()


def test_serves_memory_of_the_shards_gives_what_planning_anew_gives() -> None:
    """shards.ShardMemo: an edit's build takes each page's place and each shard's stamp from
    the last build's; they must be what a build without it works out, after the site
    grows past a power of two, after a page's digest changes, and after the settings do."""
    settings = {"pagefind": "1.6.0", "exclude": [".x"], "kinds": ["article"]}
    memo = ShardMemo()
    for pages in (_pages(1000), _pages(1500), _pages(1000)):  # 4, 8, then 4 shards again
        assert plan_shards(pages, "en", "ja", memo=memo) == plan_shards(pages, "en", "ja")
    shards = plan_shards(_pages(1000), "en", "ja", memo=memo)
    first = {(s.language, s.number): memo.stamp(s, settings) for s in shards}
    assert list(first.values()) == [shard.stamp(settings) for shard in shards]
    again = plan_shards(_pages(1000), "en", "ja", memo=memo)  # equal pages, new objects
    assert all(memo.stamp(s, settings) is first[(s.language, s.number)] for s in again)
    assert all(new is old for s, t in zip(again, shards, strict=True)
               for new, old in zip(s.pages, t.pages, strict=True))  # the last build's: compared by identity
    edited = [IndexedPage(p.output, "new" if i == 8 else p.digest, p.segmented) for i, p in enumerate(_pages(1000))]
    changed = [s for s in plan_shards(edited, "en", "ja", memo=memo)
               if memo.stamp(s, settings) != first[(s.language, s.number)]]
    assert [(s.language, p.output) for s in changed for p in s.pages if p.digest == "new"] == [
        ("en", edited[8].output), ("ja", edited[8].output)]  # page 8 is segmented: in both families
    assert all(memo.stamp(s, settings) == s.stamp(settings) for s in plan_shards(edited, "en", "ja", memo=memo))
    newer = {**settings, "pagefind": "1.6.1"}
    assert all(memo.stamp(s, newer) == s.stamp(newer) for s in plan_shards(edited, "en", "ja", memo=memo))


def test_the_shard_list_names_each_familys_bundles_in_order() -> None:
    shards = plan_shards(_pages(600), "en", "ja")
    listed = json.loads(shard_list(shards))
    assert listed["version"] == 2
    assert [f["language"] for f in listed["families"]] == ["en", "ja"]
    assert listed["families"][0]["bundles"] == [f"en/{s.number}/" for s in shards if s.language == "en"]


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
    assert {"pagefind/en/0/pagefind.js", "pagefind/ja/0/pagefind.js", STAMP} <= set(trees[0])
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
    for bundle, urls in (("pagefind/en/0", ["/2010/futenma-and-the-budget/", "/2019/an-old-argument/", "/about/"]),
                         ("pagefind/ja/0", ["/2010/futenma-and-the-budget/", "/2019/an-old-argument/"])):
        fragments = _fragments(root / "public" / bundle)
        assert sorted(fragments) == urls  # About has no Japanese: it is not in the segmenting family
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
    entry = root / "public" / "pagefind" / "en" / "0" / "pagefind-entry.json"
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
    fragments = _fragments(root / "public" / "pagefind" / "en" / "0")
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
    from sitegen.search import pagefind_cli as search

    real = search.importlib.import_module

    def missing(name: str) -> Any:
        if "pagefind" in name:
            raise ImportError(name)
        return real(name)  # the Markdown extensions still load, in whatever order tests run

    monkeypatch.setattr(search.importlib, "import_module", missing)
    monkeypatch.setattr(search.shutil, "which", lambda name: None)
    root = make_site(SITE)
    run = build_site(root)
    assert run.code == 1
    assert "Pagefind's extended binary is missing" in run.err
    assert "pip install 'pagefind[extended]'" in run.err
    assert not (root / "public").exists()


NAMED_PAGEFIND = "site:\n  title: T\n  base_url: https://example.org/\nsearch:\n  pagefind: {}\n"


def _pagefind_wrapper(path: Path, script: str) -> Path:
    """A stand-in Pagefind at `path`: a shell script around the real one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)
    return path


def _passing_version(real: Path, script: str) -> str:
    """`script` for indexing runs, the version query passed straight to the real Pagefind."""
    return f'case "$1" in --version) exec "{real}" "$@";; esac\n' + script


def _logging_pagefind(path: Path, real: Path, log: Path) -> None:
    """A stand-in binary that notes each call in `log`, then runs the real Pagefind."""
    _pagefind_wrapper(path, f'echo "$@" >> "{log}"\nexec "{real}" "$@"\n')


@pytest.mark.skipif(not (sys.platform == "linux" and os.uname().machine == "x86_64"),
                    reason="the npm package's folder is named for linux-x64 here")
def test_the_projects_npm_pagefind_comes_before_the_python_package(make_site: Any, pagefind: Path,
                                                                   tmp_path: Path) -> None:
    root = make_site(SITE)
    log = tmp_path / "calls.log"
    _logging_pagefind(root / "node_modules/@pagefind/linux-x64/bin/pagefind_extended", pagefind, log)
    run = build_site(root, "--quiet")
    assert run.code == 0, run.err
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls[0] == "--version"
    assert any("--force-language en" in call for call in calls[1:]), calls
    assert (root / "public/pagefind/sitegen-search.json").is_file()
    assert not (root / "public/node_modules").exists()


def test_search_pagefind_names_the_binary_relative_to_the_project(make_site: Any, pagefind: Path,
                                                                 tmp_path: Path) -> None:
    root = make_site({**SITE, "config.yaml": NAMED_PAGEFIND.format("tools/pf")})
    log = tmp_path / "calls.log"
    _logging_pagefind(root / "tools/pf", pagefind, log)
    _logging_pagefind(root / "node_modules/@pagefind/linux-x64/bin/pagefind_extended", pagefind,
                      tmp_path / "npm.log")
    run = build_site(root, "--quiet")
    assert run.code == 0, run.err
    assert "--force-language en" in log.read_text(encoding="utf-8")
    assert not (tmp_path / "npm.log").exists()  # the setting wins over the project's npm install


def test_serve_asks_pagefind_its_version_once_while_the_binary_stays(make_site: Any, pagefind: Path,
                                                                    tmp_path: Path) -> None:
    """Each build stamps its shards with Pagefind's version. In serve's session the answer
    is kept while the binary's file is the same (0.05 s of each edit's build at 40,000
    articles); a binary replaced, or a build without the session, asks again."""
    import datetime as dt

    from sitegen.build.pipeline import build
    from sitegen.build.session import BuildSession

    root = make_site({**SITE, "config.yaml": NAMED_PAGEFIND.format("tools/pf")})
    log = tmp_path / "calls.log"
    _logging_pagefind(root / "tools/pf", pagefind, log)
    session = BuildSession()

    def versions_asked_after(edit: str, with_session: bool = True) -> int:
        (root / "content/2019/a.md").write_text(article("A", "2019-01-01", edit), encoding="utf-8")
        build(load_config(root), now=dt.datetime.now(dt.UTC), session=session if with_session else None)
        return log.read_text(encoding="utf-8").splitlines().count("--version")

    assert versions_asked_after("First.") == 1
    assert versions_asked_after("Second.") == 1
    (root / "tools/pf").unlink()
    _logging_pagefind(root / "tools/pf", pagefind, log)  # a new file in its place
    assert versions_asked_after("Third.") == 2
    assert versions_asked_after("Fourth.") == 2
    assert versions_asked_after("Fifth.", with_session=False) == 3


def test_a_search_pagefind_that_is_not_an_executable_is_an_error_with_a_hint(make_site: Any) -> None:
    root = make_site({**SITE, "config.yaml": NAMED_PAGEFIND.format("bin/none")})
    run = build_site(root)
    assert run.code == 2  # a configuration error, reported with its line before the build starts
    assert run.err == ("config.yaml:5:13: error: search.pagefind is 'bin/none', which is not an executable file "
                       f"({root.resolve() / 'bin/none'})\n"
                       "  hint: give the path of Pagefind's extended binary, or remove the setting to use the "
                       "project's node_modules, pip's pagefind[extended] or PATH\n")
    assert not (root / "public").exists()
    (root / "config.yaml").write_text(NAMED_PAGEFIND.format("bin/none") + "  enabled: false\n", encoding="utf-8")
    assert build_site(root, "--quiet").code == 0  # no search, no Pagefind asked for


SHARDED = {name: text for name, text in SITE.items()}
SHARDED["config.yaml"] = ("site:\n  title: T\n  base_url: https://example.org/\n"
                          "search:\n  pages_per_shard: 1\n")


def test_pagefind_runs_side_by_side_make_the_same_bundles_as_one_at_a_time(make_site: Any,
                                                                            pagefind: Path) -> None:
    """Two runs at a time (search/runs.py) finish in another order; the site is the same."""
    one, two = make_site(SHARDED), make_site(SHARDED)
    assert build_site(one, "--quiet", "--jobs", "1").code == 0
    assert build_site(two, "--quiet", "--jobs", "2").code == 0
    bundles = read_tree(one / "public" / "pagefind")
    assert len({rel.split("/")[1] + rel.split("/")[2] for rel in bundles if rel.count("/") > 2}) > 4
    assert bundles == read_tree(two / "public" / "pagefind")
    assert not list((two / "public").rglob("site-*")) and not list(two.rglob("bundle-*"))


def _shard_inodes(public: Path) -> dict[str, int]:
    return {p.relative_to(public).as_posix(): p.stat().st_ino
            for p in public.glob("pagefind/*/*/*") if p.is_file()}


def _assert_as_a_clean_build(make_site: Any, public: Path, rel: str, source: Path) -> None:
    """`public` is what a clean build makes of SHARDED with content/`rel` as `source` is now."""
    clean = make_site(SHARDED)
    (clean / "content" / rel).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    assert build_site(clean, "--quiet").code == 0
    assert read_tree(public) == read_tree(clean / "public")


def test_an_edit_reindexes_only_the_shards_that_hold_the_page(make_site: Any, pagefind: Path) -> None:
    root = make_site(SHARDED)
    assert build_site(root, "--quiet").code == 0
    public = root / "public"
    listed = json.loads((public / STAMP).read_text(encoding="utf-8"))
    assert [len(f["bundles"]) for f in listed["families"]] == [3, 2]  # one page a shard
    before = _shard_inodes(public)
    source = root / "content" / "2019" / "old-argument.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA zeppelin over Yokosuka.\n", encoding="utf-8")
    run = build_site(root, "-v")
    assert run.code == 0 and "search " in run.out
    after = _shard_inodes(public)
    changed = {rel.rsplit("/", 1)[0] for rel in set(before) | set(after) if before.get(rel) != after.get(rel)}
    stamps = {folder: json.loads((public / folder / SHARD_STAMP).read_text(encoding="utf-8"))
              for folder in {rel.rsplit("/", 1)[0] for rel in after}}
    holding = {folder for folder, stamp in stamps.items()
               if any(page[0] == "2019/old-argument/index.html" for page in stamp["pages"])}
    assert changed == holding and len(holding) == 2, (changed, holding)
    clean = make_site(SHARDED)
    (clean / "content" / "2019" / "old-argument.md").write_text(source.read_text(encoding="utf-8"),
                                                                encoding="utf-8")
    assert build_site(clean, "--quiet").code == 0
    assert {k: v for k, v in read_tree(public).items() if k.startswith("pagefind/")} == \
        {k: v for k, v in read_tree(clean / "public").items() if k.startswith("pagefind/")}


def test_a_neighbours_edit_reindexes_nothing(make_site: Any, pagefind: Path) -> None:
    """Retitling one article changes its neighbours' pages (their previous/next links),
    not their search entries: only the retitled page's shards are indexed again."""
    root = make_site(SHARDED)
    assert build_site(root, "--quiet").code == 0
    public = root / "public"
    before, pages_before = _shard_inodes(public), read_tree(public)
    source = root / "content" / "2010" / "futenma.md"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "Futenma and the budget", "Futenma and the host-nation budget", 1), encoding="utf-8")
    assert build_site(root, "--quiet").code == 0
    after, pages_after = _shard_inodes(public), read_tree(public)
    neighbour = "2019/old-argument/index.html"
    assert pages_before[neighbour] != pages_after[neighbour]  # its "newer/older" link changed
    changed = {rel.rsplit("/", 1)[0] for rel in set(before) | set(after) if before.get(rel) != after.get(rel)}
    assert changed == {"pagefind/en/3", "pagefind/ja/1"}  # the shards holding 2010/futenma only


def _build_with(root: Path, **options: Any) -> Any:
    from datetime import UTC, datetime

    from sitegen.build.pipeline import build
    from sitegen.config.settings import load_config
    return build(load_config(root), now=datetime.now(UTC), **options)


def test_a_deferred_build_publishes_pages_and_leaves_changed_shards_for_later(
        make_site: Any, pagefind: Path) -> None:
    """serve's path: the edited page goes live at once, its shards stay as they were, and
    the next build (the catch-up) indexes them into what a clean build makes."""
    root = make_site(SHARDED)
    assert build_site(root, "--quiet").code == 0
    public = root / "public"
    before = _shard_inodes(public)
    source = root / "content" / "2019" / "old-argument.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA zeppelin over Yokosuka.\n", encoding="utf-8")
    report = _build_with(root, defer_search=True)
    assert report.search_pending == 2  # its shard in each family
    assert "zeppelin" in (public / "2019" / "old-argument" / "index.html").read_text(encoding="utf-8")
    assert _shard_inodes(public) == before  # not one search file touched
    caught_up = _build_with(root)
    assert caught_up.search_pending == 0 and caught_up.rendered == 0
    fragments = {url: f for folder in public.glob("pagefind/en/*") for url, f in _fragments(folder).items()}
    assert "zeppelin" in fragments["/2019/old-argument/"]["content"]
    _assert_as_a_clean_build(make_site, public, "2019/old-argument.md", source)


def test_a_cancelled_catch_up_leaves_the_site_as_it_was(make_site: Any, pagefind: Path) -> None:
    import threading

    from sitegen.errors import BuildCancelled
    root = make_site(SHARDED)
    assert build_site(root, "--quiet").code == 0
    source = root / "content" / "2019" / "old-argument.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA zeppelin.\n", encoding="utf-8")
    assert _build_with(root, defer_search=True).search_pending == 2
    before = read_tree(root / "public")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(BuildCancelled):
        _build_with(root, cancel=cancel)
    assert read_tree(root / "public") == before
    assert _build_with(root).search_pending == 0  # and the next one finishes the job


def test_serves_catch_up_stops_at_the_page_it_is_reading_when_an_edit_arrives(make_site: Any,
                                                                             pagefind: Path) -> None:
    """The catch-up looks for a newer edit at each page it reads, not only while Pagefind
    runs: the edit's page does not wait for the catch-up to reach Pagefind."""
    from sitegen.build.live import index_pending
    from sitegen.build.session import BuildSession
    from sitegen.config.settings import load_config
    from sitegen.errors import BuildCancelled
    from tests.integration.test_build_cancel_points import CountingEvent

    root = make_site(SHARDED)
    session = BuildSession()
    _build_with(root, defer_search=True, session=session)
    source = root / "content" / "2019" / "old-argument.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA zeppelin.\n", encoding="utf-8")
    assert _build_with(root, defer_search=True, session=session).search_pending > 0
    before = read_tree(root / "public")
    # it first walks the search folder (only: the whole output took seconds at 40,000)
    folders = 1 + sum(len(found) for _folder, found, _files in os.walk(root / "public" / "pagefind"))
    cancel = CountingEvent(after=2)
    with pytest.raises(BuildCancelled):
        index_pending(load_config(root), session, cancel)
    assert cancel.where["output/ownership.py"] == 2  # stopped at the second folder
    cancel = CountingEvent(after=folders + 2)
    with pytest.raises(BuildCancelled):
        index_pending(load_config(root), session, cancel)
    assert cancel.where["output/ownership.py"] == folders  # one look per folder
    assert cancel.where["search/indexing.py"] == 2  # stopped at the second page, before Pagefind
    assert read_tree(root / "public") == before
    assert index_pending(load_config(root), session) is not None  # the next one finishes the job
    assert _build_with(root).search_pending == 0


class _EditBetweenShards(threading.Event):
    """An edit that arrives once the catch-up has indexed its first shard: set only when the
    indexing asks between two shards (not while it reads pages or Pagefind runs), with
    one Pagefind run at a time."""

    def is_set(self) -> bool:
        return sys._getframe(2).f_code.co_name == "_drive" and bool(sys._getframe(2).f_locals["built"])


def test_an_edit_during_the_catch_up_keeps_the_shards_indexed_by_then(make_site: Any,
                                                                      pagefind: Path) -> None:
    """An editor saving every few seconds must not throw away, edit after edit, a catch-up
    of many shards (after an engine update, every shard): what was indexed is published,
    the rest stays pending, and the next catch-up indexes only that."""
    from sitegen.build.live import index_pending
    from sitegen.build.session import BuildSession
    from sitegen.config.settings import load_config

    root = make_site(SHARDED)
    session = BuildSession()
    _build_with(root, defer_search=True, session=session)
    source = root / "content" / "2019" / "old-argument.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA zeppelin.\n", encoding="utf-8")
    assert _build_with(root, defer_search=True, session=session).search_pending == 2
    public = root / "public"
    before = _shard_inodes(public)
    report = index_pending(load_config(root), session, _EditBetweenShards(), runs=1)
    assert report is not None and (report.shards[0], report.pending) == (1, 1)
    renewed = {rel.rsplit("/", 1)[0] for rel, inode in _shard_inodes(public).items() if before.get(rel) != inode}
    assert len(renewed) == 1  # one shard's bundle, published
    assert any("zeppelin" in f["content"] for f in _fragments(public / renewed.pop()).values())
    rest = index_pending(load_config(root), session)
    assert rest is not None and (rest.shards[0], rest.pending) == (1, 0)  # only the shard left
    assert _build_with(root).search_pending == 0
    _assert_as_a_clean_build(make_site, public, "2019/old-argument.md", source)


def test_the_catch_up_indexes_and_publishes_the_edited_pages_shards_first(make_site: Any,
                                                                           pagefind: Path) -> None:
    """After an engine update every shard is stale, and catching up takes minutes on a large
    site: the shards holding the pages an editor changed are indexed first and published at
    once, so the edit is found after them, not after all of them; the rest follows."""
    from sitegen.build.live import index_pending
    from sitegen.build.session import BuildSession
    from sitegen.config.settings import load_config
    from sitegen.search.shards import SHARD_STAMP

    root = make_site(SHARDED)
    session = BuildSession()
    _build_with(root, defer_search=True, session=session)
    public = root / "public"
    for stamp in public.glob(f"pagefind/*/*/{SHARD_STAMP}"):  # made by another engine: all stale
        listed = json.loads(stamp.read_text(encoding="utf-8"))
        listed["pages"] = [[output, "0" * 64, segmented] for output, _digest, segmented in listed["pages"]]
        stamp.write_text(json.dumps(listed), encoding="utf-8")
    source = root / "content" / "2019" / "old-argument.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA zeppelin.\n", encoding="utf-8")
    assert _build_with(root, defer_search=True, session=session).search_pending == 5
    before = _shard_inodes(public)
    first = index_pending(load_config(root), session)
    assert first is not None and first.pending > 0  # the shards of pages that changed, not all
    renewed = {rel.rsplit("/", 1)[0] for rel, inode in _shard_inodes(public).items() if before.get(rel) != inode}
    assert len(renewed) == first.shards[0]
    assert {folder.split("/")[1] for folder in renewed
            if any("zeppelin" in f["content"] for f in _fragments(public / folder).values())} == {"en", "ja"}
    rest = index_pending(load_config(root), session)
    assert rest is not None and (rest.shards[0], rest.pending) == (first.pending, 0)
    _assert_as_a_clean_build(make_site, public, "2019/old-argument.md", source)


def test_a_page_a_preview_wrote_counts_as_changed_for_search(make_site: Any, pagefind: Path) -> None:
    """serve's preview writes the edited page first; the build after it makes the same
    bytes, so the page looked unchanged, and search took whether it holds Japanese from
    the old index: an English page given a Japanese sentence stayed out of the Japanese
    family (and its shards were not indexed first)."""
    from datetime import UTC, datetime

    from sitegen.build.live import index_pending
    from sitegen.build.pipeline import build
    from sitegen.build.session import BuildSession
    from sitegen.config.settings import load_config
    from sitegen.serve.preview import preview

    root = make_site(SHARDED)
    config = load_config(root)
    session = BuildSession()
    build(config, now=datetime.now(UTC), defer_search=True, session=session)
    source = root / "content" / "about.md"
    source.write_text(source.read_text(encoding="utf-8") + "\n沖縄の基地について。\n", encoding="utf-8")
    assert preview(config, session.last, [str(source)]) == ["about/index.html"]
    assert build(config, now=datetime.now(UTC), defer_search=True, session=session).search_pending
    assert index_pending(config, session) is not None
    public = root / "public"
    segmented = {url for folder in public.glob("pagefind/ja/*") for url in _fragments(folder)}
    assert "/about/" in segmented
    _assert_as_a_clean_build(make_site, public, "about.md", source)


def test_a_previewed_edit_is_indexed_before_the_build_which_keeps_its_shards(
        make_site: Any, pagefind: Path) -> None:
    """serve indexes the shards of a previewed page from the live file before the full
    build (build/live.py index_previewed): the edit is found without waiting for that
    build, which computes the same search digests and keeps those shards. Shards an
    earlier build left stale stay pending for the catch-up: only the edit's go first."""
    from datetime import UTC, datetime

    from sitegen.build.live import index_pending, index_previewed
    from sitegen.build.pipeline import build
    from sitegen.build.session import BuildSession
    from sitegen.config.settings import load_config
    from sitegen.serve.preview import preview

    root = make_site(SHARDED)
    config, session, public = load_config(root), BuildSession(), root / "public"
    build(config, now=datetime.now(UTC), defer_search=True, session=session)
    older = root / "content" / "2019" / "old-argument.md"  # built, its shards left for the catch-up
    older.write_text(older.read_text(encoding="utf-8") + "\nA dirigible.\n", encoding="utf-8")
    assert build(config, now=datetime.now(UTC), defer_search=True, session=session).search_pending == 2
    source = root / "content" / "about.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA zeppelin.\n", encoding="utf-8")
    before = _shard_inodes(public)
    assert preview(config, session.last, [str(source)]) == ["about/index.html"]
    report = index_previewed(config, session)
    assert report is not None and (report.shards[0], report.pending) == (1, 2)
    renewed = {rel.rsplit("/", 1)[0] for rel, inode in _shard_inodes(public).items() if before.get(rel) != inode}
    holding = {folder.relative_to(public).as_posix() for folder in public.glob("pagefind/*/*")
               if any("zeppelin" in f["content"] for f in _fragments(folder).values())}
    assert renewed == holding and len(holding) == 1
    assert not any("dirigible" in f["content"] for folder in public.glob("pagefind/*/*")
                   for f in _fragments(folder).values())
    indexed = _shard_inodes(public)
    again = index_previewed(config, session)  # its shard current: nothing to do
    assert again is not None and (again.shards[0], again.pending) == (0, 2) and _shard_inodes(public) == indexed
    assert build(config, now=datetime.now(UTC), defer_search=True, session=session).search_pending == 2
    assert {rel: inode for rel, inode in _shard_inodes(public).items() if rel.startswith(tuple(holding))} == {
        rel: inode for rel, inode in indexed.items() if rel.startswith(tuple(holding))}  # kept, not indexed again
    caught = index_pending(config, session)
    assert caught is not None and (caught.shards[0], caught.pending) == (2, 0)
    clean = make_site(SHARDED)
    for changed in (older, source):
        target = clean / changed.relative_to(root)
        target.write_text(changed.read_text(encoding="utf-8"), encoding="utf-8")
    assert build_site(clean, "--quiet").code == 0
    assert read_tree(public) == read_tree(clean / "public")


def test_a_preview_never_indexed_is_not_trusted_to_its_old_digest(make_site: Any, pagefind: Path) -> None:
    """index_previewed takes the digests of pages it was not told about from the published
    shards. A page a preview wrote whose shard was never indexed (a new edit came first)
    must not be one of them: the shard is indexed from its live, previewed text, and a
    stamp naming its old digest would let a later build that makes the old text again
    keep an index of the new one."""
    from datetime import UTC, datetime

    from sitegen.build.live import index_pending, index_previewed
    from sitegen.build.pipeline import build
    from sitegen.build.session import BuildSession
    from sitegen.config.settings import load_config
    from sitegen.serve.preview import preview

    one_shard = SHARDED["config.yaml"].replace("pages_per_shard: 1", "pages_per_shard: 64")
    root = make_site({**SITE, "config.yaml": one_shard})
    config, session, public = load_config(root), BuildSession(), root / "public"
    build(config, now=datetime.now(UTC), defer_search=True, session=session)
    assert index_pending(config, session) is not None
    stamp = public / "pagefind" / "en" / "0" / SHARD_STAMP

    def recorded() -> dict[str, str]:
        return {output: digest for output, digest, _ in json.loads(stamp.read_text(encoding="utf-8"))["pages"]}

    before = recorded()
    first = root / "content" / "2019" / "old-argument.md"
    first.write_text(first.read_text(encoding="utf-8") + "\nA dirigible.\n", encoding="utf-8")
    assert preview(config, session.last, [str(first)])  # its index never follows: a new edit came
    source = root / "content" / "about.md"
    source.write_text(source.read_text(encoding="utf-8") + "\nA zeppelin.\n", encoding="utf-8")
    assert preview(config, session.last, [str(source)]) == ["about/index.html"]
    report = index_previewed(config, session)
    assert report is not None and report.shards == (2, 2)  # the one shard of each family
    after = recorded()
    assert any("dirigible" in f["content"] for f in _fragments(stamp.parent).values())
    assert after["2019/old-argument/index.html"] != before["2019/old-argument/index.html"]
    assert after["about/index.html"] != before["about/index.html"]
    indexed = _shard_inodes(public)  # the digests are those the full build works out: it keeps the shards
    assert build(config, now=datetime.now(UTC), defer_search=True, session=session).search_pending == 0
    assert _shard_inodes(public) == indexed


def test_a_link_put_in_a_published_bundle_is_never_kept(make_site: Any, pagefind: Path, tmp_path: Path) -> None:
    """A published shard is kept only when everything in it is a plain file: one of its
    files replaced by a link (to anything) makes it stale, and the next build indexes it
    again instead of carrying the link, or what it points at, into the site."""
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"not for the site")
    root = make_site(SHARDED)
    assert build_site(root, "--quiet").code == 0
    public = root / "public"
    entry = next(folder / "pagefind-entry.json" for folder in sorted(public.glob("pagefind/en/*"))
                 if "about/index.html" not in (folder / SHARD_STAMP).read_text(encoding="utf-8"))
    entry.unlink()
    entry.symlink_to(secret)
    source = root / "content" / "about.md"  # an edit elsewhere: the build runs, the shard's pages stand
    source.write_text(source.read_text(encoding="utf-8") + "\nMore.\n", encoding="utf-8")
    assert build_site(root, "--quiet").code == 0
    assert not entry.is_symlink() and entry.read_bytes()
    assert not any(p.is_symlink() for p in public.rglob("*"))
    assert b"not for the site" not in b"".join(p.read_bytes() for p in public.rglob("*") if p.is_file())
    _assert_as_a_clean_build(make_site, public, "about.md", source)


def test_a_shard_hashes_by_family_and_number_without_walking_its_pages() -> None:
    """The indexer looks shards up once per shard indexed; hashing every page each time
    cost seconds in a catch-up of 320 shards at 40,000 articles."""
    pages = tuple(IndexedPage(f"p{n}/index.html", "d", False) for n in range(3))
    walked: list[int] = []

    class Counting(tuple):  # type: ignore[type-arg]
        def __hash__(self) -> int:
            walked.append(1)
            return super().__hash__()

    shard = Shard("en", 3, Counting(pages))
    assert {shard: 1}[Shard("en", 3, Counting(pages))] == 1  # equal shards still find each other
    assert walked == [] and hash(shard) != hash(Shard("en", 4, pages))


def test_serve_reads_the_published_stamps_again_only_when_one_changed(tmp_path: Path) -> None:
    """search/published.StampedPages: an edit's build takes the pages the published shards
    recorded from memory while no stamp changed; a stamp replaced, added or too new to
    trust (written in the same clock tick) is read again."""
    from sitegen.search.published import StampedPages
    from sitegen.search.shards import BUNDLE_DIR, SHARD_STAMP

    def stamp(shard: str, pages: list[list[object]]) -> None:
        path = tmp_path / BUNDLE_DIR / "en" / shard / SHARD_STAMP
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = path.with_suffix(".new")
        fresh.write_text(json.dumps({"pages": pages}), encoding="utf-8")
        os.replace(fresh, path)  # as a shard is published: a new file

    stamp("0", [["a/index.html", "d1", False]])
    memo = StampedPages(racy_ns=0)
    first = memo.recorded(tmp_path)
    assert first == {"a/index.html": ("d1", False)} and memo.recorded(tmp_path) is first
    stamp("1", [["b/index.html", "d2", True]])
    assert memo.recorded(tmp_path) == {"a/index.html": ("d1", False), "b/index.html": ("d2", True)}
    stamp("0", [["a/index.html", "d3", False]])
    assert memo.recorded(tmp_path)["a/index.html"] == ("d3", False)
    unsettled = StampedPages(racy_ns=10**12)  # every stamp is too new: read each time
    assert unsettled.recorded(tmp_path) is not unsettled.recorded(tmp_path)


def _logged_pagefind(pagefind: Path, folder: Path) -> tuple[Path, Path]:
    """A Pagefind that writes `start` and `end` around each indexing run into a log, and
    its nice value into `nice.log` (its version query passes straight through), each run
    held 0.3 s so that two started together overlap for sure."""
    log = folder / "runs.log"
    # one write of the whole line: runs at once append to the log together, and print() can
    # write the value and its newline apart (unbuffered output), interleaving "0", "0", "\n"
    nice = "import os; os.write(1, (str(os.getpriority(os.PRIO_PROCESS, 0)) + chr(10)).encode())"
    wrapper = _pagefind_wrapper(folder / "pagefind-logged", _passing_version(
        pagefind, f'"{sys.executable}" -c "{nice}" >> "{folder / "nice.log"}"\n'
                  f'echo start >> "{log}"\nsleep 0.3\n"{pagefind}" "$@"\nstatus=$?\n'
                  f'echo end >> "{log}"\nexit $status\n'))
    return wrapper, log


def _most_at_once(log: Path) -> int:
    running = most = 0
    for line in log.read_text(encoding="utf-8").split():
        running += 1 if line == "start" else -1
        most = max(most, running)
    return most


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell wrapper")
def test_serves_catch_up_runs_one_pagefind_at_a_time(make_site: Any, pagefind: Path, tmp_path: Path) -> None:
    """serve's catch-up is background work: it indexes the stale shards one run at a time,
    leaving a core to the next edit's preview (two took the page from 0.25 s to about 1 s
    at 40,000 articles) and one run's memory (175 MB there) out of the tree's peak, and on
    Linux its runs are niced. The same catch-up asked for two runs from this thread does
    run two at once, at this process's priority, so the logs do see both."""
    import io

    from sitegen.build.live import index_pending
    from sitegen.config.settings import load_config
    from sitegen.serve.livereload import LiveReloadHub, Rebuilder

    counts, nices = [], []
    for runs in (None, 2):
        folder = tmp_path / f"runs-{runs}"
        folder.mkdir()
        wrapper, log = _logged_pagefind(pagefind, folder)
        root = make_site({**SHARDED, "config.yaml": SHARDED["config.yaml"] + f"  pagefind: '{wrapper}'\n"})
        rebuilder = Rebuilder(load_config(root), LiveReloadHub(), io.StringIO(), io.StringIO())
        assert rebuilder.rebuild() and not rebuilder.search_pending  # the first indexes every shard
        retitled = sorted((root / "content").rglob("*.md"))
        for source in retitled:  # a change to front matter: no preview, the build leaves search
            text = source.read_text(encoding="utf-8")
            source.write_text(text.replace("\ntitle: ", "\ntitle: Revised ", 1), encoding="utf-8")
        log.write_text("", encoding="utf-8")
        (folder / "nice.log").write_text("", encoding="utf-8")
        assert rebuilder.rebuild([str(path) for path in retitled]) and rebuilder.search_pending
        if runs is None:
            rebuilder.catch_up()
            assert not rebuilder.search_pending
        else:
            report = index_pending(load_config(root), rebuilder.session, runs=runs)
            assert report is not None and not report.pending
        assert log.read_text(encoding="utf-8").count("start") > 4  # every shard, indexed here
        counts.append(_most_at_once(log))
        nices.append(set((folder / "nice.log").read_text(encoding="utf-8").split()))
    assert counts == [1, 2]
    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert nices == ([{str(min(19, own + 10))}, {str(own)}] if sys.platform == "linux" else [{str(own)}] * 2)


def _interrupted_pagefind(pagefind: Path, folder: Path) -> tuple[Path, Path]:
    """A Pagefind that, while the returned flag file exists, dies of SIGINT as Ctrl+C in a
    terminal makes it die (its version query always passes through)."""
    flag = folder / "interrupt"
    die = "import os, signal; signal.signal(signal.SIGINT, signal.SIG_DFL); os.kill(os.getpid(), signal.SIGINT)"
    wrapper = _pagefind_wrapper(folder / "pagefind-interrupted", _passing_version(
        pagefind, f'if [ -e "{flag}" ]; then exec "{sys.executable}" -c "{die}"; fi\nexec "{pagefind}" "$@"\n'))
    return wrapper, flag


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell wrapper")
def test_pagefind_stopped_by_ctrl_c_is_said_so_and_the_site_is_not_published(make_site: Any, pagefind: Path,
                                                                             tmp_path: Path) -> None:
    wrapper, flag = _interrupted_pagefind(pagefind, tmp_path)
    flag.touch()
    root = make_site({**SITE, "config.yaml": NAMED_PAGEFIND.format(f"'{wrapper}'")})
    run = build_site(root)
    assert run.code == 1
    first, hint = run.err.splitlines()[:2]  # whichever run (en or ja) ended first
    assert re.fullmatch("error: search indexing stopped: pagefind --force-language (en|ja) was stopped by SIGINT",
                        first), run.err
    assert hint == ("  hint: the previous site was left as it was; build again (Ctrl+C in the terminal stops "
                    "Pagefind with the build)")
    assert not (root / "public").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell wrapper")
def test_serves_catch_up_stopped_by_ctrl_c_reports_no_failure(make_site: Any, pagefind: Path,
                                                              tmp_path: Path) -> None:
    """Ctrl+C in serve's terminal reaches the catch-up's Pagefind with the server: no "build
    failed" may follow "Stopped.", and a server that goes on indexes the shards later."""
    import io

    from sitegen.serve.livereload import LiveReloadHub, Rebuilder

    wrapper, flag = _interrupted_pagefind(pagefind, tmp_path)
    root = make_site({**SHARDED, "config.yaml": SHARDED["config.yaml"] + f"  pagefind: '{wrapper}'\n"})
    err = io.StringIO()
    rebuilder = Rebuilder(load_config(root), LiveReloadHub(), io.StringIO(), err)
    assert rebuilder.rebuild() and not rebuilder.search_pending
    source = root / "content" / "2019" / "old-argument.md"
    source.write_text(source.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: Revised ", 1),
                      encoding="utf-8")
    assert rebuilder.rebuild([str(source)]) and rebuilder.search_pending
    flag.touch()
    rebuilder.catch_up()
    assert rebuilder.search_pending and err.getvalue() == ""
    flag.unlink()
    rebuilder.catch_up()
    assert not rebuilder.search_pending and err.getvalue() == ""
