"""Read, parse, convert and route every source: the part of a build that `check` shares.

Sources are hashed (`sources`), parsed and converted where the cache has no result for
them (`workers`, over a pool of processes for a large site), published or left out by
their dates, routed to URLs, and their ref links resolved. Every problem in every file is
gathered, and the stage fails once with all of them (`raise_errors`).
"""

from __future__ import annotations

import dataclasses
import operator
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from sitegen.build.second_pass import SecondPass
from sitegen.build.session import BuildSession
from sitegen.build.workers import (
    BodyRebuilder,
    Processed,
    SourceResult,
    cached_result,
    process_sources,
)
from sitegen.cancelling import with_cancel_points
from sitegen.config.settings import Config
from sitegen.content.build_options import build_options, unpublished_folders
from sitegen.content.frontmatter import Document
from sitegen.content.languages import localized, place_document, site_languages
from sitegen.content.links import project_files
from sitegen.content.publication import is_published, next_change
from sitegen.content.rescan import Scan, content_settings, rescan
from sitegen.content.sources import FileStamp, Source, SourceTree, discover_sources
from sitegen.content.urls import Route, alias_path, route_document
from sitegen.content.zones import site_zone
from sitegen.errors import ContentError, Diagnostic, raise_errors
from sitegen.incremental.bodies import BodyStore
from sitegen.incremental.cache import BuildCache, digest
from sitegen.render.bodies import ConvertedBody, RefIndex, refs_still_resolve
from sitegen.render.file_reads import READ_KIND
from sitegen.render.go_partials import PARTIALS_FOLDER
from sitegen.render.site_reads import ALL, site_attributes
from sitegen.render.templates import make_environment, templates_fingerprint
from sitegen.site.assemble import PageInput
from sitegen.site.catalog import Catalog, load_catalog
from sitegen.site.data import data_digest, load_data
from sitegen.site.glossary import GLOSSARY_FILE, Glossary, load_glossary
from sitegen.site.model import ArticleBody
from sitegen.theme import layered_files
from sitegen.version import __version__

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
    data: dict[str, Any] = field(default_factory=dict)  # the data/ folder, as site.data
    # Pages converted in the second pass, by source path: the cache key of the body, which
    # stands for the site the body was made from (page fingerprints use it, not the source's).
    body_keys: dict[str, str] = field(default_factory=dict)
    hidden_folders: frozenset[str] = frozenset()  # content folders whose files are not published
    resource_routes: dict[str, Route] = field(default_factory=dict)  # unrendered bundles' places
    catalog: Catalog = field(default_factory=Catalog)  # the theme's UI strings (i18n/), checked with the content
    glossary: Glossary = field(default_factory=Glossary)  # data/glossary.yaml
    file_reads: tuple[str, ...] = ()  # project files the shortcodes read (readFile), relative paths


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """Digest of the engine's own source: a new engine never reuses an old build's pages."""
    package = Path(__file__).resolve().parents[1]
    return digest(*(p.read_bytes() for p in sorted(package.rglob("*.py"))))


def conversion_fingerprint(config: Config) -> str:
    """Everything besides a source's own bytes that shapes how it parses and converts.

    Only the settings conversion reads: Markdown options, taxonomy names, `extra` (for
    the param shortcode), the shortcode templates, the glossary (first uses are marked in
    bodies), the languages, and `site` (and the data folder) only when a shortcode
    template reads it. Changing the site's title re-renders pages but converts nothing.
    Bodies whose shortcodes read the site's pages are converted again in a second pass
    whenever a page changes (build/second_pass.py).
    """
    used = shortcode_site_attributes(config)
    glossary = [path.read_bytes() for rel, path in project_files(config, "data") if rel == GLOSSARY_FILE]
    return digest(__version__, engine_fingerprint(), repr(config.markdown), *glossary,
                  repr(sorted(config.languages.items())), config.default_language,
                  repr(sorted(config.taxonomies.items())), repr(sorted(config.extra.items(), key=str)),
                  repr(config.site) if used else "", config.site.timezone,
                  data_digest(config) if used & {"data", ALL} else "",
                  templates_fingerprint(config, "shortcodes"), templates_fingerprint(config, PARTIALS_FOLDER))


