"""sitegen/build/loading.py: what check and build share: read, parse, convert, route, publish."""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.build.loading import conversion_fingerprint, engine_fingerprint, load_site, read_sources
from sitegen.build.session import BuildSession
from sitegen.config.settings import load_config
from sitegen.content.sources import FileStamp
from sitegen.errors import ContentError
from sitegen.incremental.cache import BuildCache, StampRows
from tests.support.sites import article

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def test_published_pages_are_routed_and_drafts_and_future_pages_left_out(make_site: Callable[..., Path]) -> None:
    root = make_site({
        "content/2019/a.md": article("A", "2019-01-01", "Body *A*."),
        "content/2019/draft.md": article("Draft", "2019-01-02", draft="true"),
        "content/2027/later.md": article("Later", "2027-01-01"),
    })
    checked = load_site(load_config(root), NOW)
    assert [d.source.path for d in checked.documents] == ["content/2019/a.md"]
    assert checked.routes["content/2019/a.md"].path == "/2019/a/"
    assert checked.stable_until == datetime(2027, 1, 1, tzinfo=UTC).timestamp()  # when "later" comes due
    assert "<em>A</em>" in checked.pages[0].content.html
    drafts = load_site(load_config(root, {"build_drafts": True}), NOW)
    assert len(drafts.documents) == 2


def test_every_problem_is_reported_at_once(make_site: Callable[..., Path]) -> None:
    root = make_site({
        "content/2019/a.md": "---\ntitle: [unclosed\n---\n",
        "content/2019/b.md": article("B", "2019-02-30"),
    })
    with pytest.raises(ContentError) as caught:
        load_site(load_config(root), NOW)
    assert [(d.path, d.line) for d in caught.value.diagnostics] == [("content/2019/a.md", 2),
                                                                   ("content/2019/b.md", 3)]


def test_conversion_fingerprint_follows_what_shapes_conversion_only(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    first = conversion_fingerprint(load_config(root))
    config = (root / "config.yaml").read_text(encoding="utf-8")
    (root / "config.yaml").write_text(config.replace("Test archive", "Renamed"), encoding="utf-8")
    assert conversion_fingerprint(load_config(root)) == first  # the title converts nothing
    (root / "config.yaml").write_text(config + "markdown:\n  smart_quotes: false\n", encoding="utf-8")
    assert conversion_fingerprint(load_config(root)) != first
    (root / "config.yaml").write_text(config, encoding="utf-8")
    (root / "templates/shortcodes").mkdir(parents=True)
    (root / "templates/shortcodes/note.html").write_text("<aside>{{ inner }}</aside>", encoding="utf-8")
    assert conversion_fingerprint(load_config(root)) != first


def test_the_engine_fingerprint_is_stable_within_a_process() -> None:
    assert engine_fingerprint() == engine_fingerprint()
    assert len(engine_fingerprint()) == 64


def test_a_file_whose_stamp_still_matches_is_not_read_again(make_site: Callable[..., Path]) -> None:
    """The stamp's digest is taken as it is: here a digest no file has, which shows that the
    file was not read; a stamp that no longer matches the file's stat is not used."""
    root = make_site({"content/2019/a.md": article("A")})
    config = load_config(root)
    info = os.stat(root / "content/2019/a.md")
    cache = BuildCache(config.path("cache"))
    stamp = FileStamp(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, "f" * 64)
    cache.put_file_stamps({"content/2019/a.md": stamp}, StampRows("", {}))
    assert read_sources(config, {}, cache).sources[0].digest == "f" * 64
    changed = dataclasses.replace(stamp, size=info.st_size + 1)
    cache.put_file_stamps({"content/2019/a.md": changed}, StampRows("", {}))
    assert read_sources(config, {}, cache).sources[0].digest != "f" * 64
    cache.close()


def test_a_session_keeps_each_unchanged_source_and_makes_an_edited_one_again(make_site: Callable[..., Path]) -> None:
    """serve's session hands the last build's sources to the next: a file whose stamp still
    matches is the very same Source; an edited one is read and digested again."""
    root = make_site({"content/2019/a.md": article("A"), "content/2019/b.md": article("B")})
    past = time.time() - 60  # older than the racy window: stamped
    for name in ("a", "b"):
        os.utime(root / f"content/2019/{name}.md", (past, past))
    config, session = load_config(root), BuildSession()
    cache = BuildCache(config.path("cache"))
    first = {s.path: s for s in read_sources(config, {}, cache, session).sources}
    assert session.sources == first
    (root / "content/2019/b.md").write_text(article("B, edited"), encoding="utf-8")
    second = {s.path: s for s in read_sources(config, {}, cache, session).sources}
    assert second["content/2019/a.md"] is first["content/2019/a.md"]
    assert second["content/2019/b.md"].digest != first["content/2019/b.md"].digest
    assert session.sources == second
    cache.close()
