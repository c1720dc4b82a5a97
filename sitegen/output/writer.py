"""Write the site: into a staging folder, then swap it into place in one step.

The only stage that writes. A build that fails or is killed leaves the previous
site as it was: nothing touches the output folder until the staging folder is
complete, and the swap is one atomic `renameat2(RENAME_EXCHANGE)` on Linux (two
renames elsewhere). Files whose bytes did not change are hard-linked from the old
site rather than rewritten, so their modification times (and rsync, and CDNs)
see no change. A manifest of what the build wrote tells stale files (ours,
removed) from files someone else put there (reported, and kept on request).
The replaced site is kept in the cache and becomes the next build's staging folder,
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
from dataclasses import dataclass
from pathlib import Path

from sitegen.config.settings import Config
from sitegen.errors import BuildFailed, Diagnostic

MANIFEST = ".sitegen-manifest"
_RENAME_EXCHANGE = 2


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


def check_output_dir(config: Config, out_dir: Path) -> None:
    """Refuse an output folder that is, holds, or sits inside the project's own folders."""
    out = out_dir.resolve()
    protected = {"project root": config.root.resolve()}
    for name in ("content", "templates", "static", "archetypes"):
        protected[f"{name}/ folder"] = config.path(name)
    for label, folder in protected.items():
        if out == folder or folder.is_relative_to(out):
            raise BuildFailed([Diagnostic("config.yaml", 0, 0, "error",
                                          f"output folder '{out_dir}' is the {label} or contains it",
                                          "building there would delete your sources; use e.g. 'public'")])
        if label != "project root" and out.is_relative_to(folder):
            raise BuildFailed([Diagnostic("config.yaml", 0, 0, "error",
                                          f"output folder '{out_dir}' is inside the {label}",
                                          "choose a folder outside content/, templates/ and static/")])


class StagedOutput:
    """A site being written: files go to a staging folder, `commit()` swaps it into place.

    Pages are handed over one by one as they render, so the whole site never has to
    sit in memory. `abort()` (or an exception before `commit()`) throws the staging
    folder away and leaves the previous site untouched.
    """

    def __init__(self, out_dir: Path, keep_foreign: bool = False, spare: Path | None = None) -> None:
        self.out_dir = out_dir.resolve()
        self.keep_foreign = keep_foreign
        self.spare = spare  # where the replaced site is kept, to be the next build's staging
        self.staging = self.out_dir.with_name(f".{self.out_dir.name}.staging")
        if not self.staging.is_dir() and spare is not None and spare.is_dir():
            try:
                os.rename(spare, self.staging)
            except OSError:
                shutil.rmtree(spare, ignore_errors=True)
        if self.staging.is_dir() and spare is None:
            shutil.rmtree(self.staging)  # left by a build that was killed; no reuse without a cache
        # A new, empty staging folder holds nothing stale: commit() need not look through it.
        self.reused = self.staging.is_dir()
        self.staging.mkdir(parents=True, exist_ok=True)
        _MADE_FOLDERS.clear()  # the staging folder's contents are not known yet
        self.outputs: set[str] = set()
        self.written = self.unchanged = 0

    def put(self, output: str, data: bytes) -> None:
        """A rendered file; linked from the previous site instead when its bytes are the same."""
        self._claim(output)
        if place_file(self.staging, self.out_dir, output, data=data):
            self.written += 1
        else:
            self.unchanged += 1

    def record(self, output: str, written: bool) -> None:
        """A file another process already placed in the staging folder (see render_pool)."""
        self._claim(output)
        if written:
            self.written += 1
        else:
            self.unchanged += 1

    def keep(self, output: str) -> None:
        """A page known to be unchanged: take the previous build's file."""
        self._claim(output)
        if not link_previous(self.staging, self.out_dir, output):
            raise FileNotFoundError(self.out_dir / output)
        self.unchanged += 1

    def copy(self, output: str, source: Path) -> None:
        self._claim(output)
        if place_file(self.staging, self.out_dir, output, source=source):
            self.written += 1
        else:
            self.unchanged += 1

    def _claim(self, output: str) -> None:
        if output in self.outputs:
            raise BuildFailed([Diagnostic(output, 0, 0, "error", f"{output} was produced twice",
                                          "two pages or files claim this path; rename one")])
        self.outputs.add(output)

    def commit(self) -> WriteReport:
        """Swap the staging folder into place; report what changed."""
        previous = _previous_files(self.out_dir)
        made = read_manifest(self.out_dir)
        gone = sorted(previous - self.outputs)
        foreign = tuple(p for p in gone if p not in made) if previous else ()
        if self.keep_foreign:
            for rel in foreign:
                self.outputs.add(rel)
                place_file(self.staging, self.out_dir, rel, source=self.out_dir / rel)
        if self.reused:
            _prune(self.staging, self.outputs)
        manifest = self.staging / MANIFEST
        _clear(str(manifest))
        manifest.write_text("\n".join(sorted(self.outputs)) + "\n", encoding="utf-8")
        _swap(self.staging, self.out_dir, self.spare)
        removed = tuple(p for p in gone if p in made)
        return WriteReport(self.written, self.unchanged, removed, foreign)

    def abort(self) -> None:
        """Give up: the output folder is untouched; a reusable staging folder is kept."""
        if self.spare is None:
            shutil.rmtree(self.staging, ignore_errors=True)
        else:
            _set_aside(self.staging, self.spare)


