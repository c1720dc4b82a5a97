"""Start a development server (ours `build.py serve`, `hugo server`) for the latency bench,
wait until it serves the article, sample its process tree's memory, and stop it.

Each server runs in its own session (process group), so stopping it reaches every process
it started (our engine's Pagefind runs, say) and nothing else; its output goes to a log file
whose tail is reported when it fails.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from measure import process_rss, tree_pids
from tools import REPO

SAMPLE_SECONDS = 0.05
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
STOP_SECONDS = 15.0  # after Ctrl+C (SIGINT), how long a server may take to exit


class ServerFailed(Exception):
    """The server exited or never served the page; the message ends with its log's tail."""


@dataclass(frozen=True)
class ServerSpec:
    """One development server over one corpus."""

    name: str  # ours, ours-nosearch, hugo, hugo-memory
    flavor: str  # the kind of corpus it reads (ours, hugo)
    root: Path  # the corpus folder
    search: bool  # its pages have a search index to probe (ours with search on)
    command: tuple[str, ...]  # "{port}" stands for the port it is given
    reload: str  # how its pages learn about a change, for the report


def ours_server(root: Path, *, search: bool) -> ServerSpec:
    """`python build.py serve`: rebuilds after 50 ms without changes, reloads through SSE."""
    return ServerSpec("ours" if search else "ours-nosearch", "ours", root, search,
                      (sys.executable, str(REPO / "build.py"), "serve", "--root", str(root),
                       "--host", "127.0.0.1", "--port", "{port}", "--quiet"),
                      "build.py serve: live reload over Server-Sent Events")


def hugo_server(root: Path, hugo: str, *, memory: bool) -> ServerSpec:
    """`hugo server` as users start it (writing to disk), or with --renderToMemory."""
    command: tuple[str, ...] = (hugo, "server", "--source", str(root), "--bind", "127.0.0.1", "--port", "{port}",
               "--baseURL", "http://127.0.0.1/", "--cacheDir", str(root / ".hugo_cache"))
    if memory:
        command += ("--renderToMemory",)
    return ServerSpec("hugo-memory" if memory else "hugo", "hugo", root, False, command,
                      "hugo server: LiveReload over a WebSocket")


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RunningServer:
    """A started server: its URL, its memory peaks and its log."""

    def __init__(self, spec: ServerSpec, port: int) -> None:
        self.spec = spec
        self.base = f"http://127.0.0.1:{port}"
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        command = [part.replace("{port}", str(port)) for part in spec.command]
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(command, cwd=spec.root, stdout=self._log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True)
        self._peak = 0
        self._peak_main = 0  # the server's own process, without what it started (Pagefind)
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def wait_until_serving(self, path: str, timeout: float) -> float:
        """Poll `path` until it answers 200; return the seconds since the start."""
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise ServerFailed(f"exited with code {self.proc.returncode}\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=5) as response:
                    if response.status == 200:
                        return time.perf_counter() - self.started
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.2)
        raise ServerFailed(f"did not serve {path} within {timeout:g} s\n{self.log_tail()}")

    def take_peak(self) -> int:
        """The peak resident memory of the tree (bytes) since the last call."""
        return self.take_peaks()[0]

    def take_peaks(self) -> tuple[int, int]:
        """The peak resident memory (bytes) since the last call of the tree and of the
        server's own process: the difference is what it started (Pagefind's runs)."""
        now, main = _tree_and_main(self.proc.pid)
        with self._lock:
            peaks = (max(self._peak, now), max(self._peak_main, main))
            self._peak = self._peak_main = 0
        return peaks

    def cpu(self) -> float:
        """CPU seconds (user + system) the server's tree has used so far."""
        return tree_cpu(self.proc.pid)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> str:
        """Ctrl+C to the server's process group; kill the group if it lingers. Says how it went."""
        how = f"had exited (code {self.proc.returncode})"
        if self.proc.poll() is None:
            asked = time.perf_counter()
            _signal_group(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(STOP_SECONDS)
                how = f"stopped {time.perf_counter() - asked:.1f} s after Ctrl+C"
            except subprocess.TimeoutExpired:
                _signal_group(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
                how = f"killed: still running {STOP_SECONDS:g} s after Ctrl+C"
        self._done.set()
        self._sampler.join()
        return how

    def log_tail(self, lines: int = 15) -> str:
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace").strip()
        return "\n".join(text.splitlines()[-lines:]) or "(no output)"

    def close(self, keep_log: Path | None = None) -> str:
        """Stop the server and drop its log, or keep it at `keep_log` (its timeline: what
        each edit set off, and when)."""
        how = self.stop()
        if keep_log is not None:
            self._log.seek(0)
            keep_log.parent.mkdir(parents=True, exist_ok=True)
            keep_log.write_bytes(self._log.read())
        self._log.close()
        return how

    def _sample(self) -> None:
        while not self._done.is_set():
            rss, main = _tree_and_main(self.proc.pid)
            with self._lock:
                self._peak = max(self._peak, rss)
                self._peak_main = max(self._peak_main, main)
            self._done.wait(SAMPLE_SECONDS)


def tree_cpu(pid: int) -> float:
    """User + system seconds of `pid` and its live descendants, each with the children it
    has reaped (a reaped process's own total folds into its parent's), from /proc."""
    ticks = 0
    for member in tree_pids(pid):
        try:
            with open(f"/proc/{member}/stat", "rb") as handle:
                fields = handle.read().rpartition(b")")[2].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        ticks += sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / CLOCK_TICKS


def _tree_and_main(pid: int) -> tuple[int, int]:
    """Resident bytes of the tree and of `pid` alone, from one reading of each process, so
    that the second never exceeds the first."""
    main = process_rss(pid)
    return main + sum(process_rss(member) for member in tree_pids(pid) if member != pid), main


def _signal_group(pid: int, signum: int) -> None:
    try:
        os.killpg(pid, signum)  # the session this bench started for the server
    except ProcessLookupError:
        pass
