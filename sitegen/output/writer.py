"""Write the site: into a staging folder, then swap it into place in one step.

The only stage that writes. A build that fails or is killed leaves the previous
site as it was: nothing touches the output folder until the staging folder is
complete, and the swap is one atomic `renameat2(RENAME_EXCHANGE)` on Linux (two
renames elsewhere). Files whose bytes did not change are hard-linked from the old
site rather than rewritten, so their modification times (and rsync, and CDNs)
see no change. A manifest of what the build wrote tells stale files (ours,
removed) from files someone else put there (kept on request, else the build is
refused before it starts: see ownership.py, which also decides which folders
are the build's to replace). The replaced site is kept in the cache and becomes the next build's staging folder,
so an incremental build replaces the files that changed instead of making every
folder and link of the site again.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import filecmp
import os
import shutil
import stat
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from sitegen.errors import BuildFailed, Diagnostic
from sitegen.output.faults import checkpoint, exchange_disabled
from sitegen.output.ownership import (
    MANIFEST,
    OutputState,
    claim_sibling,
    clear_path,
    foreign_diagnostics,
    previous_of,
    read_manifest,
    remove_tree,
    staging_of,
    survey,
    unlock,
    write_manifest,
)

__all__ = ["MANIFEST", "CopiedFile", "StagedOutput", "WriteReport", "link_previous",
           "output_matches_manifest", "place_file", "read_manifest"]
_RENAME_EXCHANGE = 2
T = TypeVar("T")


@dataclass(frozen=True)
class CopiedFile:
    """A file copied as is (from static/ or beside an article in content/)."""

    output: str
    source: Path


@dataclass(frozen=True)
class WriteReport:
    written: int  # new or changed files
    unchanged: int  # same bytes as before, not rewritten
    removed: tuple[str, ...]  # files of the previous build that are gone now
    foreign: tuple[str, ...]  # files the build never made, removed unless kept


class StagedOutput:
    """A site being written: files go to a staging folder, `commit()` swaps it into place.

    Pages are handed over one by one as they render, so the whole site never has to
    sit in memory. `abort()` (or an exception before `commit()`) throws the staging
    folder away and leaves the previous site untouched.
    """

    def __init__(self, out_dir: Path, keep_foreign: bool = False, spare: Path | None = None,
                 state: OutputState | None = None, shown: str = "") -> None:
        self.out_dir = out_dir.resolve()
        self.shown = shown or self.out_dir.name  # the output folder as the editor named it
        self.keep_foreign = keep_foreign
        self.spare = spare  # where the replaced site is kept, to be the next build's staging
        self.state = state  # the output folder as open_output found it
        self.staging = staging_of(self.out_dir)
        claim_sibling(self.staging, self.shown)
        if os.path.lexists(self.staging) and spare is None:
            remove_tree(str(self.staging))  # left by a build that was killed; no reuse without a cache
        if not os.path.lexists(self.staging) and spare is not None and _is_real_folder(spare):
            try:
                os.rename(spare, self.staging)
            except OSError:
                remove_tree(str(spare))
        # A new, empty staging folder holds nothing stale: commit() need not look through it.
        self.reused = self.staging.is_dir()
        self.staging.mkdir(parents=True, exist_ok=True)
        unlock(str(self.staging))
        if not (self.staging / MANIFEST).is_file():
            write_manifest(self.staging, set())  # the mark that makes the folder the build's
        # Folders of the staging folder known to exist, so each is made (or checked) once a
        # build; a forked renderer has its own copy. Folders of another build prove nothing.
        self.made_folders: set[str] = {str(self.staging)}
        self.outputs: set[str] = set()
        self.written = self.unchanged = 0
        checkpoint("staging")

    def put(self, output: str, data: bytes) -> None:
        """A rendered file; linked from the previous site instead when its bytes are the same."""
        self.record(output, self.place(output, data))

    def place(self, output: str, data: bytes) -> bool:
        """Put the bytes in staging without recording them (a forked renderer's part: the
        parent records them); True when written anew, not linked from the previous site."""
        return place_file(self.staging, self.out_dir, output, self.made_folders, data=data)

    def record(self, output: str, written: bool) -> None:
        """A file placed in the staging folder (by another process, see render_pool)."""
        self._claim(output)
        if written:
            self.written += 1
        else:
            self.unchanged += 1

    def keep(self, output: str) -> None:
        """A page known to be unchanged: take the previous build's file."""
        if not self.reuse(output):
            raise FileNotFoundError(self.out_dir / output)
        self.record(output, False)

    def keep_all(self, outputs: Collection[str]) -> None:
        """`keep` for many files at once: a kept search shard's hundreds, at each build."""
        wanted = set(outputs)
        kept = self.reusable(wanted)
        if len(kept) != len(wanted):
            raise FileNotFoundError(self.out_dir / min(wanted - kept))
        self.stand(kept)

    def stand(self, outputs: Collection[str]) -> None:
        """Files of the last site that stay as they are (`reusable`), claimed at once:
        serve's build after an edit keeps some 190,000 of them at 40,000 articles, and its
        search step every file outside the index; one by one, each cost tenths of a second."""
        twice = self.outputs.intersection(outputs)
        if twice:
            self._claim(min(twice))  # says which was produced twice
        self.outputs.update(outputs)
        self.unchanged += len(outputs)

    def reusable(self, outputs: set[str]) -> set[str]:
        """Those of `outputs` whose previous file is now part of this site (`reuse`)."""
        return {output for output in outputs if self.reuse(output)}

    def reuse(self, output: str) -> bool:
        """Make the previous build's file part of this site (not claimed yet: `record` does
        that); False when there is no such plain file."""
        return link_previous(self.staging, self.out_dir, output, self.made_folders)

    def path(self, output: str) -> Path:
        """Where the file of `output` can be read while the site is being made."""
        return self.staging / output

    def copy(self, output: str, source: Path) -> None:
        self.record(output, place_file(self.staging, self.out_dir, output, self.made_folders, source=source))

    def take(self, output: str, source: Path) -> None:
        """A file the build made elsewhere on this file system (a search bundle's): moved in,
        not copied, or linked from the previous site when its bytes are the same (then it
        stays where it is). Copying the bundles cost a new file each, some 5,600 in a
        4,000-article build, and each new file costs the file system more than a rename."""
        self.record(output, place_file(self.staging, self.out_dir, output, self.made_folders, source=source,
                                       move=True))

    def _claim(self, output: str) -> None:
        if output in self.outputs:
            raise BuildFailed([Diagnostic(output, 0, 0, "error", f"{output} was produced twice",
                                          "two pages or files claim this path; rename one")])
        self.outputs.add(output)

    def commit(self) -> WriteReport:
        """Swap the staging folder into place; report what changed."""
        state = self.state or survey(self.out_dir)
        foreign = sorted(state.foreign)
        if foreign and not self.keep_foreign:
            raise BuildFailed(foreign_diagnostics(foreign, self.shown))
        self._keep_foreign(foreign)
        if self.reused:
            _prune(self.staging, self.outputs | set(foreign) | {MANIFEST})
        write_manifest(self.staging, self.outputs)  # kept foreign files stay out: not made here
        _swap(self.staging, self.out_dir, self.spare)
        gone = state.made - self.outputs
        return WriteReport(self.written, self.unchanged, tuple(sorted(gone & state.files)), tuple(foreign))

    def _refuse_clashes(self, foreign: list[str]) -> None:
        """A kept foreign file must not stand where the site now has a file or folder."""
        if not foreign:
            return
        folders = {output.rsplit("/", i)[0] for output in self.outputs for i in range(1, output.count("/") + 1)}
        clashes = [rel for rel in foreign if rel in self.outputs or rel in folders]
        if clashes:
            raise BuildFailed([Diagnostic(f"{self.shown}/{rel}", 0, 0, "error",
                                          "not made by the build, which now makes a file or folder of this name",
                                          "move or rename the file; --keep-foreign keeps it only where "
                                          "the site has no file of its own") for rel in clashes])

    def _keep_foreign(self, foreign: list[str]) -> None:
        """Carry files someone else put in the output into the new site, as they are."""
        self._refuse_clashes(foreign)
        for rel in foreign:
            source = os.path.join(self.out_dir, rel)
            dest = os.path.join(self.staging, rel)
            _ensure_folder(str(self.staging), os.path.dirname(dest), self.made_folders)
            clear_path(dest)
            if os.path.islink(source):
                os.symlink(os.readlink(source), dest)
            elif not link_previous(self.staging, self.out_dir, rel, self.made_folders):
                raise BuildFailed([Diagnostic(f"{self.shown}/{rel}", 0, 0, "error",
                                              "not made by the build, and not a file it can keep",
                                              "move it out of the output folder")])

    def abort(self) -> None:
        """Give up: the output folder is untouched; a reusable staging folder is kept."""
        if self.spare is None:
            try:
                remove_tree(str(self.staging))
            except OSError:
                pass  # still marked as the build's: the next build removes it
        else:
            _set_aside(self.staging, self.spare)