def shortcode_site_attributes(config: Config) -> frozenset[str]:
    """Every attribute of `site` the shortcode templates (and the Hugo partials they call,
    render/go_partials.py) read (ALL for the whole of it)."""
    names = sorted(rel for rel, _ in layered_files(config, "templates")
                   if rel.startswith(("shortcodes/", PARTIALS_FOLDER + "/")) and rel.endswith(".html"))
    if not names:
        return frozenset()
    env = make_environment(config)
    return frozenset().union(*(site_attributes(env, name) for name in names))


def read_sources(config: Config, timings: dict[str, float], cache: BuildCache | None = None,
                 session: BuildSession | None = None) -> SourceTree:
    """Discover the sources, taking unchanged files' digests from the cache's stamps (the
    session's copy of them while the table is the one its last build left)."""
    clock = time.perf_counter()
    if cache is None:
        tree = discover_sources(config, {})
    elif session is None:
        stamps = cache.stamp_rows(None)
        tree = discover_sources(config, stamps.rows)
        cache.put_file_stamps(tree.stamps, stamps)
    else:
        stamps = cache.stamp_rows(session.stamps)
        tree = _session_sources(config, session, stamps.rows)
        session.stamps = cache.put_file_stamps(tree.stamps, stamps)
        session.sources = {source.path: source for source in tree.sources}
    timings["read"] = time.perf_counter() - clock
    return tree


def _session_sources(config: Config, session: BuildSession, stamps: Mapping[str, FileStamp]) -> SourceTree:
    """The sources from the files serve's watcher noted, when that tells all; else from a
    whole scan (content/rescan.py)."""
    noted = session.notes.take()  # before the scan: what changes during it is noted for the next
    settings = content_settings(str(config.root), str(config.path("content")), config.ignore_files)
    last = session.scan
    if noted is not None and last is not None:
        tree = rescan(last, settings, noted, (stamps, session.sources))
        if tree is not None:
            session.scan = last.again(tree)
            return tree
    tree = discover_sources(config, stamps, session.sources)
    session.scan = Scan(settings, tree, watched=noted is not None)
    return tree


def load_site(config: Config, now: datetime, timings: dict[str, float] | None = None,
              cache: BuildCache | None = None, jobs: int | None = None,
              progress: ProgressCallback | None = None, tree: SourceTree | None = None,
              session: BuildSession | None = None, bodies: BodyStore | None = None) -> CheckedSite:
    """Read, parse, route and convert every page; raise one SiteError listing every problem.

    Converted bodies go to `cache`; pages read them from `bodies`, the build's body store
    (a new one if not given). `tree`: the sources if already discovered. `session` (serve's,
    used only with the cache, whose keys hold the settings): results and routes kept from
    the last build (build/session.py).
    """
    timings, cache = {} if timings is None else timings, cache or BuildCache(None)
    bodies = BodyStore(cache) if bodies is None else bodies
    tree = tree or read_sources(config, timings)
    clock = time.perf_counter()
    site_zone(config)  # a wrong site.timezone stops here, before any worker starts
    conversion = conversion_fingerprint(config)
    problems = list(tree.diagnostics)
    stage = _Stages.read(config, tree, cache, bodies, conversion, jobs, progress, session)
    routed = _first_sort(stage.first_results(), config, now, session)  # its problems come below
    documents = [doc for doc, _, _ in routed.published]
    routes = _routes(documents, routed.options, config, problems, _router(config, stage.session))
    refs = RefIndex({d.source.content_path: routes[d.source.path] for d in documents if d.source.path in routes})
    results = stage.convert(config, cache, refs, jobs)
    timings["convert"] = time.perf_counter() - clock
    data, catalog, glossary = _site_files(config, problems)
    found = Published.sort(results, config, now, problems, routed)
    raise_errors(problems, ContentError)
    pages = _page_inputs(found.published, routes, bodies)
    body_keys, file_reads = _read_keys(found.published)
    if found.deferred:
        second = SecondPass(config, (cache, bodies), conversion, documents, data, found.unrendered, refs)
        body_keys.update(_second_pass(second, found, results, pages, routes, problems, timings))
    problems.extend(_translation_keys(documents, config))
    raise_errors(problems, ContentError)
    warnings = tuple(sorted(d for d in problems if not d.is_error))
    return CheckedSite(tuple(documents), routes, tuple(pages), tree, warnings, conversion, found.stable_until(),
                       data, body_keys, frozenset(unpublished_folders(found.parsed, found.options)),
                       _unrendered_bundles(found.parsed, found.options, config), catalog, glossary,
                       file_reads)


