"""The search bundles the last build published, as one build of the index sees them.

Whether a published shard can be kept is asked for every shard at every build (its stamp,
and that nothing in it is a link put there by hand), and a kept shard's files are then
handed to the writer: one walk of each folder serves both. At 40,000 articles the three
walks with a `stat` per file each that this replaces took about a second of every edit's
background build.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.content.sources import RACY_NS  # the same clock tick as the sources' stamps
from sitegen.search.shards import BUNDLE_DIR, SHARD_STAMP, Shard

Recorded = dict[str, tuple[str, bool]]  # output -> (digest, Han or kana), as a shard's stamp records it
StampTimes = tuple[tuple[str, int, int, int], ...]  # each stamp's path, inode, mtime and size

ENTRY = "pagefind-entry.json"  # the file every Pagefind bundle has


class PublishedShards:
    """The published shards under `out_dir`, each folder walked once (for one build)."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        self._files: dict[str, list[str] | None] = {}  # by folder: a Shard hashes all its pages

    def files(self, shard: Shard) -> list[str] | None:
        """The shard's files, relative to the output folder and sorted; None when it has
        none, or holds anything but plain files and folders (a link is never carried into
        the new site)."""
        if shard.folder not in self._files:
            self._files[shard.folder] = _plain_files(self.out_dir, shard.folder)
        return self._files[shard.folder]

    def can_keep(self, shard: Shard, stamp: bytes | None) -> bool:
        """True when the published shard was made from exactly these pages and settings
        (from whatever pages, for `stamp` None: a stale shard kept while search catches up)."""
        try:
            if stamp is not None and (self.out_dir / shard.folder / SHARD_STAMP).read_bytes() != stamp:
                return False
        except OSError:
            return False
        files = self.files(shard)
        return files is not None and f"{shard.folder}/{ENTRY}" in files


def _plain_files(out_dir: Path, folder: str) -> list[str] | None:
    found: list[str] = []
    pending = [(folder + "/", os.path.join(out_dir, folder))]
    while pending:
        prefix, path = pending.pop()
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append((prefix + entry.name + "/", entry.path))
                    elif entry.is_file(follow_symlinks=False):
                        found.append(prefix + entry.name)
                    else:
                        return None  # a link, a socket, a device: never published as ours
        except OSError:
            return None
    return sorted(found) or None


@dataclass
class StampedPages:
    """What the published shards' stamps record of their pages, as serve last read them,
    with each stamp's inode, mtime and size then. Stamps change only when a shard is
    indexed, not at an edit's build (which defers search): at 40,000 articles reading all
    of them again was a third of a second and 15 MB of every edit's build. Stamps written
    within `racy_ns` of the reading are read again next time."""

    times: StampTimes | None = None
    pages: Recorded = field(default_factory=dict)
    racy_ns: int = RACY_NS

    def recorded(self, out_dir: Path) -> Recorded:
        """Every published page's digest and Han-or-kana flag (read only: shared)."""
        stamps = sorted((out_dir / BUNDLE_DIR).glob(f"*/*/{SHARD_STAMP}"))
        times = _stamp_times(stamps, time.time_ns() - self.racy_ns)
        if times is None or times != self.times:
            self.pages, self.times = recorded_pages(stamps), times
        return self.pages


def _stamp_times(stamps: list[Path], settled_before: int) -> StampTimes | None:
    """The stamps' times; None when one is too new to trust, or went."""
    times = []
    for stamp in stamps:
        try:
            info = os.stat(stamp)
        except OSError:
            return None
        if max(info.st_mtime_ns, info.st_ctime_ns) > settled_before:
            return None
        times.append((os.fspath(stamp), info.st_ino, info.st_mtime_ns, info.st_size))
    return tuple(times)


def recorded_pages(stamps: list[Path]) -> Recorded:
    """output -> (digest, Han or kana), from these stamps of published shards (of the
    primary family, which holds every page)."""
    known: Recorded = {}
    for stamp in stamps:
        try:
            for output, digest, segmented in json.loads(stamp.read_text(encoding="utf-8"))["pages"]:
                known[str(output)] = (str(digest), bool(segmented))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # an unreadable stamp only means reading those pages again
    return known
