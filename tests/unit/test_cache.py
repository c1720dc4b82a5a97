"""sitegen/incremental/cache.py: what one build leaves for the next, and a cache that cannot
be trusted to be there (missing, unreadable, of another schema) only costs time."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sitegen.content.sources import FileStamp
from sitegen.incremental.cache import (
    SCHEMA_VERSION,
    BuildCache,
    PageRows,
    StampRows,
    decode_body,
    digest,
    digest_prefix,
    encode_body,
    patched_checksum,
    table_checksum,
)
from sitegen.site.model import Body


def test_digest_separates_its_parts() -> None:
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("a", b"b") == digest("a", "b")  # bytes and text of the same UTF-8 agree
    assert digest() != digest("")
    assert len(digest("x")) == 64


def test_a_digest_prefix_gives_the_digest_of_all_the_parts() -> None:
    """Fingerprints made through a prefix must equal those digest() makes, or a kept page
    would be rendered again (or, worse, two formats could collide)."""
    finish = digest_prefix("base", "config: ä")
    assert finish("a.bib", "") == digest("base", "config: ä", "a.bib", "")
    assert finish() == digest("base", "config: ä")
    assert finish("ab", "c") != finish("a", "bc")
    assert digest_prefix()("x") == digest("x")


def test_everything_stored_is_read_back_by_the_next_build(tmp_path: Path) -> None:
    stamp = FileStamp(10, 1, 2, 3, "d" * 64)
    cache = BuildCache(tmp_path / "cache")
    cache.put_sources({"k1": b"encoded result"}, {"k1": encode_body(Body("<p>body</p>", "<ul></ul>"))})
    cache.put_meta({"last_build": "{}"})
    cache.put_page_fingerprints({"index.html": "f1"})
    cache.put_file_stamps({"content/a.md": stamp}, StampRows("", {}))
    cache.close()
    again = BuildCache(tmp_path / "cache")
    assert again.get_sources(["k1", "k2"]) == {"k1": b"encoded result"}  # decoded by codec.py
    bodies = again.get_bodies(["k1", "k2"])
    assert {key: decode_body(value) for key, value in bodies.items()} == {"k1": Body("<p>body</p>", "<ul></ul>")}
    assert again.get_meta("last_build") == "{}"
    assert again.page_fingerprints() == {"index.html": "f1"}
    assert again.file_stamps() == {"content/a.md": stamp}
    again.close()


def test_pruning_forgets_what_no_source_uses(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    cache.put_sources({"old": b"1", "new": b"2"}, {"old": b"o", "new": b"n"})
    cache.prune_sources({"new"})
    assert cache.get_sources(["old", "new"]) == {"new": b"2"}
    assert cache.get_bodies(["old", "new"]) == {"new": b"n"}
    cache.close()


def test_without_a_folder_the_cache_is_off_and_says_it_kept_nothing() -> None:
    cache = BuildCache(None)
    assert not cache.enabled
    assert cache.spare_site() is None
    assert cache.put_sources({"k": b"1"}, {"k": b"body"}) is False  # the body store holds them
    assert cache.get_sources(["k"]) == {} and cache.get_bodies(["k"]) == {}
    assert cache.page_fingerprints() == {} and cache.get_meta("x") is None


def test_a_cache_file_that_is_not_a_database_is_replaced(tmp_path: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir()
    (folder / "build.sqlite3").write_bytes(b"this is not a database" * 100)
    cache = BuildCache(folder)
    assert cache.enabled
    assert cache.get_sources(["k"]) == {} and cache.file_stamps() == {}
    cache.close()
    with sqlite3.connect(folder / "build.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM sources").fetchone() == (0,)


def test_a_folder_where_the_database_belongs_turns_the_cache_off(tmp_path: Path) -> None:
    (tmp_path / "cache" / "build.sqlite3").mkdir(parents=True)
    cache = BuildCache(tmp_path / "cache")
    assert not cache.enabled
    assert cache.get_sources(["k"]) == {} and cache.file_stamps() == {}


def test_a_cache_of_another_schema_starts_empty(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    cache.put_page_fingerprints({"index.html": "f"})
    cache.close()
    with sqlite3.connect(tmp_path / "cache" / "build.sqlite3") as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (SCHEMA_VERSION + "-old",))
    again = BuildCache(tmp_path / "cache")
    assert again.page_fingerprints() == {}
    assert again.get_meta("schema") == SCHEMA_VERSION
    again.close()


def test_the_cache_folder_holds_the_spare_site(tmp_path: Path) -> None:
    cache = BuildCache(tmp_path / "cache")
    assert cache.spare_site() == tmp_path / "cache" / "spare-site"
    cache.close()


def test_a_known_stamps_table_is_not_read_again_while_its_checksum_stands(tmp_path: Path) -> None:
    """serve keeps the stamps table its last build left (StampRows); a table another build
    wrote since is read whole, and unchanged stamps are not written again."""
    stamp = FileStamp(10, 1, 2, 3, "d" * 64)
    cache = BuildCache(tmp_path / "cache")
    first = cache.put_file_stamps({"content/a.md": stamp}, StampRows("", {}))
    assert first is not None and first.rows == {"content/a.md": stamp}
    assert cache.stamp_rows(first) is first  # not read
    assert cache.put_file_stamps({"content/a.md": stamp}, first) is first  # nothing to write
    other = BuildCache(tmp_path / "cache")  # another build: its own stamps
    other.put_file_stamps({"content/b.md": stamp}, other.stamp_rows())
    other.close()
    assert cache.stamp_rows(first).rows == {"content/b.md": stamp}  # the memory is out of date: read
    cache.close()


def test_a_known_stamps_table_is_patched_row_by_row_and_reads_back_whole(tmp_path: Path) -> None:
    """With the table as serve's last build left it, only the stamps that changed, went or
    came are written, and the checksum is patched from them: a build without that memory
    reads the table back whole. A patched checksum that were wrong would make it empty."""
    stamps = {f"content/{n}.md": FileStamp(n, 1, 2, 3, f"{n:064x}") for n in range(5)}
    cache = BuildCache(tmp_path / "cache")
    first = cache.put_file_stamps(stamps, StampRows("", {}))
    assert first is not None
    edited = {**stamps, "content/1.md": FileStamp(9, 9, 9, 9, "e" * 64),
              "content/new.md": FileStamp(7, 1, 2, 3, "n" * 64)}
    del edited["content/3.md"]  # an article edited within the racy window is not stamped
    second = cache.put_file_stamps(edited, first)
    assert second is not None and second.rows == edited
    cache.close()
    with sqlite3.connect(tmp_path / "cache" / "build.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM stamps").fetchone() == (len(edited),)
    again = BuildCache(tmp_path / "cache")
    assert again.stamp_rows() == second  # read whole: its rows and checksum are the patched ones
    again.close()


def test_a_table_checksum_counts_every_row_in_any_order_and_patches_to_the_whole() -> None:
    rows = [(f"{n}/index.html", f"fingerprint {n}") for n in range(50)]
    summed = table_checksum(rows)
    assert table_checksum(reversed(rows)) == summed
    assert table_checksum(rows[1:]) != summed and table_checksum([*rows, ("x", "y")]) != summed
    assert table_checksum([("1/index.html", "fingerprint 2"), ("2/index.html", "fingerprint 1"), *rows[3:],
                           rows[0]]) != summed  # the same texts paired otherwise
    patched = patched_checksum(summed, [rows[7], rows[9]], [("7/index.html", "edited"), ("new.xml", "z")])
    assert patched == table_checksum([*rows[:7], ("7/index.html", "edited"), rows[8], *rows[10:], ("new.xml", "z")])


def test_a_known_pages_table_is_neither_read_nor_written_whole_again(tmp_path: Path) -> None:
    """serve keeps the pages table its last build left (PageRows). The next build trusts it
    while the table's checksum is unchanged, writes only the rows that changed, and leaves
    a table that a build without that memory reads back whole, checksum and all."""
    cache = BuildCache(tmp_path / "cache")
    first = cache.put_page_fingerprints({"a/index.html": "1", "b/index.html": "2", "c.xml": "3"})
    assert first is not None
    cache.close()
    again = BuildCache(tmp_path / "cache")
    assert again.page_rows(first) is first  # not read
    second = again.put_page_fingerprints({"a/index.html": "1", "b/index.html": "2-edited", "c.xml": "3"}, first,
                                         same={"a/index.html", "c.xml"})  # known unchanged: not compared
    again.close()
    unknown = BuildCache(tmp_path / "cache")
    assert unknown.page_rows() == second  # read whole: the patched checksum is the table's
    unknown.close()
    with sqlite3.connect(tmp_path / "cache" / "build.sqlite3") as db:
        assert db.execute("SELECT output, fingerprint FROM pages ORDER BY rowid").fetchall() == [
            ("a/index.html", "1"), ("b/index.html", "2-edited"), ("c.xml", "3")]
        db.execute("UPDATE pages SET fingerprint = 'forged' WHERE output = 'c.xml'")  # checksum left alone
    third = BuildCache(tmp_path / "cache")
    assert third.page_rows(second) is second  # the memory still matches the checksum ...
    assert third.page_rows() == PageRows("", {})  # ... but the forged table is not trusted when read
    third.put_page_fingerprints({"a/index.html": "1", "d/index.html": "4"}, second)  # other pages: all rewritten
    third.close()
    fourth = BuildCache(tmp_path / "cache")
    assert fourth.page_fingerprints() == {"a/index.html": "1", "d/index.html": "4"}
    assert fourth.page_rows(second).rows == {"a/index.html": "1", "d/index.html": "4"}  # the memory is out of date
    fourth.close()


def test_the_known_pages_table_is_handed_out_uncopied_until_a_page_is_stale(tmp_path: Path) -> None:
    """190,000 rows at 40,000 articles: the fingerprints a build compares against are the
    table serve kept, not a copy; a page the preview wrote over is left out of a copy, and
    the kept table is not touched."""
    cache = BuildCache(tmp_path / "cache")
    table = cache.put_page_fingerprints({"a/index.html": "1", "b/index.html": "2"})
    assert table is not None
    assert cache.page_fingerprints(table) is table.rows
    cache.mark_stale(["b/index.html"])
    assert cache.page_fingerprints(table) == {"a/index.html": "1"}
    assert table.rows == {"a/index.html": "1", "b/index.html": "2"}
    cache.close()


def test_pruning_among_known_keys_forgets_only_those_gone(tmp_path: Path) -> None:
    """serve prunes the whole table once, then only among its last build's keys."""
    cache = BuildCache(tmp_path / "cache")
    body = encode_body(Body("<p>b</p>", ""))
    cache.put_sources({k: b"r" for k in ("k1", "k2", "k3", "old")}, {k: body for k in ("k1", "k2")})
    cache.prune_sources({"k1", "k3", "new"}, among=["k1", "k2"])
    assert cache.get_sources(["k1", "k2", "k3", "old"]).keys() == {"k1", "k3", "old"}  # "old" was not among them
    assert cache.get_bodies(["k1", "k2"]).keys() == {"k1"}
    cache.prune_sources({"k1"})
    assert cache.get_sources(["k1", "k2", "k3", "old"]).keys() == {"k1"}
    cache.close()