def place_file(staging: Path, out_dir: Path, rel: str, data: bytes | None = None,
               source: Path | None = None) -> bool:
    """Put one file in staging; link the old one if identical. True when written anew.

    Called for every file of a build, so it works on plain strings and one `lstat` of
    the old file rather than on Path objects. The staging folder may be the site of the
    build before last, whose files can be hard links to the live site's: a file there
    is replaced, never written into.
    """
    dest, old = os.path.join(staging, rel), os.path.join(out_dir, rel)
    _ensure_folder(os.path.dirname(dest))
    try:
        info = os.lstat(old)
    except OSError:
        info = None
    if info is not None and stat.S_ISREG(info.st_mode) and _same(old, info.st_size, data, source):
        if _is_link_of(dest, info):
            return False
        _clear(dest)
        try:
            os.link(old, dest)
            return False
        except OSError:
            pass
    _clear(dest)
    if data is not None:
        with open(dest, "xb") as handle:
            handle.write(data)
    else:
        assert source is not None
        shutil.copyfile(source, dest)
    return True


def _is_link_of(dest: str, info: os.stat_result) -> bool:
    """Whether dest is already the very file `info` describes (a hard link of it)."""
    try:
        here = os.lstat(dest)
    except OSError:
        return False
    return here.st_ino == info.st_ino and here.st_dev == info.st_dev


def _clear(dest: str) -> None:
    """Remove whatever a reused staging folder has at dest (a file, or a folder)."""
    try:
        os.unlink(dest)
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):
        if os.path.isdir(dest) and not os.path.islink(dest):
            shutil.rmtree(dest)


def _ensure_folder(folder: str) -> None:
    if folder in _MADE_FOLDERS:
        return
    try:
        os.makedirs(folder, exist_ok=True)
    except (FileExistsError, NotADirectoryError):  # a file stands where a folder must be
        parent = folder
        while parent and not os.path.isdir(parent):
            if os.path.lexists(parent):
                _clear(parent)
                break
            parent = os.path.dirname(parent)
        os.makedirs(folder, exist_ok=True)
    _MADE_FOLDERS.add(folder)


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
                _clear(os.path.join(folder, name))
        for sub in subfolders:
            path = os.path.join(folder, sub)
            if os.path.islink(path):  # os.walk lists links to folders with the folders
                _clear(path)
            else:
                kept += os.path.isdir(path)  # still there: not emptied below
        if folder != root and not kept:
            try:
                os.rmdir(folder)
            except OSError:
                pass


# Staging folders this process knows to exist, so each is made (or checked) once per build;
# cleared by each new StagedOutput, since folders of another build prove nothing.
_MADE_FOLDERS: set[str] = set()


def link_previous(staging: Path, out_dir: Path, rel: str) -> bool:
    """Link the previous build's file into staging; False when there is no such file."""
    dest, old = os.path.join(staging, rel), os.path.join(out_dir, rel)
    try:
        info = os.lstat(old)
    except FileNotFoundError:
        return False
    if _is_link_of(dest, info):
        return True  # a reused staging folder already holds this very file
    _ensure_folder(os.path.dirname(dest))
    _clear(dest)
    try:
        os.link(old, dest)
    except FileNotFoundError:
        return False
    except OSError:  # no hard links here (another file system, or not allowed)
        try:
            shutil.copyfile(old, dest)
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


def _previous_files(out_dir: Path) -> set[str]:
    """Every file under the output folder, relative and with '/' (the manifest left out)."""
    found: set[str] = set()
    pending = [("", os.fspath(out_dir))]
    while pending:
        prefix, folder = pending.pop()
        try:
            entries = os.scandir(folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        with entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((prefix + entry.name + "/", entry.path))
                else:
                    found.add(prefix + entry.name)
    found.discard(MANIFEST)
    return found


def output_matches_manifest(out_dir: Path) -> bool:
    """True when the output folder holds exactly the files the last build wrote."""
    made = read_manifest(out_dir)
    return bool(made) and _previous_files(out_dir.resolve()) == made


def read_manifest(out_dir: Path) -> set[str]:
    try:
        return set((out_dir / MANIFEST).read_text(encoding="utf-8").split("\n")) - {""}
    except OSError:
        return set()


def _swap(staging: Path, out_dir: Path, spare: Path | None = None) -> None:
    """Make staging the output folder, atomically where the OS allows."""
    if not out_dir.exists():
        os.rename(staging, out_dir)
        return
    if _exchange(staging, out_dir):
        _set_aside(staging, spare)
        return
    backup = out_dir.with_name(f".{out_dir.name}.previous")
    if backup.exists():
        shutil.rmtree(backup)
    os.rename(out_dir, backup)
    os.rename(staging, out_dir)
    _set_aside(backup, spare)


def _set_aside(tree: Path, spare: Path | None) -> None:
    """Keep the replaced site as the next build's staging folder, or delete it.

    Reused, the next build replaces only the files that differ: deleting a site of
    7,000 pages and making its 7,000 folders again cost more than a one-article edit.
    The spare sits in the cache (same file system); without a cache it is deleted.
    """
    if spare is not None:
        try:
            if spare.exists():
                shutil.rmtree(spare)
            spare.parent.mkdir(parents=True, exist_ok=True)
            os.rename(tree, spare)
            return
        except OSError:
            pass
    shutil.rmtree(tree, ignore_errors=True)


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


def recover_interrupted(out_dir: Path) -> None:
    """Restore the previous site if a build died between the two fallback renames."""
    out_dir = out_dir.resolve()
    backup = out_dir.with_name(f".{out_dir.name}.previous")
    if backup.is_dir() and not out_dir.exists():
        os.rename(backup, out_dir)