def place_file(staging: Path, out_dir: Path, rel: str, made: set[str], data: bytes | None = None,
               source: Path | None = None, move: bool = False) -> bool:
    """Put one file in staging; link the old one if identical. True when written anew.

    Called for every file of a build, so it works on plain strings and one `lstat` of
    the old file rather than on Path objects. The staging folder may be the site of the
    build before last, whose files can be hard links to the live site's: a file there
    is replaced, never written into. `made`: the staging folders known to exist
    (StagedOutput.made_folders), added to.
    """
    dest, old = os.path.join(staging, rel), os.path.join(out_dir, rel)
    _ensure_folder(os.fspath(staging), os.path.dirname(dest), made)
    try:
        info = os.lstat(old)
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode) and _same(old, info.st_size, data, source):
        if _is_link_of(dest, info):
            return False
        clear_path(dest)
        try:
            os.link(old, dest)
            return False
        except OSError:
            pass
    clear_path(dest)
    _in_folder(dest, lambda: _write(dest, data, source, move))
    return True


def _write(dest: str, data: bytes | None, source: Path | None, move: bool = False) -> None:
    if data is not None:
        with open(dest, "xb") as handle:
            handle.write(data)
        return
    assert source is not None
    if move:
        try:
            os.rename(source, dest)
            return
        except OSError:
            pass
    shutil.copyfile(source, dest)


