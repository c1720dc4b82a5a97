"""content/rescan.py: an edit's sources found from the watcher's notes, or a whole scan.

Each case is a real content folder changed on disk, then noted as serve's watcher notes
it. Where `rescan` answers, its tree must be the one a whole scan finds; where a whole
scan could find something else (a new, removed or moved file, a link, an HTML page), it
must not answer at all.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

from sitegen.config.settings import Config
from sitegen.content.rescan import ChangeNotes, Scan, content_settings, rescan
from sitegen.content.sources import SourceTree, discover_sources

FILES = {"content/2019/a.md": "# A\n", "content/2019/b.md": "# B\n", "content/2020/c.md": "# C\n",
         "content/2020/photo.png": b"\x89PNG", "content/about.html": "<p>not a page</p>\n"}


def _site(root: Path, files: dict[str, str | bytes] = FILES) -> tuple[Config, Scan]:
    """A content folder, stamped in the past, and a watched scan of it."""
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        past = time.time() - 60
        os.utime(path, (past, past))
    config = Config(root=root)
    return config, Scan(_settings(config), discover_sources(config), watched=True)


def _settings(config: Config) -> tuple[str, ...]:
    return content_settings(str(config.root), str(config.path("content")), config.ignore_files)


def _rescan(config: Config, last: Scan, *noted: Path | str) -> SourceTree | None:
    stamps = last.tree.stamps
    before = {source.path: source for source in last.tree.sources}
    return rescan(last, _settings(config), frozenset(str(path) for path in noted), (stamps, before))


def _same(got: SourceTree, config: Config) -> None:
    whole = discover_sources(config)
    assert [(s.path, s.digest, s.file) for s in got.sources] == [(s.path, s.digest, s.file) for s in whole.sources]
    assert got.resources == whole.resources and got.diagnostics == whole.diagnostics == ()


def test_the_notes_are_none_until_the_watcher_watches_and_are_taken_once() -> None:
    notes = ChangeNotes()
    notes.note(["/site/content/a.md"])
    assert notes.take() is None  # a change before the watches were in place may be unseen
    notes.watching()
    notes.note(["/site/content/b.md"])
    notes.note(["/site/content/b.md", "/site/templates/base.html"])
    assert notes.take() == {"/site/content/b.md", "/site/templates/base.html"}
    assert notes.take() == frozenset()


def test_an_edited_article_is_hashed_again_and_the_others_are_the_very_sources(tmp_path: Path) -> None:
    config, last = _site(tmp_path)
    edited = tmp_path / "content/2019/b.md"
    edited.write_text("# B, edited\n", encoding="utf-8")
    got = _rescan(config, last, edited, tmp_path / "templates/base.html", tmp_path / "config.yaml")
    assert got is not None
    _same(got, config)
    kept = [new is old for new, old in zip(got.sources, last.tree.sources, strict=True)]
    assert kept == [True, False, True]  # a.md, b.md, c.md
    assert "content/2019/b.md" not in got.stamps  # written just now: hashed again next time
    assert got.stamps.keys() == last.tree.stamps.keys() - {"content/2019/b.md"}
    following = last.again(got)  # the next edit starts from this scan, its places worked out once
    assert following.tree is got and following.places is last.places and following.trusted
    (tmp_path / "content/2020/c.md").write_text("# C, edited\n", encoding="utf-8")
    then = _rescan(config, following, tmp_path / "content/2020/c.md")
    assert then is not None and then.sources[1] is got.sources[1]
    _same(then, config)


def test_what_the_walk_leaves_out_and_files_that_came_and_went_change_nothing(tmp_path: Path) -> None:
    config, last = _site(tmp_path)
    (tmp_path / "content/2019/.b.md.swp").write_bytes(b"swap")
    (tmp_path / "content/2019/b.md~").write_text("backup", encoding="utf-8")
    (tmp_path / "content/2020/photo.png").write_bytes(b"\x89PNG, edited")
    got = _rescan(config, last, tmp_path / "content/2019/.b.md.swp", tmp_path / "content/2019/b.md~",
                  tmp_path / "content/2019/b.md.tmp4711", tmp_path / "content/2020/photo.png")
    assert got is not None
    assert all(new is old for new, old in zip(got.sources, last.tree.sources, strict=True))
    _same(got, config)


@pytest.mark.parametrize("change", ["new article", "removed article", "renamed article", "folder moved away",
                                    "new image", "removed image", "html edited", "folder moved in",
                                    "article made a link", "image made a link"])
def test_a_change_to_what_the_tree_holds_needs_a_whole_scan(tmp_path: Path, change: str) -> None:
    config, last = _site(tmp_path)
    content = tmp_path / "content"
    noted: list[Path] = []
    if change == "new article":
        (content / "2019/d.md").write_text("# D\n", encoding="utf-8")
        noted = [content / "2019/d.md"]
    elif change == "removed article":
        (content / "2019/b.md").unlink()
        noted = [content / "2019/b.md"]
    elif change == "renamed article":
        (content / "2019/b.md").rename(content / "2019/e.md")
        noted = [content / "2019/e.md"]
    elif change == "folder moved away":
        (content / "2020").rename(tmp_path / "elsewhere")
        noted = [content / "2020"]  # a move of a folder is noted as the folder alone
    elif change == "new image":
        (content / "2019/map.png").write_bytes(b"\x89PNG")
        noted = [content / "2019/map.png"]
    elif change == "removed image":
        (content / "2020/photo.png").unlink()
        noted = [content / "2020/photo.png"]
    elif change == "html edited":  # with front matter now, it becomes a page
        (content / "about.html").write_text("---\ntitle: About\n---\n<p>a page</p>\n", encoding="utf-8")
        noted = [content / "about.html"]
    elif change == "article made a link":  # to a secret: a whole scan refuses it, never reads it
        (tmp_path / "secret.md").write_text("# The password\n", encoding="utf-8")
        (content / "2019/b.md").unlink()
        (content / "2019/b.md").symlink_to(tmp_path / "secret.md")
        noted = [content / "2019/b.md"]
    elif change == "image made a link":
        (tmp_path / "secret.png").write_bytes(b"\x89PNG secret")
        (content / "2020/photo.png").unlink()
        (content / "2020/photo.png").symlink_to(tmp_path / "secret.png")
        noted = [content / "2020/photo.png"]
    else:
        (tmp_path / "incoming").mkdir()
        (tmp_path / "incoming/d.md").write_text("# D\n", encoding="utf-8")
        (tmp_path / "incoming").rename(content / "2021")
        noted = [content / "2021"]
    assert _rescan(config, last, *noted) is None
    whole = discover_sources(config)
    assert whole.sources != last.tree.sources or whole.resources != last.tree.resources or whole.diagnostics


def test_a_scan_that_cannot_be_trusted_is_made_again(tmp_path: Path) -> None:
    config, last = _site(tmp_path)
    edited = tmp_path / "content/2019/a.md"
    edited.write_text("# A, edited\n", encoding="utf-8")
    unwatched = Scan(last.settings, last.tree, watched=False)
    assert _rescan(config, unwatched, edited) is None  # the watches were not in place yet
    other = Scan(("elsewhere", *last.settings[1:]), last.tree, watched=True)
    assert _rescan(config, other, edited) is None  # other settings: another content folder
    assert _rescan(config, last, "/somewhere/else/content/2019/a.md") is None  # a path by another name
    assert _rescan(config, last, edited, tmp_path / "content") is None  # the folder itself, moved or replaced
    assert _rescan(config, last, edited) is not None
    (tmp_path / "content").rename(tmp_path / "old-content")
    shutil.copytree(tmp_path / "old-content", tmp_path / "content")
    assert _rescan(config, last, edited) is None  # another folder in its place: the settings name its inode
    ignored = Config(root=tmp_path, ignore_files=[r"\.draft\.md$"])
    assert rescan(last, _settings(ignored), frozenset({str(edited)}), ({}, {})) is None


def test_a_tree_with_a_link_is_always_scanned_whole(tmp_path: Path) -> None:
    """Editing a link's target notes the target's path alone: the link's source would
    keep the old digest."""
    config, _ = _site(tmp_path)
    (tmp_path / "content/2019/alias.md").symlink_to(tmp_path / "content/2019/a.md")
    linked = Scan(_settings(config), discover_sources(config), watched=True)
    assert linked.tree.linked and not linked.trusted
    (tmp_path / "content/2019/a.md").write_text("# A, edited\n", encoding="utf-8")
    assert _rescan(config, linked, tmp_path / "content/2019/a.md") is None
