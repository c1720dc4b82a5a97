"""How an edit's build grows with the site: `serve`'s build after an edit to an article's text.

    python bench/edit_cost.py --sizes 1000,4000,40000 [--edits 5] [--out FILE]

latency.py times what the editor waits for (the page, then search), with edits coming
faster than `serve`'s background build at 40,000 articles, which the next edit cancels.
This times that build itself, to the end, as `serve` runs it: in one process, with one
`BuildSession` (build/session.py) and the collector held off during it
(serve/collector.py), search left for the catch-up (`defer_search`). For each size, on
run.py's corpus with search on: the start-up build, then `--edits` times a sentence
appended to the middle article (one word longer each time: `edit_text`), noted as
serve's watcher notes it (content/rescan.py), and a build;
then the article is restored. Reported per size: the start-up, each edit build's wall
and CPU time (this process; a build that renders a handful of pages forks no workers),
the pages rendered, whether the last build's plan was kept (build/rebody.py), and the
process's RSS after the start-up and at its peak during the edit builds (sampled every
10 ms). See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import tools as t

sys.path.insert(0, str(t.REPO))

from sitegen.build.pipeline import build  # noqa: E402
from sitegen.build.session import BuildSession  # noqa: E402
from sitegen.config.settings import Config, load_config  # noqa: E402
from sitegen.serve.collector import QuietCollector  # noqa: E402

MB = 1024 * 1024


@dataclass
class SizeResult:
    n: int
    start_up: float = 0.0
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rendered: list[int] = field(default_factory=list)
    kept: list[bool] = field(default_factory=list)
    rss_start: int = 0
    rss_peak: int = 0


def rss() -> int:
    """This process's resident set, in bytes."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class PeakSampler:
    """The largest RSS seen while the block runs, sampled every 10 ms from a thread."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss())
            time.sleep(0.01)


def time_size(n: int, edits: int, work: Path, seed: int) -> SizeResult:
    """The start-up build and `edits` edit builds of one corpus, in one session."""
    root = work / f"n{n}" / "ours"
    t.prepare_corpus(root, n, seed, "ours", search=True)
    t.restore_pristine(root, "ours", n, seed)
    article = sorted((root / "content").rglob("*.md"))[n // 2]
    original = article.read_bytes()
    config, session, collector = load_config(root), BuildSession(), QuietCollector()
    result = SizeResult(n)
    clock = time.perf_counter()
    with collector.paused():
        build(config, now=dt.datetime.now(dt.UTC), session=session, defer_search=True)
    collector.after_build(finished=True)
    session.notes.watching()  # as serve's watcher after its first build; the first edit's build scans all
    result.start_up, result.rss_start = time.perf_counter() - clock, rss()
    try:
        with PeakSampler() as sampler:
            for number in range(edits):
                article.write_bytes(original + edit_text(number).encode())
                session.notes.note([str(article.resolve())])  # what serve's watcher reports
                _edit_build(config, session, collector, result)
        result.rss_peak = sampler.peak
    finally:
        article.write_bytes(original)
        session.notes.note([str(article.resolve())])
        build(config, now=dt.datetime.now(dt.UTC), session=session, defer_search=True)
    return result


def edit_text(number: int) -> str:
    """The sentence the edit appends: one word longer each time, so that every edit
    changes the article's word count, as an editor's usually does (the lists showing it are
    then rendered again; since fcd4732, not the archive page, which lists every article
    without it). Until 2026-12-07 every edit appended a sentence as long as the last one,
    and only the first edit changed the count."""
    return "\nAn edited sentence" + " more" * number + f", number {number}.\n"


def _edit_build(config: Config, session: BuildSession, collector: QuietCollector, result: SizeResult) -> None:
    clock, cpu = time.perf_counter(), time.process_time()
    with collector.paused():
        config = load_config(config.root)  # as serve does before each build (serve/livereload.py)
        report = build(config, now=dt.datetime.now(dt.UTC), session=session, defer_search=True)
        # frozen before collection resumes, as serve does: else the first allocation after
        # it sets off a collection of everything the build made (0.2 s at 40,000 articles)
        collector.after_build(finished=True)
    result.walls.append(time.perf_counter() - clock)
    result.cpus.append(time.process_time() - cpu)
    result.rendered.append(report.rendered)
    result.kept.append("plan kept" in report.timings)
    collector.when_quiet()


def render(results: list[SizeResult], edits: int) -> str:
    lines = [f"`serve`'s build after an edit to an article's text, {edits} edits per size, "
             f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs.", "",
             "| articles | start-up s | edit build s, median (max) | CPU s, median | pages rendered "
             "| plan kept | RSS after start-up MB | peak RSS during edit builds MB |",
             "|---:|---:|---|---:|---:|---|---:|---:|"]
    for r in results:
        lines.append(f"| {r.n:,} | {r.start_up:.1f} | {statistics.median(r.walls):.2f} ({max(r.walls):.2f}) "
                     f"| {statistics.median(r.cpus):.2f} | {statistics.median(r.rendered):.0f} "
                     f"| {sum(r.kept)} of {len(r.kept)} | {r.rss_start / MB:.0f} | {r.rss_peak / MB:.0f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,4000", type=lambda text: [int(p) for p in text.split(",") if p])
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=t.BENCH / "work")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    args = parser.parse_args(argv)
    results = []
    for n in args.sizes:
        results.append(time_size(n, args.edits, args.workdir, args.seed))
        t.progress(f"[{n}] start-up {results[-1].start_up:.1f} s, edit builds "
                   + ", ".join(f"{w:.2f}" for w in results[-1].walls) + " s")
    report = render(results, args.edits)
    print(report)
    if args.out:
        args.out.write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
