"""Random edit sequences built as `serve` builds must leave what a clean build makes.

test_random_edits.py checks the command line's cached builds. `serve` builds otherwise
(serve/livereload.py's Rebuilder): one BuildSession lives across the edits, only the
changed files are written over the live site (output/inplace.py), and changed search
shards are left for a catch-up (index_pending). The steps here are the Rebuilder's calls:
the preview of an edit to an article's text (serve/preview.py) and the index of its
shards (index_previewed), the build, the catch-up,
with removed URLs allowed (the random steps remove articles).
Every page the preview writes must already be what a clean build makes; after every
build the pages must equal a clean build's (search bundles aside: they are stale by
design until the catch-up), and after the catch-up every file must.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.build.live import index_pending, index_previewed
from sitegen.build.pipeline import BuildReport, build
from sitegen.build.session import BuildSession
from sitegen.config.settings import load_config
from sitegen.output.lock import build_lock
from sitegen.serve.preview import preview
from tests.integration.test_random_edits import CONFIG, STEPS, TAGS, _clean_build, _front
from tests.support.sites import article, read_tree, write_site

SEARCH_FILES = ("search/", "pagefind", ".sitegen-manifest")  # the manifest lists the bundles' files


def _differ(got: dict[str, bytes], expected: dict[str, bytes], pages_only: bool) -> list[str]:
    names = set(got) | set(expected)
    if pages_only:
        names = {n for n in names if not n.startswith(SEARCH_FILES) and "pagefind" not in n}
    return sorted(n for n in names if got.get(n) != expected.get(n))


def _serve_build(root: Path, session: BuildSession, defer: bool) -> BuildReport:
    """One of serve's builds: the pages (search deferred), or the search catch-up."""
    return build(load_config(root), now=datetime.now(UTC), defer_search=defer, session=session,
                 allow_removed_urls=True)


def _sources(root: Path) -> dict[str, bytes]:
    """The files the watcher watches, by path under the project."""
    files = {f"{folder}/{name}": data for folder in ("content", "templates", "static")
             if (root / folder).is_dir() for name, data in read_tree(root / folder).items()}
    return {**files, "config.yaml": (root / "config.yaml").read_bytes()}


def _changed(root: Path, before: dict[str, bytes]) -> list[str]:
    """The files a step changed, added or removed, as the watcher reports them."""
    after = _sources(root)
    return [str(root / name) for name in sorted(set(before) | set(after)) if before.get(name) != after.get(name)]


def _previewed(root: Path, session: BuildSession, changed: list[str]) -> list[str]:
    """The Rebuilder's preview, then its index of the previewed pages' shards."""
    config = load_config(root)
    with build_lock(config):
        shown = preview(config, session.last, changed)
    if shown:
        index_previewed(config, session)
    return shown


def _catch_up(root: Path, session: BuildSession) -> None:
    """The Rebuilder's catch-up: from the session's last build, else a build."""
    if index_pending(load_config(root), session) is None:
        _serve_build(root, session, defer=False)


def _run(tmp_path: Path, seed: int, steps: int, search: bool, watched: bool = True) -> int:
    """Run the steps; returns how many edits were previewed. `watched`: each step's
    changes are noted as serve's watcher notes them, so that a build finds an edited
    article from them (content/rescan.py); else every build scans the content folder."""
    rng = random.Random(seed)
    files: dict[str, str | bytes] = {"config.yaml": CONFIG.format(search=str(search).lower())}
    for year in (2001, 2003, 2005, 2007):
        files[f"content/{year}/s{year}.md"] = _front(f"Start {year}", year, rng.sample(TAGS, 2))
    root = write_site(tmp_path / "site", files)
    session = BuildSession()
    if watched:
        session.notes.watching()
    _serve_build(root, session, defer=True)
    done: list[str] = []
    previews = 0
    for _ in range(steps):
        before = _sources(root)
        done.append(rng.choice(STEPS)(root, rng))
        expected = _clean_build(root, tmp_path / "clean")
        changed = _changed(root, before)
        session.notes.note(changed)
        shown = _previewed(root, session, changed)
        previews += bool(shown)
        live = read_tree(root / "public")
        assert all(live[name] == expected[name] for name in shown), f"seed {seed}, preview after {done}"
        report = _serve_build(root, session, defer=True)
        differ = _differ(read_tree(root / "public"), expected, pages_only=True)
        assert not differ, f"seed {seed}, after {done}: {differ[:10]}"
        if report.search_pending:
            _catch_up(root, session)
        differ = _differ(read_tree(root / "public"), expected, pages_only=False)
        assert not differ, f"seed {seed}, after {done} and the search catch-up: {differ[:10]}"
    return previews


