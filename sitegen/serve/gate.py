"""Talk to every client in one thread, so that no client can hold a worker by being slow.

A thread per connection lets a few dozen clients that connect and then send nothing, or
trickle a byte a second, hold every thread while real requests wait (70 of them starved
the old server for 24 s). Here one thread waits on every socket at once (`selectors`):
it gathers the request line and headers of each connection, hands only complete heads
to `dispatch` (which computes the answer in a worker), and sends the answers back as
fast as each client reads them. Workers never touch a socket, so a slow sender or a
slow reader costs only its own connection.

Every connection has a deadline: its head must arrive within `head_timeout` seconds
however slowly its bytes trickle in (then 408), and its answer must be read within
`write_timeout` seconds. A head larger than `max_head` bytes is refused (431). At most
`max_connections` connections are kept at once (reading or being answered), holding at
most `MAX_ANSWER_BYTES` of answers: past that the one nearest its deadline is dropped, so
a flood costs its own connections, never the server's file descriptors or memory. Each
connection carries one request (HTTP/1.0 semantics), so
there are no idle keep-alive connections to hold.
"""

from __future__ import annotations

import errno
import queue
import selectors
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

HEAD_TIMEOUT = 5.0  # seconds a client has to send its request line and headers
WRITE_TIMEOUT = 10.0  # seconds a client has to read its answer
LINGER = 2.0  # seconds to wait for a client to close once it has its answer
MAX_HEAD = 32 * 1024  # bytes of request line and headers, at most
MAX_CONNECTIONS = 512  # connections the gate holds at once
MAX_ANSWER_BYTES = 256 * 1024 * 1024  # bytes of answers waiting for their clients, at most
_TICK = 0.25  # seconds between looks at the deadlines (and at stop())
_HEAD_END = (b"\r\n\r\n", b"\n\n")

Dispatch = Callable[[socket.socket, bytes, Any], None]


def plain_response(status: str, text: str = "") -> bytes:
    """A whole HTTP/1.0 response with a short plain-text body, e.g. ('421 Misdirected Request', ...)."""
    body = text.encode("utf-8")
    return (f"HTTP/1.0 {status}\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
            ).encode("latin-1") + body


@dataclass
class _Connection:
    sock: socket.socket
    address: Any
    deadline: float
    head: bytearray = field(default_factory=bytearray)
    answer: memoryview | None = None  # set once the answer is being sent
    draining: bool = False  # answer sent: reading what is left until the client closes


