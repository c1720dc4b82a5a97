"""`build.py serve`: build, serve the output folder, rebuild on change, reload open pages.

A stdlib `ThreadingHTTPServer` serves only files inside the output folder, under the site's
base path, with the site's own 404 page. Two `watchfiles` watchers (the source folders,
recursively, and config.yaml beside them) feed one rebuild thread, so bursts of edits
become one build. A failed build prints its diagnostics, keeps the last good site on disk
(the writer swaps whole folders) and tells open pages through `livereload`; the next good
build recovers without a restart. `Server` runs in threads so tests can start and stop it;
`serve()` is the command, blocking until Ctrl+C.
"""

from __future__ import annotations

import ipaddress
import mimetypes
import socket
import socketserver
import sys
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Self, TextIO
from urllib.parse import quote, unquote, urlsplit

from sitegen.config.settings import Config
from sitegen.serve.livereload import (
    CLIENT_SCRIPT,
    EVENTS_URL,
    RECONNECT_MS,
    SCRIPT_URL,
    LiveReloadHub,
    Rebuilder,
    Watcher,
    encode_state,
    inject_script,
)

KEEPALIVE_SECONDS = 5.0  # an idle event stream sends a comment this often, to notice closed tabs
MAX_THREADS = 64  # requests handled at once; more wait in the listen queue

_TYPES = {".html": "text/html", ".htm": "text/html", ".css": "text/css", ".js": "text/javascript",
          ".mjs": "text/javascript", ".json": "application/json", ".xml": "application/xml",
          ".svg": "image/svg+xml", ".txt": "text/plain", ".ico": "image/x-icon",
          ".webmanifest": "application/manifest+json", ".woff2": "font/woff2",
          ".wasm": "application/wasm"}
_TEXT_TYPES = ("text/", "application/json", "application/xml", "image/svg+xml",
               "application/manifest+json", "application/atom+xml", "application/rss+xml")
_FALLBACK_404 = (b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                 b"<title>Not found</title></head><body><h1>Not found</h1>"
                 b"<p>No page here, and the site has no 404.html (yet).</p></body></html>\n")


@dataclass(frozen=True)
class Target:
    """Where a request path leads: a file to send, a redirect, or a refusal."""

    status: HTTPStatus
    file: Path | None = None
    location: str = ""


def request_path(raw: str) -> str:
    """The path of a request target, without query or fragment (absolute-form allowed)."""
    if raw.startswith(("http://", "https://")):
        raw = urlsplit(raw).path or "/"
    return raw.split("?", 1)[0].split("#", 1)[0]


def resolve_target(output: Path, base_path: str, path: str) -> Target:
    """Map a URL path to a file inside `output`, never outside it.

    The path is percent-decoded once, then checked segment by segment: `..`, NUL and
    backslashes are refused, and the resolved file (symlinks followed) must lie inside the
    output folder. Redirects are rebuilt from the clean segments, so `//host` never leaks
    into a Location header.
    """
    if path + "/" == base_path or (path == "/" and base_path != "/"):
        return Target(HTTPStatus.MOVED_PERMANENTLY, location=base_path)
    if not path.startswith(base_path):
        return Target(HTTPStatus.NOT_FOUND)
    parts = unquote(path[len(base_path):]).split("/")
    if any(part == ".." or "\\" in part or "\0" in part for part in parts):
        return Target(HTTPStatus.FORBIDDEN)
    parts = [part for part in parts if part not in ("", ".")]
    try:
        return _locate(output.resolve(), parts, base_path, path.endswith("/"))
    except (OSError, RuntimeError):  # a name too long, a symlink loop: nothing to serve
        return Target(HTTPStatus.NOT_FOUND)


def _locate(root: Path, parts: list[str], base_path: str, slash: bool) -> Target:
    """Find clean path segments under `root`, following symlinks only to inside it."""
    candidate = root.joinpath(*parts).resolve()
    if not candidate.is_relative_to(root):
        return Target(HTTPStatus.FORBIDDEN)
    if candidate.is_dir():
        if not slash:
            return Target(HTTPStatus.MOVED_PERMANENTLY,
                          location=base_path + "".join(quote(p) + "/" for p in parts))
        candidate = (candidate / "index.html").resolve()
        if not candidate.is_relative_to(root):
            return Target(HTTPStatus.FORBIDDEN)
    if candidate.is_file():
        return Target(HTTPStatus.OK, file=candidate)
    return Target(HTTPStatus.NOT_FOUND)


def content_type(path: Path) -> str:
    """The Content-Type header for a file, with a charset for text."""
    kind = _TYPES.get(path.suffix.lower()) or mimetypes.guess_type(path.name)[0]
    kind = kind or "application/octet-stream"
    return f"{kind}; charset=utf-8" if kind.startswith(_TEXT_TYPES) else kind


