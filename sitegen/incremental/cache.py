"""The persistent build cache: one SQLite file under `.cache/`, safe to delete or restore.

It remembers the size, times and digest of each source file (so that an unchanged file
is not read again), per source the parsed and converted result (keyed by the source's
digest plus the fingerprint of everything that shapes conversion: config, shortcode
templates, engine version) with its body's HTML in a table of its own, and per output
file the fingerprint of the inputs it was rendered from. Bodies are most of a site's
bytes and only an article's own page (and full-content feeds) read them, so a build
keeps them here, not in memory, and reads each when its page renders (`get_body`). SQLite gives atomic commits, so a build killed mid-way leaves a
cache that is merely older, never corrupt; a cache that cannot be read is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
from pathlib import Path
from typing import Any

from sitegen.content.sources import FileStamp

SCHEMA_VERSION = "6"
Body = tuple[str, str]  # (HTML, table of contents) of one converted source


def digest(*parts: str | bytes) -> str:
    """sha256 of the parts, separated so that ("ab", "c") and ("a", "bc") differ.

    The bytes hashed are each part followed by a NUL; joined first and hashed in one
    call, because fingerprinting a large site calls this tens of thousands of times.
    """
    if not parts:
        return hashlib.sha256().hexdigest()
    try:
        data = "\x00".join(parts).encode("utf-8")  # type: ignore[arg-type]
    except TypeError:  # some parts are bytes
        data = b"\x00".join(p if isinstance(p, bytes) else p.encode("utf-8") for p in parts)
    return hashlib.sha256(data + b"\x00").hexdigest()


class BuildCache:
    """Key-value tables for converted sources and rendered pages."""

    def __init__(self, folder: Path | None) -> None:
        self.db: sqlite3.Connection | None = None
        self.folder = folder
        self._bodies: dict[str, Body] = {}  # without a database, bodies are kept here
        self._pid = os.getpid()
        self._reader: sqlite3.Connection | None = None  # a forked renderer's own connection
        self._last: tuple[str, Body] | None = None  # a page reads its body two or three times
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(folder / "build.sqlite3", isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            # Not synced to disk: a cache can be rebuilt, and a build killed (not a machine that
            # loses power) leaves a whole database either way; waiting for the disk cost more
            # than a tenth of a cold build's main-process time.
            self.db.execute("PRAGMA synchronous=OFF")
            self.db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
            row = self.db.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is None or row[0] != SCHEMA_VERSION:
                self.db.execute("DROP TABLE IF EXISTS sources")
                self.db.execute("DROP TABLE IF EXISTS pages")
                self.db.execute("DROP TABLE IF EXISTS bodies")
                self.db.execute("DROP TABLE IF EXISTS stamps")
                self.db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
            self.db.execute("CREATE TABLE IF NOT EXISTS sources (key TEXT PRIMARY KEY, value BLOB)")
            self.db.execute("CREATE TABLE IF NOT EXISTS pages (output TEXT PRIMARY KEY, fingerprint TEXT)")
            self.db.execute("CREATE TABLE IF NOT EXISTS bodies (key TEXT PRIMARY KEY, html TEXT, toc TEXT)")
            self.db.execute("CREATE TABLE IF NOT EXISTS stamps (path TEXT PRIMARY KEY, size INTEGER, "
                            "mtime INTEGER, ctime INTEGER, inode INTEGER, digest TEXT)")
        except (sqlite3.Error, OSError):
            self.db = None  # an unreadable cache only costs time

    @property
    def enabled(self) -> bool:
        return self.db is not None

    def compiled_templates(self) -> Path | None:
        """Where Jinja keeps compiled templates between builds; None without a cache."""
        return self.folder / "templates" if self.folder is not None and self.enabled else None

    def spare_site(self) -> Path | None:
        """Where the replaced site is kept for the next build to update (see writer._set_aside).

        None without a cache. Holds hard links to the live site's unchanged files, so it
        costs the space of the files that changed."""
        return self.folder / "spare-site" if self.folder is not None and self.enabled else None

    def get_sources(self, keys: list[str]) -> dict[str, Any]:
        """Cached values for the keys that have one."""
        if self.db is None or not keys:
            return {}
        found: dict[str, Any] = {}
        try:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for key, blob in self.db.execute(
                        f"SELECT key, value FROM sources WHERE key IN ({marks})", chunk):
                    found[key] = pickle.loads(blob)
        except (sqlite3.Error, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            return {}
        return found

    def put_sources(self, pickled: dict[str, bytes], bodies: dict[str, Body]) -> None:
        """Store converted sources (already pickled) and their bodies, in one transaction."""
        if self.db is None:
            self._bodies.update(bodies)
            return
        rows = list(pickled.items())
        try:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?)", rows)
            self.db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)",
                                [(key, html, toc) for key, (html, toc) in bodies.items()])
            self.db.execute("COMMIT")
        except sqlite3.Error:
            self._rollback()
            self._bodies.update(bodies)  # this build still needs them

    def get_body(self, key: str) -> Body | None:
        """One stored body; in a forked process, through a connection of its own."""
        known = self._bodies.get(key)
        if known is not None or self.db is None:
            return known
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        try:
            row = self._connection().execute("SELECT html, toc FROM bodies WHERE key = ?",
                                             (key,)).fetchone()
        except sqlite3.Error:
            return None
        if row is None:
            return None
        self._last = (key, (row[0], row[1]))
        return self._last[1]

    def hold_body(self, key: str, body: Body) -> None:
        """Keep a body for this build only, in memory (one whose ref links were resolved)."""
        self._bodies[key] = body

    def _connection(self) -> sqlite3.Connection:
        """SQLite connections must not cross a fork: a forked renderer opens its own."""
        assert self.db is not None and self.folder is not None
        if os.getpid() == self._pid:
            return self.db
        if self._reader is None:
            self._reader = sqlite3.connect(self.folder / "build.sqlite3")
        return self._reader

    def file_stamps(self) -> dict[str, FileStamp]:
        """What the last build learnt of each source file (see sources.FileStamp)."""
        if self.db is None:
            return {}
        try:
            return {row[0]: FileStamp(*row[1:]) for row in self.db.execute("SELECT * FROM stamps")}
        except (sqlite3.Error, TypeError):
            return {}

    def put_file_stamps(self, stamps: dict[str, FileStamp], previous: dict[str, FileStamp]) -> None:
        """Store this build's stamps, when they differ from those it started with."""
        if self.db is None or stamps == previous:
            return
        try:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM stamps")
            self.db.executemany("INSERT INTO stamps VALUES (?, ?, ?, ?, ?, ?)",
                                [(path, s.size, s.mtime_ns, s.ctime_ns, s.inode, s.digest)
                                 for path, s in sorted(stamps.items())])
            self.db.execute("COMMIT")
        except sqlite3.Error:
            self._rollback()

    def get_meta(self, key: str) -> str | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error:
            return None
        return row[0] if row else None

    def put_meta(self, values: dict[str, str]) -> None:
        if self.db is not None:
            self._write("INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(values.items()))

    def page_fingerprints(self) -> dict[str, str]:
        if self.db is None:
            return {}
        try:
            return dict(self.db.execute("SELECT output, fingerprint FROM pages"))
        except sqlite3.Error:
            return {}

    def put_page_fingerprints(self, fingerprints: dict[str, str]) -> None:
        if self.db is None:
            return
        try:
            self.db.execute("BEGIN")
            self.db.execute("DELETE FROM pages")
            self.db.executemany("INSERT INTO pages VALUES (?, ?)", sorted(fingerprints.items()))
            self.db.execute("COMMIT")
        except sqlite3.Error:
            self._rollback()

    def prune_sources(self, keep: set[str]) -> None:
        """Forget entries no current source uses, so the cache does not grow forever."""
        if self.db is None:
            return
        try:
            stored = {row[0] for row in self.db.execute("SELECT key FROM sources UNION SELECT key FROM bodies")}
            stale = [(key,) for key in sorted(stored - keep)]
            if stale:
                self.db.execute("BEGIN")
                self.db.executemany("DELETE FROM sources WHERE key = ?", stale)
                self.db.executemany("DELETE FROM bodies WHERE key = ?", stale)
                self.db.execute("COMMIT")
        except sqlite3.Error:
            self._rollback()

    def _write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        assert self.db is not None
        try:
            self.db.execute("BEGIN")
            self.db.executemany(sql, rows)
            self.db.execute("COMMIT")
        except sqlite3.Error:
            self._rollback()

    def _rollback(self) -> None:
        try:
            assert self.db is not None
            self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self.db is not None:
            self.db.close()
            self.db = None
