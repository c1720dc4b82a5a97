"""Run one command and measure its whole process tree: wall, CPU and peak memory.

- wall: `time.perf_counter()` from just before the fork to the moment it is reaped;
- CPU: user + system seconds from `os.wait4`, which on Linux includes every descendant
  the command itself waited for (worker pools, threads);
- peak RSS of the tree: a thread sums VmRSS over the command and all its descendants
  (found through /proc/PID/task/TID/children) every 10 ms and keeps the maximum; pages
  shared by forked workers are counted once per process, as `ps` would;
- max RSS of one process: `ru_maxrss` from `os.wait4` (the largest single process; for a
  tiny command it shows the bench's own size, copied into the child before its exec).
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
SAMPLE_SECONDS = 0.01


@dataclass(frozen=True)
class Measurement:
    """One run of one command."""

    wall: float  # seconds
    cpu: float  # user + system seconds of the whole tree
    peak_rss_tree: int  # bytes, sampled sum over the tree
    max_rss_single: int  # bytes, largest single process (ru_maxrss)
    returncode: int
    output_tail: str  # last lines of stderr (or stdout) when it failed

    @property
    def ok(self) -> bool:
        return self.returncode == 0


def measure(command: list[str], cwd: Path, timeout: float = 900.0) -> Measurement:
    """Run `command` in `cwd`, wait for it, and measure it; never raises on failure."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        sampler = _TreeSampler()
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
        except OSError as exc:
            return Measurement(0.0, 0.0, 0, 0, 127, f"cannot start {command[0]}: {exc}")
        sampler.start(proc.pid)
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - start
        except BaseException:  # Ctrl-C: do not leave the build running on its own
            _kill_group(proc.pid)
            raise
        finally:
            timer.cancel()
            sampler.stop()
        proc.returncode = os.waitstatus_to_exitcode(status)
        tail = "" if proc.returncode == 0 else _tail(err, out)
        if proc.returncode == -signal.SIGKILL and wall >= timeout:
            tail = f"killed after the {timeout:g} s timeout\n{tail}"
        return Measurement(wall, usage.ru_utime + usage.ru_stime, sampler.peak,
                           usage.ru_maxrss * 1024, proc.returncode, tail)


def _kill_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)  # the group this bench started for this command
    except ProcessLookupError:
        pass


def _tail(*files: IO[bytes], lines: int = 15) -> str:
    for handle in files:
        handle.seek(0)
        text = handle.read().decode("utf-8", "replace").strip()
        if text:
            return "\n".join(text.splitlines()[-lines:])
    return "(no output)"


class _TreeSampler:
    """Poll the summed RSS of a process tree from /proc in a thread; keep the maximum."""

    def __init__(self) -> None:
        self.peak = 0
        self._done = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, pid: int) -> None:
        self._thread = threading.Thread(target=self._run, args=(pid,), daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def _run(self, pid: int) -> None:
        while not self._done.is_set():
            self.peak = max(self.peak, tree_rss(pid))
            self._done.wait(SAMPLE_SECONDS)


def process_rss(pid: int) -> int:
    """Resident memory of `pid` alone, in bytes (0 if gone)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * PAGE_SIZE
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        return 0


def tree_rss(pid: int) -> int:
    """Sum of resident memory, in bytes, of `pid` and all its descendants (0 if gone)."""
    return sum(process_rss(member) for member in tree_pids(pid))


def tree_pids(pid: int) -> list[int]:
    """`pid` and its descendants, found through each thread's children list."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except (FileNotFoundError, ProcessLookupError):
            continue
        for task in tasks:
            try:
                with open(f"/proc/{current}/task/{task}/children", "rb") as handle:
                    queue.extend(int(child) for child in handle.read().split())
            except (FileNotFoundError, ProcessLookupError):
                continue
    return found