def _in_folder(path: str, action: Callable[[], T]) -> T:
    """Do `action` to `path`; if its folder is read-only (a site made read-only by hand and
    reused as staging), make the folder writable and try once more."""
    try:
        return action()
    except PermissionError:
        if not unlock(os.path.dirname(path)):
            raise
        return action()


def _is_real_folder(path: Path) -> bool:
    """A folder, not a link to one (the spare in the cache may come from anywhere)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_link_of(dest: str, info: os.stat_result) -> bool:
    """Whether dest is already the very file `info` describes (a hard link of it)."""
    try:
        here = os.lstat(dest)
    except OSError:
        return False
    return here.st_ino == info.st_ino and here.st_dev == info.st_dev


def _ensure_folder(staging: str, folder: str, made: set[str]) -> None:
    """Make `folder` inside staging a real folder, its parents first, each checked once a build.

    A reused staging folder is the site of the build before last, kept in the cache: a
    link standing where a folder must be (put there by hand, or by a cache restored from
    elsewhere) would send the writes, and the removals before them, into whatever it
    points at. So every folder on the way is looked at with lstat, and anything but a
    real folder (a link, a file) is removed first. Stops at the staging folder itself,
    whose own path may well run through links."""
    if folder in made:
        return
    if folder != staging:
        _ensure_folder(staging, os.path.dirname(folder), made)
    try:
        is_folder = stat.S_ISDIR(os.lstat(folder).st_mode)
    except FileNotFoundError:
        is_folder = None
    if is_folder is False:
        clear_path(folder)
    if not is_folder:
        try:
            _in_folder(folder, lambda: os.mkdir(folder))
        except FileExistsError:  # made meanwhile by another renderer
            if not _is_real_folder(Path(folder)):
                raise
    made.add(folder)


def _prune(staging: Path, outputs: set[str]) -> None:
    """Remove from a reused staging folder every file and folder the new site lacks.

    One walk, deepest folders first, so a folder emptied of stale files is removed too.
    """
    root = os.fspath(staging)
    prefix = len(root) + 1
    for folder, subfolders, names in os.walk(root, topdown=False):
        rel_folder = folder[prefix:] + "/" if folder != root else ""
        kept = 0
        for name in names:
            if rel_folder + name in outputs:
                kept += 1
            else:
                clear_path(os.path.join(folder, name))
        for sub in subfolders:
            path = os.path.join(folder, sub)
            if os.path.islink(path):  # os.walk lists links to folders with the folders
                clear_path(path)
            else:
                kept += os.path.isdir(path)  # still there: not emptied below
        if folder != root and not kept:
            try:
                _in_folder(folder, lambda: os.rmdir(folder))  # noqa: B023 - called at once
            except OSError:
                pass


def link_previous(staging: Path, out_dir: Path, rel: str, made: set[str]) -> bool:
    """Link the previous build's file into staging; False when there is no such file.

    Only a plain file counts: a link put in the output by hand is never carried over, as
    a hard link of it would publish whatever it points at."""
    dest, old = os.path.join(staging, rel), os.path.join(out_dir, rel)
    try:
        info = os.lstat(old)
    except FileNotFoundError:
        return False
    if not stat.S_ISREG(info.st_mode):
        return False
    if _is_link_of(dest, info):
        return True  # a reused staging folder already holds this very file
    _ensure_folder(os.fspath(staging), os.path.dirname(dest), made)
    clear_path(dest)
    try:
        _in_folder(dest, lambda: os.link(old, dest))
    except FileNotFoundError:
        return False
    except OSError:  # no hard links here (another file system, or not allowed)
        try:
            _in_folder(dest, lambda: shutil.copyfile(old, dest))
        except FileNotFoundError:
            return False
    return True


def _same(old: str, size: int, data: bytes | None, source: Path | None) -> bool:
    if data is not None:
        if size != len(data):
            return False
        with open(old, "rb") as handle:
            return handle.read() == data
    assert source is not None
    return filecmp.cmp(old, source, shallow=False)


def output_matches_manifest(state: OutputState) -> bool:
    """True when the output folder holds every file the last build wrote.

    Files the last build did not make are in it only when kept with --keep-foreign (else
    open_output refused the build), and that option is part of the build's inputs."""
    return bool(state.made) and state.made <= state.files


