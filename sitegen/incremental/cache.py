"""The persistent build cache: one SQLite file under `.cache/`, safe to delete or restore.

It remembers the size, times and digest of each source file (so that an unchanged file
is not read again), per source the parsed and converted result (keyed by the source's
digest plus the fingerprint of everything that shapes conversion: config, shortcode
templates, engine version) with its body's HTML in a table of its own, and per output
file the fingerprint of the inputs it was rendered from. Bodies are most of a site's
bytes and only an article's own page (and full-content feeds) read them, so a build
keeps them here, not in memory: the build's body store (bodies.py) reads the ones the
pages about to render need (`get_bodies`).

The cache may come from anywhere (a CI cache a fork can write, a disk that flips bits),
so it holds data, never code: msgpack (see codec.py), never pickles; and every row
carries a checksum of its other columns, checked on each read. A row that fails its
check, or does not decode, is as good as absent: the source is converted again, the
page rendered again, the body made again from its source (bodies.BodyStore). A
file that is not a database is replaced; one SQLite cannot open (a folder in its place)
costs the build its speed, never its result. SQLite gives atomic commits, so a build
killed mid-way leaves a cache that is merely older.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import stat
import zlib
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import msgpack

from sitegen.content.sources import MAX_SOURCE_BYTES, FileStamp
from sitegen.site.model import Body, Heading

log = logging.getLogger(__name__)

SCHEMA_VERSION = "9"  # 9: citations; 8: bodies compressed; 7: msgpack with a checksum per row (6 and before: pickles)
DB_NAME = "build.sqlite3"
BODY_FORMAT = 3  # first item of a stored body, as codec.FORMAT of a result (2: compressed, 3: headings...)
MAX_BODY_BYTES = 16 * MAX_SOURCE_BYTES  # a converted body larger than this is not one the build made
TABLES = {  # name -> columns
    # Read and written a row at a time: the last column is the checksum of the others.
    "meta": "key TEXT PRIMARY KEY, value TEXT, checksum BLOB",
    "sources": "key TEXT PRIMARY KEY, value BLOB, checksum BLOB",
    "bodies": "key TEXT PRIMARY KEY, value BLOB, checksum BLOB",
    # An article's formatted citations (build/citing.py), one row per language and source
    # path (`source`), keyed by what they were made from (`key`).
    "citations": "source TEXT PRIMARY KEY, key TEXT, value BLOB, checksum BLOB",
    # Read whole: one checksum of every row, in meta (WHOLE_TABLES). A row at a time cost
    # 10-20 ms a build for a site of 4,000 articles, where the whole costs 1 ms. Written
    # whole, or only the rows that changed, with the checksum patched (patched_checksum).
    "stamps": "path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, ctime INTEGER, inode INTEGER, digest TEXT",
    "pages": "output TEXT PRIMARY KEY, fingerprint TEXT",
}
V = TypeVar("V")
WHOLE_TABLES = {"stamps": "stamps-checksum", "pages": "pages-checksum"}  # table -> its meta key
STALE_PAGES = "stale-pages"  # meta key: pages written over since their fingerprint (mark_stale)


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


def digest_prefix(*parts: str) -> Callable[..., str]:
    """A function giving digest(*parts, *rest) for any `rest`, with `parts` hashed once:
    120,000 citation downloads share the base and the config's text, which would otherwise
    be hashed again for each. The bytes are digest()'s, so both give the same text."""
    head = hashlib.sha256("".join(f"{part}\x00" for part in parts).encode("utf-8"))

    def finish(*rest: str) -> str:
        hashed = head.copy()
        hashed.update("".join(f"{part}\x00" for part in rest).encode("utf-8"))
        return hashed.hexdigest()
    return finish


def checksum(*columns: Any) -> bytes:
    """The checksum stored beside a row's columns: blake2b of them as msgpack (which keeps
    "1" and 1, or ("ab", "c") and ("a", "bc"), apart), for any value SQLite can hold."""
    return hashlib.blake2b(msgpack.packb(columns, use_bin_type=True), digest_size=16).digest()


CHECKSUM_SPACE = 1 << 128  # a table's checksum is a sum of 16-byte row checksums, modulo this


