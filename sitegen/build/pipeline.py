"""Run a build: load and check everything, plan every file, render, then swap the site in.

Diagnostics from every file are gathered and the build fails once, before the
first byte is written, so a broken edit never publishes half a site. A build whose
inputs are those of the last one, with its output intact, stops after hashing the
sources (see unchanged.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import jinja2

from sitegen.build.loading import (
    CheckedSite,
    ProgressCallback,
    engine_fingerprint,
    load_site,
    read_sources,
)
from sitegen.build.lock import build_lock
from sitegen.build.planning import PlannedSite, plan_site
from sitegen.config.folders import folder_problems
from sitegen.config.settings import Config
from sitegen.errors import BuildFailed, ConfigError, Diagnostic, TemplateError, raise_errors
from sitegen.incremental.cache import BuildCache, digest
from sitegen.incremental.fingerprint import Fingerprinter
from sitegen.incremental.unchanged import LastBuild, input_digest, output_stands, remember_build
from sitegen.output.faults import checkpoint
from sitegen.output.ownership import OutputState, check_output, open_output
from sitegen.output.url_history import load_history, plan_moves, save_history
from sitegen.output.writer import StagedOutput, WriteReport
from sitegen.render.render_pool import Environments, RenderOutcome, render_plans
from sitegen.render.templates import compile_all, make_environment, templates_fingerprint, with_site
from sitegen.search.indexing import index_search

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
          use_cache: bool = True, jobs: int | None = None, progress: ProgressCallback | None = None,
          wait: bool = True, on_wait: Callable[[str], None] | None = None,
          allow_removed_urls: bool = False) -> BuildReport:
    """Build the whole site into the output folder; raises SiteError on any problem.

    With `strict`, warnings fail the build too, before anything is written. With the
    cache, unchanged sources are neither parsed nor converted and pages whose inputs
    did not change are not rendered again: their previous file is kept. One build of a
    project runs at a time: another one waits (telling `on_wait`), or without `wait`
    stops with BuildBusy. A URL published before that this build would drop fails it,
    unless `allow_removed_urls` (url_history).
    """
    problems = folder_problems(config)  # load_config checked them; a Config made by hand is not
    if problems:
        raise ConfigError(problems)
    try:
        check_output(config.path("output"), config.paths.output)  # before the lock makes the cache folder
        with build_lock(config, wait=wait, on_wait=on_wait):
            return _build_locked(config, now, keep_foreign, strict, use_cache, jobs, progress,
                                 allow_removed_urls)
    except OSError as exc:
        raise BuildFailed([io_failure(exc, config)]) from None


def _build_locked(config: Config, now: datetime, keep_foreign: bool, strict: bool, use_cache: bool,
                  jobs: int | None, progress: ProgressCallback | None,
                  allow_removed_urls: bool) -> BuildReport:
    """The build itself, under the lock: nothing else touches the output or the cache."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    out_dir = config.path("output")
    state = open_output(out_dir, config.paths.output, keep_foreign)
    cache = BuildCache(config.path("cache") if use_cache else None)
    try:
        tree = read_sources(config, timings, cache)
        templates = templates_fingerprint(config)  # read once: the input digest and page fingerprints
        inputs = input_digest(config, tree, templates, engine_fingerprint(), keep_foreign)
        history_copy = cache.folder if cache.enabled else None
        history = load_history(config, history_copy)
        last = output_stands(cache, state, digest(inputs, history.digest()), now)
        if last is not None:
            return _standing(config, last, state, strict, timings, started)
        checked = load_site(config, now, timings, cache, jobs, progress, tree)
        _refuse_warnings(strict, checked.warnings)
        clock = time.perf_counter()
        planned = plan_site(config, checked)
        planned, moves = plan_moves(planned, checked, config, history, now, allow_removed_urls)
        timings["plan"] = time.perf_counter() - clock
        clock = time.perf_counter()
        envs = _environments(config, cache.compiled_templates(), planned)
        env = envs.default
        for one in {id(e): e for e in (env, *envs.by_language.values())}.values():
            compile_all(one, {plan.template for plan in planned.plans})
        fingerprinter = _fingerprinter(config, env, planned, checked, templates)
        previous = cache.page_fingerprints()
        timings["templates"] = time.perf_counter() - clock
        staged = StagedOutput(out_dir, keep_foreign, cache.spare_site(), state, config.paths.output)
        rendered, report = _write(config, planned, envs, staged, fingerprinter, previous, jobs, timings,
                                  lambda: save_history(config, history_copy, moves))
        clock = time.perf_counter()
        cache.put_page_fingerprints(rendered.fingerprints)
        remember_build(cache, LastBuild(digest(inputs, moves.history().digest()), len(planned.plans),
                                        checked.warnings, checked.stable_until))
        timings["swap"] += time.perf_counter() - clock
    finally:
        cache.close()
    return BuildReport(len(planned.plans), len(staged.outputs), report, checked.warnings,
                       time.perf_counter() - started, timings, rendered.rendered,
                       (rendered.derived_made, len(planned.derived)), tuple(sorted(moves.moved)),
                       moves.forgotten)


