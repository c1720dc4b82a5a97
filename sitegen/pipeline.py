"""Run the stages in order: read and check everything, render everything, then write.

Diagnostics from every file are gathered and the build fails once, before the
first byte is written, so a broken edit never publishes half a site.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath

from .assemble import PageInput, assemble_site
from .bodies import BodyConverter
from .config import Config
from .derived import derive_outputs
from .errors import (BuildFailed, ContentError, Diagnostic, OutputConflictError, SiteError,
                     TemplateError)
from .model import SiteView
from .frontmatter import Document, parse_source
from .routes import plan_outputs
from .sources import SourceTree, discover_sources
from .templates import OutputPlan, RenderedFile, make_environment, render_output
from .urls import Route, route_document
from .writer import CopiedFile, WriteReport, check_output_dir, recover_interrupted, write_outputs


@dataclass(frozen=True)
class BuildReport:
    pages: int  # HTML pages rendered
    files: int  # every file in the output
    write: WriteReport | None
    warnings: tuple[Diagnostic, ...]
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedSite:
    """Everything read and checked, nothing written: what `check` and `build` share."""

    documents: tuple[Document, ...]
    routes: dict[str, Route]
    pages: tuple[PageInput, ...]
    tree: SourceTree
    warnings: tuple[Diagnostic, ...]


def is_published(doc: Document, config: Config, now: datetime) -> bool:
    """Drafts, future and expired pages are left out, as Hugo does, unless asked for."""
    meta = doc.meta
    if meta.draft and not config.build_drafts:
        return False
    publish = meta.publish_date or meta.date
    if publish and publish > now and not config.build_future:
        return False
    if meta.expiry_date and meta.expiry_date <= now:
        return False
    return True


def load_site(config: Config, now: datetime, timings: dict[str, float] | None = None) -> CheckedSite:
    """Read, parse, route and convert every page; raise one SiteError listing every problem."""
    timings = {} if timings is None else timings
    clock = time.perf_counter()
    tree = discover_sources(config)
    problems = list(tree.diagnostics)
    taxonomies = tuple(config.taxonomies.values())
    documents: list[Document] = []
    for source in tree.sources:
        result = parse_source(source, taxonomies)
        problems.extend(result.diagnostics)
        if result.document and is_published(result.document, config, now):
            documents.append(result.document)
    timings["parse"] = time.perf_counter() - clock
    routes, route_problems = _route_all(documents, config)
    problems.extend(route_problems)
    _raise_errors(problems, ContentError)
    clock = time.perf_counter()
    env = make_environment(config)
    converter = BodyConverter(config, env, {d.source.content_path: routes[d.source.path] for d in documents})
    pages: list[PageInput] = []
    for doc in documents:
        converted, diagnostics = converter.convert(doc)
        problems.extend(diagnostics)
        if converted:
            pages.append(PageInput(doc, routes[doc.source.path], converted.body, converted.summary_html))
    timings["convert"] = time.perf_counter() - clock
    _raise_errors(problems, ContentError)
    warnings = tuple(sorted(d for d in problems if not d.is_error))
    return CheckedSite(tuple(documents), routes, tuple(pages), tree, warnings)


@dataclass(frozen=True)
class PlannedSite:
    """The assembled site and every file it will contain, before any template runs."""

    site: SiteView
    plans: tuple[OutputPlan, ...]
    derived: tuple[RenderedFile, ...]
    copies: tuple[CopiedFile, ...]

    def outputs(self) -> set[str]:
        return ({p.output for p in self.plans} | {d.output for d in self.derived}
                | {c.output for c in self.copies})


def plan_site(config: Config, checked: CheckedSite) -> PlannedSite:
    """Assemble the site and plan every output file; raises on URL conflicts."""
    site = assemble_site(list(checked.pages), config)
    plans = plan_outputs(site, checked.routes, config)
    derived = derive_outputs(site, config)
    copies = _copies(config, checked)
    _check_copy_conflicts([*(RenderedFile(p.output, b"") for p in plans), *derived], copies)
    return PlannedSite(site, tuple(plans), tuple(derived), tuple(copies))


def build(config: Config, *, now: datetime, keep_foreign: bool = False,
          strict: bool = False) -> BuildReport:
    """Build the whole site into the output folder; raises SiteError on any problem.

    With `strict`, warnings fail the build too, before anything is written.
    """
    started = time.perf_counter()
    timings: dict[str, float] = {}
    out_dir = config.path("output")
    check_output_dir(config, out_dir)
    recover_interrupted(out_dir)
    checked = load_site(config, now, timings)
    if strict and checked.warnings:
        raise BuildFailed(list(checked.warnings) + [Diagnostic(
            "", 0, 0, "error", f"{len(checked.warnings)} warning(s) with --strict; nothing was written",
            "fix the warnings above, or build without --strict")])
    clock = time.perf_counter()
    planned = plan_site(config, checked)
    env = make_environment(config)
    rendered: list[RenderedFile] = []
    problems: list[Diagnostic] = []
    for plan in planned.plans:
        try:
            rendered.append(render_output(plan, env))
        except TemplateError as exc:
            problems.extend(d for d in exc.diagnostics if d not in problems)
    _raise_errors(problems, TemplateError)
    rendered.extend(planned.derived)
    timings["render"] = time.perf_counter() - clock
    clock = time.perf_counter()
    report = write_outputs(rendered, list(planned.copies), out_dir, keep_foreign=keep_foreign)
    timings["write"] = time.perf_counter() - clock
    return BuildReport(len(planned.plans), len(rendered) + len(planned.copies), report,
                       checked.warnings, time.perf_counter() - started, timings)


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


def _check_copy_conflicts(rendered: list[RenderedFile], copies: tuple[CopiedFile, ...] | list[CopiedFile]) -> None:
    pages = {r.output for r in rendered}
    clashes = [Diagnostic(str(c.source.name), 0, 0, "error",
                          f"{c.output} is both a generated page and a copied file",
                          "rename or move the file in static/ or content/")
               for c in copies if c.output in pages]
    if clashes:
        raise OutputConflictError(clashes)


def _raise_errors(problems: list[Diagnostic], kind: type[SiteError]) -> None:
    errors = [d for d in problems if d.is_error]
    if errors:
        raise kind(errors + [d for d in problems if not d.is_error])