def table_checksum(rows: Iterable[tuple[Any, ...]]) -> str:
    """The checksum of a table read whole (WHOLE_TABLES), as text for meta: the sum of its
    rows' checksums, in any order. A sum, so that a build changing 1 row of the 190,000
    a site of 40,000 articles has works the new one out from that row alone
    (patched_checksum); one hash of every row took 0.1 s of each edit's build."""
    return f"{_row_sum(rows):032x}"


def patched_checksum(summed: str, gone: Iterable[tuple[Any, ...]], come: Iterable[tuple[Any, ...]]) -> str:
    """The checksum of a table whose checksum was `summed`, with the rows `gone` taken out
    and those that `come` put in."""
    return f"{(int(summed, 16) - _row_sum(gone) + _row_sum(come)) % CHECKSUM_SPACE:032x}"


def _row_sum(rows: Iterable[tuple[Any, ...]]) -> int:
    """The sum of `checksum(*row)` over the rows, as numbers: the same bytes hashed, with
    one packer for them all (packb per row took twice as long over 190,000 rows)."""
    pack = msgpack.Packer(use_bin_type=True).pack  # one per call: a packer is not thread-safe
    return sum(int.from_bytes(hashlib.blake2b(pack(row), digest_size=16).digest(), "big")
               for row in rows) % CHECKSUM_SPACE


def _stamp_row(path: str, s: FileStamp) -> tuple[str, int, int, int, int, str]:
    return path, s.size, s.mtime_ns, s.ctime_ns, s.inode, s.digest


def sealed(*columns: Any) -> tuple[Any, ...]:
    return (*columns, checksum(*columns))


def intact(row: tuple[Any, ...], *types: type) -> bool:
    """The row's last column is the checksum of the others, and they have these types."""
    *columns, stored = row
    return (len(columns) == len(types) and all(type(c) is t for c, t in zip(columns, types, strict=True))
            and stored == checksum(*columns))


def encode_body(body: Body) -> bytes:
    """A body as the cache stores it and the body store holds it: msgpack, compressed.

    Compressed because the build's body store holds the bodies of every page it renders
    (all of them in a cold build) and HTML shrinks to a third; the fastest level, since
    the conversion workers pay it for every body they make."""
    return zlib.compress(msgpack.packb([BODY_FORMAT, *body], use_bin_type=True), 1)