def _site_files(config: Config, problems: list[Diagnostic]) -> tuple[dict[str, Any], Catalog, Glossary]:
    """The data folder (site.data), the UI strings (i18n/) and the glossary; their problems
    go to `problems`, with the content's."""
    data, data_problems = load_data(config)
    catalog, catalog_problems = load_catalog(config)
    glossary, glossary_problems = load_glossary(config)
    problems.extend([*data_problems, *catalog_problems, *glossary_problems])
    return data, catalog, glossary


Verdict = tuple[str, datetime | None]  # where a parsed source goes, and when time changes that
PUBLISHED, UNRENDERED, LEFT_OUT = "published", "unrendered", ""


@dataclass
class Published:
    """The parsed sources sorted: published (some for the second pass), not rendered."""

    parsed: list[Document]
    options: dict[str, Any]  # build options, by source path
    published: list[tuple[Document, ConvertedBody | None, str]] = field(default_factory=list)
    deferred: list[tuple[Document, str]] = field(default_factory=list)  # shortcodes read the site
    unrendered: list[Document] = field(default_factory=list)  # render: never; GetPage finds them
    changes: list[datetime] = field(default_factory=list)  # when time changes what is published
    verdicts: dict[str, Verdict] = field(default_factory=dict)  # by cache key, for `sort`'s `first`

    def stable_until(self) -> float | None:
        """When time alone next changes which pages are published (POSIX time), or None."""
        return min(self.changes).timestamp() if self.changes else None

    @classmethod
    def sort(cls, results: list[tuple[str, SourceResult]], config: Config, now: datetime,
             problems: list[Diagnostic], first: Published | None = None) -> Published:
        """Sort `results`. `first`: a sort whose verdicts still hold under this `config` and
        `now` (the same build's before the refs were resolved, or serve's last build's: see
        `_first_sort`). While every document has the front matter and path of the one it
        sorted, its build options stand, and so does the verdict of each cache key it
        sorted (at 40,000 articles, working them out again took 0.13 s of an edit's build)."""
        parsed = [r.document for _, r in results if r.document is not None]
        same = first if first is not None and _same_front_matter(parsed, first.parsed) else None
        found = cls(parsed, same.options if same is not None else build_options(parsed))
        known = same.verdicts if same is not None else {}
        for key, result in with_cancel_points(results):
            problems.extend(result.diagnostics)
            doc = result.document
            if doc is not None:
                found._place(key, result, known.get(key) or _verdict(doc, found.options, config, now))
        return found

    def _place(self, key: str, result: SourceResult, verdict: Verdict) -> None:
        """File the result where its verdict says, and note the verdict for a later sort."""
        doc = result.document
        assert doc is not None
        self.verdicts[key] = verdict
        where, change = verdict
        if where == PUBLISHED:
            if result.needs_site:
                self.deferred.append((doc, key))
            self.published.append((doc, result.converted, key))
        elif where == UNRENDERED:
            self.unrendered.append(doc)
        if change is not None:
            self.changes.append(change)


def _same_front_matter(documents: list[Document], before: list[Document]) -> bool:
    """Whether each document has the path and front matter of the one in its place in
    `before` (all that build options read). Most are the very same object."""
    if len(documents) != len(before):
        return False
    return all(map(operator.is_, documents, before)) or all(
        a is b or (a.source.path == b.source.path and a.meta == b.meta) for a, b in zip(documents, before, strict=True))


def _first_sort(results: list[tuple[str, SourceResult]], config: Config, now: datetime,
                session: BuildSession | None) -> Published:
    """The sort of the results before refs are resolved, starting from serve's last
    build's while its verdicts still hold: the same configuration (its repr), and `now`
    before the first moment at which time alone changes one."""
    if session is None:
        return Published.sort(results, config, now, [])
    config_text, last = repr(config), session.sorted
    first = last[1] if last is not None and last[0] == config_text else None
    until = first.stable_until() if first is not None else None
    routed = Published.sort(results, config, now, [], first if until is None or now.timestamp() < until else None)
    session.sorted = (config_text, routed)
    return routed


