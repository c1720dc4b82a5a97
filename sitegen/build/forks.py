"""Run work in forked processes that inherit it, with no module globals.

Builds spread Markdown and templates over the cores. multiprocessing.Pool pickles each
task, so the large things a task needs (the assembled site, the Jinja environments, the
sources) were parked in module globals before the pool forked, for the workers to find;
that state outlived the build and hid what each worker read. Here each child is a
`Process` of the "fork" context: its target is inherited by the fork, never pickled, so
it can be a closure over whatever it needs. Only results travel, each child's through its
own pipe, and the parent watches the children's sentinels as well as the pipes, so a child
that dies without answering (killed, `os._exit`) is an error, not a hang.

Where "fork" is not available (Windows, some macOS builds), the work runs serially in this
process: spawning would pickle what forking inherits, which is what this module avoids.

- `Forked(calls)`: one child per call, started on entering; this process can do its own
  share before `results()` collects theirs, in the order of `calls`.
- `fork_each(calls)`: the same, when this process has nothing of its own to do.
- `fork_map(make_worker, items, workers, chunk)`: an ordered, streaming map of `items`,
  dealt in chunks from a shared counter.

A child's exception is raised again here with its own type and attributes (a SiteError
keeps its diagnostics), its traceback as the cause; one that cannot cross is a ForkFailed.
Leaving a `Forked`, or closing a `fork_map` early, terminates and joins the children.
"""

from __future__ import annotations

import gc
import multiprocessing
import pickle
import traceback
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from types import TracebackType
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Send = Callable[[object], None]  # how a child's work hands a message to the parent

_PART, _DONE, _FAILED = "part", "done", "failed"  # what a child's message is
_GRACE = 5.0  # seconds a child that has answered gets to exit before it is terminated


def can_fork() -> bool:
    """Whether this platform starts processes by forking (the only way this module uses)."""
    return "fork" in multiprocessing.get_all_start_methods()


class ForkFailed(RuntimeError):
    """A forked child died before it answered, or raised an exception that cannot cross."""


class ChildTraceback(Exception):
    """The traceback of an exception raised in a child: the cause of the one raised here."""

    def __str__(self) -> str:
        return f"\n\n{self.args[0]}" if self.args else ""


@dataclass(frozen=True)
class Failure:
    """An exception raised in a child, as it crosses to the parent: pickled when it survives
    a round trip (so that its type and attributes do), else named."""

    pickled: bytes | None
    name: str
    trace: str

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        trace = "".join(traceback.format_exception(exc))
        name = f"{type(exc).__module__}.{type(exc).__qualname__}: {exc}"
        try:
            pickled = pickle.dumps(exc)
            pickle.loads(pickled)  # some exceptions pickle but do not load (required arguments)
        except Exception:
            return cls(None, name, trace)
        return cls(pickled, name, trace)

    def exception(self) -> BaseException:
        """The child's exception, to raise here, with the child's traceback as its cause."""
        error: BaseException
        try:
            error = pickle.loads(self.pickled) if self.pickled is not None else self._unpicklable()
        except Exception:
            error = self._unpicklable()
        error.__cause__ = ChildTraceback(self.trace)
        return error

    def _unpicklable(self) -> ForkFailed:
        return ForkFailed(f"a forked worker raised {self.name} (an exception that cannot cross processes)")


def _child(work: Callable[[Send], None], writer: Connection) -> None:
    """A child's life: do the work, sending its messages, then say it is done or how it failed.

    Everything inherited is frozen first and the collector is on, whatever the parent's:
    the child collects its own garbage, and never walks the parent's objects, which would
    write to their pages and copy them (`serve` holds collections off while it builds,
    serve/collector.py, and a child that did too kept every page's garbage)."""
    gc.freeze()
    gc.enable()
    try:
        work(lambda message: writer.send((_PART, message)))
        writer.send((_DONE, None))
    except Exception as exc:
        writer.send((_FAILED, Failure.of(exc)))
    finally:
        writer.close()


