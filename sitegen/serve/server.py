"""`build.py serve`: build, serve the output folder, rebuild on change, reload open pages.

The server serves only files inside the output folder, under the site's base path, with
the site's own 404 page (`files`), and only to requests that name it in their `Host`
header (`hosts`). One thread talks to every client (`gate`), so slow or silent clients
cannot starve the others; a bounded pool answers page requests and the live-reload
streams have threads of their own (`handler`). Two `watchfiles` watchers (the source
folders, recursively, and config.yaml beside them) feed one rebuild thread, so bursts of
edits become one build. A failed build prints its diagnostics, keeps the last good site
on disk (nothing is written before every page rendered; then each changed file replaces
its old one in one step, output/inplace.py) and tells open pages through `livereload`; the
next good build recovers without a restart. `Server` runs in threads so tests can start
and stop it; `serve()` is the command, blocking until Ctrl+C.
"""

from __future__ import annotations

import ipaddress
import signal
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Self, TextIO

from sitegen.config.settings import Config
from sitegen.serve.gate import HEAD_TIMEOUT, RequestGate
from sitegen.serve.handler import Lanes
from sitegen.serve.hosts import HostCheck
from sitegen.serve.livereload import LiveReloadHub, Rebuilder, Watcher

MAX_THREADS = 16  # page requests answered at once; they never wait for a client
MAX_STREAMS = 32  # live-reload event streams (open tabs) at once, each on its own thread
LISTEN_BACKLOG = 128
SWITCH_INTERVAL = 0.0005  # seconds a busy thread keeps the interpreter from a waiting one (responsive_threads)


class Server:
    """Build, serve, watch and rebuild in background threads until `stop()`.

    `start()` binds first (so a busy port fails before a long build), starts the watchers,
    then builds once; a failed first build is reported like any other and serving goes on.
    """

    def __init__(self, config: Config, *, host: str = "127.0.0.1", port: int = 1313,
                 out: TextIO = sys.stdout, err: TextIO = sys.stderr,
                 max_threads: int = MAX_THREADS, max_streams: int = MAX_STREAMS,
                 head_timeout: float = HEAD_TIMEOUT) -> None:
        self.hub = LiveReloadHub(max_streams)
        self._rebuilder = Rebuilder(config, self.hub, out, err)
        self._watcher = Watcher(self._rebuilder)
        self._address = (host, port)
        self._max_threads, self._head_timeout = max_threads, head_timeout
        self._listener: socket.socket | None = None
        self._gate: RequestGate | None = None
        self._lanes: Lanes | None = None
        self._serving: threading.Thread | None = None
        self._stopped = threading.Event()
        self.hosts = HostCheck([host], port)

    @property
    def config(self) -> Config:
        """The configuration of the latest good build (config.yaml may have changed)."""
        return self._rebuilder.config

    @property
    def port(self) -> int:
        """The port listened on (the one the system chose, when started with port 0)."""
        return self._bound()[1]

    @property
    def url(self) -> str:
        """The site's address, base path included."""
        host, port = self._bound()
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{self.config.base_path}"

    def listen(self) -> None:
        """Take the address and port (OSError if taken); `start()` does it when not done yet."""
        if self._listener is not None:
            return
        host, port = self._address
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._listener = socket.create_server((host, port), family=family, backlog=LISTEN_BACKLOG)
        self.hosts = HostCheck([host, self._bound()[0]], self._bound()[1])

    def start(self) -> None:
        """Listen, watch, build once, and serve in background threads."""
        self.listen()
        assert self._listener is not None
        self._gate = RequestGate(self._listener, self._dispatch, head_timeout=self._head_timeout)
        self._lanes = Lanes(self, self._gate.respond, self._max_threads)
        self._watcher.start()
        self._rebuilder.rebuild()
        self._watcher.wait_until_ready()
        self._serving = threading.Thread(target=self._gate.run, name="serve", daemon=True)
        self._serving.start()

    def wait(self) -> None:
        """Block until `stop()` (or Ctrl+C, which raises KeyboardInterrupt here)."""
        while not self._stopped.wait(0.5):
            pass

    def stop(self) -> None:
        """End event streams, stop serving and watching; safe to call twice."""
        self._stopped.set()
        self.hub.close()
        if self._gate is not None:
            self._gate.stop()
            if self._serving is not None:
                self._serving.join(timeout=5)
        if self._lanes is not None:
            self._lanes.shutdown()
        if self._listener is not None:
            self._listener.close()
        self._watcher.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _bound(self) -> tuple[str, int]:
        if self._listener is None:
            raise RuntimeError("the server is not started")
        host, port = self._listener.getsockname()[:2]
        return str(host), int(port)

    def _dispatch(self, sock: socket.socket, head: bytes, address: object) -> None:
        assert self._lanes is not None
        self._lanes.dispatch(sock, head, address)


@contextmanager
def responsive_threads(interval: float = SWITCH_INTERVAL) -> Iterator[None]:
    """Let a thread waiting for the interpreter take it from a busy one after `interval`
    seconds instead of Python's 5 ms, until the block ends.

    The server answers requests in threads of the process that builds. While a build
    thread computes (half a minute at 40,000 articles), every request waits for the
    interpreter at each hand-off between the gate and a lane, and at each read and
    write: at 5 ms a wait, the search page, which fetches a few files for each of up to
    64 shards, took seconds to load. The build pays only for the switches those
    waiting threads ask for.
    """
    before = sys.getswitchinterval()
    sys.setswitchinterval(interval)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def serve(config: Config, *, host: str = "127.0.0.1", port: int = 1313,
          out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run the dev server until Ctrl+C; return the exit code."""
    with responsive_threads():
        return _serve(Server(config, host=host, port=port, out=out, err=err), host, port, out, err)


def _serve(server: Server, host: str, port: int, out: TextIO, err: TextIO) -> int:
    """Listen, build, serve until Ctrl+C (or SIGTERM), and stop; 2 when the port cannot be had."""
    with _stop_signals():
        return _serve_until_stopped(server, host, port, out, err)


@contextmanager
def _stop_signals() -> Iterator[None]:
    """SIGINT and SIGTERM stop the server as Ctrl+C does, as they stop Hugo's, even when the
    process was started with SIGINT ignored (a background job of a shell script: Python
    then keeps it ignored, and the server could be stopped by nothing but SIGKILL, which
    leaves its build's staging folder behind). The handlers are put back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.signal(signal.SIGINT, signal.default_int_handler), signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, before[0])
        signal.signal(signal.SIGTERM, signal.SIG_DFL if before[1] is None else before[1])


def _interrupt(number: int, frame: object) -> None:
    raise KeyboardInterrupt


def _serve_until_stopped(server: Server, host: str, port: int, out: TextIO, err: TextIO) -> int:
    try:
        try:
            server.listen()
        except OSError as exc:
            print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=err)
            print("  hint: another server may be using the port; pass --port", file=err)
            return 2
        server.start()
        if not _is_loopback(host):
            print(f"warning: listening on {host}: other machines can reach this development "
                  "server, which is not hardened for that", file=err)
        print(f"Serving {server.url} (Ctrl+C to stop)", file=out, flush=True)
        server.wait()
    except KeyboardInterrupt:
        print("Stopped.", file=out, flush=True)
    finally:
        server.stop()
    return 0


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
