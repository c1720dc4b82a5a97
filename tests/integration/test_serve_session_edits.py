"""Random edit sequences built as `serve` builds must leave what a clean build makes.

test_random_edits.py checks the command line's cached builds. `serve` builds otherwise
(serve/livereload.py's Rebuilder): one BuildSession lives across the edits, only the
changed files are written over the live site (output/inplace.py), and changed search
shards are left for a catch-up build. The builds here are the Rebuilder's two calls, with
removed URLs allowed (the random steps remove articles).
After every step the pages must equal a clean build's (search bundles aside: they are
stale by design until the catch-up), and after the catch-up every file must.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.build.pipeline import BuildReport, build
from sitegen.build.session import BuildSession
from sitegen.config.settings import load_config
from tests.integration.test_random_edits import CONFIG, STEPS, TAGS, _clean_build, _front
from tests.support.sites import read_tree, write_site

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


def _run(tmp_path: Path, seed: int, steps: int, search: bool) -> None:
    rng = random.Random(seed)
    files: dict[str, str | bytes] = {"config.yaml": CONFIG.format(search=str(search).lower())}
    for year in (2001, 2003, 2005, 2007):
        files[f"content/{year}/s{year}.md"] = _front(f"Start {year}", year, rng.sample(TAGS, 2))
    root = write_site(tmp_path / "site", files)
    session = BuildSession()
    _serve_build(root, session, defer=True)
    done: list[str] = []
    for _ in range(steps):
        done.append(rng.choice(STEPS)(root, rng))
        report = _serve_build(root, session, defer=True)
        expected = _clean_build(root, tmp_path / "clean")
        differ = _differ(read_tree(root / "public"), expected, pages_only=True)
        assert not differ, f"seed {seed}, after {done}: {differ[:10]}"
        if report.search_pending:
            _serve_build(root, session, defer=False)
        differ = _differ(read_tree(root / "public"), expected, pages_only=False)
        assert not differ, f"seed {seed}, after {done} and the search catch-up: {differ[:10]}"


@pytest.mark.parametrize("seed", [11, 12])
def test_serve_edits_without_search_equal_clean_builds(tmp_path: Path, seed: int) -> None:
    _run(tmp_path, seed, 20, search=False)


@pytest.mark.parametrize("seed", [13])
def test_serve_edits_with_search_equal_clean_builds(tmp_path: Path, seed: int) -> None:
    _run(tmp_path, seed, 8, search=True)
