"""Seconds of CPU a cold build of N generated articles spends on citations: builds with
the citation styles formatted ("on") against builds where citeproc-py is never called
("off": every APA, Chicago and MLA entry and Chicago note is an empty string), each a new
process on an empty output folder with no cache, in turns (on, off, on, off, ...).

    python scripts/bench_citation_builds.py                     # 1,000 articles, 3 runs each
    python scripts/bench_citation_builds.py --n 200 --runs 2    # a quick check
    python scripts/bench_citation_builds.py --tree ../other     # another checkout's sitegen

The corpus is bench/corpus.py's (search off, as in bench/run.py). "off" keeps everything
else of the citations (the record, BibTeX, RIS, COinS, tags, downloads), so on minus off
is what formatting with citeproc-py costs, which is the part that grows with the styles.
CPU is user+system of the build's whole process tree (forked render workers included);
per article is (on - off) / N, from the medians. Wall time is printed too, but on shared
cores it includes waiting for one: read the CPU figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
# Run in the child: build as build.py does, with citeproc-py stubbed out when asked.
CHILD = """
import sys
sys.path.insert(0, sys.argv[1])
if sys.argv[2] == "off":
    from sitegen.cite import styles
    styles.bibliography_entry = lambda record, csl: ""
    styles.note = lambda record, csl: ""
from sitegen.commands.cli import main
sys.argv = ["build.py", "--root", sys.argv[3]]
sys.exit(main())
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="generated articles")
    parser.add_argument("--runs", type=int, default=3, help="cold builds per mode; medians count")
    parser.add_argument("--tree", type=Path, default=HERE, help="checkout whose sitegen builds")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE / "bench"))
    import corpus  # bench/corpus.py

    with tempfile.TemporaryDirectory(prefix="cite-bench-") as work:
        root = Path(work) / "site"
        corpus.generate(root, args.n, 0, "ours")
        times: dict[str, list[tuple[float, float]]] = {"on": [], "off": []}
        for _ in range(args.runs):
            for mode, runs in times.items():
                runs.append(_cold_build(args.tree.resolve(), mode, root))
        _report(times, args.n, args.tree)


def _cold_build(tree: Path, mode: str, root: Path) -> tuple[float, float]:
    """(CPU seconds of the process tree, wall seconds) of one build from nothing."""
    for leftover in ("public", ".cache", ".sitegen-cache"):
        shutil.rmtree(root / leftover, ignore_errors=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-c", CHILD, str(tree), mode, str(root)],
                         check=False, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(tree)})
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if run.returncode != 0:
        sys.exit(f"build ({mode}) failed:\n{run.stdout}{run.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    print(f"  {mode}: {cpu:6.2f} s CPU, {wall:6.2f} s wall", file=sys.stderr)
    return cpu, wall


def _report(times: dict[str, list[tuple[float, float]]], n: int, tree: Path) -> None:
    cpu = {mode: statistics.median(c for c, _ in runs) for mode, runs in times.items()}
    wall = {mode: statistics.median(w for _, w in runs) for mode, runs in times.items()}
    print(f"tree {tree}; {n} articles; medians of {len(times['on'])} cold builds; "
          f"load average {os.getloadavg()[0]:.2f}")
    for mode in times:
        print(f"  citations {mode:>3}: {cpu[mode]:7.2f} s CPU  {wall[mode]:7.2f} s wall")
    print(f"  citations cost {1000 * (cpu['on'] - cpu['off']) / n:6.2f} ms of CPU per article "
          f"({1000 * (wall['on'] - wall['off']) / n:6.2f} ms wall)")


if __name__ == "__main__":
    main()
