"""Where a request path leads in the output folder: a file, a redirect, or a refusal.

Pure functions of the path and the folder, kept apart from the sockets so that they can
be tested on their own: the one place that decides which files the dev server may send.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

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



def not_found_page(output: Path) -> bytes:
    """The site's own 404.html, or a minimal page while the site has none."""
    page = resolve_target(output, "/", "/404.html")
    try:
        return page.file.read_bytes() if page.file else _FALLBACK_404
    except OSError:  # replaced while we read it, by a rebuild
        return _FALLBACK_404