def _verdict(doc: Document, options: dict[str, Any], config: Config, now: datetime) -> Verdict:
    """Published, published but not rendered (build options: render never), or left out;
    and when time alone changes that."""
    option = options.get(doc.source.path)
    where = LEFT_OUT
    if is_published(doc, config, now):
        where = PUBLISHED if option is None or option.published else UNRENDERED
    return where, next_change(doc, config, now)


Router = Callable[[Document], tuple[Route | None, Diagnostic | None]]


def _router(config: Config, session: BuildSession | None) -> Router:
    """A document's route in its language (i18n/languages.py), through the session's memory
    of routes when there is one: routing reads the document and the configuration only."""
    languages = {language.code: language for language in site_languages(config)}

    def route(doc: Document) -> tuple[Route | None, Diagnostic | None]:
        placement = place_document(doc, tuple(languages.values()))
        routed, problem = route_document(doc, config, placement.content_path)
        if problem or routed is None:
            return routed, problem
        return localized(routed, languages[placement.lang], doc.source.content_path, bool(doc.meta.url)), None

    if session is None:
        return route
    text = repr(config)
    return lambda doc: session.route(doc, text, lambda: route(doc))


def _routes(documents: list[Document], options: dict[str, Any], config: Config,
            problems: list[Diagnostic], router: Router) -> dict[str, Route]:
    """Every published page's route; problems with them, and notes on them, to `problems`."""
    routes, route_problems = _route_all(documents, router)
    for path, option in options.items():
        if option.list == "never" and path in routes and routes[path].kind == "article":
            routes[path] = dataclasses.replace(routes[path], kind="page")  # published, in no list
    problems.extend(route_problems)
    problems.extend(shared_aliases(documents) if not config.disable_aliases else [])
    problems.extend(own_search_page(routes, config))
    return routes


def _second_pass(second: SecondPass, found: Published, results: list[tuple[str, SourceResult]],
                 pages: list[PageInput], routes: dict[str, Route],
                 problems: list[Diagnostic], timings: dict[str, float]) -> dict[str, str]:
    """Convert the bodies whose shortcodes read the site and add their pages to `pages`;
    returns what stands for each of those bodies in page fingerprints."""
    clock = time.perf_counter()
    converted_again = second.convert(found.deferred, pages, routes, [k for k, _ in results])
    problems.extend(d for _, result in converted_again for d in result.diagnostics)
    again = [(result.document, result.converted, key) for key, result in converted_again
             if result.document is not None]
    pages += _page_inputs(again, routes, second.bodies)
    if second.converted:
        timings["convert with site"] = time.perf_counter() - clock
    # The site the body was made from; not the cache key, which a build without the cache
    # makes otherwise (the search index records these).
    return {doc.source.path: digest(doc.source.digest, second.site_key) for doc, _ in found.deferred}


def _read_keys(published: list[tuple[Document, ConvertedBody | None, str]]) -> tuple[dict[str, str], tuple[str, ...]]:
    """What stands for each body that read files (readFile) in page fingerprints: its
    source's digest and the files' (a body converted again after such a file changed
    must render its page again), by source path; and every file read, for the check that
    the last build's output still stands (incremental/unchanged.py)."""
    keys: dict[str, str] = {}
    names: set[str] = set()
    for doc, converted, _ in published:
        reads = [(name, hashed) for kind, name, hashed in (converted.refs if converted else ())
                 if kind == READ_KIND]
        if reads:
            keys[doc.source.path] = digest(doc.source.digest, *(f"{n}:{h}" for n, h in reads))
            names.update(name for name, _ in reads)
    return keys, tuple(sorted(names))


def _unrendered_bundles(documents: list[Document], options: dict[str, Any], config: Config) -> dict[str, Route]:
    """Routes of bundles that are not rendered but publish their files (a headless bundle):
    their files go where the page would be, as in Hugo."""
    routes = {}
    for doc in documents:
        option = options.get(doc.source.path)
        if option is not None and not option.published and option.publish_resources:
            route, _ = route_document(doc, config)
            if route is not None and route.bundle_dir:
                routes[doc.source.path] = route
    return routes


