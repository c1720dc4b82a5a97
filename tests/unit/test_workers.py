"""sitegen/build/workers.py: sources parsed and converted here or in forked workers, alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sitegen.build.workers import (
    PARALLEL_THRESHOLD,
    SourceProcessor,
    attach_source,
    detach_source,
    process_sources,
    worker_count,
)
from sitegen.config.settings import load_config
from sitegen.content.sources import discover_sources
from sitegen.incremental.cache import decode_body
from tests.support.sites import article


def _site(make_site: Callable[..., Path], count: int) -> Path:
    return make_site({f"content/2020/a{i:03}.md": article(f"Article {i}", body=f"Text *{i}* [x](/y/).")
                      for i in range(count)})


def test_forked_workers_give_the_results_of_one_process(make_site: Callable[..., Path]) -> None:
    config = load_config(_site(make_site, PARALLEL_THRESHOLD))
    sources = list(discover_sources(config).sources)
    serial = list(process_sources(config, sources, jobs=1))
    forked = list(process_sources(config, sources, jobs=2))
    assert [(p.encoded, p.body) for p in forked] == [(p.encoded, p.body) for p in serial]
    assert len(serial) == PARALLEL_THRESHOLD and all(p.encoded is not None for p in serial)
    first = serial[0].result(sources[0])
    assert first.document is not None and first.document.meta.title == "Article 0"
    assert first.body is None  # the body travels apart, to its own table
    body = decode_body(serial[0].body)  # compressed in the worker, as the cache stores it
    assert body is not None and "<em>0</em>" in body[0]


def test_results_cross_processes_without_the_sources_text(make_site: Callable[..., Path]) -> None:
    config = load_config(_site(make_site, 1))
    source = discover_sources(config).sources[0]
    result = SourceProcessor(config).process(source)
    assert result.document is not None and result.document.source.text  # read by the processor
    light = detach_source(result)
    assert light.document is not None and light.document.source.text == ""
    assert attach_source(light, source).document.source is source  # type: ignore[union-attr]


def test_a_file_that_changes_while_the_site_builds_is_an_error(make_site: Callable[..., Path]) -> None:
    root = _site(make_site, 1)
    config = load_config(root)
    source = discover_sources(config).sources[0]
    (root / "content/2020/a000.md").write_text(article("Edited"), encoding="utf-8")
    result = SourceProcessor(config).process(source)
    assert result.document is None
    assert [d.format() for d in result.diagnostics] == [
        "content/2020/a000.md:1:1: error: file changed while the site was building\n"
        "  hint: build again once the file is saved"]


def test_worker_count_follows_jobs() -> None:
    assert worker_count(3) == 3
    assert worker_count(-1) == 1
    assert worker_count() >= 1


def test_a_large_build_converts_in_forked_workers_that_end_with_it(make_site: Callable[..., Path]) -> None:
    import multiprocessing

    config = load_config(_site(make_site, PARALLEL_THRESHOLD))
    sources = list(discover_sources(config).sources)
    results = process_sources(config, sources, jobs=2)
    next(results)
    assert len(multiprocessing.active_children()) == 2
    assert len(list(results)) == len(sources) - 1
    assert multiprocessing.active_children() == []