class _Children:
    """Forked children, each with a pipe back; a context manager that leaves none running."""

    def __init__(self, works: Sequence[Callable[[Send], None]]) -> None:
        self.works = works
        self.processes: list[Any] = []
        self.readers: list[Connection] = []
        self.answered = False  # every child has said it is done

    def __enter__(self) -> _Children:
        context = multiprocessing.get_context("fork")
        try:
            for work in self.works:
                reader, writer = context.Pipe(duplex=False)
                process = context.Process(target=_child, args=(work, writer), daemon=True)
                self.processes.append(process)
                self.readers.append(reader)
                process.start()
                writer.close()  # the child's copy stays open: EOF here once the child ends
        except BaseException as error:
            self.__exit__(type(error), error, error.__traceback__)
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        """Join children that answered; terminate (and if need be kill) the others."""
        for process in self.processes:
            process.join(_GRACE if self.answered else 0)
            if process.is_alive():
                process.terminate()
                process.join(_GRACE)
            if process.is_alive():
                process.kill()
                process.join()
        for reader in self.readers:
            reader.close()

    def messages(self) -> Iterator[tuple[int, object]]:
        """(child's index, message) as they arrive, until every child is done.

        Raises the exception a child failed with, or ForkFailed for one that ended silently."""
        running = set(range(len(self.processes)))
        while running:
            watched: list[Any] = [self.readers[i] for i in running]
            ready = wait(watched + [self.processes[i].sentinel for i in running])
            for index in sorted(running):
                if self.readers[index] in ready or self.processes[index].sentinel in ready:
                    for message in self._drain(index, running):
                        yield index, message
        self.answered = True

    def _drain(self, index: int, running: set[int]) -> Iterator[object]:
        """The messages waiting in one child's pipe; the child leaves `running` once done."""
        reader, process = self.readers[index], self.processes[index]
        while reader.poll():
            try:
                kind, payload = reader.recv()
            except EOFError:  # every copy of the child's end closed, without a word: it died
                break
            if kind == _FAILED:
                raise payload.exception()
            if kind == _DONE:
                running.discard(index)
                return
            yield payload
        else:
            if process.is_alive():
                return  # nothing more yet: it is still working
        process.join()
        raise ForkFailed(f"a forked worker (pid {process.pid}) ended with exit code {process.exitcode} "
                         "before it finished its work")


class Forked(Generic[R]):
    """One forked child per call, started on entering; `results()` collects their returns.

    Between the two this process is free to do its own share (the render pool renders
    pages while its children do). Leaving the block, however, terminates any child still
    running. Without fork, `results()` makes the calls here, one after the other."""

    def __init__(self, calls: Sequence[Callable[[], R]]) -> None:
        self.calls = calls
        self.children: _Children | None = _Children([_answering(call) for call in calls]) if can_fork() else None

    def __enter__(self) -> Forked[R]:
        if self.children is not None:
            self.children.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self.children is not None:
            self.children.__exit__(kind, exc, tb)

    def results(self) -> list[R]:
        """Each call's return, in the order of the calls, once every child has answered."""
        if self.children is None:
            return [call() for call in self.calls]
        returned: dict[int, Any] = dict(self.children.messages())
        return [returned[index] for index in range(len(self.calls))]


def _answering(call: Callable[[], R]) -> Callable[[Send], None]:
    return lambda send: send(call())


def fork_each(calls: Sequence[Callable[[], R]]) -> list[R]:
    """Make each call in a forked child of its own; their returns, in the order of the calls."""
    with Forked(calls) as forked:
        return forked.results()


def fork_map(make_worker: Callable[[], Callable[[T], R]], items: Sequence[T], workers: int,
             chunk: int) -> Iterator[R]:
    """The worker's result for each item, in the order of `items`, as soon as it is known.

    `workers` children inherit the items (nothing is pickled on the way out), make their
    worker once with `make_worker` after the fork, and take `chunk` items at a time from a
    shared counter until none are left, so the work evens out; chunks that come back early
    wait here for the ones before them. A chunk's exception is raised in its place in the
    order. Closing the iterator early terminates the children. With fewer than two workers,
    or without fork, the items are worked on here."""
    if workers < 2 or not can_fork():
        work = make_worker()
        yield from (work(item) for item in items)
        return
    taken = multiprocessing.get_context("fork").Value("q", 0)
    dealer = _Dealer(make_worker, items, chunk, taken)
    with _Children([dealer] * workers) as children:
        yield from _in_order((message for _, message in children.messages()), len(items))


@dataclass(frozen=True)
class _Dealer(Generic[T, R]):
    """A child's loop in fork_map: take the next chunk, work on it, send it back, repeat."""

    make_worker: Callable[[], Callable[[T], R]]
    items: Sequence[T]
    chunk: int
    taken: Any  # a shared counter: how many items have been taken

    def __call__(self, send: Send) -> None:
        work = self.make_worker()
        while True:
            with self.taken.get_lock():
                start = self.taken.value
                self.taken.value = min(len(self.items), start + self.chunk)
            if start >= len(self.items):
                return
            try:
                send((start, [work(item) for item in self.items[start:start + self.chunk]]))
            except Exception as exc:
                send((start, Failure.of(exc)))
                return


def _in_order(chunks: Iterator[Any], total: int) -> Iterator[Any]:
    """The results of (start, results or Failure) chunks, in the order of their starts."""
    waiting: dict[int, Any] = {}
    done = 0
    for start, results in chunks:
        waiting[start] = results
        while done in waiting:
            results = waiting.pop(done)
            if isinstance(results, Failure):
                raise results.exception()
            yield from results
            done += len(results)
    if done < total:
        raise ForkFailed(f"forked workers finished with {total - done} of {total} items left undone")