class _Handler(BaseHTTPRequestHandler):
    """Answer one connection (HTTP/1.0: one request each, so no idle keep-alive threads)."""

    server: _DevHTTPServer
    server_version = "sitegen-serve"
    timeout = 15  # a client that stalls this long gives its thread back

    def do_GET(self) -> None:
        self._handle(send_body=True)

    def do_HEAD(self) -> None:
        self._handle(send_body=False)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the terminal is for build results and errors."""

    def _handle(self, *, send_body: bool) -> None:
        path = request_path(self.path)
        if path == EVENTS_URL:
            self._stream_events(send_body)
            return
        if path == SCRIPT_URL:
            self._send(HTTPStatus.OK, CLIENT_SCRIPT.encode("utf-8"),
                       "text/javascript; charset=utf-8", send_body)
            return
        site = self.server.site
        token = site.hub.current().token  # read before the file: a stale token only costs a reload
        config = site.config
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
            self._send_not_found(self.server.site.config, token, send_body)
            return
        self._send_page(HTTPStatus.OK, data, content_type(file), token, send_body)

    def _send_not_found(self, config: Config, token: str, send_body: bool) -> None:
        self._send_page(HTTPStatus.NOT_FOUND, _not_found_page(config.path("output")),
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
        hub = self.server.site.hub
        if not hub.open_stream():
            self._send(HTTPStatus.SERVICE_UNAVAILABLE, b"too many live-reload streams\n",
                       "text/plain; charset=utf-8", send_body)
            return
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if send_body:
                self._pump_events(hub)
        except (ConnectionError, TimeoutError):
            return  # the tab closed or navigated away: nothing to report
        finally:
            hub.close_stream()

    def _pump_events(self, hub: LiveReloadHub) -> None:
        self.wfile.write(f"retry: {RECONNECT_MS}\n\n".encode("ascii"))
        seen = -1
        while (state := hub.wait_for_change(seen, KEEPALIVE_SECONDS)) is not None:
            self.wfile.write(b": keep-alive\n\n" if state.version == seen else encode_state(state))
            seen = state.version


def _not_found_page(output: Path) -> bytes:
    """The site's own 404.html, or a minimal page while the site has none."""
    page = resolve_target(output, "/", "/404.html")
    try:
        return page.file.read_bytes() if page.file else _FALLBACK_404
    except OSError:  # replaced while we read it, by a rebuild
        return _FALLBACK_404


class _DevHTTPServer(ThreadingHTTPServer):
    """A threading server with a bounded number of handler threads."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], site: Server, max_threads: int) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.site = site
        self._slots = threading.BoundedSemaphore(max_threads)
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup, which can stall offline."""
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        self._slots.acquire()  # a flood waits in the listen queue instead of spawning threads
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that hung up is no error; anything else is a bug: show its traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()




class Server:
    """Build, serve, watch and rebuild in background threads until `stop()`.

    `start()` binds first (so a busy port fails before a long build), starts the watchers,
    then builds once; a failed first build is reported like any other and serving goes on.
    """

    def __init__(self, config: Config, *, host: str = "127.0.0.1", port: int = 1313,
                 out: TextIO = sys.stdout, err: TextIO = sys.stderr,
                 max_threads: int = MAX_THREADS) -> None:
        self.hub = LiveReloadHub()
        self._rebuilder = Rebuilder(config, self.hub, out, err)
        self._watcher = Watcher(self._rebuilder)
        self._address = (host, port)
        self._max_threads = max_threads
        self._httpd: _DevHTTPServer | None = None
        self._serving: threading.Thread | None = None
        self._stopped = threading.Event()

    @property
    def config(self) -> Config:
        """The configuration of the latest good build (config.yaml may have changed)."""
        return self._rebuilder.config

    @property
    def url(self) -> str:
        """The site's address, base path included."""
        if self._httpd is None:
            raise RuntimeError("the server is not started")
        host, port = self._httpd.server_name, self._httpd.server_port
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{port}{self.config.base_path}"

    def start(self) -> None:
        """Listen, watch, build once, and serve in background threads."""
        self._httpd = _DevHTTPServer(self._address, self, self._max_threads)
        self._watcher.start()
        self._rebuilder.rebuild()
        self._watcher.wait_until_ready()
        self._serving = threading.Thread(target=self._httpd.serve_forever, args=(0.1,),
                                         name="serve", daemon=True)
        self._serving.start()

    def wait(self) -> None:
        """Block until `stop()` (or Ctrl+C, which raises KeyboardInterrupt here)."""
        while not self._stopped.wait(0.5):
            pass

    def stop(self) -> None:
        """End event streams, stop serving and watching; safe to call twice."""
        self._stopped.set()
        self.hub.close()
        if self._httpd is not None:
            if self._serving is not None:
                self._httpd.shutdown()
                self._serving.join(timeout=5)
            self._httpd.server_close()
        self._watcher.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def serve(config: Config, *, host: str = "127.0.0.1", port: int = 1313,
          out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Run the dev server until Ctrl+C; return the exit code."""
    server = Server(config, host=host, port=port, out=out, err=err)
    try:
        try:
            server.start()
        except OSError as exc:
            print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=err)
            print("  hint: another server may be using the port; pass --port", file=err)
            return 2
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
