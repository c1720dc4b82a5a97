"""Parse and convert sources, in this process or spread over forked processes.

Converting Markdown is most of a cold build's cost and each article is independent,
so large builds hand sources to one process per core. Small builds stay serial:
starting workers costs more than it saves below `PARALLEL_THRESHOLD` sources, and so do
platforms without fork (forks.py), where spawned workers would pickle every source.
Results leave a worker encoded as plain data (incremental/codec.py): the same bytes cross
to the main process and go into the cache, which must never hold anything that runs when
read. Each process reads the files it converts itself: the main process only hashes
them, so it never holds every article's text (nor do the workers it forks).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

from sitegen.build.forks import fork_map
from sitegen.config.settings import Config
from sitegen.content.frontmatter import Document, parse_source
from sitegen.content.sources import Source, read_source
from sitegen.content.zones import site_zone
from sitegen.errors import Diagnostic
from sitegen.incremental.cache import encode_body
from sitegen.incremental.codec import Refused, Unencodable, decode_result, encode_result
from sitegen.markup.pruning_support import warn_if_unsupported
from sitegen.render.bodies import BodyConverter, ConvertedBody, NeedsRoutes, NeedsSite, RefIndex, split_body
from sitegen.render.templates import TemplateError, make_environment
from sitegen.site.model import Body

PARALLEL_THRESHOLD = 96
CHUNK_SIZE = 24


@dataclass(frozen=True)
class SourceResult:
    """Everything learnt from one source, independent of the date and build flags."""

    document: Document | None
    converted: ConvertedBody | None  # without the body's HTML and table of contents...
    diagnostics: tuple[Diagnostic, ...]
    body: Body | None = None  # ...which travel here from the worker to the cache, then go
    needs_site: bool = False  # a shortcode reads the assembled site: converted in a second pass
    needs_routes: bool = False  # a shortcode calls ref or relref: converted once pages are routed
    transient: bool = False  # the file could not be read as hashed: true of this build only


def detach_source(result: SourceResult) -> SourceResult:
    """The result without its source's text: what crosses between processes.

    The main process does not keep sources' text (the processes that convert them read
    them), so neither the results it keeps nor the cache carry it.
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
    """Parses and converts sources for one site; one per process. `refs`: every published
    page's route, for ref and relref (see BodyConverter)."""

    def __init__(self, config: Config, site: Any = None, refs: RefIndex | None = None) -> None:
        self.taxonomies = tuple(config.taxonomies.values())
        self.zone = site_zone(config)
        self.config, self.site, self.refs = config, site, refs
        self._converter: BodyConverter | None = None

    @property
    def converter(self) -> BodyConverter:
        """Made on first use (the second pass sets its site on it)."""
        if self._converter is None:
            self._converter = BodyConverter(self.config, make_environment(self.config), self.site, self.refs)
        return self._converter

    def process(self, source: Source) -> SourceResult:
        """Parse and convert one source, read from its file unless its text is given."""
        if not source.text:
            read, problem = self.read(source)
            if read is None:
                return SourceResult(None, None, (problem,) if problem else (), transient=True)
            source = read
        parsed = parse_source(source, self.taxonomies, self.zone)
        if parsed.document is None:
            return SourceResult(None, None, parsed.diagnostics)
        try:
            converted, problems = self.converter.convert(parsed.document)
        except TemplateError as exc:
            return SourceResult(parsed.document, None, parsed.diagnostics + tuple(exc.diagnostics))
        except NeedsSite:
            return SourceResult(parsed.document, None, parsed.diagnostics, needs_site=True)
        except NeedsRoutes:
            return SourceResult(parsed.document, None, parsed.diagnostics, needs_routes=True)
        except RecursionError:  # thousands of nested emphasis markers, say: the converter recurses
            return SourceResult(parsed.document, None, parsed.diagnostics + (Diagnostic(
                source.path, parsed.document.body_line, 1, "error", "text nested too deeply to convert "
                "(emphasis, links, lists or quotes inside each other hundreds of times)",
                "flatten it: no page needs that much nesting"),))
        if converted is None:
            return SourceResult(parsed.document, None, parsed.diagnostics + tuple(problems))
        light, body = split_body(converted)
        return SourceResult(parsed.document, light, parsed.diagnostics + tuple(problems), body)

    def read(self, source: Source) -> tuple[Source | None, Diagnostic | None]:
        """The file's text, as long as it still has the bytes the build hashed."""
        read, problem = read_source(Path(source.file), source.path, source.content_path)
        if read is not None and read.digest != source.digest:
            return None, Diagnostic(source.path, 1, 1, "error", "file changed while the site was building",
                                    "build again once the file is saved")
        return read, problem


