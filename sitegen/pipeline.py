"""Run the stages in order: read and check everything, render everything, then write.

Diagnostics from every file are gathered and the build fails once, before the
first byte is written, so a broken edit never publishes half a site.
"""

from __future__ import annotations

import dataclasses
import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache, partial
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

import jinja2

from .assemble import PageInput, assemble_site
from .bodies import ConvertedBody, RefIndex, as_markup, resolve_refs
from .cache import Body, BuildCache, digest
from .config import Config
from .derived import derive_outputs
from .errors import (BuildFailed, ContentError, Diagnostic, OutputConflictError, SiteError,
                     TemplateError)
from .fingerprint import Fingerprinter
from .frontmatter import Document
from .model import ArticleBody, SiteView
from .render_pool import render_plans
from .routes import plan_outputs
from .search import index_search
from .sources import SourceTree, discover_sources
from .templates import (DerivedFile, OutputPlan, compile_all, make_environment, templates_fingerprint,
                        with_site)
from .unchanged import LastBuild, input_digest, is_published, next_change, output_stands, remember_build
from .urls import Route, route_document
from .workers import Processed, SourceResult, attach_source, process_sources
from .writer import CopiedFile, StagedOutput, WriteReport, check_output_dir, read_manifest, recover_interrupted

ENGINE_VERSION = "0.1.0"


@dataclass(frozen=True)
class BuildReport:
    pages: int  # HTML pages rendered
    files: int  # every file in the output
    write: WriteReport | None
    warnings: tuple[Diagnostic, ...]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    rendered: int = 0  # pages actually rendered (the rest were unchanged)
    derived: tuple[int, int] = (0, 0)  # feeds, sitemap and the like: (made, of how many)


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


@lru_cache(maxsize=1)
def engine_fingerprint() -> str:
    """Digest of the engine's own source: a new engine never reuses an old build's pages."""
    package = Path(__file__).resolve().parent
    return digest(*(p.read_bytes() for p in sorted(package.glob("*.py"))))


