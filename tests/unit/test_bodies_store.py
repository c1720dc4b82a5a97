"""sitegen/incremental/bodies.py: the build's body store, over a real cache database."""

from __future__ import annotations

import sqlite3
import zlib
from pathlib import Path

import msgpack

from sitegen.incremental.bodies import BodyStore
from sitegen.incremental.cache import BODY_FORMAT, MAX_BODY_BYTES, BuildCache, decode_body, encode_body
from sitegen.site.model import ArticleBody, Body, Heading

BODIES: dict[str, Body] = {"a": Body("<p>A</p>", ""), "b": Body("<p>B</p>", "<ul></ul>"), "c": Body("<p>C</p>", "")}


def stored(folder: Path) -> BuildCache:
    cache = BuildCache(folder)
    assert cache.put_sources({}, {key: encode_body(body) for key, body in BODIES.items()})
    return cache


def test_load_reads_the_asked_bodies_and_holds_only_those(tmp_path: Path) -> None:
    cache = stored(tmp_path / "cache")
    store = BodyStore(cache)
    store.load(["a", "b", "a"])
    assert len(store) == 2
    cache.close()  # held bodies need no database
    assert (store.body("a"), store.body("b"), store.body("c")) == (BODIES["a"], BODIES["b"], None)


def test_a_body_not_loaded_is_read_when_asked(tmp_path: Path) -> None:
    store = BodyStore(stored(tmp_path / "cache"))
    assert ArticleBody(store, "c", "content/c.md").html == "<p>C</p>"
    assert len(store) == 1


def test_a_lost_or_damaged_body_is_made_again_and_stored_for_the_next_build(tmp_path: Path) -> None:
    cache = stored(tmp_path / "cache")
    db = sqlite3.connect(tmp_path / "cache" / "build.sqlite3")
    db.execute("DELETE FROM bodies WHERE key = 'a'")
    db.execute("UPDATE bodies SET value = x'00' WHERE key = 'b'")  # fails its checksum
    db.commit()
    made: list[str] = []

    def rebuild(key: str) -> Body | None:
        made.append(key)
        return Body(f"<p>{key} again</p>", "")

    store = BodyStore(cache)
    store.rebuild_with(rebuild)
    store.load(["a", "b", "c"])
    assert made == ["a", "b"]
    assert store.body("a") == Body("<p>a again</p>", "") and store.body("c") == BODIES["c"]
    cache.close()
    again = BuildCache(tmp_path / "cache")
    assert {key: decode_body(value) for key, value in again.get_bodies(["a", "b"]).items()} == {
        "a": Body("<p>a again</p>", ""), "b": Body("<p>b again</p>", "")}
    again.close()


def test_release_lets_go_of_the_bodies(tmp_path: Path) -> None:
    cache = stored(tmp_path / "cache")
    store = BodyStore(cache)
    store.load(BODIES)
    store.release()
    assert len(store) == 0
    cache.close()
    assert store.body("a") is None


def test_without_a_database_the_store_holds_what_the_build_made() -> None:
    cache = BuildCache(None)
    store = BodyStore(cache)
    store.keep({"a": b"result"}, {"a": encode_body(BODIES["a"])})  # the cache cannot: the store holds it
    assert ArticleBody(store, "a").parts() == ("<p>A</p>", "")


def test_the_store_holds_bodies_compressed_and_a_bomb_from_the_cache_is_a_miss(tmp_path: Path) -> None:
    html = "<p>" + "The treaty's text, again and again. " * 300 + "</p>"
    assert len(encode_body(Body(html, ""))) < len(html) // 3
    cache = stored(tmp_path / "cache")
    bomb = zlib.compress(b"\x00" * (MAX_BODY_BYTES + 1), 9)  # a cache anyone could write
    cache.put_body("bomb", bomb)
    store = BodyStore(cache)
    assert store.body("bomb") is None and store.body("a") == BODIES["a"]
    cache.close()


def test_a_body_keeps_its_headings_links_and_ids_and_a_malformed_one_is_a_miss() -> None:
    """They travel with the body, not with the article held for the whole site."""
    body = Body("<h2 id=\"a\">A</h2>", "<ul></ul>", (Heading(2, "a", "A"),), ("/x/#y",), ("a",))
    back = decode_body(encode_body(body))
    assert back == body and back is not None and type(back.headings[0]) is Heading
    assert ArticleBody.holding(body).headings == (Heading(2, "a", "A"),)
    for headings, links in (([[2, "a"]], []), ([["2", "a", "A"]], []), ([], [1]), ("x", [])):
        packed = msgpack.packb([BODY_FORMAT, "<p>x</p>", "", headings, links, []])
        assert decode_body(zlib.compress(packed)) is None
    assert decode_body(zlib.compress(msgpack.packb([BODY_FORMAT - 1, "<p>x</p>", ""]))) is None
