"""Serve a built site on 127.0.0.1 the way a static host would, for browser and link tests.

Unlike `python -m http.server` it mounts the site under its base path, answers missing paths
with the site's own `404.html` and status 404, redirects `/folder` to `/folder/`, and refuses
anything that would resolve outside the site folder (`..`, `%2e%2e`, symlinks out).
"""

from __future__ import annotations

import mimetypes
import posixpath
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_TEXT_TYPES = ("text/", "application/javascript", "application/json", "application/xml",
               "image/svg+xml", "application/atom+xml", "application/rss+xml")
_EXTRA_TYPES = {".js": "application/javascript", ".mjs": "application/javascript",
                ".json": "application/json", ".xml": "application/xml", ".svg": "image/svg+xml",
                ".webmanifest": "application/manifest+json", ".wasm": "application/wasm",
                ".woff2": "font/woff2", ".pf_meta": "application/octet-stream",
                ".pf_fragment": "application/octet-stream", ".pf_index": "application/octet-stream",
                ".pagefind": "application/octet-stream"}


def normalize_base_path(base_path: str) -> str:
    """Return `base_path` as `/`, or `/a/b/` with one slash at each end."""
    parts = [part for part in base_path.split("/") if part]
    return "/" + "".join(f"{part}/" for part in parts)


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self, root: Path, base_path: str) -> None:
        super().__init__(("127.0.0.1", 0), _SiteHandler)
        self.site_root = root
        self.base_path = base_path


class _SiteHandler(BaseHTTPRequestHandler):
    server: _SiteServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._respond(send_body=True)

    def do_HEAD(self) -> None:
        self._respond(send_body=False)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: test output is for test results."""

    def _respond(self, *, send_body: bool) -> None:
        url_path = urlsplit(self.path).path
        base = self.server.base_path
        if url_path + "/" == base:
            self._redirect(base)
            return
        if not url_path.startswith(base):
            self._not_found(send_body)
            return
        target = self._resolve(unquote(url_path[len(base):]))
        if target is None:
            self._not_found(send_body)
        elif target.is_dir():
            if not url_path.endswith("/"):
                self._redirect(url_path + "/")
            elif (target / "index.html").is_file():
                self._send_file(target / "index.html", HTTPStatus.OK, send_body)
            else:
                self._not_found(send_body)
        elif target.is_file():
            self._send_file(target, HTTPStatus.OK, send_body)
        else:
            self._not_found(send_body)

    def _resolve(self, relative: str) -> Path | None:
        """Map a decoded URL path below the base to a path inside the root, or None."""
        segments = relative.split("/")
        if any(seg in ("..", ".") or "\\" in seg or "\0" in seg for seg in segments):
            return None
        root = self.server.site_root
        candidate = (root / posixpath.join(*segments) if relative else root).resolve()
        if candidate != root and root not in candidate.parents:
            return None
        return candidate

    def _not_found(self, send_body: bool) -> None:
        page = self.server.site_root / "404.html"
        if page.is_file():
            self._send_file(page, HTTPStatus.NOT_FOUND, send_body)
        else:
            self._send_bytes(b"404 Not Found\n", "text/plain; charset=utf-8",
                             HTTPStatus.NOT_FOUND, send_body)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send_file(self, path: Path, status: HTTPStatus, send_body: bool) -> None:
        self._send_bytes(path.read_bytes(), _content_type(path), status, send_body)

    def _send_bytes(self, body: bytes, content_type: str, status: HTTPStatus,
                    send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if send_body:
            self.wfile.write(body)


def _content_type(path: Path) -> str:
    suffix = path.suffix.lower()
    kind = _EXTRA_TYPES.get(suffix) or mimetypes.guess_type(path.name)[0]
    kind = kind or "application/octet-stream"
    if kind.startswith(_TEXT_TYPES):
        return f"{kind}; charset=utf-8"
    return kind


@contextmanager
def serve_directory(root: Path, base_path: str = "/") -> Iterator[str]:
    """Serve `root` at http://127.0.0.1:PORT/base_path/ in a thread; yield that URL."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"cannot serve {root}: no such folder")
    base = normalize_base_path(base_path)
    server = _SiteServer(root, base)
    thread = threading.Thread(target=server.serve_forever, name=f"serve {root.name}",
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}{base}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
