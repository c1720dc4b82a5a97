"""Run a build: load and check everything, plan every file, render, then swap the site in.

Diagnostics from every file are gathered and the build fails once, before the
first byte is written, so a broken edit never publishes half a site. A build whose
inputs are those of the last one, with its output intact, stops after hashing the
sources (see unchanged.py).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial

import jinja2

from sitegen.build.citing import prepare_citations
from sitegen.build.failures import io_failure
from sitegen.build.loading import (
    CheckedSite,
    ProgressCallback,
    engine_fingerprint,
    load_site,
    read_sources,
)
from sitegen.build.planning import PlannedSite, plan_site
from sitegen.build.rebody import Rebodied, rebodied_site
from sitegen.build.render_pool import Environments, RenderOutcome, render_plans
from sitegen.build.session import BuildSession, LastSite
from sitegen.build.url_history import HistoryMemo, UrlHistory, UrlMoves, load_history, plan_moves, save_history
from sitegen.build.workers import worker_count
from sitegen.cancelling import cancel_point, cancellable
from sitegen.cite.texts import CitationTexts
from sitegen.config.folders import folder_problems
from sitegen.config.settings import Config
from sitegen.errors import BuildCancelled, BuildFailed, ConfigError, Diagnostic, TemplateError, raise_errors
from sitegen.incremental.bodies import BodyStore
from sitegen.incremental.cache import BuildCache, digest
from sitegen.incremental.fingerprint import Fingerprinter, FingerprintMemo
from sitegen.incremental.unchanged import (
    LastBuild,
    forget_build,
    input_digest,
    output_stands,
    remember_build,
    with_reads,
)
from sitegen.output.faults import checkpoint
from sitegen.output.inplace import InPlaceOutput
from sitegen.output.lock import build_lock
from sitegen.output.ownership import OutputState, check_output, open_output
from sitegen.output.writer import StagedOutput, WriteReport
from sitegen.render.templates import DerivedFile, OutputPlan, compile_all, make_environment, templates_fingerprint
from sitegen.search.indexing import index_search
from sitegen.search.shards import BUNDLE_DIR

SEARCH_FILES = BUNDLE_DIR + "/"  # the search bundles' folder in the output

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
    search_pending: int = 0  # shards left stale by a build that deferred search (serve)


@dataclass(frozen=True)
class BuildOptions:
    """How to build: the command line's choices, and serve's."""

    now: datetime
    keep_foreign: bool = False
    strict: bool = False
    use_cache: bool = True
    jobs: int | None = None
    progress: ProgressCallback | None = None
    allow_removed_urls: bool = False
    # serve: publish the pages at once and leave changed search shards as they were; a later
    # build (catch-up) indexes them. `cancel` stops such a catch-up when a new edit arrives.
    defer_search: bool = False
    cancel: threading.Event | None = None
    # serve: the state kept from one build to the next (build/session.py); with it, only
    # the files that changed are written, each straight over its old one (output/inplace.py)
    session: BuildSession | None = None


def build(config: Config, *, now: datetime, keep_foreign: bool = False, strict: bool = False,
          use_cache: bool = True, jobs: int | None = None, progress: ProgressCallback | None = None,
          wait: bool = True, on_wait: Callable[[str], None] | None = None,
          allow_removed_urls: bool = False, defer_search: bool = False,
          cancel: threading.Event | None = None, session: BuildSession | None = None) -> BuildReport:
    """Build the whole site into the output folder; raises SiteError on any problem.

    With `strict`, warnings fail the build too, before anything is written. With the
    cache, unchanged sources are neither parsed nor converted and pages whose inputs
    did not change are not rendered again: their previous file is kept. One build of a
    project runs at a time: another one waits (telling `on_wait`), or without `wait`
    stops with BuildBusy. A URL published before that this build would drop fails it,
    unless `allow_removed_urls` (url_history). A build whose `cancel` is set stops with
    BuildCancelled, leaving the previous site. A `session` (serve's) writes the changed
    files over the live site one by one instead of swapping in a whole new one.
    """
    options = BuildOptions(now, keep_foreign, strict, use_cache, jobs, progress, allow_removed_urls,
                           defer_search, cancel, session)
    problems = folder_problems(config)  # load_config checked them; a Config made by hand is not
    if problems:
        raise ConfigError(problems)
    try:
        check_output(config.path("output"), config.paths.output)  # before the lock makes the cache folder
        with build_lock(config, wait=wait, on_wait=on_wait), cancellable(cancel):
            return _build_locked(config, options)
    except OSError as exc:
        raise BuildFailed([io_failure(exc, config)]) from None


def _build_locked(config: Config, options: BuildOptions) -> BuildReport:
    """The build itself, under the lock: nothing else touches the output or the cache."""
    started = time.perf_counter()
    timings: dict[str, float] = {}
    state = open_output(config.path("output"), config.paths.output, options.keep_foreign,
                        memo=options.session.folders if options.session is not None else None)
    cache = BuildCache(config.path("cache") if options.use_cache else None)
    # the build's converted bodies: loaded for the pages it renders (serve keeps one store)
    bodies = options.session.body_store(cache) if options.session is not None else BodyStore(cache)
    try:
        tree = read_sources(config, timings, cache, options.session)
        templates = templates_fingerprint(config)  # read once: the input digest and page fingerprints
        inputs = input_digest(config, tree, templates, engine_fingerprint(), options.keep_foreign)
        history_copy = cache.folder if cache.enabled else None
        cancel_point()
        history = load_history(config, history_copy, _history_memo(options.session))
        # serve's first build plans the site even when it stands: edits are previewed from it
        last = output_stands(cache, state, digest(inputs, history.digest()), options.now, config.root)
        if last is not None and (options.session is None or options.session.last is not None):
            return _standing(config, last, state, options.strict, timings, started)
        checked = load_site(config, options.now, timings, cache, options.jobs, options.progress, tree,
                            options.session, bodies)
        _refuse_warnings(options.strict, checked.warnings)
        _stop_if_cancelled(options)
        with rebodied_site(config, checked, options.session, templates) as kept:
            planned, moves = _plan(config, checked, history, options, timings, kept)
            _stop_if_cancelled(options)
            written = _render_and_swap(config, options, (cache, bodies), checked, (planned, moves, kept), state,
                                       templates, timings, lambda: save_history(config, history_copy, moves))
        read = checked.file_reads
        made = LastBuild(with_reads(digest(inputs, moves.history.digest()), config.root, read),
                         len(planned.plans), checked.warnings, checked.stable_until, read)
        _remember(cache, made, written.search_pending > 0, options.session)
    finally:
        bodies.release()
        cache.close()
    return replace(written, seconds=time.perf_counter() - started, moved=tuple(sorted(moves.moved)),
                   forgotten=moves.forgotten)


def _history_memo(session: BuildSession | None) -> HistoryMemo | None:
    """serve's memo of the URL history its last build read (url_history.HistoryMemo)."""
    if session is None:
        return None
    if session.history is None:
        session.history = HistoryMemo()
    return session.history


def _remember(cache: BuildCache, made: LastBuild, search_pending: bool, session: BuildSession | None) -> None:
    """Remember the build, so that the next one with the same inputs stops at once; one
    that left search behind is remembered only once search catches up (live.index_pending):
    until then the output is not what these inputs make, and no build may find it standing
    (an edit undone before the catch-up would otherwise keep the edited pages)."""
    if not search_pending:
        remember_build(cache, made)
        return
    forget_build(cache)
    if session is not None:
        session.caught_up = made


def _render_and_swap(config: Config, options: BuildOptions, stores: tuple[BuildCache, BodyStore],
                     checked: CheckedSite, plan: tuple[PlannedSite, UrlMoves, Rebodied | None], state: OutputState,
                     templates: str, timings: dict[str, float], before_swap: Callable[[], None]) -> BuildReport:
    """Templates, fingerprints, rendering, search and the swap; the cache learns the pages'
    fingerprints. The report's seconds and URL moves are the caller's to fill in. A plan
    kept from the last build (`Rebodied`) renders with that build's environments."""
    clock = time.perf_counter()
    cache, bodies = stores
    planned, moves, kept = plan
    envs = kept.envs if kept is not None else _environments(config, planned)
    try:
        fingerprinter = page_fingerprinter(config, envs.default, planned, checked, templates,
                                           kept=_kept_prints(options.session, kept))
        known = options.session.pages if options.session is not None else None
        table = cache.page_rows(known)
        previous = cache.page_fingerprints(table)
        timings["templates"] = time.perf_counter() - clock
        staged = _output(config, options, cache, state)
        every = [page.content.key for page in checked.pages] if fingerprinter.full_articles else None
        citing = partial(prepare_citations, cited=planned.cited, default=planned.site.language, cache=cache,
                         texts=envs.citations, jobs=options.jobs)
        against = _Against(previous, cache.stale_pages(), bodies, every, table is known, citing)
        rendered, report, pending = _write(config, options, planned, envs, staged, fingerprinter, against,
                                           timings, before_swap)
    except BaseException:
        if kept is None:  # a failed or cancelled build's site is garbage now, not at the next full collection
            envs.release()
        raise
    clock = time.perf_counter()
    pages = cache.put_page_fingerprints(rendered.fingerprints, table, rendered.stood if table is known else ())
    timings["swap"] += time.perf_counter() - clock
    if options.session is not None:
        options.session.keep_last(LastSite(repr(config), checked, planned, envs, templates, config,
                                           bool(moves.moved), fingerprinter.memo(planned.derived)))
        options.session.unindexed = (options.session.unindexed | rendered.changed) if pending else set()
        options.session.pages = pages
    return BuildReport(len(planned.plans), len(staged.outputs), report, checked.warnings, 0.0, timings,
                       rendered.rendered, (rendered.derived_made, len(planned.derived)),
                       search_pending=pending)


def _kept_prints(session: BuildSession | None, kept: Rebodied | None) -> tuple[FingerprintMemo, frozenset[str]] | None:
    """The last build's fingerprints and the articles edited since, when this build renders
    its plan again (build/rebody.py)."""
    if kept is None or session is None or session.last is None or session.last.prints is None:
        return None
    return session.last.prints, frozenset(kept.edited)


def _output(config: Config, options: BuildOptions, cache: BuildCache, state: OutputState) -> StagedOutput:
    """Where the site is written: over the live one in serve, once there is one of ours;
    else into staging, swapped in whole (the command line, CI)."""
    if options.session is not None and state.made:
        return InPlaceOutput(config.path("output"), state, options.keep_foreign, config.paths.output)
    return StagedOutput(config.path("output"), options.keep_foreign, cache.spare_site(), state,
                        config.paths.output)


def _plan(config: Config, checked: CheckedSite, history: UrlHistory, options: BuildOptions,
          timings: dict[str, float], kept: Rebodied | None) -> tuple[PlannedSite, UrlMoves]:
    """Every page's URL and template, checked against the URLs published before: the last
    build's plan when only articles' text changed since (`kept`, build/rebody.py)."""
    clock = time.perf_counter()
    planned = kept.planned if kept is not None else plan_site(config, checked)
    memo = options.session.history if options.session is not None else None
    if memo is not None and kept is None:
        memo.moves = None  # made for another plan
    planned, moves = plan_moves(planned, checked, config, history, options.now, options.allow_removed_urls,
                                memo if kept is not None else None)
    timings["plan kept" if kept is not None else "plan"] = time.perf_counter() - clock
    return planned, moves


def _standing(config: Config, last: LastBuild, state: OutputState, strict: bool, timings: dict[str, float],
              started: float) -> BuildReport:
    """The report of a build that found the last build's site still standing."""
    _refuse_warnings(strict, last.warnings)
    if config.search.enabled:
        timings["search kept"] = 0.0  # the whole previous site stands, index included
    files = len(state.made)
    return BuildReport(last.pages, files, WriteReport(0, files, (), tuple(sorted(state.foreign))),
                       last.warnings, time.perf_counter() - started, timings, 0)


def _environments(config: Config, planned: PlannedSite) -> Environments:
    """One environment per site language: its `T`, dates, `site` and `lang_url`, each
    with the templates its pages use compiled (errors show here)."""
    by_language, citations = {}, CitationTexts()
    for site in planned.sites or (planned.site,):
        translator = planned.translators.get(site.language, planned.translator)
        env = make_environment(config, site, translator, site.lang_prefix, citations)
        cancel_point()
        compile_all(env, {plan.template for plan in planned.plans})
        by_language[site.language] = env
    return Environments(by_language[planned.site.language], by_language, citations)


@dataclass(frozen=True)
class _Against:
    """What a build renders against: the last build's page fingerprints; the pages a preview
    wrote since, which count as changed for search even when this build makes the very bytes
    the preview did (the index has not seen them); and the body store, which loads the bodies
    of the pages about to be made (`every`: all, when a template reads other articles' bodies)."""

    previous: Mapping[str, str]  # read only: serve's pages table itself
    previewed: set[str]
    bodies: BodyStore
    every: list[str] | None = None
    own_table: bool = False  # `previous` is the table serve's last build left (session.pages)
    citing: Callable[[Sequence[OutputPlan]], None] | None = None  # formats the pages' citations (build/citing.py)

    def standing(self, fingerprinter: Fingerprinter, planned: PlannedSite) -> list[str]:
        """The outputs whose fingerprint stands from the last build (Fingerprinter.standing),
        when `previous` is what that build wrote: a table another build rewrote since says
        what that build made, which the memo knows nothing of."""
        return fingerprinter.standing(planned.plans, planned.derived) if self.own_table else []

    def before_render(self, plans: Sequence[OutputPlan], derived: Sequence[DerivedFile]) -> None:
        """Before the renderers fork, the bodies and citations of the pages they make: they
        inherit both and read no database."""
        if self.citing is not None:
            self.citing(plans)
        self.load_bodies(plans, derived)

    def load_bodies(self, plans: Sequence[OutputPlan], derived: Sequence[DerivedFile]) -> None:
        """The bodies the pages about to render read (`every`: all of them)."""
        if self.every is not None:
            self.bodies.load(self.every)
            return
        self.bodies.load([*(article.body.key for plan in plans for article in plan.context.deps().full),
                          *(article.body.key for item in derived for article in item.articles)])


def _write(config: Config, options: BuildOptions, planned: PlannedSite, env: Environments,
           staged: StagedOutput, fingerprinter: Fingerprinter, against: _Against,
           timings: dict[str, float], before_swap: Callable[[], None]
           ) -> tuple[RenderOutcome, WriteReport, int]:
    """Render, copy and index into staging, then swap it in; on any failure, throw it away.

    Returns what was rendered, what the swap did, and how many search shards were left
    stale for a later build (only with `defer_search`)."""
    clock = time.perf_counter()
    pending = 0
    previous = against.previous
    try:
        try:
            rendered = render_plans(planned.plans, planned.derived, env, staged, fingerprinter, previous,
                                    options.jobs, against.before_render, against.standing(fingerprinter, planned))
        finally:
            env.citations.clear()  # kept with the environments by serve: see CitationTexts
        rendered.changed |= against.previewed & rendered.fingerprints.keys()
        raise_errors(rendered.problems, TemplateError)
        checkpoint("rendered")
        _stop_if_cancelled(options)
        for copy in planned.copies:
            staged.copy(copy.output, copy.source)
        timings["render"] = time.perf_counter() - clock
        if config.search.enabled:
            searched = index_search(staged, planned.plans, fingerprinter.searched, config, rendered.changed,
                                    reuse=bool(previous), defer=options.defer_search, cancel=options.cancel,
                                    runs=worker_count(options.jobs),
                                    stamps=options.session.shard_stamps if options.session is not None else None,
                                    memo=options.session.shard_memo if options.session is not None else None)
            timings["search" if searched.indexed else "search kept"] = searched.seconds
            pending = searched.pending
        clock = time.perf_counter()
        before_swap()  # the URL history is written before the site it describes goes live
        report = staged.commit()
        timings["swap"] = time.perf_counter() - clock
    except BaseException:
        staged.abort()
        raise
    return rendered, report, pending


def _stop_if_cancelled(options: BuildOptions) -> None:
    """Between stages: a build serve may cancel (a new edit arrived) stops, writing nothing."""
    if options.cancel is not None and options.cancel.is_set():
        raise BuildCancelled("build cancelled: the sources changed again")


def _refuse_warnings(strict: bool, warnings: tuple[Diagnostic, ...]) -> None:
    """With --strict, warnings fail the build, before anything is written (notes do not)."""
    warnings = tuple(w for w in warnings if w.severity == "warning")
    if strict and warnings:
        raise BuildFailed(list(warnings) + [Diagnostic(
            "", 0, 0, "error", f"{len(warnings)} warning(s) with --strict; nothing was written",
            "fix the warnings above, or build without --strict")])


def page_fingerprinter(config: Config, env: jinja2.Environment, planned: PlannedSite, checked: CheckedSite,
                       templates: str, edited: Mapping[str, str] | None = None,
                       kept: tuple[FingerprintMemo, frozenset[str]] | None = None) -> Fingerprinter:
    """The fingerprints of a build's pages; `edited` (source path -> digest) stands for
    articles a preview rendered since (build/live.py), whose text the build has not read.
    `kept`: the last build's fingerprints of the same plan, and the articles edited since."""
    base = digest(checked.conversion, templates, engine_fingerprint(), checked.catalog.digest)
    article_digests = {p.document.source.path: p.document.source.digest for p in checked.pages}
    article_digests.update(checked.body_keys)  # bodies made from the site: they change with it
    article_digests.update(edited or {})
    memo, changed = kept if kept is not None else (None, frozenset[str]())
    return Fingerprinter(env, base, planned.site, article_digests, repr(config), memo, changed)
