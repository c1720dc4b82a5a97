"""Answer one request whose head the gate has read: a file, a redirect, or the live-reload stream.

`Lanes` runs the answers. Pages, files and refusals take a moment each and run on a
bounded pool of worker threads; they write their whole answer into memory and the gate
sends it, so a client that reads slowly holds no worker. A live-reload event stream
stays open as long as its page does (hours), so it gets a thread of its own, outside
the pool, and the streams have their own bound (the hub's slots): open tabs can never
take the workers that pages need, and a request for one stream too many gets 503.

Every request must name this server in its `Host` header (see `hosts`): 421 otherwise.
"""

from __future__ import annotations

import io
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from sitegen.config.settings import Config
from sitegen.serve.files import content_type, not_found_page, request_path, resolve_target
from sitegen.serve.gate import plain_response
from sitegen.serve.hosts import HostCheck
from sitegen.serve.livereload import (
    CLIENT_SCRIPT,
    EVENTS_URL,
    RECONNECT_MS,
    SCRIPT_URL,
    LiveReloadHub,
    encode_state,
    inject_script,
)

KEEPALIVE_SECONDS = 5.0  # an idle event stream sends a comment this often, to notice closed tabs
STREAM_WRITE_TIMEOUT = 10.0  # seconds an event stream's client has to take each event
MAX_QUEUED = 1024  # page requests waiting for a worker at once; more get 503

Respond = Callable[[socket.socket, bytes], None]


class Site(Protocol):
    """What a handler needs of the server: the latest build and who may ask."""

    hub: LiveReloadHub
    hosts: HostCheck

    @property
    def config(self) -> Config: ...


@dataclass(frozen=True)
class Exchange:
    """One request: its socket, the head the gate read, and how to send the answer."""

    sock: socket.socket
    head: bytes
    respond: Respond
    stream_slot: bool = False  # holds a live-reload slot, and a thread of its own


