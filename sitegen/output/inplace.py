"""Write only what changed straight into the live output folder: `serve`'s writer.

A staged build links every unchanged file of the site into a new tree and swaps the
trees (writer.py): for one edited article of a 4,000-article site that is some 24,000
links and 7,000 folders for ten new files. The development server does not need the
whole site to change in one step; it needs each file to. `InPlaceOutput` takes the
files that changed into a small side folder (the staging folder, so that it is the
build's by the same rules), and `commit()` moves each one over its old file with one
`os.replace`: a reader sees the old file or the new one, never a part of either.

The rules of issue 14 hold as in a staged build: files the build did not make stop it
unless kept (`keep_foreign`), a kept one must not stand where the site has a file, and
only files the last manifest lists are ever removed. The manifest is written before
the first file moves, listing the old site's files and the new ones, so a build
killed half-way leaves only files the next build knows as its own; it is written
again, exact, at the end. A build that fails before `commit()` changes nothing in
the output folder. The command line's `build` always stages and swaps (writer.py).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sitegen.errors import BuildFailed
from sitegen.output.faults import checkpoint
from sitegen.output.ownership import (
    OutputState,
    clear_path,
    foreign_diagnostics,
    read_manifest,
    remove_tree,
    write_sorted_manifest,
)
from sitegen.output.writer import StagedOutput, WriteReport


class InPlaceOutput(StagedOutput):
    """A site written over the previous one, file by file; see the module's docstring.

    Unchanged files are left where they are (`reuse` only checks that each is still the
    plain file the last build wrote); new or changed ones wait in the staging folder
    until `commit()`."""

    state: OutputState  # always the survey the build opened with (`reuse` trusts what it saw)

    def __init__(self, out_dir: Path, state: OutputState, keep_foreign: bool = False,
                 shown: str = "") -> None:
        super().__init__(out_dir, keep_foreign, None, state, shown)  # a new, empty staging folder
        self.state = state
        self.fresh: set[str] = set()  # outputs whose new bytes wait in the staging folder

    def record(self, output: str, written: bool) -> None:
        super().record(output, written)
        if written:
            self.fresh.add(output)

    def reusable(self, outputs: set[str]) -> set[str]:
        """Those of `outputs` whose live file stays (`reuse`), most known from the survey:
        `outputs` itself when all do, not a copy (190,000 names, 8 MB at 40,000 articles)."""
        seen = self.state
        unseen = (outputs - seen.files) | (outputs & seen.odd) if seen.walked == "" else outputs
        gone = {output for output in unseen if not self.reuse(output)}
        return outputs - gone if gone else outputs

    def reuse(self, output: str) -> bool:
        """The live file stays: it must be a plain file (a link put there by hand is never
        published as the site's). The survey's walk, under the build lock, already saw most
        of them as such: asking the file system again for each took 2 to 4 s of serve's
        build at 40,000 articles, and 0.5 s of an edit's search step. A file removed by
        hand since is found missing by the next build's survey, which renders it again."""
        if self.state.plain(output):
            return True
        try:
            return stat.S_ISREG(os.lstat(os.path.join(self.out_dir, output)).st_mode)
        except OSError:
            return False

    def path(self, output: str) -> Path:
        return self.staging / output if output in self.fresh else self.out_dir / output

    def commit(self) -> WriteReport:
        """Move the changed files into the live site, remove the ones it no longer has."""
        state = self.state
        assert state is not None
        foreign = sorted(state.foreign)
        if foreign and not self.keep_foreign:
            raise BuildFailed(foreign_diagnostics(foreign, self.shown))
        self._refuse_clashes(foreign)
        same = self.outputs == state.made  # an edit to text: the manifest already says it (250,000 lines)
        every = [] if same else state.with_made(self.outputs)  # every file that may be ours, sorted
        if not same:
            write_sorted_manifest(self.out_dir, every)
        gone = sorted(state.made - self.outputs)
        for rel in gone:
            clear_path(os.path.join(self.out_dir, rel))
        for number, rel in enumerate(sorted(self.fresh)):
            self._move_in(rel)
            if number == 0:
                checkpoint("in-place-moving")
        if not same:
            outputs = self.outputs
            write_sorted_manifest(self.out_dir, [rel for rel in every if rel in outputs])  # sorted once
        _remove_empty_folders(self.out_dir, {rel.rsplit("/", 1)[0] for rel in gone if "/" in rel})
        remove_tree(str(self.staging))
        return WriteReport(self.written, self.unchanged, tuple(r for r in gone if r in state.files), tuple(foreign))

    def _move_in(self, rel: str) -> None:
        """One new file over its old one; a file of the last site where a folder is now
        needed goes (only the build's: a foreign one was refused above)."""
        dest = os.path.join(self.out_dir, rel)
        folder = os.path.dirname(dest)
        _make_folders(os.fspath(self.out_dir), folder)
        if os.path.isdir(dest) and not os.path.islink(dest):
            remove_tree(dest)  # the last site's folder, where this site has a file
        os.replace(os.path.join(self.staging, rel), dest)

    def move_fresh_in(self) -> list[str]:
        """Move the new files over their old ones and nothing else: no file goes, the
        manifest stands (the files are the last build's, with new bytes)."""
        for rel in sorted(self.fresh):
            self._move_in(rel)
        return sorted(self.fresh)

    def abort(self) -> None:
        """Give up: the live site is untouched; the side folder goes."""
        try:
            remove_tree(str(self.staging))
        except OSError:
            pass  # still marked as the build's: the next build removes it


def replace_pages(out_dir: Path, shown: str, pages: dict[str, bytes]) -> list[str]:
    """Put new bytes over pages the last build made, for `serve`'s first look at an edit
    (serve/preview.py); returns the pages whose bytes changed. Under the build lock.

    Only a file the manifest lists as the build's, standing as a plain file inside the
    output folder (no link on its way), is replaced; any other is left for the full build
    that follows, which applies every rule of issue 14. The files wait in the staging
    folder, as a build's do, so one killed half-way leaves nothing foreign in the site."""
    made = read_manifest(out_dir)
    wanted = {rel: data for rel, data in pages.items() if rel in made and _plain_page(out_dir, rel)}
    if not wanted:
        return []
    staged = InPlaceOutput(out_dir, OutputState(frozenset(made), frozenset(made)), False, shown)
    try:
        for rel, data in sorted(wanted.items()):
            staged.put(rel, data)
        return staged.move_fresh_in()
    finally:
        staged.abort()


def _plain_page(out_dir: Path, rel: str) -> bool:
    """A plain file at `rel` inside the output folder, reached through no link."""
    path = os.path.join(out_dir, rel)
    if os.path.realpath(path) != os.path.join(os.path.realpath(out_dir), rel):
        return False
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _make_folders(root: str, folder: str) -> None:
    """Make `folder` under the output folder a real folder: whatever else stands on the way
    (a file or link of the last site's, since foreign ones were refused) is removed."""
    if folder == root:
        return
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        return
    _make_folders(root, os.path.dirname(folder))
    if mode is not None:
        clear_path(folder)
    os.mkdir(folder)


def _remove_empty_folders(out_dir: Path, folders: set[str]) -> None:
    """Remove folders emptied by removed files, deepest first, up to the output folder."""
    pending = set(folders)
    for rel in sorted(pending, key=lambda r: r.count("/"), reverse=True):
        parts = rel.split("/")
        for depth in range(len(parts), 0, -1):
            try:
                os.rmdir(os.path.join(out_dir, *parts[:depth]))
            except OSError:
                break  # not empty (or not a folder): its parents are not either
