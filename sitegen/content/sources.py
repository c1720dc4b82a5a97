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
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitegen.config.settings import Config
from sitegen.content.classify import PAGE_SUFFIXES, RESOURCE, SKIP, ContentRules, compile_ignores
from sitegen.errors import Diagnostic, byte_position

__all__ = ["PAGE_SUFFIXES", "FileStamp", "Resource", "Source", "SourceTree", "discover_sources"]
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
class FileStamp:
    """What `os.stat` said of a source file, and the digest of the bytes it held then.

    A build that finds a file with the same size, times and inode takes the digest from
    here instead of reading and hashing the file again, as git's index does. The change
    time (`ctime`) cannot be set back by any tool, so a file edited since cannot match.
    """

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int
    digest: str

    def matches(self, info: os.stat_result) -> bool:
        return (self.size, self.mtime_ns, self.ctime_ns, self.inode) == (
            info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


# A file changed this recently may change again within the file system's timestamp
# granularity without its times changing: it is hashed again next time, not stamped.
RACY_NS = 2_000_000_000


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
    stamps: dict[str, FileStamp] = field(default_factory=dict)  # by source path, for the next build


def discover_sources(config: Config, stamps: Mapping[str, FileStamp] | None = None) -> SourceTree:
    """Read, check and hash every file under the content folder, in a stable (sorted) order.

    The sources come without their text: holding every article's text would make the
    build's memory grow with the site, and only the processes that convert a source need
    it (they read it again, see workers.SourceProcessor; `Source.read_text` reads it for a
    diagnostic's line). A file whose `stamps` entry (from the last build) still matches is
    not read at all: its digest is the stamp's.
    """
    stamps = stamps or {}
    fresh: dict[str, FileStamp] = {}
    now_ns = time.time_ns()
    content_dir = config.path("content")
    sources: list[Source] = []
    resources: list[Resource] = []
    if not content_dir.is_dir():
        return SourceTree((), (), (Diagnostic(config.paths.content, 0, 0, "error",
                                              "the content folder does not exist",
                                              f"create '{config.paths.content}/' and put articles in it"),))
    prefix = config.paths.content.rstrip("/")
    ignores, problems = compile_ignores(config.ignore_files)
    files = _walk(str(content_dir))
    rules = ContentRules([(absolute, rel) for absolute, rel, _ in files], ignores)
    for absolute, rel_content, is_link in files:
        rel = f"{prefix}/{rel_content}"
        problem = _check_link(Path(absolute), content_dir, rel) if is_link else None
        if problem:
            problems.append(problem)
            continue
        kind = rules.kind(absolute, rel_content)
        if kind == SKIP:
            continue
        if kind == RESOURCE:
            resources.append(Resource(rel, rel_content, Path(absolute)))
            continue
        try:
            info = os.stat(absolute)
        except OSError:
            info = None
        known = stamps.get(rel)
        if info is not None and known is not None and known.matches(info):
            sources.append(Source(rel, rel_content, "", known.digest, absolute))
            fresh[rel] = known
            continue
        source, problem = read_source(Path(absolute), rel, rel_content)
        if problem:
            problems.append(problem)
        elif source:
            sources.append(replace(source, text=""))  # hashed and checked; converting reads it again
            if info is not None and now_ns - info.st_mtime_ns > RACY_NS:
                fresh[rel] = FileStamp(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino,
                                       source.digest)
    return SourceTree(tuple(sources), tuple(resources), tuple(problems), fresh)


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


def _walk(root: str) -> list[tuple[str, str, bool]]:
    """(absolute path, path relative to root, is a symlink) of every file under root, sorted:
    a folder's files, then its subfolders'. Hidden names and editor clutter are skipped;
    symlinked folders are listed as files, so that _check_link refuses them.

    Strings and directory entries, not Path objects: a site has thousands of files and
    every build lists them all."""
    found: list[tuple[str, str, bool]] = []
    pending = [(root, "")]
    while pending:
        folder, rel = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError:
            continue
        subfolders = []
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                subfolders.append((entry.path, rel + name + "/"))
            elif name not in IGNORED_NAMES and not name.endswith("~"):
                found.append((entry.path, rel + name, entry.is_symlink()))
        pending.extend(reversed(subfolders))
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
