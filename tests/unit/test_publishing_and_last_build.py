"""sitegen/incremental/unchanged.py: when the last build's site still stands, and what is published."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sitegen.build.loading import engine_fingerprint
from sitegen.config.settings import Config, load_config
from sitegen.content.frontmatter import Document, parse_source
from sitegen.content.publication import is_published, next_change
from sitegen.content.sources import discover_sources, read_source
from sitegen.errors import Diagnostic
from sitegen.incremental.cache import BuildCache
from sitegen.incremental.unchanged import LastBuild, input_digest, last_build, remember_build
from sitegen.render.templates import templates_fingerprint
from tests.support.sites import article

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def _document(make_site: Callable[..., Path], text: str) -> tuple[Config, Document]:
    root = make_site({"content/x.md": text})
    source, _ = read_source(root / "content/x.md", "content/x.md", "x.md")
    assert source is not None
    document = parse_source(source, ("categories", "tags")).document
    assert document is not None
    return load_config(root), document


def test_drafts_future_and_expired_pages_are_left_out_until_asked_for(make_site: Callable[..., Path]) -> None:
    config, draft = _document(make_site, article("D", "2020-01-01", draft="true"))
    assert not is_published(draft, config, NOW) and next_change(draft, config, NOW) is None
    _, future = _document(make_site, article("F", "2026-07-01"))
    assert not is_published(future, config, NOW)
    assert next_change(future, config, NOW) == datetime(2026, 7, 1, tzinfo=UTC)
    _, expiring = _document(make_site, article("E", "2020-01-01", expiryDate="2026-09-01"))
    assert is_published(expiring, config, NOW)
    assert next_change(expiring, config, NOW) == datetime(2026, 9, 1, tzinfo=UTC)
    assert not is_published(expiring, config, datetime(2026, 10, 1, tzinfo=UTC))


def test_the_last_build_stands_for_the_same_inputs_until_a_page_comes_due() -> None:
    last = LastBuild("abc", 3, (), datetime(2026, 7, 1, tzinfo=UTC).timestamp())
    assert last.stands("abc", NOW)
    assert not last.stands("abd", NOW)
    assert not last.stands("abc", datetime(2026, 7, 2, tzinfo=UTC))


def test_the_record_of_the_last_build_survives_the_cache_and_garbage_does_not(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    warning = Diagnostic("content/x.md", 2, 1, "warning", "no title", "add one")
    remember_build(cache, LastBuild("abc", 3, (warning,), None))
    assert last_build(cache) == LastBuild("abc", 3, (warning,), None)
    cache.put_meta({"last_build": '{"inputs": "abc"}'})
    assert last_build(cache) is None
    cache.close()


def test_the_input_digest_changes_with_any_input(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/a.md": article("A"), "static/x.css": "a{}"})
    config = load_config(root)

    def inputs() -> str:
        return input_digest(config, discover_sources(config), templates_fingerprint(config),
                            engine_fingerprint(), False)

    first = inputs()
    assert inputs() == first
    os.utime(root / "static/x.css", ns=(1, 1))  # static files by size and time
    assert inputs() != first
    second = inputs()
    (root / "content/2019/a.md").write_text(article("A", body="Changed."), encoding="utf-8")
    assert inputs() != second
