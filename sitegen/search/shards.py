"""Split the search index into shards, so that an edit re-indexes a few hundred pages, not all.

Pagefind has no way to update an index: a changed page means indexing its bundle again.
So each family of bundles (one per forced language, see indexing.py) is cut into shards
by a hash of the page's output path, each shard a complete Pagefind bundle of its own,
which the browser merges with Pagefind's `mergeIndex` (static/js/search.js). An edit
re-indexes the one shard that holds the page, in each family it belongs to.

The number of shards follows the number of pages (about `PAGES_PER_SHARD` each, a power of
two, at most `MAX_SHARDS`), so the same pages always make the same shards: a clean build
and an incremental one write the same bytes. Crossing a power of two re-indexes everything
once. The segmenting family holds only pages with Han or kana: a query with such a
character goes to that family, and Pagefind returns pages holding every word of a query,
so a page without any could never be among its results.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sitegen.jsontext import is_plain, json_string

BUNDLE_DIR = "pagefind"
PAGES_PER_SHARD = 256
MAX_SHARDS = 64  # every shard is a few requests more for a reader's first search
SHARD_STAMP = "sitegen-shard.json"
_HAN_OR_KANA = re.compile("[\u3005\u3006\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class IndexedPage:
    """One page to index: its output file, a digest of what its index entry is made from,
    and whether it holds Han or kana (then it also goes to the segmenting family)."""

    output: str
    digest: str
    segmented: bool


_PAGES = "\ue000pages\ue000"  # where a stamp's pages go (a private-use character: never in settings)


@dataclass(frozen=True)
class Shard:
    """One bundle: the pages of one family whose path hashes to `number`."""

    language: str  # the family's forced language
    number: int
    pages: tuple[IndexedPage, ...]

    def __hash__(self) -> int:
        """By family and number, which no two shards of a build share: the dataclass's own
        hash walked every page, and the indexer looks shards up in dicts and sets once per
        shard indexed (320 shards at 40,000 articles)."""
        return hash((self.language, self.number))

    @property
    def folder(self) -> str:
        """Where the bundle goes, under the output folder."""
        return f"{BUNDLE_DIR}/{self.language}/{self.number}"

    def stamp(self, settings: dict[str, object]) -> bytes:
        """What the bundle is made of: same stamp, same bundle, so the old one is kept.

        The bytes of json.dumps(record, sort_keys=True, indent=0, ensure_ascii=False), with
        the pages written here: with an indent, json encodes in Python, and the stamps of
        40,000 pages took 0.15 s of every build (tests/unit/test_search.py)."""
        record = {**settings, "language": self.language, "pages": _PAGES}
        text = json.dumps(record, sort_keys=True, indent=0, ensure_ascii=False)
        if is_plain("".join([p.output + p.digest for p in self.pages])):  # one look for them all
            pages = ",\n".join([f'[\n"{p.output}",\n"{p.digest}",\n{"true" if p.segmented else "false"}\n]'
                                 for p in self.pages])
        else:
            pages = ",\n".join([f"[\n{json_string(p.output)},\n{json_string(p.digest)},\n"
                                 f"{'true' if p.segmented else 'false'}\n]" for p in self.pages])
        return (text.replace(f'"{_PAGES}"', f"[\n{pages}\n]" if pages else "[]", 1) + "\n").encode("utf-8")


def has_han_or_kana(text: str) -> bool:
    return _HAN_OR_KANA.search(text) is not None


def shard_count(pages: int, per_shard: int = PAGES_PER_SHARD) -> int:
    """A power of two, so that about `per_shard` pages fall in each; at most MAX_SHARDS."""
    count = 1
    while count * per_shard < pages and count < MAX_SHARDS:
        count *= 2
    return count


def shard_of(output: str, count: int) -> int:
    """The shard a page belongs to: from its path alone, never from the order of pages."""
    return int.from_bytes(hashlib.sha256(output.encode("utf-8")).digest()[:4], "big") % count


@dataclass
class ShardMemo:
    """serve's memory of the last build's shards. An edit's build plans every shard again
    from every page, though an edit changes a page or two: at 40,000 articles the hash
    that places each page (`shard_of`) took 0.05 s of each edit's build, and each shard's
    stamp 0.1 s. Here each page's place is kept by shard count, and each shard's stamp
    with the pages and settings it was made from, which must be equal to be used again."""

    numbers: dict[int, dict[str, int]] = field(default_factory=dict)  # count -> output -> shard
    stamps: dict[tuple[str, int], tuple[tuple[IndexedPage, ...], dict[str, object], bytes]] = field(
        default_factory=dict)
    pages: dict[str, IndexedPage] = field(default_factory=dict)  # the last build's, by output
    # the Pagefind binary last asked (path, inode, size, mtime, ctime) and its version
    version: tuple[tuple[str, int, int, int, int], str] | None = None

    def same_pages(self, pages: list[IndexedPage]) -> list[IndexedPage]:
        """`pages`, each equal one the last build's very object: comparing a shard's pages
        is then a look at each one's identity, not at its three fields (0.06 s at 40,000)."""
        last = self.pages
        kept = [page if (old := last.get(page.output)) is None or old != page else old for page in pages]
        self.pages = {page.output: page for page in kept}
        return kept

    def place(self, count: int) -> dict[str, int]:
        """Each page's shard among `count` shards, as far as known (`_family` fills it).
        `shard_of` is a function of the path and count alone, so a place never goes
        stale; the counts are powers of two up to MAX_SHARDS."""
        return self.numbers.setdefault(count, {})

    def stamp(self, shard: Shard, settings: dict[str, object]) -> bytes:
        """`shard.stamp(settings)`, the last build's when it held the same pages."""
        key = (shard.language, shard.number)
        known = self.stamps.get(key)
        if known is not None and known[1] == settings and (known[0] is shard.pages or known[0] == shard.pages):
            return known[2]
        stamp = shard.stamp(settings)
        self.stamps[key] = (shard.pages, settings, stamp)
        return stamp