def conversion_fingerprint(config: Config) -> str:
    """Everything besides a source's own bytes that shapes how it parses and converts.

    Only the settings conversion reads: Markdown options, taxonomy names, `extra` (for
    the param shortcode), the shortcode templates, and `site` only when a shortcode
    template reads it. Changing the site's title re-renders pages but converts nothing.
    """
    shortcodes = config.path("templates") / "shortcodes"
    reads_site = any(re.search(r"\bsite\.", re.sub(r"\{#.*?#\}", "", p.read_text(
        encoding="utf-8", errors="replace"), flags=re.DOTALL))
        for p in sorted(shortcodes.glob("*.html"))) if shortcodes.is_dir() else False
    return digest(ENGINE_VERSION, engine_fingerprint(), repr(config.markdown),
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
    problems = list(tree.diagnostics)
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
    _raise_errors(problems, ContentError)
    refs = RefIndex({d.source.content_path: routes[d.source.path] for d in documents})
    pages: list[PageInput] = []
    for doc, converted, key in published:
        if converted is None:
            continue
        if converted.has_refs:
            converted, ref_problems = _resolve_refs(config, cache, key, converted, doc, refs)
            problems.extend(ref_problems)
        content = ArticleBody(partial(cache.get_body, key), doc.source.path)
        pages.append(PageInput(doc, routes[doc.source.path], converted.body, converted.summary_html, content))
    _raise_errors(problems, ContentError)
    warnings = tuple(sorted(d for d in problems if not d.is_error))
    stable_until = min(changes).timestamp() if changes else None
    return CheckedSite(tuple(documents), routes, tuple(pages), tree, warnings, conversion, stable_until)


def _resolve_refs(config: Config, cache: BuildCache, key: str, converted: ConvertedBody, doc: Document,
                  refs: RefIndex) -> tuple[ConvertedBody, list[Diagnostic]]:
    """Put page URLs in place of a body's ref tokens; this build keeps the result in memory."""
    html, toc = cache.get_body(key) or ("", "")
    resolved, html, problems = resolve_refs(converted, html, doc, refs, config)
    cache.hold_body(key, (html, toc))
    return as_markup(resolved), problems  # the tokens' URLs made the summary a plain str


ProgressCallback = Callable[[int, int], None]  # (done, total), for a terminal's progress line
CACHE_BATCH = 256  # converted sources per cache transaction


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


@dataclass(frozen=True)
class PlannedSite:
    """The assembled site and every file it will contain, before any template runs."""

    site: SiteView
    plans: tuple[OutputPlan, ...]
    derived: tuple[DerivedFile, ...]
    copies: tuple[CopiedFile, ...]

    def outputs(self) -> set[str]:
        return ({p.output for p in self.plans} | {d.output for d in self.derived}
                | {c.output for c in self.copies})


def plan_site(config: Config, checked: CheckedSite) -> PlannedSite:
    """Assemble the site and plan every output file; raises on URL conflicts."""
    site = assemble_site(list(checked.pages), config)
    try:
        plans = plan_outputs(site, checked.routes, config)
    except OutputConflictError as exc:
        raise OutputConflictError(_with_key_lines(exc.diagnostics, checked, "aliases", "alias ")) from None
    derived = derive_outputs(site, config)
    copies = _copies(config, checked)
    _check_copy_conflicts(plans, derived, copies, config)
    return PlannedSite(site, tuple(plans), tuple(derived), tuple(copies))


def build(config: Config, *, now: datetime, keep_foreign: bool = False, strict: bool = False,
          use_cache: bool = True, jobs: int | None = None,
          progress: ProgressCallback | None = None) -> BuildReport:
    """Build the whole site into the output folder; raises SiteError on any problem.

    With `strict`, warnings fail the build too, before anything is written. With the
    cache, unchanged sources are neither parsed nor converted and pages whose inputs
    did not change are not rendered again: their previous file is kept.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    out_dir = config.path("output")
    check_output_dir(config, out_dir)
    recover_interrupted(out_dir)
    cache = BuildCache(config.path("cache") if use_cache else None)
    try:
        tree = read_sources(config, timings, cache)
        templates = templates_fingerprint(config)  # read once: the input digest and page fingerprints
        inputs = input_digest(config, tree, templates, engine_fingerprint(), keep_foreign)
        last = output_stands(cache, out_dir, inputs, now)
        if last is not None:
            _refuse_warnings(strict, last.warnings)
            files = len(read_manifest(out_dir))
            if config.search.enabled:
                timings["search kept"] = 0.0  # the whole previous site stands, index included
            return BuildReport(last.pages, files, WriteReport(0, files, (), ()), last.warnings,
                               time.perf_counter() - started, timings, 0)
        checked = load_site(config, now, timings, cache, jobs, progress, tree)
        _refuse_warnings(strict, checked.warnings)
        clock = time.perf_counter()
        planned = plan_site(config, checked)
        timings["plan"] = time.perf_counter() - clock
        clock = time.perf_counter()
        env = with_site(make_environment(config, cache.compiled_templates()), planned.site)
        compile_all(env, {plan.template for plan in planned.plans})
        fingerprinter = _fingerprinter(config, env, planned, checked, templates)
        previous = cache.page_fingerprints()
        timings["templates"] = time.perf_counter() - clock
        clock = time.perf_counter()
        staged = StagedOutput(out_dir, keep_foreign, cache.spare_site())
        try:
            rendered = render_plans(planned.plans, planned.derived, env, staged, fingerprinter,
                                    previous, jobs)
            _raise_errors(rendered.problems, TemplateError)
            fingerprints = rendered.fingerprints
            for copy in planned.copies:
                staged.copy(copy.output, copy.source)
            timings["render"] = time.perf_counter() - clock
            if config.search.enabled:
                searched = index_search(staged, planned.plans, fingerprints, previous, config)
                timings["search" if searched.indexed else "search kept"] = searched.seconds
            clock = time.perf_counter()
            report = staged.commit()
        except BaseException:
            staged.abort()
            raise
        cache.put_page_fingerprints(fingerprints)
        remember_build(cache, LastBuild(inputs, len(planned.plans), checked.warnings, checked.stable_until))
        timings["swap"] = time.perf_counter() - clock
    finally:
        cache.close()
    return BuildReport(len(planned.plans), len(staged.outputs), report, checked.warnings,
                       time.perf_counter() - started, timings, rendered.rendered,
                       (rendered.derived_made, len(planned.derived)))


def _refuse_warnings(strict: bool, warnings: tuple[Diagnostic, ...]) -> None:
    """With --strict, warnings fail the build, before anything is written."""
    if strict and warnings:
        raise BuildFailed(list(warnings) + [Diagnostic(
            "", 0, 0, "error", f"{len(warnings)} warning(s) with --strict; nothing was written",
            "fix the warnings above, or build without --strict")])


def _fingerprinter(config: Config, env: jinja2.Environment, planned: PlannedSite, checked: CheckedSite,
                   templates: str) -> Fingerprinter:
    base = digest(checked.conversion, templates, engine_fingerprint())
    article_digests = {p.document.source.path: p.document.source.digest for p in checked.pages}
    return Fingerprinter(env, base, planned.site, article_digests, repr(config))


def _route_all(documents: list[Document], config: Config) -> tuple[dict[str, Route], list[Diagnostic]]:
    routes: dict[str, Route] = {}
    owners: dict[str, str] = {}
    problems: list[Diagnostic] = []
    for doc in documents:
        route, problem = route_document(doc, config)
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


def _copies(config: Config, checked: CheckedSite) -> list[CopiedFile]:
    """Static files, and files beside articles (page bundles) next to their pages."""
    copies: list[CopiedFile] = []
    static = config.path("static")
    if static.is_dir():
        for path in sorted(p for p in static.rglob("*") if p.is_file()):
            copies.append(CopiedFile(path.relative_to(static).as_posix(), path))
    bundles = {r.bundle_dir: r for r in checked.routes.values() if r.bundle_dir}
    for resource in checked.tree.resources:
        folder = PurePosixPath(resource.content_path).parent.as_posix()
        route = bundles.get(folder)
        if route is not None:
            target = str(PurePosixPath(route.output).parent / PurePosixPath(resource.content_path).name)
        else:
            target = resource.content_path
        copies.append(CopiedFile(target, resource.absolute))
    return copies


def _check_copy_conflicts(plans: list[OutputPlan], derived: list[DerivedFile],
                          copies: list[CopiedFile], config: Config) -> None:
    """A file from static/ or content/ must not land where a page is generated."""
    makers = {d.output: "the build itself" for d in derived}
    for plan in plans:
        article = plan.context.get("article")
        makers[plan.output] = (f"the page made from {article.source_path}" if article is not None
                               else f"the {plan.context['page'].kind} page")
    root = config.root.resolve()
    clashes = []
    for copy in copies:
        if copy.output in makers:
            path = _relative(copy.source, root)
            clashes.append(Diagnostic(path, 0, 0, "error",
                                      f"this file would overwrite {makers[copy.output]}",
                                      f"rename or move {path}"))
    if clashes:
        raise OutputConflictError(clashes)


def _with_key_lines(diagnostics: list[Diagnostic], checked: CheckedSite, key: str,
                    prefix: str) -> list[Diagnostic]:
    """Point diagnostics about a front matter key at the line where the key is written."""
    documents = {doc.source.path: doc for doc in checked.documents}
    result = []
    for diagnostic in diagnostics:
        doc = documents.get(diagnostic.path)
        if doc is not None and diagnostic.line == 0 and diagnostic.message.startswith(prefix):
            diagnostic = dataclasses.replace(diagnostic, line=doc.key_line(key), col=1)
        result.append(diagnostic)
    return result


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.name


def _raise_errors(problems: list[Diagnostic], kind: type[SiteError]) -> None:
    errors = [d for d in problems if d.is_error]
    if errors:
        raise kind(errors + [d for d in problems if not d.is_error])