def _standing(config: Config, last: LastBuild, state: OutputState, strict: bool, timings: dict[str, float],
              started: float) -> BuildReport:
    """The report of a build that found the last build's site still standing."""
    _refuse_warnings(strict, last.warnings)
    if config.search.enabled:
        timings["search kept"] = 0.0  # the whole previous site stands, index included
    files = len(state.made)
    return BuildReport(last.pages, files, WriteReport(0, files, (), tuple(sorted(state.foreign))),
                       last.warnings, time.perf_counter() - started, timings, 0)


def _environments(config: Config, compiled: Path | None, planned: PlannedSite) -> Environments:
    """One environment per site language: its `T`, dates, `site` and `lang_url`."""
    by_language = {}
    for site in planned.sites or (planned.site,):
        translator = planned.translators.get(site.language, planned.translator)
        by_language[site.language] = with_site(make_environment(config, compiled, translator, site.lang_prefix),
                                               site)
    return Environments(by_language[planned.site.language], by_language)


def _write(config: Config, planned: PlannedSite, env: Environments, staged: StagedOutput,
           fingerprinter: Fingerprinter, previous: dict[str, str], jobs: int | None,
           timings: dict[str, float], before_swap: Callable[[], None]) -> tuple[RenderOutcome, WriteReport]:
    """Render, copy and index into staging, then swap it in; on any failure, throw it away."""
    clock = time.perf_counter()
    try:
        rendered = render_plans(planned.plans, planned.derived, env, staged, fingerprinter, previous, jobs)
        raise_errors(rendered.problems, TemplateError)
        checkpoint("rendered")
        for copy in planned.copies:
            staged.copy(copy.output, copy.source)
        timings["render"] = time.perf_counter() - clock
        if config.search.enabled:
            searched = index_search(staged, planned.plans, fingerprinter.searched, config, bool(previous))
            timings["search" if searched.indexed else "search kept"] = searched.seconds
        clock = time.perf_counter()
        before_swap()  # the URL history is written before the site it describes goes live
        report = staged.commit()
        timings["swap"] = time.perf_counter() - clock
    except BaseException:
        staged.abort()
        raise
    return rendered, report


def io_failure(exc: OSError, config: Config) -> Diagnostic:
    """A file the build could not read or write, named as the editor knows it."""
    path = Path(exc.filename) if exc.filename else None
    shown = str(path) if path is not None else ""
    if path is not None and path.is_relative_to(config.root):
        shown = path.relative_to(config.root).as_posix()
    reason = exc.strerror or type(exc).__name__
    sources = [config.path(name) for name in ("content", "templates", "static", "archetypes")]
    if path is not None and any(path.is_relative_to(folder) for folder in sources):
        return Diagnostic(shown, 0, 0, "error", f"cannot be read: {reason}",
                          "check that the file exists and that you may read it")
    return Diagnostic(shown, 0, 0, "error", f"cannot write the site here: {reason}",
                      "check that you may write to this folder and that the disk has room; "
                      "the previous site was left as it was")


def _refuse_warnings(strict: bool, warnings: tuple[Diagnostic, ...]) -> None:
    """With --strict, warnings fail the build, before anything is written."""
    if strict and warnings:
        raise BuildFailed(list(warnings) + [Diagnostic(
            "", 0, 0, "error", f"{len(warnings)} warning(s) with --strict; nothing was written",
            "fix the warnings above, or build without --strict")])


def _fingerprinter(config: Config, env: jinja2.Environment, planned: PlannedSite, checked: CheckedSite,
                   templates: str) -> Fingerprinter:
    base = digest(checked.conversion, templates, engine_fingerprint(), checked.catalog.digest)
    article_digests = {p.document.source.path: p.document.source.digest for p in checked.pages}
    return Fingerprinter(env, base, planned.site, article_digests, repr(config))