def plan_shards(pages: Iterable[IndexedPage], primary: str, segmented: str | None,
                per_shard: int = PAGES_PER_SHARD, memo: ShardMemo | None = None) -> tuple[Shard, ...]:
    """Every shard of both families: all pages in the primary one (the site's language),
    pages with Han or kana in the segmenting one (None when the primary segments).
    `memo`: serve's, where each page's shard is looked up before it is hashed, and which
    hands back the last build's pages where equal (ShardMemo.same_pages)."""
    memo = memo or ShardMemo()
    ordered = sorted(memo.same_pages(list(pages)), key=lambda page: page.output)
    shards = list(_family(primary, ordered, per_shard, memo))
    if segmented is not None:
        shards += _family(segmented, [page for page in ordered if page.segmented], per_shard, memo)
    return tuple(shards)


def _family(language: str, pages: list[IndexedPage], per_shard: int, memo: ShardMemo) -> Iterable[Shard]:
    if not pages:
        return ()
    count = shard_count(len(pages), per_shard)
    members: list[list[IndexedPage]] = [[] for _ in range(count)]
    placed = memo.place(count)
    for page in pages:
        number = placed.get(page.output)
        if number is None:
            number = placed[page.output] = shard_of(page.output, count)
        members[number].append(page)
    return (Shard(language, number, tuple(group)) for number, group in enumerate(members) if group)


def shard_list(shards: Iterable[Shard]) -> bytes:
    """`pagefind/sitegen-search.json`: each family's language and bundle folders, which
    search.js reads to know what to merge."""
    families: dict[str, list[str]] = {}
    for shard in shards:
        families.setdefault(shard.language, []).append(shard.folder[len(BUNDLE_DIR) + 1:] + "/")
    record = {"version": 2, "families": [{"language": language, "bundles": folders}
                                         for language, folders in families.items()]}
    return (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
