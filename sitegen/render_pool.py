"""Render pages with Jinja, in this process and forked workers that write straight to staging.

After Markdown, rendering templates is a cold build's largest cost, and pages are
independent once the site is assembled. Forked workers inherit the assembled site and
the environment without pickling them, render a share of the pages each, and write the
files into the staging folder themselves; only file names and diagnostics come back.
Small renders stay serial, where starting workers would cost more than it saves.
"""

from __future__ import annotations

import multiprocessing
from typing import Sequence

import jinja2

from .errors import Diagnostic, TemplateError
from .templates import OutputPlan, render_output
from .workers import worker_count
from .writer import StagedOutput, place_file

PARALLEL_THRESHOLD = 150

# What forked workers render: set just before the pool forks, read only in workers.
_job: tuple[Sequence[OutputPlan], jinja2.Environment, StagedOutput] | None = None

Result = tuple[str, bool, tuple[Diagnostic, ...]]  # output, written anew, problems


def render_plans(plans: Sequence[OutputPlan], env: jinja2.Environment, staged: StagedOutput,
                 jobs: int | None = None) -> list[Diagnostic]:
    """Render and stage every plan; return the template problems of those that failed."""
    workers = min(worker_count(jobs), 8)
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if len(plans) < PARALLEL_THRESHOLD or workers < 2 or not can_fork:
        results: list[Result] = [_render_one(plan, env, staged) for plan in plans]
    else:
        global _job  # inherited by the forked workers; cleared once they are done
        _job = (plans, env, staged)
        try:
            shares = [list(range(start, len(plans), workers)) for start in range(workers)]
            # This process renders the first share itself while workers-1 forks render the
            # rest: as fast as a pool of `workers`, with one copy fewer of the whole site
            # counted in the memory of the process tree.
            with multiprocessing.get_context("fork").Pool(workers - 1) as pool:
                others = pool.map_async(_render_share, shares[1:])
                results = _render_share(shares[0])
                results += [r for share in others.get() for r in share]
        finally:
            _job = None
    problems: list[Diagnostic] = []
    for output, written, diagnostics in sorted(results, key=lambda r: r[0]):
        if diagnostics:
            problems.extend(d for d in diagnostics if d not in problems)
        else:
            staged.record(output, written)
    return problems


def _render_share(indices: list[int]) -> list[Result]:
    assert _job is not None
    plans, env, staged = _job
    return [_render_one(plans[i], env, staged) for i in indices]


def _render_one(plan: OutputPlan, env: jinja2.Environment, staged: StagedOutput) -> Result:
    try:
        data = render_output(plan, env).data
    except TemplateError as exc:
        return plan.output, False, tuple(exc.diagnostics)
    return plan.output, place_file(staged.staging, staged.out_dir, plan.output, data=data), ()
