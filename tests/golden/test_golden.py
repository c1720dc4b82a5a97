"""Each golden case builds to exactly its expected tree, byte for byte (see regenerate.py).

When a change to the output is meant, `python -m tests.golden.regenerate` rewrites the
expected trees; review their diff with the change (CONTRIBUTING.md, "Golden output trees").
"""

from __future__ import annotations

import difflib

import pytest

from tests.golden.regenerate import build_case, case_names, differences, expected_tree

HINT = "if the change is meant: python -m tests.golden.regenerate {name}, and review the diff"


def _first_text_diff(rel: str, expected: bytes, actual: bytes) -> str:
    try:
        old, new = expected.decode("utf-8"), actual.decode("utf-8")
    except UnicodeDecodeError:
        return f"{rel}: binary, {len(expected)} -> {len(actual)} bytes"
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), f"expected/{rel}", f"built/{rel}",
                                lineterm="", n=1)
    return "\n".join(list(diff)[:40])


def test_there_are_at_least_three_cases() -> None:
    assert len(case_names()) >= 3


@pytest.mark.parametrize("name", case_names())
def test_the_build_writes_the_expected_tree(name: str) -> None:
    expected, actual = expected_tree(name), build_case(name)
    assert expected, f"tests/golden/{name}/expected/ is empty: {HINT.format(name=name)}"
    found = differences(expected, actual)
    changed = [line.removeprefix("changed: ") for line in found if line.startswith("changed: ")]
    detail = _first_text_diff(changed[0], expected[changed[0]], actual[changed[0]]) if changed else ""
    assert not found, "\n".join([*found[:20], detail, HINT.format(name=name)])


@pytest.mark.parametrize("name", case_names())
def test_each_case_has_pages_feeds_a_sitemap_and_search_data(name: str) -> None:
    """The goldens cover every kind of output, so none can change unseen."""
    files = expected_tree(name)
    assert "index.html" in files and "sitemap.xml" in files and "robots.txt" in files
    assert any(rel.endswith(".xml") and rel not in ("sitemap.xml",) for rel in files)
    search = (GOLDEN_SEARCH.get(name, True))
    assert any(rel.startswith("pagefind/") for rel in files) is search


GOLDEN_SEARCH = {"overrides": False}  # the case that builds with search.enabled: false
