"""sitegen/build/pipeline.py: one build, start to swap, and what its report says."""

from __future__ import annotations

import errno
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.build.pipeline import build, io_failure
from sitegen.config.settings import load_config
from sitegen.errors import BuildFailed
from tests.support.sites import article, read_tree

NOW = datetime(2026, 1, 1, tzinfo=UTC)
CONFIG = "site:\n  title: T\n  base_url: https://example.org/\nsearch:\n  enabled: false\n"


def test_a_build_reports_what_it_wrote(make_site: Callable[..., Path]) -> None:
    root = make_site({"config.yaml": CONFIG, "content/2019/a.md": article("A")})
    report = build(load_config(root), now=NOW)
    assert report.write is not None
    assert report.files == len(read_tree(root / "public")) - 1  # all but the manifest
    assert report.write.written == report.files and report.write.unchanged == 0
    assert report.rendered == report.pages and report.warnings == ()
    assert {"convert", "render", "swap"} <= set(report.timings)


def test_a_rebuild_with_nothing_changed_stops_after_hashing(make_site: Callable[..., Path]) -> None:
    root = make_site({"config.yaml": CONFIG, "content/2019/a.md": article("A")})
    first = build(load_config(root), now=NOW)
    before = read_tree(root / "public")
    again = build(load_config(root), now=NOW)
    assert (again.pages, again.files, again.rendered) == (first.pages, first.files, 0)
    assert again.write is not None and again.write.written == 0
    assert read_tree(root / "public") == before


def test_strict_turns_warnings_into_errors_before_anything_is_written(make_site: Callable[..., Path]) -> None:
    root = make_site({"config.yaml": CONFIG, "content/2019/a.md": "---\ndate: 2019-01-01\n---\nNo title.\n"})
    with pytest.raises(BuildFailed) as caught:
        build(load_config(root), now=NOW, strict=True)
    assert sorted(d.message for d in caught.value.diagnostics) == [
        "1 warning(s) with --strict; nothing was written", "missing title"]
    assert not (root / "public").exists()


def test_without_the_cache_nothing_is_kept_between_builds(make_site: Callable[..., Path]) -> None:
    root = make_site({"config.yaml": CONFIG, "content/2019/a.md": article("A")})
    build(load_config(root), now=NOW, use_cache=False)
    again = build(load_config(root), now=NOW, use_cache=False)
    assert again.rendered == again.pages
    assert not (root / ".cache" / "build.sqlite3").exists()


def test_io_failures_are_named_as_the_editor_knows_the_file(make_site: Callable[..., Path]) -> None:
    root = make_site({"config.yaml": CONFIG})
    config = load_config(root)
    source = OSError(errno.EACCES, "Permission denied", str(root / "content/2019/a.md"))
    output = OSError(errno.ENOSPC, "No space left on device", str(root / "public/index.html"))
    assert io_failure(source, config).format() == (
        "content/2019/a.md: error: cannot be read: Permission denied\n"
        "  hint: check that the file exists and that you may read it")
    assert io_failure(output, config).message == "no space left on the disk while writing it"
