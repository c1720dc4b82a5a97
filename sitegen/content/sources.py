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
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from sitegen.cancelling import EVERY, cancel_point
from sitegen.config.settings import Config
from sitegen.content.classify import PAGE_SUFFIXES, RESOURCE, SKIP, ContentRules, compile_ignores
from sitegen.content.walk import check_readable, link_problem, not_a_file, unreadable, walk_content
from sitegen.errors import Diagnostic, byte_position

__all__ = ["PAGE_SUFFIXES", "FileStamp", "Resource", "Source", "SourceTree", "discover_sources"]
MAX_SOURCE_BYTES = 20 * 1024 * 1024  # far beyond any article; larger is a mistake


@dataclass(frozen=True, slots=True)
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
    linked: bool = False  # a file in the tree is a symbolic link (content/rescan.py)


def discover_sources(config: Config, stamps: Mapping[str, FileStamp] | None = None,
                     before: Mapping[str, Source] | None = None) -> SourceTree:
    """Read, check and hash every file under the content folder, in a stable (sorted) order.

    The sources come without their text: holding every article's text would make the
    build's memory grow with the site, and only the processes that convert a source need
    it (they read it again, see workers.SourceProcessor; `Source.read_text` reads it for a
    diagnostic's line). A file whose `stamps` entry (from the last build) still matches is
    not read at all: its digest is the stamp's, and its Source the one in `before` (serve's
    last build's sources, by path) if that has the same digest and file: 40,000 of them
    made again took 0.06 s of each edit's build.
    """
    content_dir = config.path("content")
    if not content_dir.is_dir():
        return SourceTree((), (), (Diagnostic(config.paths.content, 0, 0, "error",
                                              "the content folder does not exist",
                                              f"create '{config.paths.content}/' and put articles in it"),))
    prefix = config.paths.content.rstrip("/")
    files, problems = walk_content(str(content_dir), prefix)
    ignores, ignore_problems = compile_ignores(config.ignore_files)
    rules = ContentRules([(absolute, rel) for absolute, rel, _ in files], ignores)
    return _sorted_out(files, rules, (content_dir, prefix), (stamps or {}, before or {}),
                       problems + ignore_problems)


def _sorted_out(files: list[tuple[str, str, bool]], rules: ContentRules, where: tuple[Path, str],
                known: tuple[Mapping[str, FileStamp], Mapping[str, Source]], problems: list[Diagnostic]
                ) -> SourceTree:
    """Each walked file as a source to convert, a resource to copy, skipped, or a problem."""
    (content_dir, prefix), (stamps, before) = where, known
    fresh: dict[str, FileStamp] = {}
    sources: list[Source] = []
    resources: list[Resource] = []
    now_ns = time.time_ns()
    for number, (absolute, rel_content, is_link) in enumerate(files):
        if not number % EVERY:
            cancel_point()  # stat and maybe hash each: 1.4 s at 40,000 files, which an edit would wait for
        rel = f"{prefix}/{rel_content}"
        problem = link_problem(absolute, content_dir, rel) if is_link else None
        kind = rules.kind(absolute, rel_content) if problem is None else None
        if kind == SKIP:
            continue
        if kind == RESOURCE:
            problem = check_readable(absolute, rel)
            if problem is None:
                resources.append(Resource(rel, rel_content, Path(absolute)))
                continue
        source, stamp, problem = (None, None, problem) if problem else hash_source(
            absolute, rel, rel_content, (stamps.get(rel), before.get(rel)), now_ns)
        if problem is not None:
            problems.append(problem)
        elif source is not None:
            sources.append(source)
            if stamp is not None:
                fresh[rel] = stamp
    return SourceTree(tuple(sources), tuple(resources), tuple(problems), fresh,
                      any(is_link for _, _, is_link in files))


def hash_source(absolute: str, rel: str, rel_content: str, last: tuple[FileStamp | None, Source | None],
                now_ns: int) -> tuple[Source | None, FileStamp | None, Diagnostic | None]:
    """The source without its text, the stamp to keep for it, or why it cannot be read.

    The digest is the stamp's when the file's size, times and inode still match it; else the
    file is read (and checked), and stamped unless it changed too recently to trust."""
    try:
        info: os.stat_result | None = os.stat(absolute)
    except OSError:
        info = None
    known, kept = last
    if info is not None and known is not None and known.matches(info):
        if kept is not None and kept.digest == known.digest and kept.file == absolute:
            return kept, known, None
        return Source(rel, rel_content, "", known.digest, absolute), known, None
    source, problem = read_source(Path(absolute), rel, rel_content)
    if source is None:
        return None, None, problem
    stamp = None
    if info is not None and now_ns - info.st_mtime_ns > RACY_NS:
        stamp = FileStamp(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, source.digest)
    return replace(source, text=""), stamp, None  # hashed and checked; converting reads it again


def read_source(absolute: Path, rel: str, rel_content: str) -> tuple[Source | None, Diagnostic | None]:
    """Read one Markdown file, turning unreadable bytes into a diagnostic."""
    try:
        raw, size, mode = read_regular(absolute, MAX_SOURCE_BYTES)
    except OSError as exc:
        return None, unreadable(rel, exc)
    if not stat.S_ISREG(mode):
        return None, not_a_file(rel, mode)
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


def read_regular(path: Path, limit: int) -> tuple[bytes, int, int]:
    """(bytes, size, mode) of the file at `path`: its bytes only if it is a regular file of
    at most `limit` bytes. Opened without blocking and checked before reading, so that a
    FIFO (or a file swapped for one after it was listed) never blocks the build."""
    handle = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return b"", info.st_size, info.st_mode
        with open(handle, "rb", closefd=False) as file:
            return file.read(limit + 1), info.st_size, info.st_mode
    finally:
        os.close(handle)


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