class RequestGate:
    """Read request heads from `listener`'s connections; pass each complete one to `dispatch`.

    `dispatch(sock, head, address)` runs in the gate's thread and must return at once:
    it hands the work to a worker, which answers with `respond(sock, data)` (or takes
    the socket over for good and closes it itself). `run()` loops until `stop()`.
    """

    def __init__(self, listener: socket.socket, dispatch: Dispatch, *,
                 head_timeout: float = HEAD_TIMEOUT, write_timeout: float = WRITE_TIMEOUT,
                 max_head: int = MAX_HEAD, max_connections: int = MAX_CONNECTIONS) -> None:
        self._listener = listener
        self._dispatch = dispatch
        self._head_timeout, self._write_timeout = head_timeout, write_timeout
        self._max_head, self._max_connections = max_head, max_connections
        self._open: dict[socket.socket, _Connection] = {}
        self._answers: queue.SimpleQueue[tuple[socket.socket, bytes]] = queue.SimpleQueue()
        self._selector = selectors.DefaultSelector()
        self._stopped = threading.Event()
        self._wake_read, self._wake_write = socket.socketpair()
        self._wake_read.setblocking(False)
        self._wake_write.setblocking(False)

    def run(self) -> None:
        """Accept, read and answer until `stop()`; then close every connection still held."""
        self._listener.setblocking(False)
        self._selector.register(self._listener, selectors.EVENT_READ)
        self._selector.register(self._wake_read, selectors.EVENT_READ)
        try:
            while not self._stopped.is_set():
                self._step()
        finally:
            for connection in list(self._open.values()):
                self._drop(connection)
            while not self._answers.empty():
                self._answers.get()[0].close()
            self._selector.close()
            self._wake_read.close()
            self._wake_write.close()

    def respond(self, sock: socket.socket, data: bytes) -> None:
        """Send `data` to the client, then close; from any thread, without waiting."""
        if self._stopped.is_set():
            sock.close()
            return
        self._answers.put((sock, data))
        self._wake()

    def stop(self) -> None:
        """Make `run()` return soon (from any thread)."""
        self._stopped.set()
        self._wake()

    def _wake(self) -> None:
        try:
            self._wake_write.send(b"x")
        except OSError:
            pass  # the wake-up pipe is full (run() will look anyway) or closed (run() is over)

    def _step(self) -> None:
        for key, _events in self._selector.select(_TICK):
            if key.fileobj is self._listener:
                self._accept()
            elif key.fileobj is self._wake_read:
                self._drain_wakeups()
            else:
                self._serve(key.fileobj)  # type: ignore[arg-type]
        while not self._answers.empty():
            self._start_answer(*self._answers.get())
        self._expire(time.monotonic())

    def _serve(self, sock: socket.socket) -> None:
        connection = self._open.get(sock)
        if connection is None:
            return  # dropped by an earlier event of this round
        if connection.draining:
            self._drain(connection)
        elif connection.answer is None:
            self._read(connection)
        else:
            self._write(connection)

    def _drain_wakeups(self) -> None:
        try:
            while self._wake_read.recv(4096):
                pass
        except (BlockingIOError, InterruptedError):
            pass

    def _accept(self) -> None:
        """Take every connection waiting in the listen queue."""
        while True:
            try:
                sock, address = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of file descriptors: make room, take it next time
                if exc.errno in (errno.EMFILE, errno.ENFILE) and self._open:
                    self._drop(self._nearest_deadline())
                return
            if len(self._open) >= self._max_connections:
                self._drop(self._nearest_deadline())
            sock.setblocking(False)
            self._hold(_Connection(sock, address, time.monotonic() + self._head_timeout),
                       selectors.EVENT_READ)

    def _read(self, connection: _Connection) -> None:
        try:
            chunk = connection.sock.recv(8192)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            chunk = b""
        if not chunk:  # the client hung up before finishing its request
            self._drop(connection)
            return
        connection.head += chunk
        if any(end in connection.head for end in _HEAD_END):
            self._release(connection)
            try:
                self._dispatch(connection.sock, bytes(connection.head), connection.address)
            except Exception:  # noqa: BLE001 - a bug must cost one request, not the server
                traceback.print_exc(file=sys.stderr)
                connection.sock.close()
        elif len(connection.head) > self._max_head:
            self._release(connection)
            self._start_answer(connection.sock, plain_response(
                "431 Request Header Fields Too Large", "request headers too large\n"))

    def _start_answer(self, sock: socket.socket, data: bytes) -> None:
        if sock.fileno() < 0:
            return  # closed meanwhile, e.g. by stop()
        if len(self._open) >= self._max_connections:
            self._drop(self._nearest_deadline())
        while self._answer_bytes() + len(data) > MAX_ANSWER_BYTES and self._answer_bytes():
            self._drop(min((c for c in self._open.values() if c.answer), key=lambda c: c.deadline))
        sock.setblocking(False)
        self._hold(_Connection(sock, None, time.monotonic() + self._write_timeout,
                               answer=memoryview(data)), selectors.EVENT_WRITE)

    def _write(self, connection: _Connection) -> None:
        assert connection.answer is not None
        try:
            sent = connection.sock.send(connection.answer)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:  # the client went away
            self._drop(connection)
            return
        connection.answer = connection.answer[sent:]
        if not connection.answer:
            self._linger(connection)

    def _linger(self, connection: _Connection) -> None:
        """Half-close, then read until the client closes too (or LINGER seconds pass).

        Closing a socket with unread bytes in it (a request body, a head cut short at
        `max_head`) resets the connection, and the reset can destroy the answer before
        the client reads it.
        """
        try:
            connection.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self._drop(connection)
            return
        connection.draining = True
        connection.deadline = min(connection.deadline, time.monotonic() + LINGER)
        self._selector.modify(connection.sock, selectors.EVENT_READ)

    def _drain(self, connection: _Connection) -> None:
        try:
            if connection.sock.recv(65536):
                return
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            pass
        self._drop(connection)

    def _expire(self, now: float) -> None:
        for connection in [c for c in self._open.values() if c.deadline <= now]:
            late = connection.answer is None and connection.head and not connection.draining
            self._drop(connection, plain_response("408 Request Timeout") if late else b"")

    def _answer_bytes(self) -> int:
        return sum(len(c.answer) for c in self._open.values() if c.answer is not None)

    def _nearest_deadline(self) -> _Connection:
        return min(self._open.values(), key=lambda c: c.deadline)

    def _hold(self, connection: _Connection, events: int) -> None:
        self._open[connection.sock] = connection
        self._selector.register(connection.sock, events)

    def _release(self, connection: _Connection) -> None:
        self._selector.unregister(connection.sock)
        del self._open[connection.sock]

    def _drop(self, connection: _Connection, last_words: bytes = b"") -> None:
        """Close a connection, first telling the client why when there is something to say."""
        self._release(connection)
        if last_words:
            try:  # non-blocking, best effort: a client that reads nothing loses only this
                connection.sock.send(last_words)
            except OSError:
                pass
        connection.sock.close()
