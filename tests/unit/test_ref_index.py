"""`ref` and `relref` targets resolve by path, file name, stem or a bundle's folder, as in Hugo."""

from __future__ import annotations

from pathlib import PurePosixPath

import pytest

from sitegen.content.urls import Route
from sitegen.markup.shortcodes import ShortcodeFailure
from sitegen.render.bodies import RefIndex

PATHS = ("2019/bases.md", "about.md", "2020/trip/index.md", "docs/_index.md", "2021/a.b.md",
         "2022/bases.md", ".hidden", "2023/x/index")


def _index() -> RefIndex:
    return RefIndex({path: Route(f"/{n}/", f"{n}/index.html", "", str(n), "article", "")
                     for n, path in enumerate(PATHS)})


def _expected_names(path: str) -> set[str]:
    """What pathlib says a file's names are (the names RefIndex knows it by)."""
    pure = PurePosixPath(path)
    return {pure.name, pure.stem, pure.parent.name if pure.stem in ("index", "_index") else ""} - {""}


def test_each_file_is_known_by_the_names_pathlib_gives_it() -> None:
    index = _index()
    for path in PATHS:
        known = {name for name, paths in index.by_name.items() if path in paths}
        assert known == {name.lower() for name in _expected_names(path)}, path


@pytest.mark.parametrize(("target", "path"), [("about", "/1/"), ("about.md", "/1/"), ("trip", "/2/"),
                                              ("docs", "/3/"), ("a.b", "/4/"), ("2019/bases.md", "/0/"),
                                              ("x#part", "/7/#part")])
def test_a_target_resolves_to_its_page(target: str, path: str) -> None:
    assert _index().resolve(target).path == path


def test_a_name_two_files_share_is_ambiguous() -> None:
    with pytest.raises(ShortcodeFailure, match="ref 'bases' is ambiguous: 2019/bases.md, 2022/bases.md"):
        _index().resolve("bases")
