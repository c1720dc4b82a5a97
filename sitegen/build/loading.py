"""Read, parse, convert and route every source: the part of a build that `check` shares.

Sources are hashed (`sources`), parsed and converted where the cache has no result for
them (`workers`, over a pool of processes for a large site), published or left out by
their dates, routed to URLs, and their ref links resolved. Every problem in every file is
gathered, and the stage fails once with all of them (`raise_errors`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path
from typing import Callable, Iterator

from sitegen.site.assemble import PageInput
from sitegen.render.bodies import ConvertedBody, RefIndex, as_markup, resolve_refs
from sitegen.incremental.cache import Body, BuildCache, digest
from sitegen.config.settings import Config
from sitegen.errors import ContentError, Diagnostic, raise_errors
from sitegen.content.frontmatter import Document
from sitegen.content.links import project_files
from sitegen.i18n.catalog import Catalog, load_catalog
from sitegen.i18n.glossary import GLOSSARY_FILE, Glossary, load_glossary
from sitegen.i18n.languages import localized, place_document, site_languages
from sitegen.site.model import ArticleBody
from sitegen.content.sources import SourceTree, discover_sources
from sitegen.render.templates import templates_fingerprint
from sitegen.incremental.unchanged import is_published, next_change
from sitegen.content.urls import Route, route_document
from sitegen.build.workers import Processed, SourceResult, attach_source, process_sources

ENGINE_VERSION = "0.1.0"
ProgressCallback = Callable[[int, int], None]  # (done, total), for a terminal's progress line
CACHE_BATCH = 256  # converted sources per cache transaction


@dataclass(frozen=True)
class CheckedSite:
    """Everything read and checked, nothing written: what `check` and `build` share."""

    documents: tuple[Document, ...]
    routes: dict[str, Route]
    pages: tuple[PageInput, ...]
    tree: SourceTree
    warnings: tuple[Diagnostic, ...]
    conversion: str  # conversion_fingerprint, read once per build: it reads the shortcode templates
    stable_until: float | None = None  # when time alone next changes which pages are published
    catalog: Catalog = field(default_factory=Catalog)  # the theme's UI strings (i18n/), checked with the content
    glossary: Glossary = field(default_factory=Glossary)  # data/glossary.yaml


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """Digest of the engine's own source: a new engine never reuses an old build's pages."""
    package = Path(__file__).resolve().parents[1]
    return digest(*(p.read_bytes() for p in sorted(package.rglob("*.py"))))


def conversion_fingerprint(config: Config) -> str:
    """Everything besides a source's own bytes that shapes how it parses and converts.

    Only the settings conversion reads: Markdown options, taxonomy names, `extra` (for
    the param shortcode), the shortcode templates, the glossary (first uses are marked in
    bodies), and `site` only when a shortcode template reads it. Changing the site's title re-renders pages but converts nothing.
    """
    shortcodes = config.path("templates") / "shortcodes"
    reads_site = any(re.search(r"\bsite\.", re.sub(r"\{#.*?#\}", "", p.read_text(
        encoding="utf-8", errors="replace"), flags=re.DOTALL))
        for p in sorted(shortcodes.glob("*.html"))) if shortcodes.is_dir() else False
    glossary = [path.read_bytes() for rel, path in project_files(config, "data") if rel == GLOSSARY_FILE]
    return digest(ENGINE_VERSION, engine_fingerprint(), repr(config.markdown), *glossary,
                  repr(sorted(config.taxonomies.items())), repr(sorted(config.extra.items(), key=str)),
                  repr(config.site) if reads_site else "",
                  templates_fingerprint(config, "shortcodes"))


def read_sources(config: Config, timings: dict[str, float], cache: BuildCache | None = None) -> SourceTree:
    """Discover the sources, taking unchanged files' digests from the cache's stamps."""
    clock = time.perf_counter()
    stamps = cache.file_stamps() if cache is not None else {}
    tree = discover_sources(config, stamps)
    if cache is not None:
        cache.put_file_stamps(tree.stamps, stamps)
    timings["read"] = time.perf_counter() - clock
    return tree


def load_site(config: Config, now: datetime, timings: dict[str, float] | None = None,
              cache: BuildCache | None = None, jobs: int | None = None,
              progress: ProgressCallback | None = None, tree: SourceTree | None = None) -> CheckedSite:
    """Read, parse, route and convert every page; raise one SiteError listing every problem.

    Converted bodies go to `cache` (its database, or its memory without one); the pages
    returned read them from there when a template asks (model.ArticleBody). `tree`: the
    sources if already discovered.
    """
    timings = {} if timings is None else timings
    cache = cache or BuildCache(None)
    tree = tree or read_sources(config, timings)
    clock = time.perf_counter()
    conversion = conversion_fingerprint(config)
    results = _source_results(config, tree, cache, conversion, jobs, progress)
    timings["convert"] = time.perf_counter() - clock
    catalog, problems = load_catalog(config)
    glossary, glossary_problems = load_glossary(config)
    problems += glossary_problems + list(tree.diagnostics)
    published: list[tuple[Document, ConvertedBody | None, str]] = []
    changes: list[datetime] = []
    for key, result in results:
        problems.extend(result.diagnostics)
        if result.document is None:
            continue
        if is_published(result.document, config, now):
            published.append((result.document, result.converted, key))
        change = next_change(result.document, config, now)
        if change is not None:
            changes.append(change)
    documents = [doc for doc, _, _ in published]
    routes, route_problems = _route_all(documents, config)
    problems.extend(route_problems)
    raise_errors(problems, ContentError)
    refs = RefIndex({d.source.content_path: routes[d.source.path] for d in documents})
    pages: list[PageInput] = []
    for doc, converted, key in published:
        if converted is None:
            continue
        if converted.has_refs:
            converted, ref_problems = _resolve_refs(config, cache, key, converted, doc, refs)
            problems.extend(ref_problems)
        content = ArticleBody(partial(cache.get_body, key), doc.source.path)
        pages.append(PageInput(doc, routes[doc.source.path], converted.body, converted.summary_html, content,
                               converted.glossary))
    raise_errors(problems, ContentError)
    warnings = tuple(sorted(d for d in problems if not d.is_error))
    stable_until = min(changes).timestamp() if changes else None
    return CheckedSite(tuple(documents), routes, tuple(pages), tree, warnings, conversion, stable_until,
                       catalog, glossary)


def _resolve_refs(config: Config, cache: BuildCache, key: str, converted: ConvertedBody, doc: Document,
                  refs: RefIndex) -> tuple[ConvertedBody, list[Diagnostic]]:
    """Put page URLs in place of a body's ref tokens; this build keeps the result in memory."""
    html, toc = cache.get_body(key) or ("", "")
    resolved, html, problems = resolve_refs(converted, html, doc, refs, config)
    cache.hold_body(key, (html, toc))
    return as_markup(resolved), problems  # the tokens' URLs made the summary a plain str


