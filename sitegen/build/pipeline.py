"""Run a build: load and check everything, plan every file, render, then swap the site in.

Diagnostics from every file are gathered and the build fails once, before the
first byte is written, so a broken edit never publishes half a site. A build whose
inputs are those of the last one, with its output intact, stops after hashing the
sources (see unchanged.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime

import jinja2

from sitegen.incremental.cache import BuildCache, digest
from sitegen.config.settings import Config
from sitegen.errors import BuildFailed, Diagnostic, TemplateError, raise_errors
from sitegen.incremental.fingerprint import Fingerprinter
from sitegen.build.loading import CheckedSite, ProgressCallback, engine_fingerprint, load_site, read_sources
from sitegen.build.planning import PlannedSite, plan_site
from sitegen.render.render_pool import render_plans
from sitegen.search.indexing import index_search
from sitegen.render.templates import compile_all, make_environment, templates_fingerprint, with_site
from sitegen.incremental.unchanged import LastBuild, input_digest, output_stands, remember_build
from sitegen.output.url_history import load_history, plan_moves, save_history
from sitegen.output.writer import StagedOutput, WriteReport, check_output_dir, read_manifest, recover_interrupted

__all__ = ["BuildReport", "CheckedSite", "PlannedSite", "build", "load_site", "plan_site"]


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
    moved: tuple[str, ...] = ()  # URLs published before that now redirect to their page's new URL
    forgotten: tuple[str, ...] = ()  # URLs published before, removed with allow_removed_urls


def build(config: Config, *, now: datetime, keep_foreign: bool = False, strict: bool = False,
          use_cache: bool = True, jobs: int | None = None,
          progress: ProgressCallback | None = None, allow_removed_urls: bool = False) -> BuildReport:
    """Build the whole site into the output folder; raises SiteError on any problem.

    With `strict`, warnings fail the build too, before anything is written. With the
    cache, unchanged sources are neither parsed nor converted and pages whose inputs
    did not change are not rendered again: their previous file is kept. A URL published
    before that this build would drop fails it, unless `allow_removed_urls` (url_history).
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
        history_copy = cache.folder if cache.enabled else None
        history = load_history(config, history_copy)
        last = output_stands(cache, out_dir, digest(inputs, history.digest()), now)
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
        planned, moves = plan_moves(planned, checked, config, history, now, allow_removed_urls)
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
            raise_errors(rendered.problems, TemplateError)
            fingerprints = rendered.fingerprints
            for copy in planned.copies:
                staged.copy(copy.output, copy.source)
            timings["render"] = time.perf_counter() - clock
            if config.search.enabled:
                searched = index_search(staged, planned.plans, fingerprints, previous, config)
                timings["search" if searched.indexed else "search kept"] = searched.seconds
            clock = time.perf_counter()
            save_history(config, history_copy, moves)
            report = staged.commit()
        except BaseException:
            staged.abort()
            raise
        cache.put_page_fingerprints(fingerprints)
        remember_build(cache, LastBuild(digest(inputs, moves.history().digest()), len(planned.plans),
                                        checked.warnings, checked.stable_until))
        timings["swap"] = time.perf_counter() - clock
    finally:
        cache.close()
    return BuildReport(len(planned.plans), len(staged.outputs), report, checked.warnings,
                       time.perf_counter() - started, timings, rendered.rendered,
                       (rendered.derived_made, len(planned.derived)), tuple(sorted(moves.moved)),
                       moves.forgotten)


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
