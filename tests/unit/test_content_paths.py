"""The string forms of a content path's name, stem and parent agree with pathlib's."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from sitegen.content.paths import path_folders, path_name, path_parent, path_stem, path_suffix, path_without_suffix

PATHS = ("2019/bases.md", "about.md", "2020/trip/index.md", "docs/_index.md", "_index.md", "_index.en.md",
         "2021/a.b.md", ".hidden", "2023/x/index", "a/.md", "a.", "x/y/z/w.tar.gz", "日本/記事.md", "a/b.")


@pytest.mark.parametrize("path", PATHS)
def test_name_stem_and_parent_are_pathlibs(path: str) -> None:
    pure = PurePosixPath(path)
    assert (path_name(path), path_stem(path), path_parent(path)) == (pure.name, pure.stem, pure.parent.as_posix())
    assert path_without_suffix(path) == pure.with_suffix("").as_posix()
    assert path_suffix(path) == pure.suffix
    assert path_folders(path) == [p.as_posix() for p in reversed(pure.parents) if p.as_posix() != "."]