def decode_body(data: Any) -> Body | None:
    """A stored body, or None if the bytes are not one (checked by `intact` before).

    The bytes may come from a cache anyone could write: their expansion is bounded."""
    try:
        inflater = zlib.decompressobj()
        packed = inflater.decompress(data, MAX_BODY_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            return None
        version, html, toc, headings, links, ids = msgpack.unpackb(packed, raw=False)
    except Exception:  # noqa: BLE001 - bytes from the cache are untrusted: anything odd is a miss
        return None
    if version != BODY_FORMAT or not _all_str((html, toc)) or not _all_str(links) or not _all_str(ids):
        return None
    if type(headings) is not list or not all(
            type(h) is list and len(h) == 3 and type(h[0]) is int and _all_str(h[1:]) for h in headings):
        return None
    return Body(html, toc, tuple(map(Heading._make, headings)), tuple(links), tuple(ids))


def _texts(data: bytes) -> tuple[str, ...] | None:
    """Stored citation texts, or None if the bytes are not a list of text."""
    try:
        texts = msgpack.unpackb(data, raw=False)
    except Exception:  # noqa: BLE001 - bytes from the cache are untrusted: anything odd is a miss
        return None
    return tuple(texts) if _all_str(texts) else None


def _all_str(items: Any) -> bool:
    return type(items) in (list, tuple) and all(type(item) is str for item in items)


@dataclass(frozen=True)
class TableRows(Generic[V]):
    """A table read and written whole (WHOLE_TABLES) as a build found or left it: its rows,
    by key, and their checksum (its meta entry). serve keeps the last build's, so that the
    next build need neither read the table nor write every row of it again while the
    checksum in meta is still this one."""

    checksum: str  # "" for an empty table, or one not read
    rows: dict[str, V]


PageRows = TableRows[str]  # output file -> fingerprint
StampRows = TableRows[FileStamp]  # source path -> what the build learnt of the file


class BuildCache:
    """Key-value tables for converted sources and rendered pages."""

    def __init__(self, folder: Path | None) -> None:
        self.db: sqlite3.Connection | None = None
        self.folder = folder
        self._pid = os.getpid()
        self._reader: sqlite3.Connection | None = None  # a forked renderer's own connection
        self._corrupt = False  # SQLite found the file damaged: replaced at close()
        if folder is None:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            return  # an unusable cache only costs time
        self.db = open_database(folder / DB_NAME)

    @property
    def enabled(self) -> bool:
        return self.db is not None

    def spare_site(self) -> Path | None:
        """Where the replaced site is kept for the next build to update (see writer._set_aside).

        None without a cache. Holds hard links to the live site's unchanged files, so it
        costs the space of the files that changed."""
        return self.folder / "spare-site" if self.folder is not None and self.enabled else None

    def get_sources(self, keys: list[str]) -> dict[str, bytes]:
        """The stored entries (codec.encode_result bytes) for the keys that have an intact one."""
        if self.db is None or not keys:
            return {}
        return dict(self._intact_rows("sources", keys))

    def put_sources(self, encoded: dict[str, bytes], bodies: dict[str, bytes]) -> bool:
        """Store converted sources and their bodies (both encoded), in one transaction.

        False when they were not stored (no database, or the write failed): the build's
        body store must then hold the bodies itself."""
        if self.db is None:
            return False
        try:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO sources VALUES (?, ?, ?)",
                                [sealed(key, value) for key, value in encoded.items()])
            self.db.executemany("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)",
                                [sealed(key, body) for key, body in bodies.items()])
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback(exc)
            return False
        return True

    def get_bodies(self, keys: list[str]) -> dict[str, bytes]:
        """The stored bodies (encode_body bytes) of these keys that have an intact row, for
        the body store (bodies.py), which decodes each when asked. In a forked process,
        through a connection of its own."""
        if self.db is None or not keys:
            return {}
        return dict(self._intact_rows("bodies", keys))

    def put_body(self, key: str, body: bytes) -> None:
        """Put a body made again in place of the damaged one, so the next build reads it."""
        if self.db is None:
            return
        try:
            self._connection().execute("INSERT OR REPLACE INTO bodies VALUES (?, ?, ?)",
                                       sealed(key, body))
        except sqlite3.Error:
            pass  # the next build makes it again

    def get_citations(self, wanted: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
        """The stored texts of each `source` in `wanted` (source -> key) whose row was made
        from that key, is intact and holds only text."""
        if self.db is None or not wanted:
            return {}
        found: dict[str, tuple[str, ...]] = {}
        sources = list(wanted)
        try:
            for start in range(0, len(sources), 500):
                chunk = sources[start:start + 500]
                rows = self.db.execute("SELECT source, key, value, checksum FROM citations WHERE source IN "
                                       f"({','.join('?' * len(chunk))})", chunk).fetchall()
                found.update((row[0], texts) for row in rows
                             if intact(row, str, str, bytes) and row[1] == wanted[row[0]]
                             and (texts := _texts(row[2])) is not None)
        except sqlite3.Error as exc:
            self._failed(exc)
            return {}
        return found

    def put_citations(self, made: Mapping[str, tuple[str, Collection[str]]],
                      keep: Collection[str] | None = None) -> None:
        """Store formatted citations, source -> (key, texts), in place of the source's old
        ones; with `keep` (every source the site has), forget the others."""
        if self.db is None or (not made and keep is None):
            return
        rows = [sealed(source, key, msgpack.packb(list(texts), use_bin_type=True))
                for source, (key, texts) in made.items()]
        try:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO citations VALUES (?, ?, ?, ?)", rows)
            if keep is not None:  # by rowid: a damaged source may not even be text
                gone = [(rowid,) for rowid, source in self.db.execute("SELECT rowid, source FROM citations")
                        if source not in keep]
                self.db.executemany("DELETE FROM citations WHERE rowid = ?", gone)
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback(exc)

    def _intact_rows(self, table: str, keys: list[str]) -> list[tuple[str, bytes]]:
        """(key, value) of the rows of `table` (sources or bodies) with these keys whose
        checksum holds; none if SQLite fails (the cache only costs time)."""
        rows: list[tuple[str, bytes]] = []
        try:
            db = self._connection()
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                marks = ",".join("?" * len(chunk))
                rows += [(row[0], row[1]) for row in db.execute(
                    f"SELECT key, value, checksum FROM {table} WHERE key IN ({marks})", chunk)
                    if intact(row, str, bytes)]
        except sqlite3.Error as exc:
            self._failed(exc)
            return []
        return rows

    def _connection(self) -> sqlite3.Connection:
        """SQLite connections must not cross a fork: a forked renderer opens its own."""
        assert self.db is not None and self.folder is not None
        if os.getpid() == self._pid:
            return self.db
        if self._reader is None:
            self._reader = sqlite3.connect(self.folder / DB_NAME, isolation_level=None)
            self._reader.text_factory = _text
        return self._reader

    def file_stamps(self) -> dict[str, FileStamp]:
        """What the last build learnt of each source file (see sources.FileStamp)."""
        return self.stamp_rows().rows

    def stamp_rows(self, known: StampRows | None = None) -> StampRows:
        """The stamps table: `known` (what serve's last build left in it) while the table's
        checksum is still known's, else read whole (40,000 rows, 0.1 s, at 40,000 articles)."""
        if self.db is None:
            return StampRows("", {})
        if known is not None and known.checksum and self.get_meta(WHOLE_TABLES["stamps"]) == known.checksum:
            return known
        rows = self._whole("stamps")
        return StampRows(self.get_meta(WHOLE_TABLES["stamps"]) or "" if rows else "",
                         {row[0]: FileStamp(*row[1:]) for row in rows})

    def put_file_stamps(self, stamps: dict[str, FileStamp], before: StampRows) -> StampRows | None:
        """Store this build's stamps, when they differ from those it started with
        (`before`): only the rows that changed, when `before` is the table as it is. The
        table as it now is; None if unknown."""
        if self.db is None:
            return before
        changed = [(path, stamp) for path, stamp in stamps.items()
                   if (was := before.rows.get(path)) is not stamp and was != stamp]  # kept: the very stamp
        added = sum(1 for path, _ in changed if path not in before.rows)
        # every path of `before` is still a source unless fewer of them are
        gone = before.rows.keys() - stamps.keys() if len(stamps) - added != len(before.rows) else set()
        if not changed and not gone:
            return before
        if not before.checksum:
            rows = [_stamp_row(path, s) for path, s in sorted(stamps.items())]
            summed = table_checksum(rows)
            return StampRows(summed, stamps) if self._replace_all("stamps", rows, summed) and rows else None
        old = [_stamp_row(path, before.rows[path]) for path in (*gone, *(p for p, _ in changed)) if path in before.rows]
        new = [_stamp_row(path, stamp) for path, stamp in changed]
        summed = patched_checksum(before.checksum, old, new)
        done = self._patch("stamps", [(row[0],) for row in old], new, summed)
        return StampRows(summed, stamps) if done and stamps else None

    def get_meta(self, key: str) -> str | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute("SELECT key, value, checksum FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.Error as exc:
            self._failed(exc)
            return None
        return row[1] if row is not None and intact(row, str, str) else None

    def put_meta(self, values: dict[str, str]) -> None:
        if self.db is not None:
            self._write("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)",
                        [sealed(key, value) for key, value in sorted(values.items())])

    def page_rows(self, known: PageRows | None = None) -> PageRows:
        """The pages table: `known` (what serve's last build left in it) while the table's
        checksum is still known's, else read whole. At 40,000 articles the table has
        190,000 rows, which each edit's build read and wrote whole."""
        if self.db is None:
            return PageRows("", {})
        if known is not None and known.checksum and self.get_meta(WHOLE_TABLES["pages"]) == known.checksum:
            return known
        rows = self._whole("pages")  # only rows whose checksum is meta's: no need to work it out again
        return PageRows(self.get_meta(WHOLE_TABLES["pages"]) or "" if rows else "", dict(rows))

    def page_fingerprints(self, table: PageRows | None = None) -> Mapping[str, str]:
        """Output file -> fingerprint of the inputs it was last rendered from; not the pages
        written over since by something other than a build (`mark_stale`): a build renders
        those again, whatever their inputs. `table`: the table as page_rows found it, whose
        rows are handed out as they are, not copied (190,000 at 40,000 articles), when no
        page is stale."""
        rows = (table or self.page_rows()).rows
        stale = self.stale_pages()
        if not stale:
            return rows
        fingerprints = dict(rows)
        for rel in stale:
            fingerprints.pop(rel, None)
        return fingerprints

    def put_page_fingerprints(self, fingerprints: dict[str, str], before: PageRows | None = None,
                              same: Collection[str] = ()) -> PageRows | None:
        """A build's fingerprints, of every page it made: none is stale any more. With
        `before` (the table as this build found it) holding the same pages, only the rows
        that changed are written; `same`: outputs known to have `before`'s fingerprint,
        not compared (render_pool: those kept unexamined). Returns the table as it now is,
        None if unknown."""
        if self.db is None:
            return None
        if before is not None and before.checksum and before.rows.keys() == fingerprints.keys():
            compared = fingerprints.keys() - same if same else fingerprints.keys()
            changed = [(fingerprints[key], key) for key in compared if before.rows[key] != fingerprints[key]]
            summed = patched_checksum(before.checksum, [(key, before.rows[key]) for _, key in changed],
                                      [(key, value) for value, key in changed])
            done = self._update("pages", "UPDATE pages SET fingerprint = ? WHERE output = ?", changed, summed)
        else:
            rows = sorted(fingerprints.items())  # in order already (render_pool._outcome): cheap
            summed = table_checksum(rows)
            done = self._replace_all("pages", rows, summed)
        self.put_meta({STALE_PAGES: "[]"})
        return PageRows(summed, fingerprints) if done and fingerprints else None

    def stale_pages(self) -> set[str]:
        raw = self.get_meta(STALE_PAGES)
        try:
            listed = json.loads(raw) if raw else []
        except ValueError:
            listed = []
        return {rel for rel in listed if isinstance(rel, str)} if isinstance(listed, list) else set()

    def mark_stale(self, outputs: list[str]) -> None:
        """`serve`'s preview wrote these pages over the last build's: their fingerprints no
        longer say what they hold (an edit undone would otherwise keep the edited page)."""
        if self.db is not None and outputs:
            self.put_meta({STALE_PAGES: json.dumps(sorted(self.stale_pages() | set(outputs)))})

    def _whole(self, table: str) -> list[tuple[Any, ...]]:
        """Every row of a table read whole, if they are the rows last written (their
        checksum is the one in meta); else none. Wrong types and NULLs cannot pass."""
        if self.db is None:
            return []
        try:
            rows = self.db.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall()
        except sqlite3.Error as exc:
            self._failed(exc)
            return []
        return rows if self.get_meta(WHOLE_TABLES[table]) == table_checksum(rows) else []

    def prune_sources(self, keep: set[str], among: Collection[str] | None = None) -> None:
        """Forget entries no current source uses, so the cache does not grow forever; rows
        whose key is not even text go too (by rowid, which any row has). `among`: the only
        keys that can have gone (serve's, once it has pruned the whole table: reading every
        key of both tables again took 0.1 s of each edit's build at 40,000 articles)."""
        if self.db is None:
            return
        try:
            if among is not None:
                gone = [(key,) for key in among if key not in keep]
                stale = {table: gone for table in ("sources", "bodies")}
                where = "key"
            else:
                stale = {table: [(rowid,) for rowid, key in self.db.execute(f"SELECT rowid, key FROM {table}")
                                 if key not in keep] for table in ("sources", "bodies")}
                where = "rowid"
            if any(stale.values()):
                self.db.execute("BEGIN")
                for table, rows in stale.items():
                    self.db.executemany(f"DELETE FROM {table} WHERE {where} = ?", rows)
                self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback(exc)

    def _replace_all(self, table: str, rows: list[tuple[Any, ...]], summed: str | None = None) -> bool:
        """Make `rows` the whole table, and their checksum (`summed`, if worked out) its
        entry in meta, in one transaction; whether it was written."""
        assert self.db is not None
        try:
            self.db.execute("BEGIN")
            self.db.execute(f"DELETE FROM {table}")
            if rows:
                marks = ",".join("?" * len(rows[0]))
                self.db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)",
                            sealed(WHOLE_TABLES[table], summed or table_checksum(rows)))
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback(exc)
            return False
        return True

    def _update(self, table: str, sql: str, changes: list[tuple[Any, ...]], summed: str) -> bool:
        """Change rows in place (`sql`, once per change), keeping their order (rowid), and
        put `summed`, the checksum of the whole table after, in meta; whether written."""
        assert self.db is not None
        try:
            self.db.execute("BEGIN")
            self.db.executemany(sql, changes)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", sealed(WHOLE_TABLES[table], summed))
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback(exc)
            return False
        return True

    def _patch(self, table: str, gone: list[tuple[Any, ...]], come: list[tuple[Any, ...]], summed: str) -> bool:
        """Delete the rows keyed `gone` and put in `come`, and `summed` in meta, in one
        transaction; whether written. Only for the stamps table (keyed by path)."""
        assert self.db is not None and table == "stamps"
        try:
            self.db.execute("BEGIN")
            self.db.executemany("DELETE FROM stamps WHERE path = ?", gone)
            self.db.executemany("INSERT INTO stamps VALUES (?, ?, ?, ?, ?, ?)", come)
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?, ?)", sealed(WHOLE_TABLES[table], summed))
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback(exc)
            return False
        return True

    def _write(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        assert self.db is not None
        try:
            self.db.execute("BEGIN")
            self.db.executemany(sql, rows)
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback(exc)

    def _rollback(self, exc: sqlite3.Error) -> None:
        self._failed(exc)
        try:
            assert self.db is not None
            self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass

    def _failed(self, exc: sqlite3.Error) -> None:
        """A read or write failed: this build does without; a damaged file is replaced at close."""
        if damaged(exc):
            self._corrupt = True

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        if self.db is not None:
            self.db.close()
            self.db = None
            if self._corrupt and self.folder is not None and os.getpid() == self._pid:
                remove_database(self.folder / DB_NAME)


def open_database(path: Path) -> sqlite3.Connection | None:
    """The cache database at `path`, made anew when the file there is not one (or a damaged
    one); None when SQLite cannot open it at all (a folder in its place, say)."""
    for _ in range(2):
        if not _usable(path):
            return None
        try:
            db = sqlite3.connect(path, isolation_level=None)
        except sqlite3.Error:
            return None
        db.text_factory = _text
        try:
            _prepare(db)
            return db
        except sqlite3.Error as exc:
            db.close()
            if not damaged(exc):
                log.warning("%s: cannot be used (%s); building without the cache", path, exc)
                return None
            remove_database(path)
    return None


def _text(raw: bytes) -> str | bytes:
    """A TEXT value as str; bytes that are not UTF-8 (a flipped bit) stay bytes, which fail
    every check that wants text, instead of failing the whole query as sqlite3 would."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _prepare(db: sqlite3.Connection) -> None:
    """Set the connection up; tables of another layout or schema version are made anew."""
    db.execute("PRAGMA journal_mode=WAL")
    # Not synced to disk: a cache can be rebuilt, and a build killed (not a machine that
    # loses power) leaves a whole database either way; waiting for the disk cost more
    # than a tenth of a cold build's main-process time.
    db.execute("PRAGMA synchronous=OFF")
    if _current(db):
        return
    for table in TABLES:
        db.execute(f"DROP TABLE IF EXISTS {table}")
    for table, columns in TABLES.items():
        db.execute(f"CREATE TABLE {table} ({columns})")
    db.execute("INSERT INTO meta VALUES (?, ?, ?)", sealed("schema", SCHEMA_VERSION))


def _current(db: sqlite3.Connection) -> bool:
    """The tables are exactly this engine's, and the schema row says this version."""
    try:
        made = dict(db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall())
        row = db.execute("SELECT key, value, checksum FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.OperationalError:  # no meta table, or not these columns
        return False
    return (all(made.get(table) == f"CREATE TABLE {table} ({columns})" for table, columns in TABLES.items())
            and row is not None and intact(row, str, str) and row[1] == SCHEMA_VERSION)


def damaged(exc: sqlite3.Error) -> bool:
    """SQLite says the file is not a database, or a damaged one (not: busy, read-only...)."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)


_COMPANIONS = ("", "-wal", "-shm", "-journal")  # SQLite's own files beside the database


def _usable(path: Path) -> bool:
    """Links where the database or SQLite's files beside it belong are removed (the build
    never writes through a link in its own folders); a folder there makes the cache unusable."""
    for suffix in _COMPANIONS:
        name = f"{path}{suffix}"
        try:
            mode = os.lstat(name).st_mode
        except OSError:
            continue
        if stat.S_ISLNK(mode):
            try:
                os.unlink(name)
            except OSError:
                return False
        elif not stat.S_ISREG(mode):
            log.warning("%s: not a file; building without the cache (remove it to make builds "
                        "faster)", name)
            return False
    return True


def remove_database(path: Path) -> None:
    """Delete a damaged database and SQLite's files beside it (files and links only)."""
    for suffix in _COMPANIONS:
        name = f"{path}{suffix}"
        try:
            if not stat.S_ISDIR(os.lstat(name).st_mode):
                os.unlink(name)
        except OSError:
            pass