@pytest.mark.parametrize(("seed", "watched"), [(11, True), (12, True), (14, False)])
def test_serve_edits_without_search_equal_clean_builds(tmp_path: Path, seed: int, watched: bool) -> None:
    assert _run(tmp_path, seed, 20, search=False, watched=watched) > 0  # some steps are edits to a text alone


@pytest.mark.parametrize("seed", [13])
def test_serve_edits_with_search_equal_clean_builds(tmp_path: Path, seed: int) -> None:
    _run(tmp_path, seed, 8, search=True)


def test_an_edit_undone_before_search_catches_up_is_built_again(tmp_path: Path) -> None:
    """The site after an edit whose search is deferred is not what the remembered build
    made: undoing the edit before the catch-up must not find that build standing."""
    rng = random.Random(5)
    files: dict[str, str | bytes] = {"config.yaml": CONFIG.format(search="true")}
    for year in (2001, 2003):
        files[f"content/{year}/s{year}.md"] = _front(f"Start {year}", year, rng.sample(TAGS, 2))
    root = write_site(tmp_path / "site", files)
    session = BuildSession()
    _serve_build(root, session, defer=True)
    _catch_up(root, session)
    source = root / "content/2001/s2001.md"
    original = source.read_bytes()
    source.write_bytes(original + b"\nA sentence added, then taken back.\n")
    assert _serve_build(root, session, defer=True).search_pending
    source.write_bytes(original)  # undone before the search catches up
    _serve_build(root, session, defer=True)
    _catch_up(root, session)
    assert _differ(read_tree(root / "public"), _clean_build(root, tmp_path / "clean"), pages_only=False) == []


def test_a_setting_of_how_bodies_convert_converts_them_again(tmp_path: Path) -> None:
    """The session keeps each source's cache key while the source is the same
    (loading._cache_keys); a change to the conversion settings alone must still give new
    keys, so that no body converted under the old settings is shown."""
    files: dict[str, str | bytes] = {
        "config.yaml": CONFIG.format(search="false"),
        "content/2001/quoted.md": '---\ntitle: Quoted\ndate: 2001-01-01\n---\n\nHe said "yes" and left.\n'}
    root = write_site(tmp_path / "site", files)
    past = time.time() - 60
    os.utime(root / "content/2001/quoted.md", (past, past))  # stamped: the same Source in each build
    session = BuildSession()
    _serve_build(root, session, defer=True)
    page = next(name for name in read_tree(root / "public") if name.endswith("quoted/index.html"))
    assert "\u201cyes\u201d" in (root / "public" / page).read_text(encoding="utf-8")
    (root / "config.yaml").write_text(CONFIG.format(search="false") + "markdown:\n  smart_quotes: false\n",
                                      encoding="utf-8")
    _serve_build(root, session, defer=True)
    assert '"yes"' in (root / "public" / page).read_text(encoding="utf-8")
    assert _differ(read_tree(root / "public"), _clean_build(root, tmp_path / "clean"), pages_only=False) == []