def _swap(staging: Path, out_dir: Path, spare: Path | None = None) -> None:
    """Make staging the output folder, atomically where the OS allows."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if not exchange_disabled() and _exchange(staging, out_dir):
        checkpoint("exchanged")
        _set_aside(staging, spare)
        return
    backup = previous_of(out_dir)
    if os.path.lexists(backup):
        remove_tree(str(backup))  # the build's own: open_output checked it
    os.rename(out_dir, backup)
    checkpoint("renamed-away")  # open_output puts the old site back if the build dies here
    os.rename(staging, out_dir)
    _set_aside(backup, spare)


def _set_aside(tree: Path, spare: Path | None) -> None:
    """Keep the replaced site as the next build's staging folder, or delete it.

    Reused, the next build replaces only the files that differ: deleting a site of
    7,000 pages and making its 7,000 folders again cost more than a one-article edit.
    The spare sits in the cache (same file system); without a cache it is deleted. A
    folder that cannot be deleted stays marked as the build's, for the next build.
    """
    if spare is not None:
        try:
            unlock(str(tree))  # moving a folder to another parent rewrites its '..' entry
            if os.path.lexists(spare):
                remove_tree(str(spare))
            spare.parent.mkdir(parents=True, exist_ok=True)
            os.rename(tree, spare)
            return
        except OSError:
            pass
    try:
        remove_tree(str(tree))
    except OSError:
        pass


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step with Linux's renameat2; False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0
