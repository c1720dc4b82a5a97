"""Render pages with Jinja, in this process and forked workers that write straight to staging.

After Markdown, rendering templates is a cold build's largest cost, and pages are
independent once the site is assembled. Forked workers inherit the assembled site and
the environment without pickling them, render a share of the pages each and write the
files into the staging folder themselves; only file names, fingerprints and
diagnostics come back. Pages whose fingerprint is the one their previous file was
made from are not rendered: that file is linked into staging instead.
Small sites stay serial, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass, field
from typing import Callable, Sequence

import jinja2

from .errors import Diagnostic, TemplateError
from .templates import OutputPlan, render_output
from .workers import worker_count
from .writer import StagedOutput, link_previous, place_file

PARALLEL_THRESHOLD = 400  # below this, forking (and copying the site) costs more than it saves

Fingerprint = Callable[[OutputPlan], str]


@dataclass(frozen=True)
class _Job:
    """What forked workers render: set just before the pool forks, read only in workers."""

    plans: Sequence[OutputPlan]
    env: jinja2.Environment
    staged: StagedOutput
    fingerprint: Fingerprint


_job: _Job | None = None

Result = tuple[str, str, str, tuple[Diagnostic, ...]]  # output, fingerprint, outcome, problems
WRITTEN, UNCHANGED, KEPT, FAILED = "written", "unchanged", "kept", "failed"


@dataclass
class RenderOutcome:
    """Fingerprints of every page, how many were rendered, and the template problems."""

    fingerprints: dict[str, str] = field(default_factory=dict)
    rendered: int = 0
    problems: list[Diagnostic] = field(default_factory=list)


def render_plans(plans: Sequence[OutputPlan], env: jinja2.Environment, staged: StagedOutput,
                 fingerprint: Fingerprint, previous: dict[str, str],
                 jobs: int | None = None) -> RenderOutcome:
    """Fingerprint every plan, keep the unchanged, render and stage the rest.

    After an earlier build, this process fingerprints every page first and forks workers
    only when enough pages changed: an edit re-renders a handful, and forking would copy
    the whole site for nothing. With no earlier build every page renders, and workers
    fingerprint their own share as they go.
    """
    results: list[Result] = []
    if previous:
        prints = {plan.output: fingerprint(plan) for plan in plans}
        todo = []
        for index, plan in enumerate(plans):
            print_ = prints[plan.output]
            if previous.get(plan.output) == print_ and link_previous(staged.staging, staged.out_dir, plan.output):
                results.append((plan.output, print_, KEPT, ()))
            else:
                todo.append(index)
        job = _Job(plans, env, staged, lambda plan: prints[plan.output])
    else:
        todo = list(range(len(plans)))
        job = _Job(plans, env, staged, fingerprint)
    results += _run(todo, job, jobs)
    outcome = RenderOutcome()
    for output, print_, how, diagnostics in sorted(results, key=lambda r: r[0]):
        outcome.fingerprints[output] = print_
        if how == FAILED:
            outcome.problems.extend(d for d in diagnostics if d not in outcome.problems)
            continue
        staged.record(output, how == WRITTEN)
        outcome.rendered += how != KEPT
    return outcome


def _run(todo: list[int], job: _Job, jobs: int | None) -> list[Result]:
    """Render the plans at these indices, here or shared with forked workers."""
    workers = min(worker_count(jobs), 8)
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if len(todo) < PARALLEL_THRESHOLD or workers < 2 or not can_fork:
        return _render_share(todo, job)
    global _job  # inherited by the forked workers; cleared once they are done
    _job = job
    try:
        shares = [todo[start::workers] for start in range(workers)]
        # This process takes the first share itself while workers-1 forks take the rest:
        # as fast as a pool of `workers`, with one copy fewer of the whole site counted
        # in the memory of the process tree.
        with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
            others = pool.map_async(_render_forked, shares[1:])
            results = _render_share(shares[0], job)
            return results + [r for share in others.get() for r in share]
    finally:
        _job = None


def _render_forked(indices: list[int]) -> list[Result]:
    assert _job is not None
    return _render_share(indices, _job)


def _render_share(indices: list[int], job: _Job) -> list[Result]:
    results: list[Result] = []
    for index in indices:
        plan = job.plans[index]
        print_ = job.fingerprint(plan)
        try:
            data = render_output(plan, job.env).data
        except TemplateError as exc:
            results.append((plan.output, print_, FAILED, tuple(exc.diagnostics)))
            continue
        written = place_file(job.staged.staging, job.staged.out_dir, plan.output, data=data)
        results.append((plan.output, print_, WRITTEN if written else UNCHANGED, ()))
    return results
