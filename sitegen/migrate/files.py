"""The files a migration writes, checked against what the target folder already holds.

Everything is planned before anything is written: a target file that exists with other
bytes is a conflict, and the migration stops naming them all unless --force. A file that
already holds the same bytes is left alone, so running the migration twice changes
nothing (and says so).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

SKIPPED_NAMES = frozenset({".DS_Store", "Thumbs.db", ".git", ".hugo_build.lock"})


@dataclass(frozen=True)
class PlannedFile:
    """One file to write: from a source file, or given bytes."""

    target: str  # relative to the target folder, '/' separators
    source: Path | None = None
    data: bytes | None = None

    def bytes(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.source is not None
        return self.source.read_bytes()


def tree_files(folder: Path, into: str) -> list[PlannedFile]:
    """Every file under folder, to be copied under `into`; hidden files and clutter skipped."""
    planned: list[PlannedFile] = []
    if not folder.is_dir():
        return planned
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and d not in SKIPPED_NAMES)
        for name in sorted(filenames):
            if name.startswith(".") or name in SKIPPED_NAMES:
                continue
            path = Path(dirpath) / name
            relative = path.relative_to(folder).as_posix()
            planned.append(PlannedFile(f"{into}/{relative}" if into else relative, source=path))
    return planned


def merge(*layers: list[PlannedFile]) -> list[PlannedFile]:
    """Later layers win for the same target (the site's static files over the theme's)."""
    chosen: dict[str, PlannedFile] = {}
    for layer in layers:
        for planned in layer:
            chosen[planned.target] = planned
    return [chosen[target] for target in sorted(chosen)]


def conflicts(target: Path, planned: list[PlannedFile]) -> tuple[list[str], list[PlannedFile]]:
    """(targets that exist with other bytes, files that need writing)."""
    clashing, needed = [], []
    for item in planned:
        path = target / item.target
        if not path.exists():
            needed.append(item)
            continue
        if path.is_dir() or _differs(path, item):
            clashing.append(item.target)
            needed.append(item)
    return clashing, needed


def _differs(path: Path, item: PlannedFile) -> bool:
    if item.source is not None and path.stat().st_size != item.source.stat().st_size:
        return True
    return path.read_bytes() != item.bytes()


def write(target: Path, planned: list[PlannedFile]) -> None:
    """Write every planned file (parents made); a temporary name, then a rename, for each."""
    for item in planned:
        path = target / item.target
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.rmtree(path)
        temporary = path.with_name(f".{path.name}.migrating")
        if item.source is not None:
            shutil.copyfile(item.source, temporary)
        else:
            temporary.write_bytes(item.bytes())
        os.replace(temporary, path)
