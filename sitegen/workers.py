"""Parse and convert sources, in this process or spread over a pool of processes.

Converting Markdown is most of a cold build's cost and each article is independent,
so large builds hand sources to one process per core. Small builds stay serial:
starting workers costs more than it saves below `PARALLEL_THRESHOLD` sources.
Results are plain frozen dataclasses, so they pickle to and from workers and into
the cache unchanged.
"""

from __future__ import annotations

import multiprocessing
import os
from dataclasses import dataclass, replace
from typing import Iterator

from .bodies import BodyConverter, ConvertedBody
from .config import Config
from .errors import Diagnostic
from .frontmatter import Document, parse_source
from .sources import Source
from .templates import TemplateError, make_environment

PARALLEL_THRESHOLD = 96
CHUNK_SIZE = 24


@dataclass(frozen=True)
class SourceResult:
    """Everything learnt from one source, independent of the date and build flags."""

    document: Document | None
    converted: ConvertedBody | None
    diagnostics: tuple[Diagnostic, ...]


def detach_source(result: SourceResult) -> SourceResult:
    """The result without its source's text: what crosses between processes and is cached.

    The main process already holds every source's text (it read and hashed them), so
    sending it back from workers, or storing it in the cache, would only double it.
    """
    doc = result.document
    if doc is None or not doc.source.text:
        return result
    return replace(result, document=replace(doc, source=replace(doc.source, text="")))


def attach_source(result: SourceResult, source: Source) -> SourceResult:
    """Give a detached result back the source it came from (the same path and digest)."""
    doc = result.document
    if doc is None or doc.source is source:
        return result
    return replace(result, document=replace(doc, source=source))


class SourceProcessor:
    """Parses and converts sources for one site; one per process."""

    def __init__(self, config: Config) -> None:
        self.taxonomies = tuple(config.taxonomies.values())
        self.converter = BodyConverter(config, make_environment(config))

    def process(self, source: Source) -> SourceResult:
        parsed = parse_source(source, self.taxonomies)
        if parsed.document is None:
            return SourceResult(None, None, parsed.diagnostics)
        try:
            converted, problems = self.converter.convert(parsed.document)
        except TemplateError as exc:
            return SourceResult(parsed.document, None, parsed.diagnostics + tuple(exc.diagnostics))
        return SourceResult(parsed.document, converted, parsed.diagnostics + tuple(problems))


_worker: SourceProcessor | None = None


def _init_worker(config: Config) -> None:
    global _worker  # one processor per worker process, built once
    _worker = SourceProcessor(config)


def _process_in_worker(source: Source) -> SourceResult:
    assert _worker is not None
    return detach_source(_worker.process(source))


def worker_count(jobs: int | None = None) -> int:
    """Processes to use: --jobs if given, else the cores this process may run on."""
    if jobs:
        return max(1, jobs)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def process_sources(config: Config, sources: list[Source], jobs: int | None = None) -> Iterator[SourceResult]:
    """Results in the order of `sources`."""
    workers = min(worker_count(jobs), max(1, len(sources) // CHUNK_SIZE))
    if workers < 2 or len(sources) < PARALLEL_THRESHOLD:
        processor = SourceProcessor(config)
        yield from (processor.process(source) for source in sources)
        return
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods()
                                          else "spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(config,)) as pool:
        for source, result in zip(sources, pool.imap(_process_in_worker, sources, chunksize=CHUNK_SIZE)):
            yield attach_source(result, source)