class RequestHandler(BaseHTTPRequestHandler):
    """Answer one request (HTTP/1.0: one per connection) from the head in `exchange`."""

    server_version = "sitegen-serve"

    def __init__(self, exchange: Exchange, site: Site) -> None:
        self.exchange, self.site = exchange, site
        self.streaming = False
        super().__init__(exchange, ("", 0), None)  # type: ignore[arg-type] # runs the request

    def setup(self) -> None:
        """Read from the head already received; write into memory, for the gate to send."""
        self.rfile = io.BytesIO(self.exchange.head)
        self.answer = io.BytesIO()
        self.wfile = self.answer

    def finish(self) -> None:
        if not self.streaming:
            self.exchange.respond(self.exchange.sock, self.answer.getvalue())

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the terminal is for build results and errors."""

    def parse_request(self) -> bool:
        """Parse the head, then refuse requests meant for another host (DNS rebinding)."""
        if not super().parse_request():
            return False
        refusal = self._host_refusal()
        if refusal is None:
            return True
        self._send(refusal[0], refusal[1].encode("utf-8"), "text/plain; charset=utf-8",
                   self.command != "HEAD")
        return False

    def _host_refusal(self) -> tuple[HTTPStatus, str] | None:
        hosts = self.headers.get_all("Host") or []
        if len(hosts) > 1 or not hosts and self.request_version != "HTTP/1.0":
            return HTTPStatus.BAD_REQUEST, "400 Bad Request: send one Host header\n"
        names = list(hosts)
        if self.path.startswith(("http://", "https://")):  # absolute form: its host counts too
            names.append(urlsplit(self.path).netloc)
        if all(self.site.hosts.accepts(name) for name in names):
            return None
        message = f"421 Misdirected Request: this server answers only to {self.site.hosts.description}\n"
        return HTTPStatus.MISDIRECTED_REQUEST, message

    def do_GET(self) -> None:
        self._handle(send_body=True)

    def do_HEAD(self) -> None:
        self._handle(send_body=False)

    def _handle(self, *, send_body: bool) -> None:
        path = request_path(self.path)
        if path == EVENTS_URL:
            self._stream_events(send_body)
            return
        if path == SCRIPT_URL:
            self._send(HTTPStatus.OK, CLIENT_SCRIPT.encode("utf-8"),
                       "text/javascript; charset=utf-8", send_body)
            return
        token = self.site.hub.current().token  # read before the file: a stale token only costs a reload
        config = self.site.config
        target = resolve_target(config.path("output"), config.base_path, path)
        if target.status == HTTPStatus.MOVED_PERMANENTLY:
            query = urlsplit(self.path).query
            self._redirect(target.location + (f"?{query}" if query else ""))
        elif target.status == HTTPStatus.OK and target.file is not None:
            self._send_file(target.file, token, send_body)
        elif target.status == HTTPStatus.FORBIDDEN:
            self._send(HTTPStatus.FORBIDDEN, b"403 Forbidden: outside the site folder\n",
                       "text/plain; charset=utf-8", send_body)
        else:
            self._send_not_found(config, token, send_body)

    def _send_file(self, file: Path, token: str, send_body: bool) -> None:
        try:
            data = file.read_bytes()
        except OSError:  # removed between resolving and reading, e.g. by a rebuild
            self._send_not_found(self.site.config, token, send_body)
            return
        self._send_page(HTTPStatus.OK, data, content_type(file), token, send_body)

    def _send_not_found(self, config: Config, token: str, send_body: bool) -> None:
        self._send_page(HTTPStatus.NOT_FOUND, not_found_page(config.path("output")),
                        "text/html; charset=utf-8", token, send_body)

    def _send_page(self, status: HTTPStatus, data: bytes, kind: str, token: str,
                   send_body: bool) -> None:
        if kind.startswith("text/html"):
            data = inject_script(data, token)
        self._send(status, data, kind, send_body)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, body: bytes, kind: str, send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(body)

    def _stream_events(self, send_body: bool) -> None:
        """Hold an event stream open, sending the build state whenever it changes."""
        if send_body and not self.exchange.stream_slot:
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"too many live-reload streams\n",
                       "text/plain; charset=utf-8", send_body)
            return
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if not send_body:
            return
        self.streaming = True  # this thread writes to the socket itself from here on
        try:
            self._pump_events(self.site.hub)
        except OSError:
            return  # the tab closed or navigated away, or stopped reading: nothing to report
        finally:
            self.exchange.sock.close()

    def _pump_events(self, hub: LiveReloadHub) -> None:
        sock = self.exchange.sock
        sock.settimeout(STREAM_WRITE_TIMEOUT)
        sock.sendall(self.answer.getvalue() + f"retry: {RECONNECT_MS}\n\n".encode("ascii"))
        seen = -1
        while (state := hub.wait_for_change(seen, KEEPALIVE_SECONDS)) is not None:
            sock.sendall(b": keep-alive\n\n" if state.version == seen else encode_state(state))
            seen = state.version


class Lanes:
    """Run page requests on a bounded pool, and each event stream on a thread of its own.

    `dispatch` is called by the gate's thread and returns at once.
    """

    def __init__(self, site: Site, respond: Respond, max_threads: int,
                 max_queued: int = MAX_QUEUED) -> None:
        self._site, self._respond, self._max_queued = site, respond, max_queued
        self._pool = ThreadPoolExecutor(max_threads, thread_name_prefix="serve-page")
        self._queued = 0
        self._lock = threading.Lock()

    def dispatch(self, sock: socket.socket, head: bytes, _address: object = None) -> None:
        """Start answering the request in `head`."""
        if _wants_events(head) and self._site.hub.open_stream():
            exchange = Exchange(sock, head, self._respond, stream_slot=True)
            threading.Thread(target=self._stream, args=(exchange,), name="serve-events",
                             daemon=True).start()
            return
        with self._lock:
            busy = self._queued >= self._max_queued
            self._queued += 0 if busy else 1
        if busy:
            self._respond(sock, plain_response("503 Service Unavailable",
                                               "too many requests at once: try again\n"))
            return
        self._pool.submit(self._page, Exchange(sock, head, self._respond))

    def shutdown(self) -> None:
        """Drop the requests still waiting; those being answered finish on their own."""
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _page(self, exchange: Exchange) -> None:
        try:
            _run(exchange, self._site)
        finally:
            with self._lock:
                self._queued -= 1

    def _stream(self, exchange: Exchange) -> None:
        try:
            _run(exchange, self._site)
        finally:
            self._site.hub.close_stream()


def _run(exchange: Exchange, site: Site) -> None:
    """Answer one request; a failure here is a bug, shown with its traceback, not a crash."""
    try:
        RequestHandler(exchange, site)
    except Exception:  # noqa: BLE001 - one request's bug must not take the server down
        traceback.print_exc(file=sys.stderr)  # what was written so far is sent, then closed


def _wants_events(head: bytes) -> bool:
    """True when the request line asks for the live-reload event stream."""
    words = head.split(b"\n", 1)[0].split()
    return (len(words) == 3 and words[0] == b"GET"
            and request_path(words[1].decode("latin-1")) == EVENTS_URL)
