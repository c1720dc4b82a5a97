"""Milliseconds of CPU per article for its citations: the APA, Chicago and MLA entries and the
Chicago first note, as an article page formats them (sitegen/render/citation.py).

    python scripts/bench_citations.py                 # with and without the speed memos
    python scripts/bench_citations.py --records 50 --repeats 5
    python scripts/bench_citations.py --mode memoised # one of: released, memoised, both
    python scripts/bench_citations.py --tree ../main  # another checkout's sitegen, same records

Each record of the pass is distinct (tests/support/citation_corpus.py), as on a site, and the
per-record caches of sitegen.cite.styles are emptied between passes, so every entry is
formatted anew. The styles are loaded, and a few other records formatted, before timing:
a build pays that once per process. `released` is citeproc-py with only the output fixes of
sitegen/cite/citeproc_fixes.py; `memoised` adds sitegen/cite/citeproc_memos.py. Against a
checkout that has no citeproc_memos module, only its own code is timed (`as-is`).
The figures are the best pass's CPU time (process time: steadier than wall time on shared
cores) and, apart, the best wall time, each divided by the records of the pass.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parents[1]
WARM_UP = 10
styles: ModuleType  # sitegen.cite.styles of the checkout being timed


def main() -> None:
    global styles
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=50, help="distinct records per pass")
    parser.add_argument("--repeats", type=int, default=5, help="passes; the best one counts")
    parser.add_argument("--mode", choices=("released", "memoised", "both"), default="both")
    parser.add_argument("--tree", type=Path, default=HERE, help="checkout whose sitegen to time")
    args = parser.parse_args()
    sys.path.insert(0, str(args.tree.resolve()))
    from sitegen.cite import styles as timed_styles
    styles = timed_styles
    corpus = _corpus().records(WARM_UP + args.records)
    warm, timed = corpus[:WARM_UP], corpus[WARM_UP:]
    for style in styles.STYLES:
        styles.load_style(style.csl)  # installs the fixes (and memos) once, as a build does
    for name, switch in _modes(args.mode):
        switch()
        _format_all(warm)
        passes = [_timed_pass(timed) for _ in range(args.repeats)]
        cpu, wall = min(cpu for cpu, _ in passes), min(wall for _, wall in passes)
        print(f"{name:>9}: {cpu * 1000 / len(timed):6.2f} ms of CPU per article "
              f"({wall * 1000 / len(timed):6.2f} ms wall; {len(timed)} records, "
              f"best of {args.repeats})")


def _corpus() -> ModuleType:
    """This checkout's tests/support/citation_corpus.py, whichever checkout is timed."""
    spec = importlib.util.spec_from_file_location(
        "citation_corpus", HERE / "tests" / "support" / "citation_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _modes(wanted: str) -> list[tuple[str, Callable[[], None]]]:
    if importlib.util.find_spec("sitegen.cite.citeproc_memos") is None:
        return [("as-is", lambda: None)]
    from sitegen.cite import citeproc_memos
    modes = [("released", citeproc_memos.remove), ("memoised", citeproc_memos.apply)]
    return [mode for mode in modes if wanted in ("both", mode[0])]


def _timed_pass(corpus: list[dict[str, Any]]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) to format the corpus, with no record formatted before."""
    for name in ("_entry", "_note", "_source"):
        if hasattr(getattr(styles, name, None), "cache_clear"):
            getattr(styles, name).cache_clear()
    cpu, wall = time.process_time(), time.perf_counter()
    _format_all(corpus)
    return time.process_time() - cpu, time.perf_counter() - wall


def _format_all(corpus: list[dict[str, Any]]) -> None:
    chicago = next(style.csl for style in styles.STYLES if style.key == "chicago")
    for record in corpus:
        for style in styles.STYLES:
            styles.bibliography_entry(record, style.csl)
        styles.note(record, chicago)


if __name__ == "__main__":
    main()
