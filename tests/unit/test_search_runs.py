"""Pagefind runs side by side (sitegen/search/runs.py): how many at once, never two that load
a dictionary, a failure stops the others, a cancel keeps what was done.

The shards are indexed here by a function that records when each starts and ends, so
the schedule itself is what is checked; test_search.py checks real Pagefind runs."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from sitegen.errors import BuildCancelled, BuildFailed, Diagnostic
from sitegen.search.runs import Stop, heavy_languages, run_shards
from sitegen.search.shards import Shard


def _shards(*languages: str) -> list[Shard]:
    return [Shard(language, number, ()) for number, language in enumerate(languages)]


class _Recorder:
    """Indexes a shard by waiting `seconds`, noting which shards were running together."""

    def __init__(self, seconds: float = 0.05, fail: int | None = None) -> None:
        self.seconds, self.fail = seconds, fail
        self.lock = threading.Lock()
        self.running: set[int] = set()
        self.together: list[frozenset[int]] = []
        self.started: list[int] = []
        self.stopped_early: list[int] = []

    def __call__(self, shard: Shard, stop: Stop) -> Path:
        with self.lock:
            self.running.add(shard.number)
            self.started.append(shard.number)
            self.together.append(frozenset(self.running))
        try:
            if shard.number == self.fail:
                raise BuildFailed([Diagnostic("", 0, 0, "error", "pagefind failed", "")])
            end = time.monotonic() + self.seconds
            while time.monotonic() < end:
                if stop.is_set():
                    self.stopped_early.append(shard.number)
                    raise BuildCancelled("stopped")
                time.sleep(0.005)
            return Path(f"bundle-{shard.number}")
        finally:
            with self.lock:
                self.running.discard(shard.number)


def test_two_runs_share_the_cores_and_every_shard_is_built() -> None:
    shards = _shards("en", "en", "en", "en")
    recorder, built = _Recorder(), {}
    run_shards(shards, recorder, 2, None, built)
    assert built == {shard: Path(f"bundle-{shard.number}") for shard in shards}
    assert max(len(group) for group in recorder.together) == 2
    assert recorder.started[:2] == [0, 1]  # in the order given


def test_one_run_at_a_time_when_asked() -> None:
    recorder, built = _Recorder(0.01), {}
    run_shards(_shards("en", "ja", "en"), recorder, 1, None, built)
    assert len(built) == 3 and max(len(group) for group in recorder.together) == 1
    assert recorder.started == [0, 1, 2]


def test_two_dictionary_runs_never_overlap_but_an_english_one_runs_beside_them() -> None:
    """ja and zh runs each load a dictionary of some 300 MB: the second waits, and an
    English shard further down the list goes first."""
    shards = _shards("ja", "ja", "zh", "en", "en")
    recorder, built = _Recorder(), {}
    run_shards(shards, recorder, 3, None, built)
    assert len(built) == 5
    heavy = {0, 1, 2}
    assert all(len(group & heavy) <= 1 for group in recorder.together)
    assert recorder.started[:2] == [0, 3]  # the second ja shard waits; an en one starts


def test_with_no_heavy_language_japanese_runs_go_two_at_a_time() -> None:
    """Pagefind 1.6 splits Japanese in a few MB: its ja runs pair up like any other."""
    recorder, built = _Recorder(), {}
    run_shards(_shards("ja", "ja", "ja", "ja"), recorder, 2, None, built, heavy=())
    assert len(built) == 4
    assert recorder.started[:2] == [0, 1]
    assert max(len(group) for group in recorder.together) == 2


@pytest.mark.parametrize(("version", "heavy"), [
    ("1.5.2", ("ja", "zh")), ("1.4.0", ("ja", "zh")), ("1.6.0", ()), ("1.10.1", ()), ("2.0.0", ()),
    ("1.6.0-beta.1", ()), ("unknown", ("ja", "zh")), ("", ("ja", "zh")),
])
def test_the_pagefind_version_says_which_languages_are_heavy(version: str, heavy: tuple[str, ...]) -> None:
    assert heavy_languages(version) == heavy


def test_a_failure_stops_the_other_run_and_is_raised_once_both_ended() -> None:
    recorder, built = _Recorder(seconds=5.0, fail=1), {}
    started = time.monotonic()
    with pytest.raises(BuildFailed, match="pagefind failed"):
        run_shards(_shards("en", "en", "en"), recorder, 2, None, built)
    assert time.monotonic() - started < 2.0  # shard 0 did not run its 5 s
    assert recorder.stopped_early == [0] and 2 not in recorder.started
    assert not recorder.running and not built


def test_a_cancel_before_the_start_builds_nothing() -> None:
    cancel = threading.Event()
    cancel.set()
    recorder, built = _Recorder(), {}
    with pytest.raises(BuildCancelled):
        run_shards(_shards("en", "en"), recorder, 2, cancel, built)
    assert recorder.started == [] and built == {}


def test_a_cancel_while_running_keeps_the_shards_already_built() -> None:
    """What serve's catch-up publishes when an edit comes (indexing.py's `partial`)."""
    cancel = threading.Event()
    recorder = _Recorder(seconds=0.3)

    def index(shard: Shard, stop: Stop) -> Path:
        if shard.number == 2:
            cancel.set()  # the edit arrives while shards 1 and 2 run
        return recorder(shard, stop) if shard.number else Path("bundle-0")

    built: dict[Shard, Path] = {}
    shards = _shards("en", "en", "en", "en")
    with pytest.raises(BuildCancelled):
        run_shards(shards, index, 2, cancel, built)
    assert built == {shards[0]: Path("bundle-0")}
    assert sorted(recorder.stopped_early) == [1, 2] and 3 not in recorder.started


def test_ctrl_c_while_runs_are_in_hand_ends_them_before_it_is_raised() -> None:
    """The interrupt reaches the main thread, which waits for the runs: they must not go on
    (each would keep its Pagefind to the end) while the pool is shut down."""
    recorder = _Recorder(seconds=5.0)

    def index(shard: Shard, stop: Stop) -> Path:
        if shard.number == 1:
            time.sleep(0.1)
            os.kill(os.getpid(), signal.SIGINT)
        return recorder(shard, stop)

    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_shards(_shards("en", "en"), index, 2, None, {})
    assert time.monotonic() - started < 2.0
    assert sorted(recorder.stopped_early) == [0, 1] and not recorder.running
