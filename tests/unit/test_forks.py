"""sitegen/build/forks.py: work in forked children, results back in order, no child left behind."""

from __future__ import annotations

import ast
import gc
import multiprocessing
import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sitegen.build.forks import ChildTraceback, Forked, ForkFailed, fork_each, fork_map
from sitegen.errors import Diagnostic, TemplateError

PACKAGE = Path(__file__).resolve().parents[2] / "sitegen"

pytestmark = pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(),
                                reason="forks.py works serially without fork")


@pytest.fixture(autouse=True)
def no_child_left() -> Iterator[None]:
    """Every test ends with no child process alive, whatever it did."""
    yield
    assert multiprocessing.active_children() == []


def _pid_and(value: int) -> tuple[int, int]:
    time.sleep(0.002)  # slow enough that every child gets chunks
    return os.getpid(), value * value


def _squaring() -> Callable[[int], tuple[int, int]]:
    return _pid_and


def test_fork_map_gives_every_result_in_order_from_several_children() -> None:
    results = list(fork_map(_squaring, range(200), workers=3, chunk=5))
    assert [square for _, square in results] == [n * n for n in range(200)]
    assert len({pid for pid, _ in results}) == 3 and os.getpid() not in {pid for pid, _ in results}


def test_fork_map_makes_each_childs_worker_once_after_the_fork() -> None:
    def make() -> Callable[[int], int]:
        made = os.getpid()  # the worker remembers where it was made

        def work(_item: int) -> int:
            time.sleep(0.002)
            return made
        return work

    made_in = list(fork_map(make, range(60), workers=2, chunk=3))
    assert os.getpid() not in made_in and len(set(made_in)) == 2


def test_fork_map_with_one_worker_works_here() -> None:
    assert list(fork_map(_squaring, range(5), workers=1, chunk=2)) == [(os.getpid(), n * n) for n in range(5)]


def _failing_at(bad: int) -> Callable[[], Callable[[int], int]]:
    def work(item: int) -> int:
        if item == bad:
            raise TemplateError([Diagnostic("templates/page.html", 3, 1, "error", f"item {item}")])
        return item
    return lambda: work


def test_a_childs_exception_is_raised_here_with_its_type_and_diagnostics_in_its_place() -> None:
    seen: list[int] = []
    with pytest.raises(TemplateError) as caught:
        for item in fork_map(_failing_at(37), range(100), workers=3, chunk=4):
            seen.append(item)
    assert caught.value.diagnostics == [Diagnostic("templates/page.html", 3, 1, "error", "item 37")]
    assert isinstance(caught.value.__cause__, ChildTraceback)
    assert "item 37" in str(caught.value.__cause__)
    assert seen == list(range(36))  # the chunks before the failing one came out first


class _Unpicklable(Exception):
    def __init__(self, lock: object) -> None:
        super().__init__("holds a lock")
        self.lock = lock


def test_an_exception_that_cannot_cross_is_a_fork_failed_that_names_it() -> None:
    def fail() -> None:
        raise _Unpicklable(multiprocessing.Lock())

    with pytest.raises(ForkFailed, match="_Unpicklable: holds a lock"):
        fork_each([fail])


def test_fork_each_returns_in_the_order_of_the_calls_and_raises_a_childs_error() -> None:
    calls = [lambda n=n: (n, os.getpid()) for n in range(4)]
    results = fork_each(calls)
    assert [n for n, _ in results] == [0, 1, 2, 3] and len({pid for _, pid in results}) == 4

    def broken() -> int:
        raise KeyError("missing")

    with pytest.raises(KeyError, match="missing"):
        fork_each([lambda: 1, broken])


@pytest.mark.parametrize("death", [lambda: os._exit(3), lambda: os.kill(os.getpid(), signal.SIGKILL)])
def test_a_child_that_dies_without_answering_is_a_clear_error_not_a_hang(death: Callable[[], None]) -> None:
    def work(item: int) -> int:
        if item == 50:
            death()
        return item

    started = time.monotonic()
    with pytest.raises(ForkFailed, match=r"ended with exit code (3|-9) before it finished"):
        list(fork_map(lambda: work, range(100), workers=2, chunk=5))
    with pytest.raises(ForkFailed, match="exit code"):
        fork_each([lambda: 1, death])
    assert time.monotonic() - started < 30


def test_closing_fork_map_early_leaves_no_child_running() -> None:
    def slow(item: int) -> int:
        time.sleep(0.01)
        return item

    results = fork_map(lambda: slow, range(10_000), workers=3, chunk=2)
    assert [next(results) for _ in range(5)] == [0, 1, 2, 3, 4]
    assert len(multiprocessing.active_children()) == 3
    results.close()
    assert multiprocessing.active_children() == []


def test_an_exception_in_the_consumer_ends_the_children() -> None:
    with pytest.raises(ValueError, match="consumer"):
        for item in fork_map(lambda: (lambda n: n), range(10_000), workers=2, chunk=1):
            if item == 10:
                raise ValueError("consumer")
    assert multiprocessing.active_children() == []


def test_this_process_does_its_share_while_the_children_do_theirs() -> None:
    """Each child waits for the event this process sets in its own share: done one after
    the other, the children would give up first."""
    event = multiprocessing.get_context("fork").Event()
    with Forked([lambda: event.wait(20)] * 2) as forked:
        event.set()  # this process's share
        assert forked.results() == [True, True]


def test_leaving_forked_early_terminates_the_children() -> None:
    with pytest.raises(RuntimeError, match="parent"), Forked([lambda: time.sleep(60)] * 2):
        raise RuntimeError("parent")
    assert multiprocessing.active_children() == []


def test_leaving_forked_without_collecting_ends_the_children_at_once() -> None:
    started = time.monotonic()
    with Forked([lambda: time.sleep(60)] * 2):
        pass
    assert time.monotonic() - started < 3
    assert multiprocessing.active_children() == []


def test_no_module_of_sitegen_keeps_state_in_globals() -> None:
    """Worker state lived in module globals (`global _job`, `global _worker`) for forked pools
    to find; forks.py hands it over in closures. The one left says a warning once a process."""
    allowed = {"markup/pruning_support.py"}
    found = sorted(str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py")
                   if any(isinstance(node, ast.Global)
                          for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))))
    assert set(found) <= allowed, found
    assert {"build/render_pool.py", "build/workers.py", "build/forks.py"}.isdisjoint(found)


def test_a_child_collects_its_own_garbage_and_never_walks_what_it_inherited() -> None:
    """serve holds collections off while it builds; a renderer forked then must not keep
    every page's garbage, nor walk (and so copy) the parent's objects."""
    gc.disable()
    try:
        states = fork_each([lambda: (gc.isenabled(), gc.get_freeze_count() > 0)])
    finally:
        gc.enable()
    assert states == [(True, True)]
