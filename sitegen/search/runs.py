"""Run the shards' Pagefind runs side by side, two at a time on a machine with two cores.

One Pagefind run keeps about 1.3 cores busy: it reads and parses the pages on one thread
for much of its time. The 20 runs of a 4,000-article site took 18 s one after another
and 13 s two at a time on two cores (three at a time: no faster). A run that segments
Japanese or Chinese with Pagefind 1.5 loads a dictionary of some 300 MB, so two of those
never run at once: beside one, only English runs (about 90 MB each for 256 pages), one on
two cores. Pagefind 1.6 splits them with ICU4X in a few MB: its runs have no such rule.

A failure in one run stops the other (through the `stop` each run polls) and is raised
once both have ended, so no Pagefind outlives the build and no work folder is left
half-written behind a reported error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import NamedTuple

from sitegen.errors import BuildCancelled
from sitegen.search.shards import Shard

MAX_RUNS = 4  # past the cores nothing is gained; four English runs hold some 350 MB
HEAVY_LANGUAGES = ("ja", "zh")  # forced to these, Pagefind 1.5's extended binary loads a dictionary
LIGHT_FROM = (1, 6)  # Pagefind 1.6 segments with ICU4X: 11 MB for a Japanese page, against 340 MB
IndexOne = Callable[[Shard, "Stop"], Path]


class Stop:
    """Set when the build is cancelled from outside (`cancel`) or a run failed: what each
    run polls (pagefind_cli.run_pagefind) to end its Pagefind early."""

    def __init__(self, cancel: threading.Event | None) -> None:
        self.cancel = cancel
        self.failed = threading.Event()

    def is_set(self) -> bool:
        return self.failed.is_set() or (self.cancel is not None and self.cancel.is_set())


def heavy_languages(version: str) -> tuple[str, ...]:
    """The languages whose runs load a dictionary with this Pagefind version (`1.5.2`):
    ja and zh before 1.6, none after; a version that does not parse counts as old."""
    try:
        parsed = tuple(int(part) for part in version.split(".")[:2])
    except ValueError:
        return HEAVY_LANGUAGES
    return () if parsed >= LIGHT_FROM else HEAVY_LANGUAGES


def run_shards(shards: Sequence[Shard], index: IndexOne, runs: int, cancel: threading.Event | None,
               built: dict[Shard, Path], heavy: Sequence[str] = HEAVY_LANGUAGES) -> None:
    """Index `shards` in their order, up to `runs` at a time, into `built` as each ends.

    `runs` is capped at MAX_RUNS; never two runs of the `heavy` languages at once (see
    heavy_languages). Raises the first failure once every run started has ended;
    BuildCancelled when `cancel` is set before every shard was started (the shards done
    stay in `built`)."""
    stop = Stop(cancel)
    waiting = list(shards)
    limits = _Limits(max(1, min(runs, MAX_RUNS)), tuple(heavy))
    with ThreadPoolExecutor(max_workers=limits.runs, thread_name_prefix="pagefind") as pool:
        try:
            failure = _drive(pool, waiting, index, limits, stop, built)
        except BaseException:  # Ctrl-C while waiting: the runs end before the pool is left
            stop.failed.set()
            raise
    if failure is not None:
        raise failure
    if waiting:
        raise BuildCancelled("build cancelled: the sources changed again")


class _Limits(NamedTuple):
    runs: int  # at a time
    heavy: tuple[str, ...]  # languages of which one run at a time


def _drive(pool: ThreadPoolExecutor, waiting: list[Shard], index: IndexOne, limits: _Limits, stop: Stop,
           built: dict[Shard, Path]) -> BaseException | None:
    """Start shards as runs end until none waits or `stop` is set; the first failure."""
    running: dict[Future[Path], Shard] = {}
    failure: BaseException | None = None
    while waiting or running:
        while len(running) < limits.runs and not stop.is_set():
            shard = _next(waiting, running.values(), limits.heavy)
            if shard is None:
                break
            running[pool.submit(index, shard, stop)] = shard
        if not running:
            break
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in sorted(done, key=lambda f: (running[f].language, running[f].number)):
            shard = running.pop(future)
            try:
                built[shard] = future.result()
            except BaseException as exc:  # noqa: BLE001 - raised by run_shards, once all have ended
                failure = failure or exc
                stop.failed.set()
    return failure


def _next(waiting: list[Shard], running: Iterable[Shard], heavy: tuple[str, ...]) -> Shard | None:
    """The first waiting shard that may start beside those running: any, unless it is a
    heavy one and a heavy one runs."""
    heavy_running = any(shard.language in heavy for shard in running)
    for position, shard in enumerate(waiting):
        if not (heavy_running and shard.language in heavy):
            return waiting.pop(position)
    return None
