"""Nothing half-written, nothing lost: killed builds, unsafe output folders, foreign files."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.sites import REPO, article, build_site, override, read_tree

sys.path.insert(0, str(REPO / "bench"))
import corpus


def _build_process(root: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, str(REPO / "build.py"), "--root", str(root), "--no-cache",
                             "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_a_build_killed_at_random_moments_leaves_a_whole_site(tmp_path: Path) -> None:
    """Kill a build many times at random points: public/ is always the old or the new site."""
    root = tmp_path / "site"
    corpus.generate(root, 60, seed=5, flavor="ours")
    (root / "config.yaml").write_text((root / "config.yaml").read_text(encoding="utf-8")
                                      .replace("enabled: true", "enabled: false"), encoding="utf-8")
    assert build_site(root, "--no-cache").code == 0
    old = read_tree(root / "public")
    for path in sorted((root / "content").rglob("*.md"))[:5]:
        path.write_text(path.read_text(encoding="utf-8") + "\nA new closing sentence.\n", encoding="utf-8")
    started = time.perf_counter()
    assert _build_process(root).wait() == 0
    duration = time.perf_counter() - started
    new = read_tree(root / "public")
    assert new != old
    # Put the old site back, then kill builds of the new content at random moments.
    rng = random.Random(7)
    outcomes = {"old": 0, "new": 0}
    for _ in range(12):
        _restore(root / "public", old)
        process = _build_process(root)
        time.sleep(rng.uniform(0.05, duration))
        process.send_signal(signal.SIGKILL)
        process.wait()
        now = read_tree(root / "public")
        assert now in (old, new), "a killed build left a mixed or partial site"
        outcomes["old" if now == old else "new"] += 1
    assert outcomes["old"] >= 1
    # The next build cleans up whatever the killed ones left and finishes the job.
    assert build_site(root, "--no-cache").code == 0
    assert read_tree(root / "public") == new
    assert not [p for p in root.iterdir() if p.name.startswith(".public")]


def _restore(public: Path, tree: dict[str, bytes]) -> None:
    for path in sorted(public.rglob("*"), reverse=True):
        if path.is_file() or path.is_symlink():
            path.unlink()
        else:
            path.rmdir()
    for rel, data in tree.items():
        target = public / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


@pytest.mark.parametrize("output", [".", "content", "templates", "static", "..", "content/2019"])
def test_the_output_folder_can_never_hold_or_be_the_sources(output: str,
                                                             make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    before = read_tree(root)
    run = build_site(root, "--output", output)
    assert run.code == 2  # a usage error, found when the options are read
    assert f"error: --output '{output}' " in run.err and "Traceback" not in run.err
    assert read_tree(root) == before


def test_files_the_build_did_not_make_stop_it_and_stay(make_site: Callable[..., Path]) -> None:
    """The build never deletes a file it did not make: it stops, names it and says what to do."""
    root = make_site({"content/2019/a.md": article("A")})
    assert build_site(root).code == 0
    (root / "public" / "notes.txt").write_text("an editor's notes", encoding="utf-8")
    before = read_tree(root / "public")
    (root / "content/2019/b.md").write_text(article("B"), encoding="utf-8")
    run = build_site(root)
    assert run.code == 1
    assert run.err == ("public/notes.txt: error: not made by the build, which never deletes files it did not "
                       "make\n  hint: move it out of public/ (into static/ to publish it with the site), or "
                       "build with --keep-foreign to keep it\n")
    assert read_tree(root / "public") == before


def test_keep_foreign_keeps_files_the_build_did_not_make(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    assert build_site(root).code == 0
    (root / "public" / "notes.txt").write_text("an editor's notes", encoding="utf-8")
    run = build_site(root, "--keep-foreign")
    assert "public/notes.txt: kept" in run.err
    assert (root / "public" / "notes.txt").read_text(encoding="utf-8") == "an editor's notes"
    again = build_site(root, "--keep-foreign")
    assert (root / "public" / "notes.txt").is_file() and again.code == 0


def test_stale_pages_of_earlier_builds_go_quietly(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/a.md": article("A"), "content/2019/b.md": article("B")})
    assert build_site(root).code == 0
    os.remove(root / "content/2019/b.md")
    run = build_site(root, "--allow-removed-urls")  # its URL goes: confirmed (url_history)
    assert run.code == 0, run.err
    assert "not made by the build" not in run.err
    assert not (root / "public/2019/b").exists()


def test_the_replaced_site_is_kept_and_updated_by_the_next_build(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/first.md": article("First"), "content/2019/second.md": article("Second")})
    assert build_site(root).code == 0
    spare = root / ".cache" / "spare-site"
    (root / "content" / "2019" / "third.md").write_text(article("Third"), encoding="utf-8")
    assert build_site(root).code == 0
    first_site = read_tree(spare)  # the site as the first build made it
    assert not any("third" in name for name in first_site)
    (root / "content" / "2019" / "second.md").unlink()
    (root / "content" / "2019" / "first.md").write_text(article("First, edited"), encoding="utf-8")
    junk = spare / "2019" / "junk" / "index.html"  # the spare is ours: anything in it goes
    junk.parent.mkdir(parents=True)
    junk.write_text("junk", encoding="utf-8")
    (spare / "2019" / "linked").symlink_to(root / "content")  # a link to a folder goes too
    (spare / "empty" / "deeper").mkdir(parents=True)  # and empty folders
    live_before = read_tree(root / "public")
    rebuilt = build_site(root, "--allow-removed-urls")
    assert rebuilt.code == 0, rebuilt.err
    assert read_tree(spare) == live_before  # the replaced site, untouched by the update
    clean = root.parent / (root.name + "-clean")
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("public", ".cache"))
    assert build_site(clean, "--no-cache").code == 0
    assert read_tree(root / "public") == read_tree(clean / "public")
    assert not (root / "public" / "2019" / "linked").is_symlink()
    assert not (root / "public" / "empty").exists()
    assert not [p for p in root.iterdir() if p.name.startswith(".public")]


def test_a_reused_staging_folder_never_writes_into_the_live_site(make_site: Callable[..., Path]) -> None:
    """Files in the spare can be hard links to live files: they are replaced, not written into."""
    root = make_site({"content/2019/first.md": article("First")})
    assert build_site(root).code == 0
    assert build_site(root, "--keep-foreign").code == 0  # a full rebuild: the spare shares files
    live_before = read_tree(root / "public")
    config = root / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("Test archive", "Renamed archive"),
                      encoding="utf-8")
    override(root, "templates/404.html").write_text("<p>gone</p>\n", encoding="utf-8")
    assert build_site(root).code == 0
    assert read_tree(root / ".cache" / "spare-site") == live_before


def test_without_a_cache_the_replaced_site_is_deleted_before_the_build_returns(
        make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/first.md": article("First")})
    assert build_site(root, "--no-cache").code == 0
    (root / "content" / "2019" / "second.md").write_text(article("Second"), encoding="utf-8")
    assert build_site(root, "--no-cache").code == 0
    assert sorted(os.listdir(root / ".cache")) == ["CACHEDIR.TAG", "build.lock"]  # the lock, no cache
    assert not [p for p in root.iterdir() if p.name.startswith(".public")]
