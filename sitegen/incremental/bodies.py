"""The body store: every converted body of one build, by its cache key.

A converted body (its HTML and table of contents) is a value. Bodies are most of a
site's bytes and only an article's own page (and full-content feeds) read them, so a
build does not keep them all beside the site it assembles: the database keeps them, and
the pipeline, which owns this store, loads into it what the pages about to be rendered
read, before the renderers fork. The workers inherit those bodies and open no database
of their own; an article reads its body from the store it was given (model.ArticleBody
holds the store and the key, nothing that reaches into the cache).

The store holds each body as the cache stores it (compressed, cache.encode_body), a
third of its HTML's size, and decodes it when a page asks; a page asks two or three
times, so the last one decoded is kept.

A body the store was not asked to load (a template reading another article's body,
which the plan did not foresee) is read then, through the cache, and a body whose row
is missing or damaged is made again from its source: slower, never wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from sitegen.incremental.cache import BuildCache, decode_body, encode_body
from sitegen.site.model import Body

Rebuild = Callable[[str], Body | None]  # a body made again from its source, by cache key


class BodyStore:
    """The bodies one build renders, by cache key (see the module docstring)."""

    def __init__(self, cache: BuildCache) -> None:
        self._cache = cache
        self._held: dict[str, bytes] = {}  # encode_body bytes, by cache key
        self._rebuild: Rebuild | None = None
        self._last: tuple[str, Body] | None = None

    def rebind(self, cache: BuildCache) -> BodyStore:
        """Serve this build from `cache`: `serve` keeps one store for all its builds, so
        that the articles a build kept from the one before (build/rebody.py) read their
        bodies through the cache of the build rendering them, not a closed one."""
        self._cache, self._rebuild = cache, None
        self.release()
        return self

    def hold(self, bodies: Mapping[str, bytes]) -> None:
        """Keep bodies for this build: those the cache could not store (no database, a
        failed write, a body true of this build only), encoded (cache.encode_body)."""
        self._held.update(bodies)

    def keep(self, encoded: dict[str, bytes], bodies: dict[str, bytes]) -> None:
        """Converted results (codec bytes) and their bodies go to the cache, in one
        transaction; bodies it could not store (no database, a failed write) stay here."""
        if not self._cache.put_sources(encoded, bodies):
            self.hold(bodies)

    def rebuild_with(self, rebuild: Rebuild) -> None:
        """How to make a body again when the cache has lost it (loading.py gives the
        build's converter, once the routes its refs resolve against are known)."""
        self._rebuild = rebuild

    def load(self, keys: Iterable[str]) -> None:
        """Read these bodies from the cache into the store, in one pass; the lost ones are
        made again (and stored again, so the next build reads them)."""
        wanted = [key for key in dict.fromkeys(keys) if key not in self._held]
        if not wanted:
            return
        found = self._cache.get_bodies(wanted)
        self._held.update(found)
        for key in wanted:
            if key not in found and self._rebuild is not None:
                body = self._rebuild(key)
                if body is not None:
                    self._held[key] = encode_body(body)
                    self._cache.put_body(key, self._held[key])

    def body(self, key: str) -> Body | None:
        """One body: held, else loaded now; None if the cache lost it and it cannot be made."""
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        held = self._held.get(key)
        if held is None:
            self.load((key,))
            held = self._held.get(key)
        body = decode_body(held) if held is not None else None
        if body is not None:
            self._last = (key, body)
        return body

    def release(self) -> None:
        """Let go of the bodies once the build has rendered: serve keeps the last build's
        site, and must not keep every body with it."""
        self._held.clear()
        self._last = None

    def __len__(self) -> int:
        return len(self._held)