def _source_results(config: Config, tree: SourceTree, cache: BuildCache, conversion: str,
                    jobs: int | None, progress: ProgressCallback | None = None
                    ) -> list[tuple[str, SourceResult]]:
    """(cache key, result) for every source: from the cache where its key matches, else computed.

    Computed results are stored, bodies apart, while the workers convert the rest; only
    the results without their bodies are kept in memory.
    """
    base = conversion if cache.enabled else ""
    keys = [digest(base, s.path, s.digest) for s in tree.sources]
    known = cache.get_sources(keys)
    missing = [s for s, k in zip(tree.sources, keys) if k not in known]
    computed = process_sources(config, missing, jobs)
    if progress is not None:
        computed = _reporting(computed, len(missing), progress)
    fresh: dict[str, SourceResult] = {}
    batch: dict[str, bytes] = {}
    bodies: dict[str, Body] = {}
    for source, processed in zip(missing, computed):
        key = digest(base, source.path, source.digest)
        fresh[key] = processed.result(source)
        batch[key] = processed.pickled
        if processed.body is not None:
            bodies[key] = processed.body
        if len(batch) >= CACHE_BATCH:  # stored while workers convert the rest
            cache.put_sources(batch, bodies)
            batch, bodies = {}, {}
    cache.put_sources(batch, bodies)
    if fresh:
        cache.prune_sources(set(keys))
    return [(k, fresh[k] if k in fresh else attach_source(known[k], s)) for s, k in zip(tree.sources, keys)]


def _reporting(results: Iterator[Processed], total: int,
               progress: ProgressCallback) -> Iterator[Processed]:
    for done, result in enumerate(results, start=1):
        progress(done, total)
        yield result


def _route_all(documents: list[Document], config: Config) -> tuple[dict[str, Route], list[Diagnostic]]:
    """Every document's route, in its language (i18n/languages.py); two on one URL are refused."""
    routes: dict[str, Route] = {}
    owners: dict[str, str] = {}
    problems: list[Diagnostic] = []
    languages = {language.code: language for language in site_languages(config)}
    for doc in documents:
        placement = place_document(doc, tuple(languages.values()))
        route, problem = route_document(doc, config, placement.content_path)
        if problem:
            problems.append(problem)
            continue
        assert route is not None
        route = localized(route, languages[placement.lang], doc.source.content_path, bool(doc.meta.url))
        other = owners.get(route.output)
        if other:
            problems.append(Diagnostic(
                doc.source.path, 1, 1, "error",
                f"URL {route.path} is claimed by both {other} and {doc.source.path}",
                "give one of them a different slug or url in its front matter"))
            continue
        owners[route.output] = doc.source.path
        routes[doc.source.path] = route
    return routes, problems