def _page_inputs(published: list[tuple[Document, ConvertedBody | None, str]], routes: dict[str, Route],
                 bodies: BodyStore) -> list[PageInput]:
    """A PageInput per converted page; bodies stay in the cache until the store loads them."""
    return [PageInput(doc, routes[doc.source.path], converted.body, converted.summary_html,
                      ArticleBody(bodies, key, doc.source.path), converted.glossary)
            for doc, converted, key in published if converted is not None]


def _translation_keys(documents: list[Document], config: Config) -> list[Diagnostic]:
    """One note for a site with one language: Hugo's translationKey links a page to its
    translations, which such a site has none of."""
    keyed = [doc for doc in documents if doc.meta.params.get("translationkey")]
    if not keyed or len(site_languages(config)) > 1:
        return []
    first = keyed[0]
    return [Diagnostic(first.source.path, first.key_line("translationKey"), 1, "note",
                       f"translationKey is set on {len(keyed)} page(s) and not used: this archive "
                       "has one language, so pages are not linked to translations",
                       "nothing to do; remove translationKey if the pages have no translations")]


@dataclass
class _Stages:
    """The sources read in two stages, so that ref and relref resolve as they are written,
    from a frozen table of every page's route.

    First each source without a stored result is parsed and converted; a body that calls
    ref or relref stops there (NeedsRoutes) with its front matter read. Every page is then
    routed, and those bodies are converted with the routes. A stored result (matching its
    key: conversion settings, path, digest) is converted again only if one of the refs it
    resolved now resolves to another URL."""

    sources: list[Source]
    keys: list[str]
    base: str  # what every key starts from: the conversion fingerprint when the cache is on
    known: dict[str, SourceResult]  # stored results, and those converted at the first stage
    fresh: set[str]  # keys of the results converted by this build
    bodies: BodyStore  # the build's: bodies the cache could not store are held there
    session: BuildSession | None = None

    @classmethod
    def read(cls, config: Config, tree: SourceTree, cache: BuildCache, bodies: BodyStore, conversion: str,
             jobs: int | None, progress: ProgressCallback | None,
             session: BuildSession | None = None) -> _Stages:
        base = conversion if cache.enabled else ""
        keys = _cache_keys(tree.sources, base, session)
        kept = session.results if session is not None and cache.enabled else {}
        known: dict[str, SourceResult] = {key: kept[key] for key in keys if key in kept}
        stored = cache.get_sources([key for key in keys if key not in known])
        for source, key in zip(tree.sources, keys, strict=True):
            if key in known:
                continue
            result = cached_result(stored[key], source) if key in stored else None
            if result is not None:  # else not stored, or not whole: converted again and replaced
                known[key] = result
        missing = [s for s, k in zip(tree.sources, keys, strict=True) if k not in known]
        fresh = _convert_missing(config, bodies, base, missing, jobs, progress, None)
        known.update(fresh)
        return cls(list(tree.sources), keys, base, known, set(fresh), bodies, session if cache.enabled else None)

    def first_results(self) -> list[tuple[str, SourceResult]]:
        return [(k, self.known[k]) for k in self.keys]

    def convert(self, config: Config, cache: BuildCache, refs: RefIndex,
                jobs: int | None) -> list[tuple[str, SourceResult]]:
        """(cache key, result) for every source, the refs of each resolved against `refs`."""
        again = [source for source, key in zip(self.sources, self.keys, strict=True)
                 if _needs_converting(self.known[key], refs, config)]
        rebuilder = BodyRebuilder(config, dict(zip(self.keys, self.sources, strict=True)))
        rebuilder.refs = refs
        self.bodies.rebuild_with(rebuilder)
        fresh = _convert_missing(config, self.bodies, self.base, again, jobs, None, refs)
        self.known.update(fresh)
        self.fresh.update(fresh)
        # A source whose shortcodes read the site is parsed again every build (its first-pass
        # result is never stored): that alone must not prune the second pass's stored bodies,
        # which are current while no source changes (their key holds every source's digest).
        if any(not self.known[key].needs_site for key in self.fresh):
            self._prune(cache)
        if self.session is not None:
            self.session.remember_results({k: self.known[k] for k in self.keys})
        return [(k, self.known[k]) for k in self.keys]

    def _prune(self, cache: BuildCache) -> None:
        """Forget the stored results no source uses; in a session that has pruned once, only
        its last build's keys can have gone (see BuildCache.prune_sources)."""
        session = self.session
        cache.prune_sources(set(self.keys), session.results.keys() if session is not None and session.pruned else None)
        if session is not None:
            session.pruned = True


