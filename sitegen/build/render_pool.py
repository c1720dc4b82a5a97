"""Render pages with Jinja, in this process and forked workers that write straight to staging.

After Markdown, rendering templates is a cold build's largest cost, and pages are
independent once the site is assembled. Forked workers inherit the assembled site and
the environment without pickling them, render a share of the pages each (and build the
derived files: feeds, sitemap) and write the files into the staging folder themselves;
only file names, fingerprints and diagnostics come back. Pages whose fingerprint is the one their previous file was
made from are not rendered: that file is linked into staging instead.
Small sites stay serial, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, Protocol

import jinja2

from sitegen.build.forks import Forked, can_fork
from sitegen.build.workers import worker_count
from sitegen.cancelling import cancel_point
from sitegen.cite.texts import CitationTexts
from sitegen.errors import Diagnostic, TemplateError
from sitegen.output.writer import StagedOutput
from sitegen.render.templates import DerivedFile, OutputPlan, forget_rendered, release_environment, render_output

PARALLEL_THRESHOLD = 400  # below this, forking (and copying the site) costs more than it saves
CHUNK = 24  # standalone pages taken from the shared queue at a time

class Fingerprints(Protocol):
    """What a page or derived file is made from, as a digest (see fingerprint.Fingerprinter)."""

    def plan(self, plan: OutputPlan) -> str: ...

    def derived(self, item: DerivedFile) -> str: ...


@dataclass(frozen=True)
class _Job:
    """What is rendered: forked workers inherit it in their target (see forks.py), unpickled."""

    plans: Sequence[OutputPlan]
    derived: Sequence[DerivedFile]  # the derived files to build
    env: Environments
    staged: StagedOutput
    fingerprint: Callable[[OutputPlan], str]
    derived_fingerprint: Callable[[DerivedFile], str]
    listings: Sequence[int] = ()  # indices of list pages, all rendered by one process
    standalone: Sequence[int] = ()  # indices of the other pages, dealt out in chunks
    taken: Any = None  # a shared counter: how many standalone pages have been taken


Prepare = Callable[[Sequence[OutputPlan], Sequence[DerivedFile]], None]  # told what is about to be made
Result = tuple[str, str, str, tuple[Diagnostic, ...]]  # output, fingerprint, outcome, problems
WRITTEN, UNCHANGED, KEPT, FAILED = "written", "unchanged", "kept", "failed"


@dataclass
class RenderOutcome:
    """Fingerprints of every page and derived file, how many pages were rendered, and the
    template problems."""

    fingerprints: dict[str, str] = field(default_factory=dict)
    rendered: int = 0
    derived_made: int = 0  # derived files built (the rest were kept from the previous site)
    problems: list[Diagnostic] = field(default_factory=list)
    changed: set[str] = field(default_factory=set)  # outputs whose bytes differ from the last build's
    stood: set[str] = field(default_factory=set)  # outputs kept with `previous`'s fingerprint, unexamined


class Environments:
    """The environment of each site language (its `T`, `site`, dates); plans pick theirs."""

    def __init__(self, default: jinja2.Environment, by_language: Mapping[str, jinja2.Environment] | None = None,
                 citations: CitationTexts | None = None):
        self.default, self.by_language = default, dict(by_language or {})
        self.citations = citations or CitationTexts()  # what their citation() reads (cite/texts.py)

    def of(self, plan: OutputPlan) -> jinja2.Environment:
        return self.by_language.get(plan.language, self.default)

    def release(self) -> None:
        """Let go of the site these environments render, once no page will be rendered with
        them. A Jinja environment is a reference cycle (its templates point back to it), so
        it is freed only by a full garbage collection; through its `site` global it kept the
        whole site alive until then, and `serve` paused for collections of every article of
        every past build (0.3 s and more each at 4,000 articles, docs/performance.md)."""
        for env in self._each():
            release_environment(env)

    def forget_rendered(self) -> None:
        """Forget the list items rendered so far: the plan's articles are about to change in
        place (build/rebody.py), and the memo knows them by identity."""
        for env in self._each():
            forget_rendered(env)

    def _each(self) -> list[jinja2.Environment]:
        return list({id(e): e for e in (self.default, *self.by_language.values())}.values())


def _go_on(_item: object) -> bool:
    """A cancel point per output, before anything is written (sitegen/cancelling.py)."""
    cancel_point()
    return True


def render_plans(plans: Sequence[OutputPlan], derived: Sequence[DerivedFile],
                 env: jinja2.Environment | Environments,
                 staged: StagedOutput, fingerprints: Fingerprints, previous: Mapping[str, str],
                 jobs: int | None = None, prepare: Prepare | None = None,
                 standing: Collection[str] = ()) -> RenderOutcome:
    """Fingerprint every plan and derived file, keep the unchanged, make and stage the rest.

    After an earlier build, this process fingerprints everything first and forks workers
    only when enough pages changed: an edit re-renders a handful, and forking would copy
    the whole site for nothing. With no earlier build everything is made, and workers
    fingerprint their own share as they go. `prepare` is told what will be made before
    anything is (the pipeline loads the bodies those pages read, for the workers to inherit).
    `standing`: outputs whose fingerprint is known to be `previous`'s without working it
    out (Fingerprinter.standing); their files are kept in one step when still there.
    """
    env = env if isinstance(env, Environments) else Environments(env)
    results: list[Result] = []
    kept: set[str] = set()
    if previous:
        kept = staged.reusable(previous.keys() & standing)  # in C: 190,000 outputs at 40,000 articles
        prints = {plan.output: fingerprints.plan(plan) for plan in plans
                  if plan.output not in kept and _go_on(plan)}
        prints.update((item.output, fingerprints.derived(item)) for item in derived
                      if item.output not in kept and _go_on(item))
        unchanged = {output for output, print_ in prints.items()
                     if previous.get(output) == print_
                     and staged.reuse(output)}
        results += [(output, prints[output], KEPT, ()) for output in sorted(unchanged)]
        todo = [index for index, plan in enumerate(plans) if plan.output in prints and plan.output not in unchanged]
        job = _Job(plans, [item for item in derived if item.output in prints and item.output not in unchanged],
                   env, staged, lambda plan: prints[plan.output], lambda item: prints[item.output])
    else:
        todo = list(range(len(plans)))
        job = _Job(plans, derived, env, staged, fingerprints.plan, fingerprints.derived)
    if prepare is not None:
        prepare([plans[index] for index in todo], job.derived)
    results += _run(todo, job, jobs)
    outcome = _outcome(results, {item.output for item in job.derived}, staged)
    return _with_kept(outcome, kept, previous, staged)


def _with_kept(outcome: RenderOutcome, kept: set[str], previous: Mapping[str, str],
               staged: StagedOutput) -> RenderOutcome:
    """The outcome with the `kept` outputs, standing files claimed at once, in the order of
    `previous` (the pages table's: sorted, which its writer then finds cheap to sort)."""
    if not kept:
        return outcome
    staged.stand(kept)
    fingerprints = dict(previous)  # copied whole and trimmed: a comprehension took 0.1 s at 40,000 articles
    fingerprints.update(outcome.fingerprints)
    for output in previous.keys() - kept - outcome.fingerprints.keys():
        del fingerprints[output]
    outcome.fingerprints, outcome.stood = fingerprints, kept
    return outcome


def _outcome(results: list[Result], files: set[str], staged: StagedOutput) -> RenderOutcome:
    """What rendering did, by output (`files`: the derived ones made); the staged output
    learns which files were written and which kept."""
    outcome = RenderOutcome()
    for output, print_, how, diagnostics in sorted(results, key=lambda r: r[0]):
        if how == FAILED:
            outcome.problems.extend(d for d in diagnostics if d not in outcome.problems)
            continue
        staged.record(output, how == WRITTEN)
        if how == WRITTEN:
            outcome.changed.add(output)
        outcome.fingerprints[output] = print_
        if how == KEPT:
            continue
        if output in files:
            outcome.derived_made += 1
        else:
            outcome.rendered += 1
    return outcome


def _run(todo: list[int], job: _Job, jobs: int | None) -> list[Result]:
    """Render the plans at these indices and build the derived files, here or with forks.

    One forked worker renders the list pages (list items are rendered once per process,
    see templates.RenderMemo, so lists are not split), while this process starts on the
    standalone pages (articles); whoever is free takes the next chunk of those, and then
    of the derived files, from a shared counter, so the work evens out whatever the mix.
    """
    workers = min(worker_count(jobs), 8)
    if len(todo) < PARALLEL_THRESHOLD or workers < 2 or not can_fork():
        return _render_share(todo, job) + _build_derived(job)
    standalone = [i for i in todo if job.plans[i].context.article_path is not None]
    listings = [i for i in todo if job.plans[i].context.article_path is None]
    job = replace(job, listings=listings, standalone=standalone,
                  taken=multiprocessing.get_context("fork").Value("q", 0))
    shares = [partial(_render_forked, job, worker == 0) for worker in range(workers - 1)]
    with Forked(shares) as forked:  # each child inherits the job: nothing of it is pickled
        results = _render_queue(job)
        return results + [r for share in forked.results() for r in share]


def _render_forked(job: _Job, takes_listings: bool) -> list[Result]:
    """A forked worker's share: the list pages if it takes them, then chunks from the queue."""
    results = _render_share(job.listings, job) if takes_listings else []
    return results + _render_queue(job)


def _render_queue(job: _Job) -> list[Result]:
    """Render chunks of the standalone pages, then build chunks of the derived files,
    until none are left. The derived files (three citation downloads per article, the
    feeds) were one process's work after the list pages: at 40,000 articles the other
    cores stood idle for minutes at the end of a cold build."""
    results: list[Result] = []
    pages, total = len(job.standalone), len(job.standalone) + len(job.derived)
    while True:
        with job.taken.get_lock():
            start = job.taken.value
            job.taken.value = min(total, start + CHUNK)
        if start >= total:
            return results
        end = min(total, start + CHUNK)
        if start < pages:
            results += _render_share(job.standalone[start:min(end, pages)], job)
        if end > pages:
            results += _build_derived(job, job.derived[max(start, pages) - pages:end - pages])


def _build_derived(job: _Job, derived: Sequence[DerivedFile] | None = None) -> list[Result]:
    """Build these derived files (all the job's by default) into staging."""
    results: list[Result] = []
    for item in job.derived if derived is None else derived:
        print_ = job.derived_fingerprint(item)
        written = job.staged.place(item.output, item.build())
        results.append((item.output, print_, WRITTEN if written else UNCHANGED, ()))
    return results


def _render_share(indices: Sequence[int], job: _Job) -> list[Result]:
    results: list[Result] = []
    for index in indices:
        plan = job.plans[index]
        print_ = job.fingerprint(plan)
        try:
            data = render_output(plan, job.env.of(plan)).data
        except TemplateError as exc:
            results.append((plan.output, print_, FAILED, tuple(exc.diagnostics)))
            continue
        written = job.staged.place(plan.output, data)
        results.append((plan.output, print_, WRITTEN if written else UNCHANGED, ()))
    return results
