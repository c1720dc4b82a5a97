"""Find and read every file under content/: the only stage that reads the content tree.

Markdown files become `Source` values (text normalised to LF, BOM removed, with a
digest for the cache); every other file is a `Resource` to copy beside the pages.
Problems (bytes that are not UTF-8, links that leave content/) become diagnostics
for the whole tree at once.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from dataclasses import dataclass, replace
from pathlib import Path

from .config import Config
from .errors import Diagnostic, byte_position

PAGE_SUFFIXES = (".md", ".markdown")
MAX_SOURCE_BYTES = 20 * 1024 * 1024  # far beyond any article; larger is a mistake
IGNORED_NAMES = {".DS_Store", "Thumbs.db"}


@dataclass(frozen=True)
class Source:
    """One Markdown file: where it is and what it says."""

    path: str  # relative to the project root, with '/' separators: "content/2019/x.md"
    content_path: str  # relative to content/: "2019/x.md"
    text: str  # LF line endings, no BOM; "" once hashed by discover_sources (see read_text)
    digest: str  # sha256 of the raw bytes
    file: str = ""  # the file's absolute path

    def read_text(self) -> str:
        """The text: this source's own, else read again from its file ("" if that fails)."""
        if self.text or not self.file:
            return self.text
        read, _ = read_source(Path(self.file), self.path, self.content_path)
        return read.text if read is not None else ""


@dataclass(frozen=True)
class Resource:
    """A non-Markdown file under content/ (an image beside a post), copied as is."""

    path: str
    content_path: str
    absolute: Path


@dataclass(frozen=True)
class SourceTree:
    sources: tuple[Source, ...]
    resources: tuple[Resource, ...]
    diagnostics: tuple[Diagnostic, ...]


def discover_sources(config: Config) -> SourceTree:
    """Read, check and hash every file under the content folder, in a stable (sorted) order.

    The sources come without their text: holding every article's text would make the
    build's memory grow with the site, and only the processes that convert a source need
    it (they read it again, see workers.SourceProcessor; `Source.read_text` reads it for a
    diagnostic's line).
    """
    content_dir = config.path("content")
    sources: list[Source] = []
    resources: list[Resource] = []
    problems: list[Diagnostic] = []
    if not content_dir.is_dir():
        problems.append(Diagnostic(config.paths.content, 0, 0, "error",
                                   "the content folder does not exist",
                                   f"create '{config.paths.content}/' and put articles in it"))
        return SourceTree((), (), tuple(problems))
    for absolute in _walk(content_dir):
        rel_content = absolute.relative_to(content_dir).as_posix()
        rel = f"{config.paths.content.rstrip('/')}/{rel_content}"
        problem = _check_link(absolute, content_dir, rel)
        if problem:
            problems.append(problem)
            continue
        if absolute.suffix.lower() not in PAGE_SUFFIXES:
            resources.append(Resource(rel, rel_content, absolute))
            continue
        source, problem = read_source(absolute, rel, rel_content)
        if problem:
            problems.append(problem)
        elif source:
            sources.append(replace(source, text=""))  # hashed and checked; converting reads it again
    return SourceTree(tuple(sources), tuple(resources), tuple(problems))


def read_source(absolute: Path, rel: str, rel_content: str) -> tuple[Source | None, Diagnostic | None]:
    """Read one Markdown file, turning unreadable bytes into a diagnostic."""
    try:
        size = absolute.stat().st_size
        raw = b"" if size > MAX_SOURCE_BYTES else absolute.read_bytes()
    except OSError as exc:
        return None, Diagnostic(rel, 1, 1, "error", f"file cannot be read: {exc.strerror}",
                                "check that the file exists and that you may read it")
    if size > MAX_SOURCE_BYTES:
        return None, Diagnostic(rel, 1, 1, "error",
                                f"file is {size // (1024 * 1024)} MB, larger than the "
                                f"{MAX_SOURCE_BYTES // (1024 * 1024)} MB an article may be",
                                "split it, or move data files out of content/")
    text, problem = decode_text(raw, rel)
    if problem:
        return None, problem
    assert text is not None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return Source(rel, rel_content, text, hashlib.sha256(raw).hexdigest(), str(absolute)), None


def decode_text(raw: bytes, rel: str) -> tuple[str | None, Diagnostic | None]:
    """Decode UTF-8 (with or without BOM); explain UTF-16, binary data and stray bytes."""
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return None, Diagnostic(rel, 1, 1, "error", "file is UTF-16 text, not UTF-8",
                                "save the file as UTF-8 (most editors offer this under "
                                "'Save with encoding')")
    if b"\x00" in raw:
        return None, Diagnostic(rel, 1, 1, "error", "file is binary, not Markdown text",
                                "rename it if it is not an article (e.g. .txt), or remove it")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line, col = byte_position(raw, exc.start)
        return None, Diagnostic(rel, line, col, "error",
                                f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                                "save the file as UTF-8 (most editors offer this under "
                                "'Save with encoding')")


def _walk(root: Path) -> list[Path]:
    """All files under root, sorted, skipping hidden ones and editor clutter."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        # Symlinked folders are listed as files so that _check_link sees them.
        for name in sorted(files + [d for d in dirs if os.path.islink(os.path.join(folder, d))]):
            if name.startswith(".") or name in IGNORED_NAMES or name.endswith("~"):
                continue
            found.append(Path(folder) / name)
    return found


def _check_link(absolute: Path, content_dir: Path, rel: str) -> Diagnostic | None:
    """Refuse symlinks that point outside content/ or at folders: they could leak files."""
    if not absolute.is_symlink():
        return None
    target = absolute.resolve()
    if not target.exists():
        return Diagnostic(rel, 1, 1, "error", "symbolic link points to nothing",
                          f"its target {os.readlink(absolute)} does not exist: remove the link")
    if not target.is_relative_to(content_dir):
        return Diagnostic(rel, 1, 1, "error", "symbolic link points outside the content folder",
                          "copy the file into content/ instead of linking to it")
    if target.is_dir():
        return Diagnostic(rel, 1, 1, "error", "symbolic links to folders are not followed",
                          "move the folder into place instead of linking to it")
    return None