def _cache_keys(sources: Sequence[Source], base: str, session: BuildSession | None) -> list[str]:
    """Each source's cache key: its conversion settings (`base`), path and digest. In a
    session, the key of a source that is the very one the last build had, under the same
    settings, is the last build's (hashing 40,000 of them again took 0.04 s of an edit's)."""
    if session is None:
        return [digest(base, s.path, s.digest) for s in sources]
    last, known = session.keys, dict[str, tuple[Source, str, str]]()
    for source in sources:
        kept = last.get(source.path)
        known[source.path] = kept if kept is not None and kept[0] is source and kept[1] == base else (
            source, base, digest(base, source.path, source.digest))
    session.keys = known
    return [known[source.path][2] for source in sources]


def _needs_converting(result: SourceResult, refs: RefIndex, config: Config) -> bool:
    """Whether a first-stage result must be converted with the routes: its body calls ref or
    relref, or it was stored with refs of which one now leads elsewhere (the page moved)."""
    if result.needs_routes:
        return True
    return result.converted is not None and not refs_still_resolve(result.converted, refs, config)


def _convert_missing(config: Config, store: BodyStore, base: str, missing: list[Source],
                     jobs: int | None, progress: ProgressCallback | None,
                     refs: RefIndex | None) -> dict[str, SourceResult]:
    """Convert the sources the cache has no result for, storing results in batches while
    the workers convert the rest (the body store holds the bodies the cache could not
    store); returns them by cache key."""
    computed = process_sources(config, missing, jobs, refs)
    if progress is not None:
        computed = _reporting(computed, len(missing), progress)
    fresh: dict[str, SourceResult] = {}
    batch: dict[str, bytes] = {}
    bodies: dict[str, bytes] = {}
    for source, processed in zip(missing, computed, strict=True):
        key = digest(base, source.path, source.digest)
        fresh[key] = processed.result(source)
        if processed.encoded is not None:
            batch[key] = processed.encoded
        if processed.body is not None:
            bodies[key] = processed.body
        if len(batch) >= CACHE_BATCH:  # stored while workers convert the rest
            store.keep(batch, bodies)
            batch, bodies = {}, {}
    store.keep(batch, bodies)
    return fresh


def _reporting(results: Iterator[Processed], total: int,
               progress: ProgressCallback) -> Iterator[Processed]:
    for done, result in enumerate(results, start=1):
        progress(done, total)
        yield result


def own_search_page(routes: dict[str, Route], config: Config) -> list[Diagnostic]:
    """A page of the site's own at /search/ takes the place of the built-in search page."""
    if not config.search.enabled:
        return []
    return [Diagnostic(source, 1, 1, "note", "this page is the site's /search/ page: the built-in "
                       "search page is not made (the search box in the header still works)",
                       "give this page another url or slug to keep the built-in search page")
            for source, route in routes.items() if route.path == "/search/"]


def shared_aliases(documents: list[Document]) -> list[Diagnostic]:
    """A warning for each alias that two pages give: the first page (by path) keeps it.

    Hugo writes both redirects to the one file and the last written wins; no page is
    lost either way, so this is a warning, not an error."""
    owners: dict[str, str] = {}
    problems = []
    for doc in sorted((d for d in documents if d.meta.aliases), key=lambda d: d.source.path):
        for alias in doc.meta.aliases:
            path = alias_path(alias, doc.source.content_path)
            first = owners.setdefault(path, doc.source.path)
            if first != doc.source.path:
                problems.append(Diagnostic(doc.source.path, doc.key_line("aliases"), 1, "warning",
                                           f"alias {path} is also an alias of {first}, which keeps it",
                                           "remove the alias from one of the two pages"))
    return problems


def _route_all(documents: list[Document], router: Router) -> tuple[dict[str, Route], list[Diagnostic]]:
    """Every document's route, in its language (`_router`); two on one URL are refused."""
    routes: dict[str, Route] = {}
    owners: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for doc in documents:
        route, problem = router(doc)
        if problem:
            problems.append(problem)
            continue
        assert route is not None
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
