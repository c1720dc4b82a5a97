"""The search bundles the last build published, as one build of the index sees them.

Whether a published shard can be kept is asked for every shard at every build (its stamp,
and that nothing in it is a link put there by hand), and a kept shard's files are then
handed to the writer: one walk of each folder serves both. At 40,000 articles the three
walks with a `stat` per file each that this replaces took about a second of every edit's
background build.
"""

from __future__ import annotations

import os
from pathlib import Path

from sitegen.search.shards import SHARD_STAMP, Shard

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
