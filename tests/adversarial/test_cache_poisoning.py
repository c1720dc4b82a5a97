"""The cache is data, never code (issue 14, item 3).

`.cache/` may be restored from a CI cache that a fork can write, or sit on a disk that
flips bits. Each test takes a site built once, damages its cache the way an attacker or
a bad disk would (a pickled `os.system` payload in every column of every table, a
flipped bit in every stored value, wrong types and NULLs, a truncated, garbage or
outdated database, a folder or a link where the database belongs, Jinja bytecode that
runs code), builds again, and checks that no payload ran and that the site is byte for
byte the one a clean build makes. Then the next build must find a cache that works.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from sitegen.build.render_pool import PARALLEL_THRESHOLD
from sitegen.incremental.cache import DB_NAME, TABLES, BuildCache, checksum, intact, sealed
from tests.support.sites import DEFAULT_CONFIG, build_site, read_tree, write_site

CONFIG = DEFAULT_CONFIG + "search:\n  enabled: false\n"
FILES = {
    "config.yaml": CONFIG,
    "content/2019/_index.md": "---\ntitle: The year 2019\n---\nWhat *2019* brought.\n",
    "content/2019/one.md": (
        "---\ntitle: One\ndate: 2019-07-07T09:30:00+09:00\ntags: [Alliance, bases]\n"
        "categories: [history]\nevent: 2019-07-01T08:00:00+05:30\nlocal: 2019-07-01 08:00:00\n"
        "day: 2019-07-02\nbig: 123456789012345678901234567890\n"
        "nested: {a: [1, 2.5, null, true], 2019-01-01: dated key, 7: seven}\n---\n"
        "The summary, with *emphasis*.\n\n<!--more-->\n\n## First\n\nText.\n\n## Second\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n## Third\n\n```python\nprint('x')\n```\n"),
    "content/2019/two.md": (
        "---\ntitle: Two\ndate: 2019-08-01\ntags: [alliance]\nsummary: A *given* summary.\n---\n"
        "See [one]({{< relref \"one.md\" >}}). 日米安全保障条約の改定について。\n"),
    "content/2019/warned.md": "---\ntitel: typo\ndate: 2019-09-01\n---\nNo title here.\n",
    "content/2020/three.md": "---\ntitle: Three\ndate: 2020-01-01\ndraft: true\n---\nA draft.\n",
    "content/about.md": "---\ntitle: About\n---\nAbout the archive.\n",
}
COLUMNS = [(table, column.split()[0]) for table, columns in TABLES.items() for column in columns.split(", ")]


class Payload:
    """Unpickling this runs a shell command that creates `marker`."""

    def __init__(self, marker: Path, serial: int = 0) -> None:
        self.marker, self.serial = marker, serial

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch '{self.marker}' # {self.serial}",)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes]]:
    """A site built once with its cache, and the output of a clean build of it."""
    root = write_site(tmp_path_factory.mktemp("built") / "site", FILES)
    for path in (root / "content").rglob("*.md"):  # old enough for the cache to stamp them
        os.utime(path, (path.stat().st_mtime - 60, path.stat().st_mtime - 60))
    run = build_site(root)
    assert run.code == 0, run.err
    return root, read_tree(root / "public")


def _copy(built: tuple[Path, dict[str, bytes]], tmp_path: Path) -> Path:
    root = tmp_path / "site"
    shutil.copytree(built[0], root, symlinks=True)
    return root


def _rebuild(root: Path, clean: dict[str, bytes], mode: str) -> None:
    """Build after damage; `mode` says what the build must read from the cache:
    "all" (no output: every page renders from cached sources and bodies), "kept" (one
    page gone: the others are kept by their fingerprints), "as left" (nothing changed)."""
    if mode == "all":
        shutil.rmtree(root / "public")
    elif mode == "kept":
        (root / "public" / "2019" / "one" / "index.html").unlink()
    for _ in range(2):  # the damaged cache, then the one that build left
        run = build_site(root)
        assert run.code == 0, run.err
        assert "internal error" not in run.err
        assert read_tree(root / "public") == clean


def _db(root: Path) -> sqlite3.Connection:
    return sqlite3.connect(root / ".cache" / DB_NAME, isolation_level=None)


MODE = {"meta": "as left", "stamps": "kept", "pages": "kept", "sources": "all", "bodies": "all", "citations": "all"}


@pytest.mark.parametrize(("table", "column"), COLUMNS)
def test_a_pickled_payload_in_any_column_never_runs(table: str, column: str, tmp_path: Path,
                                                    built: tuple[Path, dict[str, bytes]]) -> None:
    root = _copy(built, tmp_path)
    marker = tmp_path / "payload-ran"
    db = _db(root)
    rowids = [rowid for (rowid,) in db.execute(f"SELECT rowid FROM {table}")]
    assert rowids, f"the cache has no {table} rows to poison"
    for serial, rowid in enumerate(rowids):  # each row its own payload: keys are unique
        db.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
                   (pickle.dumps(Payload(marker, serial)), rowid))
    db.close()
    _rebuild(root, built[1], MODE[table])
    assert not marker.exists()


def _flipped(value: object, rng: random.Random) -> object:
    """`value` with one bit flipped, in the same SQLite storage class."""
    if isinstance(value, int):
        return value ^ (1 << rng.randrange(63))
    raw = bytearray(value.encode("utf-8") if isinstance(value, str) else value)  # type: ignore[union-attr]
    if not raw:
        return value
    raw[rng.randrange(len(raw))] ^= 1 << rng.randrange(8)
    return bytes(raw)


@pytest.mark.parametrize("table", list(TABLES))
def test_a_flipped_bit_in_every_stored_value_publishes_nothing_wrong(
        table: str, tmp_path: Path, built: tuple[Path, dict[str, bytes]]) -> None:
    """Text that is no longer UTF-8 stays TEXT, as on a disk that flipped the bit."""
    root = _copy(built, tmp_path)
    rng = random.Random(f"flip:{table}")
    db = _db(root)
    db.text_factory = bytes
    columns = [c for t, c in COLUMNS if t == table]
    for row in db.execute(f"SELECT rowid, typeof({columns[0]}), * FROM {table}").fetchall():
        rowid, values = row[0], row[2:]
        for column, value in zip(columns, values, strict=False):
            text = isinstance(value, bytes) and column not in ("value", "checksum")
            db.execute(f"UPDATE {table} SET {column} = {'CAST(? AS TEXT)' if text else '?'} "
                       f"WHERE rowid = ?", (_flipped(value, rng), rowid))
    db.close()
    _rebuild(root, built[1], MODE[table])
    expected = _intact_rows(built[0])  # what was damaged has been made again...
    if table == "bodies":
        expected["bodies"] -= 1  # ...but the draft's body, by the first build that publishes it
    assert _intact_rows(root) == expected


def _intact_rows(root: Path) -> dict[str, int]:
    """How many rows of each table the cache would use (damaged keys that nothing uses may stay)."""
    cache = BuildCache(root / ".cache")
    try:
        counts = {"stamps": len(cache.file_stamps()), "pages": len(cache.page_fingerprints())}
    finally:
        cache.close()
    db = _db(root)
    db.text_factory = lambda raw: raw.decode("utf-8", "surrogateescape")
    for table in ("meta", "sources", "bodies", "citations"):
        rows = db.execute(f"SELECT * FROM {table}").fetchall()
        counts[table] = sum(1 for row in rows if _sound(row))
    return counts


def _sound(row: tuple[object, ...]) -> bool:
    try:
        return row[-1] == checksum(*row[:-1])
    except UnicodeEncodeError:  # text that was not UTF-8
        return False


@pytest.mark.parametrize("table", list(TABLES))
def test_wrong_types_and_nulls_in_any_column_are_ignored(
        table: str, tmp_path: Path, built: tuple[Path, dict[str, bytes]]) -> None:
    root = _copy(built, tmp_path)
    db = _db(root)
    columns = [c for t, c in COLUMNS if t == table]
    oddities = (None, 42, 4.2, b"\xff\xfe", "text", "")
    rowids = [rowid for (rowid,) in db.execute(f"SELECT rowid FROM {table}")]
    for index, rowid in enumerate(rowids):
        column = columns[index % len(columns)]
        try:
            db.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?",
                       (oddities[index % len(oddities)], rowid))
        except sqlite3.IntegrityError:  # a key made equal to another's
            db.execute(f"DELETE FROM {table} WHERE rowid = ?", (rowid,))
    db.close()
    _rebuild(root, built[1], MODE[table])


@pytest.mark.parametrize("seed", range(4))
def test_bits_flipped_anywhere_in_the_database_file(
        seed: int, tmp_path: Path, built: tuple[Path, dict[str, bytes]]) -> None:
    """Damage SQLite itself may notice (a malformed page) or not (a value): both are safe."""
    root = _copy(built, tmp_path)
    path = root / ".cache" / DB_NAME
    data = bytearray(path.read_bytes())
    rng = random.Random(f"file:{seed}")
    for _ in range(16):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))
    _rebuild(root, built[1], "all")


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "garbage journal"])
def test_a_database_file_that_is_not_one_is_replaced(
        damage: str, tmp_path: Path, built: tuple[Path, dict[str, bytes]]) -> None:
    root = _copy(built, tmp_path)
    path = root / ".cache" / DB_NAME
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(random.Random(7).randbytes(len(data)))
    elif damage == "empty":
        path.write_bytes(b"")
    else:
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").write_bytes(random.Random(suffix).randbytes(40_000))
    _rebuild(root, built[1], "all")
    assert _db(root).execute("SELECT COUNT(*) FROM sources").fetchone()[0] >= 5  # working again


def test_a_cache_of_an_older_schema_is_dropped_pickles_unread(
        tmp_path: Path, built: tuple[Path, dict[str, bytes]]) -> None:
    """Schema 6 stored pickles in sources(key, value): they are dropped, never loaded."""
    root = _copy(built, tmp_path)
    marker = tmp_path / "payload-ran"
    (root / ".cache" / DB_NAME).unlink()
    db = _db(root)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('schema', '6')")
    db.execute("CREATE TABLE sources (key TEXT PRIMARY KEY, value BLOB)")
    db.execute("INSERT INTO sources VALUES ('k', ?)", (pickle.dumps(Payload(marker)),))
    db.close()
    _rebuild(root, built[1], "all")
    assert not marker.exists()


def test_a_schema_row_of_another_version_resets_the_tables(
        tmp_path: Path, built: tuple[Path, dict[str, bytes]]) -> None:
    root = _copy(built, tmp_path)
    db = _db(root)
    db.execute("UPDATE meta SET value = ?, checksum = ? WHERE key = 'schema'", sealed("schema", "999")[1:])
    db.close()
    _rebuild(root, built[1], "all")
    row = _db(root).execute("SELECT key, value, checksum FROM meta WHERE key = 'schema'").fetchone()
    assert intact(row, str, str) and row[1] != "999"


def test_a_folder_where_the_database_belongs_costs_only_time(
        tmp_path: Path, built: tuple[Path, dict[str, bytes]]) -> None:
    root = _copy(built, tmp_path)
    (root / ".cache" / DB_NAME).unlink()
    (root / ".cache" / DB_NAME).mkdir()
    _rebuild(root, built[1], "all")


def test_a_link_where_the_database_belongs_is_never_written_through(
        tmp_path: Path, built: tuple[Path, dict[str, bytes]]) -> None:
    root = _copy(built, tmp_path)
    victim = tmp_path / "victim.sqlite3"
    shutil.copyfile(root / ".cache" / DB_NAME, victim)
    before = victim.read_bytes()
    (root / ".cache" / DB_NAME).unlink()
    (root / ".cache" / DB_NAME).symlink_to(victim)
    _rebuild(root, built[1], "all")
    assert victim.read_bytes() == before
    assert not (root / ".cache" / DB_NAME).is_symlink()


def test_compiled_templates_are_never_read_back_from_the_cache(
        tmp_path: Path, built: tuple[Path, dict[str, bytes]]) -> None:
    """Jinja's FileSystemBytecodeCache file for each template, as Jinja would name it (a pickled
    checksum, then marshalled code): the build must not read any of them."""
    root = _copy(built, tmp_path)
    marker = tmp_path / "payload-ran"
    folder = root / ".cache" / "templates"
    folder.mkdir(exist_ok=True)
    from jinja2.bccache import bc_magic

    templates = root / "templates"
    for path in templates.rglob("*.html"):
        name = path.relative_to(templates).as_posix()
        for filename in {str(path), os.path.realpath(path), os.path.normpath(path)}:
            key = hashlib.sha1(name.encode("utf-8"))
            key.update(("|" + filename).encode("utf-8"))
            (folder / f"__jinja2_{key.hexdigest()}.cache").write_bytes(
                bc_magic + pickle.dumps(Payload(marker)))
    _rebuild(root, built[1], "all")
    assert not marker.exists()


def test_damaged_bodies_are_made_again_in_forked_renderers(tmp_path: Path) -> None:
    """A site large enough for pages to render in forked processes: each makes again the
    damaged bodies of the pages it renders, from their sources, and writes them back."""
    files = {f"content/2019/a{n:03d}.md": f"---\ntitle: Article {n}\ndate: 2019-07-07\ntags: [t{n % 7}]\n"
             f"---\nBody of article {n}, with *emphasis*.\n\n## One\n\n## Two\n\n## Three\n" for n in range(340)}
    root = write_site(tmp_path / "site", {"config.yaml": CONFIG, **files})
    assert build_site(root, "--jobs", "2").code == 0
    clean = read_tree(root / "public")
    assert len([name for name in clean if name.endswith(".html")]) >= PARALLEL_THRESHOLD  # renderers fork
    db = _db(root)
    rng = random.Random("forked")
    for rowid, value in db.execute("SELECT rowid, value FROM bodies").fetchall():
        db.execute("UPDATE bodies SET value = ? WHERE rowid = ?", (_flipped(value, rng), rowid))
    db.close()
    shutil.rmtree(root / "public")
    run = build_site(root, "--jobs", "2")
    assert run.code == 0, run.err
    assert read_tree(root / "public") == clean
    db = _db(root)
    assert all(intact((key, value, check), str, bytes)
               for key, value, check in db.execute("SELECT key, value, checksum FROM bodies"))