@dataclass(frozen=True)
class Processed:
    """A result as it leaves the process that made it, encoded once: the same bytes cross to
    the main process and go into the cache. The body travels apart, to its own table. A
    result the codec cannot carry, true of this build only, or waiting for the second pass,
    crosses as it is, uncached."""

    encoded: bytes | None  # codec.encode_result of the result, without its body
    body: bytes | None  # cache.encode_body of the converted body
    uncached: SourceResult | None = None  # when `encoded` is None: the result, without text or body

    def result(self, source: Source) -> SourceResult:
        if self.encoded is None:
            assert self.uncached is not None
            return attach_source(self.uncached, source)
        document, converted, diagnostics = decode_result(self.encoded, source)
        return SourceResult(document, converted, diagnostics)


def pack(result: SourceResult) -> Processed:
    light = replace(detach_source(result), body=None)
    body = encode_body(result.body) if result.body is not None else None  # compressed here, in parallel
    # A source whose shortcodes read the site is converted in the second pass, which caches
    # its body by the site's key; its first-pass result is parsed again each build.
    if not (result.transient or result.needs_site or result.needs_routes):
        try:
            return Processed(encode_result(light.document, light.converted, light.diagnostics), body)
        except Unencodable:
            pass  # a front matter value of a type the cache does not carry: converted every build
    return Processed(None, body, light)


def cached_result(encoded: bytes, source: Source) -> SourceResult | None:
    """A result read back from the cache for `source`; None if the bytes are not a whole one."""
    try:
        document, converted, diagnostics = decode_result(encoded, source)
    except Refused:
        return None
    return SourceResult(document, converted, diagnostics)


class BodyRebuilder:
    """Makes a body again by converting its source, when the cache's copy is damaged or gone.

    Given to the build's body store (BodyStore.rebuild_with), it runs in whichever process renders
    the page; the processor is made on first use, in that process."""

    def __init__(self, config: Config, sources: dict[str, Source]) -> None:
        self.config = config
        self.sources = sources  # by cache key
        self._processor: SourceProcessor | None = None
        self.refs: RefIndex | None = None  # the build's routes, once known (load_site sets them)

    def __call__(self, key: str) -> Body | None:
        source = self.sources.get(key)
        if source is None:
            return None
        if self._processor is None:
            self._processor = SourceProcessor(self.config, refs=self.refs)
        return self._processor.process(replace(source, text="")).body


def _processing(config: Config, refs: RefIndex | None) -> Callable[[Source], Processed]:
    """What converts sources in one process: its processor is made once there (after the
    fork, in a worker), and every result leaves it packed."""
    processor = SourceProcessor(config, refs=refs)
    return lambda source: pack(processor.process(source))


def worker_count(jobs: int | None = None) -> int:
    """Processes to use: --jobs if given, else the cores this process may run on."""
    if jobs:
        return max(1, jobs)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def process_sources(config: Config, sources: list[Source], jobs: int | None = None,
                    refs: RefIndex | None = None) -> Iterator[Processed]:
    """Converted results in the order of `sources`, their refs resolved against `refs`, as
    they come: forked workers inherit the sources and convert them in chunks (fork_map).
    Closing the iterator early (an error, a cancelled build) ends the workers."""
    warn_if_unsupported()  # here, before workers fork, so that only this process says it
    workers = min(worker_count(jobs), max(1, len(sources) // CHUNK_SIZE))
    if len(sources) < PARALLEL_THRESHOLD:
        workers = 1  # converted here
    yield from fork_map(partial(_processing, config, refs), sources, workers, CHUNK_SIZE)