def test_a_page_due_between_two_edits_is_published_by_the_second(tmp_path: Path) -> None:
    """An edit's build starts from the last build's sort of what is published (its build
    options and each unchanged source's verdict: loading._first_sort) only while time
    alone changes no verdict. A page due between two edits must be published by the
    second, as a clean build at that moment publishes it."""
    files: dict[str, str | bytes] = {
        "config.yaml": CONFIG.format(search="false"),
        "content/2001/edited.md": _front("Edited", 2001, ["treaty"]),
        "content/2001/due.md": article("Due", "2001-02-03", "Published in 2030.", publishDate="2030-01-01")}
    root = write_site(tmp_path / "site", files)
    session = BuildSession()
    session.notes.watching()
    build(load_config(root), now=datetime(2029, 12, 31, tzinfo=UTC), session=session)
    assert not any("due" in name for name in read_tree(root / "public"))
    verdicts = dict(session.sorted[1].verdicts) if session.sorted is not None else {}
    edited = root / "content/2001/edited.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    session.notes.note([str(edited)])
    build(load_config(root), now=datetime(2029, 12, 31, 1, tzinfo=UTC), session=session)
    kept = session.sorted[1].verdicts if session.sorted is not None else {}
    assert [key for key, verdict in kept.items() if verdicts.get(key) is verdict] != []  # the last sort's, still true
    edited.write_text(edited.read_text(encoding="utf-8") + "\nAnother one.\n", encoding="utf-8")
    session.notes.note([str(edited)])
    now = datetime(2030, 1, 2, tzinfo=UTC)
    build(load_config(root), now=now, session=session)
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("public", ".cache"))
    build(load_config(clean), now=now)
    assert any("due" in name for name in read_tree(root / "public"))
    assert read_tree(root / "public") == read_tree(clean / "public")


def test_a_cascade_added_to_a_section_unpublishes_its_unchanged_pages(tmp_path: Path) -> None:
    """The pages below an `_index.md` keep their sources, so their cache keys; the last
    build's verdicts for those keys must not stand once a cascade changes their build
    options (loading._same_front_matter)."""
    files: dict[str, str | bytes] = {
        "config.yaml": CONFIG.format(search="false"),
        "content/2001/_index.md": "---\ntitle: 2001\n---\n",
        "content/2001/kept.md": _front("Kept", 2001, ["treaty"]),
        "content/2003/other.md": _front("Other", 2003, ["treaty"])}
    root = write_site(tmp_path / "site", files)
    session = BuildSession()
    session.notes.watching()
    _serve_build(root, session, defer=True)
    assert any(name.endswith("kept/index.html") for name in read_tree(root / "public"))
    section = root / "content/2001/_index.md"
    section.write_text("---\ntitle: 2001\ncascade:\n  build:\n    render: never\n---\n", encoding="utf-8")
    session.notes.note([str(section)])
    _serve_build(root, session, defer=True)
    assert not any(name.endswith("kept/index.html") for name in read_tree(root / "public"))
    assert _differ(read_tree(root / "public"), _clean_build(root, tmp_path / "clean"), pages_only=False) == []


@pytest.mark.parametrize("name", ["aaa.txt", "zzz.txt"])
def test_a_static_file_removed_with_an_edit_to_a_text_goes_from_the_site(tmp_path: Path, name: str) -> None:
    """An edit to a text keeps the last build's plan (build/rebody.py) only while the
    static files are the ones it copied: one fewer, first or last of them, is not."""
    files: dict[str, str | bytes] = {
        "config.yaml": CONFIG.format(search="false"),
        "content/2001/edited.md": _front("Edited", 2001, ["treaty"]),
        "static/aaa.txt": "first\n", "static/zzz.txt": "last\n"}
    root = write_site(tmp_path / "site", files)
    session = BuildSession()
    session.notes.watching()
    _serve_build(root, session, defer=True)
    assert (root / "public" / name).is_file()
    edited = root / "content/2001/edited.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nA new sentence.\n", encoding="utf-8")
    (root / "static" / name).unlink()
    session.notes.note([str(edited), str(root / "static" / name)])
    report = _serve_build(root, session, defer=True)
    assert "plan kept" not in report.timings
    assert not (root / "public" / name).exists()
    assert _differ(read_tree(root / "public"), _clean_build(root, tmp_path / "clean"), pages_only=False) == []
