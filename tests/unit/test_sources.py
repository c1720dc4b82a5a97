"""discover_sources and read_source: the only stage that reads content/, in isolation."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from sitegen.config.settings import Config
from sitegen.content import sources
from sitegen.content.sources import Resource, SourceTree, decode_text, discover_sources, read_source
from sitegen.errors import Diagnostic

HINT_UTF8 = "save the file as UTF-8 (most editors offer this under 'Save with encoding')"


def tree(root: Path, files: dict[str, str | bytes]) -> SourceTree:
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    (root / "content").mkdir(exist_ok=True)
    return discover_sources(Config(root=root))


def formatted(found: SourceTree) -> list[str]:
    return [d.format() for d in found.diagnostics]


def test_reads_markdown_in_a_stable_order_with_paths_relative_to_the_project(tmp_path: Path) -> None:
    """Top down: a folder's files (sorted) before its subfolders (sorted)."""
    found = tree(tmp_path, {"content/b.md": "b\n", "content/2019/a.md": "a\n", "content/a.markdown": "c\n",
                            "content/2018/z.md": "z\n"})
    assert [(s.path, s.content_path) for s in found.sources] == [
        ("content/a.markdown", "a.markdown"), ("content/b.md", "b.md"),
        ("content/2018/z.md", "2018/z.md"), ("content/2019/a.md", "2019/a.md")]
    assert found.diagnostics == ()


def test_normalises_line_endings_and_bom_but_digests_the_raw_bytes(tmp_path: Path) -> None:
    raw = "\ufeff---\r\ntitle: x\r\n---\rbody\r\n".encode("utf-8")
    found = tree(tmp_path, {"content/x.md": raw})
    (source,) = found.sources
    assert source.text == ""  # not kept: the process that converts it reads it again
    assert source.read_text() == "---\ntitle: x\n---\nbody\n"
    assert source.digest == hashlib.sha256(raw).hexdigest()


def test_other_files_are_resources_and_clutter_is_skipped(tmp_path: Path) -> None:
    found = tree(tmp_path, {
        "content/2019/x/index.md": "x\n", "content/2019/x/map.png": b"\x89PNG\x00",
        "content/.hidden.md": "h\n", "content/.git/config": "g\n", "content/x.md~": "backup\n",
        "content/2019/.DS_Store": b"\x00", "content/Thumbs.db": b"\x00",
    })
    assert [s.path for s in found.sources] == ["content/2019/x/index.md"]
    assert [(r.path, r.content_path) for r in found.resources] == [("content/2019/x/map.png", "2019/x/map.png")]
    assert isinstance(found.resources[0], Resource) and found.resources[0].absolute.is_file()


def test_a_missing_content_folder_is_one_diagnostic(tmp_path: Path) -> None:
    found = discover_sources(Config(root=tmp_path))
    assert formatted(found) == [("content: error: the content folder does not exist\n"
                                "  hint: create 'content/' and put articles in it")]


def test_every_bad_file_is_reported_at_once_and_good_ones_still_read(tmp_path: Path) -> None:
    found = tree(tmp_path, {"content/a.md": b"caf\xe9\n", "content/b.md": "fine\n", "content/c.md": b"\x00"})
    assert [s.path for s in found.sources] == ["content/b.md"]
    assert formatted(found) == [
        f"content/a.md:1:4: error: byte 0xe9 is not valid UTF-8\n  hint: {HINT_UTF8}",
        ("content/c.md:1:1: error: file is binary, not Markdown text\n"
         "  hint: rename it if it is not an article (e.g. .txt), or remove it"),
    ]


@pytest.mark.parametrize(("raw", "expected"), [
    (b"ok\n\xff", Diagnostic("x.md", 2, 1, "error", "byte 0xff is not valid UTF-8", HINT_UTF8)),
    ("日本語 ".encode() + b"\xe9", Diagnostic("x.md", 1, 5, "error", "byte 0xe9 is not valid UTF-8",
                                                   HINT_UTF8)),
    ("title".encode("utf-16"), Diagnostic("x.md", 1, 1, "error", "file is UTF-16 text, not UTF-8", HINT_UTF8)),
    ("title".encode("utf-16-be").join([b"\xfe\xff", b""]),
     Diagnostic("x.md", 1, 1, "error", "file is UTF-16 text, not UTF-8", HINT_UTF8)),
    (b"text\x00more", Diagnostic("x.md", 1, 1, "error", "file is binary, not Markdown text",
                                 "rename it if it is not an article (e.g. .txt), or remove it")),
], ids=["stray-byte", "column-counts-characters", "utf-16-le", "utf-16-be", "nul"])
def test_decode_text_explains_bytes_it_cannot_read(raw: bytes, expected: Diagnostic) -> None:
    assert decode_text(raw, "x.md") == (None, expected)


def test_decode_text_keeps_a_utf8_bom_for_the_caller_to_strip() -> None:
    assert decode_text("\ufeffé".encode("utf-8"), "x.md") == ("\ufeffé", None)


def test_a_file_over_the_limit_is_refused_without_reading_it(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sources, "MAX_SOURCE_BYTES", 2 * 1024 * 1024)
    big = tmp_path / "big.md"
    with big.open("wb") as handle:
        handle.truncate(3 * 1024 * 1024)
    assert read_source(big, "content/big.md", "big.md") == (None, Diagnostic(
        "content/big.md", 1, 1, "error", "file is 3 MB, larger than the 2 MB an article may be",
        "split it, or move data files out of content/"))


def test_a_folder_where_a_file_was_expected_is_a_diagnostic(tmp_path: Path) -> None:
    folder = tmp_path / "folder.md"
    folder.mkdir()
    assert read_source(folder, "content/folder.md", "folder.md") == (None, Diagnostic(
        "content/folder.md", 0, 0, "error", "is a folder, not a file",
        "rename the folder, or move it out of the way"))


def test_a_file_that_is_gone_is_a_diagnostic(tmp_path: Path) -> None:
    assert read_source(tmp_path / "gone.md", "content/gone.md", "gone.md") == (None, Diagnostic(
        "content/gone.md", 1, 1, "error", "file cannot be read: No such file or directory",
        "check that the file exists and that you may read it (chmod u+r)"))


def test_a_link_to_a_file_inside_content_is_read(tmp_path: Path) -> None:
    tree(tmp_path, {"content/2019/real.md": "real\n"})
    os.symlink("2019/real.md", tmp_path / "content/alias.md")
    found = discover_sources(Config(root=tmp_path))
    assert [s.path for s in found.sources] == ["content/alias.md", "content/2019/real.md"]
    assert found.diagnostics == ()


def test_links_outside_to_folders_and_to_nothing_are_refused(tmp_path: Path) -> None:
    tree(tmp_path, {"secret.md": "secret\n", "content/2018/old.md": "old\n"})
    os.symlink("../secret.md", tmp_path / "content/leak.md")
    os.symlink("2018", tmp_path / "content/linked")
    os.symlink("gone.md", tmp_path / "content/dangling.md")
    found = discover_sources(Config(root=tmp_path))
    assert [s.path for s in found.sources] == ["content/2018/old.md"]
    assert formatted(found) == [
        ("content/dangling.md:1:1: error: symbolic link points to nothing\n"
         "  hint: its target gone.md does not exist: remove the link"),
        ("content/leak.md:1:1: error: symbolic link points outside the content folder\n"
         "  hint: copy the file into content/ instead of linking to it"),
        ("content/linked:1:1: error: symbolic links to folders are not followed\n"
         "  hint: move the folder into place instead of linking to it"),
    ]
