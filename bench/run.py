"""Build the same generated corpus with our engine, Hugo and Pelican, side by side.

    python bench/run.py --sizes 1000,4000 --runs 3 \\
        [--scenarios cold,nochange,edit,template,add,config] \\
        [--peers ours-nosearch,hugo,hugo+pagefind,pelican] [--out bench/results.md]

Ours builds with its search index on, as users run it. For every size and scenario the
builders take turns (ours, ours without search, Hugo, Hugo followed by Pagefind, Pelican,
ours, …), each run in its own process, timed from outside (see measure.py). The floor,
Python-Markdown alone on the same files (floor.py), takes its turns in the cold scenario.
The corpora are generated into bench/work/ (git-ignored) and regenerated only when the
generator changes. See bench/README.md for what each scenario does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import secrets
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import tools as t
from measure import Measurement, measure
from report import Cell, render_size

WORK = t.BENCH / "work"


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    edit: Callable[[t.Tool, int, int, str], t.Revert]
    warm: bool  # starts from a finished build of the unedited corpus
    settle: bool  # after each timed run, rebuild the unedited corpus (untimed)


SCENARIOS = {s.key: s for s in (
    Scenario("cold", "cold (no cache, empty output)", t.clean_for_cold, False, False),
    Scenario("nochange", "no-change rebuild", t.no_change, True, False),
    Scenario("edit", "one article edited", t.edit_article, True, False),
    Scenario("template", "article template edited", t.edit_template, True, False),
    Scenario("add", "one article added", t.add_article, True, True),
    Scenario("config", "config edited (site title)", t.edit_config, True, False),
)}
FLOOR_ONLY = Scenario("floor", "floor only", t.no_change, False, False)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    hugo, hugo_from = t.find_hugo()
    versions = t.peer_versions(hugo)
    header = _header(args, versions, hugo_from)
    print(header, flush=True)
    sections = []
    for n in args.sizes:
        section = run_size(n, args)
        print(section, flush=True)
        sections.append(section)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Load average at the end: {load}.")
    if args.out:
        args.out.write_text(header + "\n" + "\n".join(sections)
                            + f"\nLoad average at the end: {load}.\n", encoding="utf-8")
        print(f"report written to {args.out}", file=sys.stderr)
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000", type=_ints,
                        help="article counts, comma-separated (10000,40000 on request)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per builder and scenario")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), type=_names(SCENARIOS))
    parser.add_argument("--peers", default=",".join(t.PEERS),
                        type=lambda text: [p for p in text.split(",") if p],
                        help="builders compared with ours (search on), comma-separated; "
                             "ours-nosearch is ours with search off")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--floor-processes", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per build")
    parser.add_argument("--workdir", type=Path, default=WORK)
    return parser.parse_args(argv)


def _ints(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part]


def _names(known: dict[str, Scenario]) -> Callable[[str], list[str]]:
    def parse(text: str) -> list[str]:
        names = [part for part in text.split(",") if part]
        unknown = [name for name in names if name not in known]
        if unknown:
            raise argparse.ArgumentTypeError(f"unknown scenario {unknown[0]!r}; "
                                             f"choose from {', '.join(known)}")
        order = list(known)
        return sorted(set(names), key=order.index)  # cold first: it leaves the caches empty
    return parse


def _header(args: argparse.Namespace, versions: dict[str, str], hugo_from: str) -> str:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    lines = ["# Benchmark: ours vs Hugo (+ Pagefind) vs Pelican", "",
             (f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; "
              f"load average at start {load}; {args.runs} timed runs per cell; seed {args.seed}."),
             "", *[f"- {name}: {version}" for name, version in versions.items()],
             f"- hugo binary: {hugo_from}", "",
             ("Wall and CPU are medians over the runs; CPU is user+system of the whole process "
              "tree; peak RSS tree is the sampled sum over the tree; pages are the .html files "
              "in the output afterwards, touched those written or rewritten by the run. "
              "On a loaded machine wall time includes waiting for a core: compare CPU too. "
              "'ours' builds its search index (Pagefind, two bundles), as users run it; "
              "'ours (search off)' is the same engine with search.enabled: false; "
              "'Hugo+Pagefind' is Hugo's build followed by Pagefind's CLI over its output "
              "(the same two bundles), timed as one command."), ""]
    return "\n".join(lines)


def run_size(n: int, args: argparse.Namespace) -> str:
    """Generate (or reuse) the corpora of `n` articles, run every scenario, return the report."""
    work = args.workdir / f"n{n}"
    tools, notes = t.make_tools(work, args.peers, t.find_hugo()[0], args.floor_processes)
    for tool in t.corpus_owners(tools):
        t.prepare_corpus(tool.root, n, args.seed, tool.flavor, search=tool.search)
        t.restore_pristine(tool.root, tool.flavor, n, args.seed)
    scenarios = [SCENARIOS[key] for key in args.scenarios]
    if "cold" not in args.scenarios:
        scenarios.insert(0, FLOOR_ONLY)
    cells: dict[tuple[str, str], Cell] = {}
    try:
        for scenario in scenarios:
            here = [x for x in tools if scenario.key == "cold"
                    or (x.name == "floor") == (scenario.key == "floor")]
            run_scenario(scenario, here, n, args, cells)
    finally:
        t.empty_trash(work)
    section = render_size(n, [(s.key, s.title) for s in scenarios], [x.name for x in tools], cells)
    return section + "".join(f"\nNote: {note}\n" for note in notes)


def run_scenario(scenario: Scenario, tools: list[t.Tool], n: int, args: argparse.Namespace,
                 cells: dict[tuple[str, str], Cell]) -> None:
    """Time every tool `args.runs` times in turn, each run from the same starting state."""
    active = []
    for tool in tools:
        cell = cells[(scenario.key, tool.name)] = Cell()
        if scenario.warm and not _untimed_build(tool, args, cell, "warm-up build"):
            continue
        active.append(tool)
    for run in range(1, args.runs + 1):
        for tool in list(active):
            cell = cells[(scenario.key, tool.name)]
            if not _timed_run(scenario, tool, n, args, cell, f"{n} {scenario.key} {run}/{args.runs}"):
                active.remove(tool)


def _timed_run(scenario: Scenario, tool: t.Tool, n: int, args: argparse.Namespace,
               cell: Cell, label: str) -> bool:
    """One timed run with the scenario's edit applied; False when the tool drops out."""
    try:
        revert = scenario.edit(tool, n, args.seed, secrets.token_hex(4))
    except t.NotApplicable as why:
        cell.status, cell.detail = "n/a", str(why)
        return False
    except t.SetupFailed as why:
        cell.status, cell.detail = "failed", f"the scenario's edit failed: {why}"
        return False
    before = _snapshot(tool.output)
    try:
        result = measure(list(tool.command), tool.root, args.timeout)
    finally:
        revert()
    _record(cell, result, tool.output, before)
    t.progress(f"[{label}] {tool.name:13} {_summary(result)}")
    if not result.ok:
        cell.status, cell.detail = "failed", result.output_tail
        return False
    return not scenario.settle or _untimed_build(tool, args, cell, "rebuild after the run")


