"""`serve` writes changed files over the live site (output/inplace.py): the rules of issue 14 hold.

A serve build with its BuildSession never deletes or writes through what it did not make,
changes nothing when it fails, and a build killed half-way through its in-place write is
recovered by the next build, serve's or the command line's, to a clean build's bytes.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.build.pipeline import build
from sitegen.build.session import BuildSession
from sitegen.config.settings import load_config
from sitegen.errors import SiteError
from tests.adversarial.test_concurrency import _build, _clean, _edit, _env, _leftovers, _site
from tests.support.sites import REPO, article, read_tree

SERVE_BUILD = """\
import sys
from datetime import UTC, datetime
from sitegen.build.pipeline import build
from sitegen.build.session import BuildSession
from sitegen.config.settings import load_config
build(load_config(__import__("pathlib").Path(sys.argv[1])), now=datetime.now(UTC), session=BuildSession(),
      allow_removed_urls=True)
"""


def _serve_build(root: Path, session: BuildSession) -> None:
    """A serve build with search indexed at once (serve's catch-up build), so that the whole
    output compares with a clean build's."""
    build(load_config(root), now=datetime.now(UTC), session=session)


@pytest.fixture(params=["first build", "folders remembered"])
def started(request: pytest.FixtureRequest) -> Callable[[Path], BuildSession]:
    """A session that has built the site. "folders remembered": it has also surveyed the
    output again after a pause, so that the next survey takes the folders whose times are
    unchanged from memory (ownership.FolderMemo, trusted here after 0.2 s, not 2 s), and
    what a contributor puts in the output must still be found."""
    def start(root: Path) -> BuildSession:
        session = BuildSession()
        _serve_build(root, session)
        if request.param == "folders remembered":
            session.folders.racy_ns = 200_000_000
            time.sleep(0.3)
            _serve_build(root, session)  # stands: the survey alone runs, and remembers
            assert len(session.folders.folders) > 10
            time.sleep(0.3)
        return session
    return start


def test_a_serve_build_writes_only_what_changed_and_equals_a_clean_build(tmp_path: Path) -> None:
    root = _site(tmp_path)
    session = BuildSession()
    _serve_build(root, session)
    untouched = root / "public" / "2019" / "article-3" / "index.html"
    inode = untouched.stat().st_ino
    _edit(root, "Edited in serve.")
    _serve_build(root, session)
    assert untouched.stat().st_ino == inode  # not relinked nor rewritten
    assert "Edited in serve." in (root / "public/2019/article-1/index.html").read_text(encoding="utf-8")
    assert read_tree(root / "public") == _clean(root)
    assert _leftovers(root) == []  # no staging folder left beside the output


def test_a_foreign_file_stops_a_serve_build_and_stays(tmp_path: Path, started: Callable[[Path], BuildSession]) -> None:
    root = _site(tmp_path)
    session = started(root)
    (root / "public" / "notes.txt").write_text("mine", encoding="utf-8")
    before = read_tree(root / "public")
    _edit(root, "Edited while a foreign file is there.")
    with pytest.raises(SiteError) as raised:
        _serve_build(root, session)
    assert [d.format() for d in raised.value.diagnostics][0].startswith(
        "public/notes.txt: error: not made by the build")
    assert read_tree(root / "public") == before
    assert _leftovers(root) == []


def test_a_failed_serve_build_changes_nothing(tmp_path: Path) -> None:
    root = _site(tmp_path)
    session = BuildSession()
    _serve_build(root, session)
    before = read_tree(root / "public")
    _edit(root, "Edited, with a broken template.")
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates" / "article.html").write_text("{{ article.title | nosuchfilter }}", encoding="utf-8")
    with pytest.raises(SiteError):
        _serve_build(root, session)
    assert read_tree(root / "public") == before
    assert _leftovers(root) == []


def test_a_link_put_over_a_page_is_replaced_never_written_through(
        tmp_path: Path, started: Callable[[Path], BuildSession]) -> None:
    root = _site(tmp_path)
    session = started(root)
    victim = root.parent / "victim.html"
    victim.write_text("precious", encoding="utf-8")
    page = root / "public" / "2019" / "article-3" / "index.html"
    page.unlink()
    page.symlink_to(victim)
    _edit(root, "Edited while a page is a link.")
    _serve_build(root, session)
    assert victim.read_text(encoding="utf-8") == "precious"
    assert not page.is_symlink()
    assert read_tree(root / "public") == _clean(root)


def test_a_removed_page_goes_and_its_empty_folder_with_it(tmp_path: Path) -> None:
    root = _site(tmp_path)
    session = BuildSession()
    _serve_build(root, session)
    (root / "content/2019/a2.md").unlink()
    build(load_config(root), now=datetime.now(UTC), session=session, allow_removed_urls=True)
    assert not (root / "public" / "2019" / "article-2").exists()
    assert read_tree(root / "public") == _clean(root)


@pytest.mark.parametrize("then", ["serve", "build"])
def test_a_serve_build_killed_while_moving_files_in_is_recovered(then: str, tmp_path: Path) -> None:
    """Killed after the manifest was widened and removed files went, with one new file moved
    in of several: every file left is one the manifest names, so no build refuses it as foreign."""
    root = _site(tmp_path)
    run = [sys.executable, "-c", SERVE_BUILD, str(root)]
    env = {**_env(), "PYTHONPATH": str(REPO)}
    assert subprocess.run(run, env=env, capture_output=True, timeout=300, check=False).returncode == 0
    (root / "content/2019/a2.md").unlink()
    # "aa" sorts before every other page: its files are the first moved in
    (root / "content/2019/b.md").write_text(article("Aa", body="A new one."), encoding="utf-8")
    killed = subprocess.run(run, env={**env, "SITEGEN_TEST_KILL_AT": "in-place-moving"},
                            capture_output=True, timeout=300, check=False)
    assert killed.returncode == -signal.SIGKILL
    if then == "serve":
        done = subprocess.run(run, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr
    else:
        done_build = _build(root, "--allow-removed-urls")
        assert (done_build.returncode, done_build.stderr) == (0, "")
    assert read_tree(root / "public") == _clean(root)
    assert not any(name.startswith(".public") for name in os.listdir(root))


def _preview(root: Path, session: BuildSession, text: str) -> list[str]:
    """serve's first look at an edit to article-1's text (serve/preview.py)."""
    from sitegen.output.lock import build_lock
    from sitegen.serve.preview import preview

    _edit(root, text)
    config = load_config(root)
    with build_lock(config):
        return preview(config, session.last, [str(root / "content/2019/a1.md")])


def test_a_preview_replaces_only_the_builds_own_page(tmp_path: Path) -> None:
    root = _site(tmp_path)
    session = BuildSession()
    _serve_build(root, session)
    assert _preview(root, session, "Previewed once.") == ["2019/article-1/index.html"]
    page = root / "public/2019/article-1/index.html"
    assert "Previewed once." in page.read_text(encoding="utf-8")
    assert _leftovers(root) == []
    outside = tmp_path / "elsewhere.html"
    outside.write_text("someone else's file\n", encoding="utf-8")
    page.unlink()
    page.symlink_to(outside)  # a link put over the page by hand: never written through
    assert _preview(root, session, "Previewed twice.") == []
    assert outside.read_text(encoding="utf-8") == "someone else's file\n"
    assert page.is_symlink()
    _serve_build(root, session)  # the full build then replaces the link, as ever
    assert outside.read_text(encoding="utf-8") == "someone else's file\n"
    assert not page.is_symlink() and "Previewed twice." in page.read_text(encoding="utf-8")
    assert read_tree(root / "public") == _clean(root)