def _untimed_build(tool: t.Tool, args: argparse.Namespace, cell: Cell, why: str) -> bool:
    result = measure(list(tool.command), tool.root, args.timeout)
    if not result.ok:
        cell.status, cell.detail = "failed", f"{why} failed:\n{result.output_tail}"
        t.progress(f"[{why}] {tool.name:13} {_summary(result)}")
    return result.ok


def _record(cell: Cell, result: Measurement, output: Path | None, before: dict[str, tuple]) -> None:
    cell.runs.append(result)
    if output is None:
        cell.pages.append(-1)
        cell.touched.append(-1)
        return
    after = _snapshot(output)
    cell.pages.append(len(after))
    cell.touched.append(sum(1 for path, stamp in after.items() if before.get(path) != stamp))


def _snapshot(output: Path | None) -> dict[str, tuple]:
    """Every .html file under `output` with what changes when it is rewritten."""
    found: dict[str, tuple] = {}
    if output is None or not output.is_dir():
        return found
    for folder, _, files in os.walk(output):
        for name in files:
            if name.endswith(".html"):
                path = os.path.join(folder, name)
                info = os.stat(path)
                found[path] = (info.st_mtime_ns, info.st_ino, info.st_size)
    return found


def _summary(result: Measurement) -> str:
    state = "ok" if result.ok else f"FAILED (exit {result.returncode})"
    return (f"{result.wall:7.2f} s wall {result.cpu:7.2f} s CPU "
            f"{result.peak_rss_tree / 2**20:6.0f} MB  {state}")


if __name__ == "__main__":
    raise SystemExit(main())
