"""Which folders the build may replace or delete: only those it made.

The build replaces its output folder whole and removes its staging, spare and backup
folders when it is done with them, so each must be provably its own before it touches
it. A folder is the build's when it holds the manifest the build writes into every
site (`.sitegen-manifest`, also put in a staging folder the moment it is made), or when
it is empty. A cache folder is the build's when it holds the `CACHEDIR.TAG` the build
puts there (or, from before the tag, the build's database). Anything else is refused
with an error naming the folder, before the build writes a byte: pointed by mistake at
someone's files, the build stops instead of deleting them.

Files inside the output folder that its manifest does not list were put there by
someone else; the build refuses to run over them unless told to keep them
(`--keep-foreign`). Here too are the recovery of what an interrupted build left beside
the output, and the removal of the build's own folders, read-only ones included.
"""

from __future__ import annotations

import operator
import os
import stat
import time
from bisect import bisect_left
from collections.abc import Collection, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from pathlib import Path
from typing import NamedTuple

from sitegen.cancelling import EVERY, cancel_point
from sitegen.content.sources import RACY_NS  # the same clock tick as the sources' stamps
from sitegen.errors import BuildFailed, Diagnostic

MANIFEST = ".sitegen-manifest"
SEARCH_WORK = ".sitegen-search"  # Pagefind's work folder inside staging (search/indexing.py)
# Names at the top of the output folder that only the build may use.
RESERVED_NAMES = frozenset({MANIFEST, f"{MANIFEST}.tmp", SEARCH_WORK})
CACHE_TAG = "CACHEDIR.TAG"  # https://bford.info/cachedir/: backup tools skip the folder too
CACHE_TAG_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                  "# This file is a cache directory tag created by sitegen (the site generator).\n"
                  "# For information about cache directory tags see https://bford.info/cachedir/\n")
LEGACY_CACHE = "build.sqlite3"  # what a cache made before the tag holds
SHOWN_FOREIGN = 10  # foreign files named one by one; the rest are counted


@dataclass(frozen=True)
class OutputState:
    """The output folder as the build found it, under the build lock."""

    files: frozenset[str]  # every file in it, relative with '/' (the manifest left out)
    made: frozenset[str]  # the files the last build wrote (its manifest)
    # Where the survey's walk went: "" the whole output, a folder's path and "/" that folder
    # (survey_within), None nowhere; and what it saw there that is not a plain file (a
    # link, a socket). Kept as the few odd ones, not the 250,000 plain: a set of those
    # and its copy were 17 MB at 40,000 articles.
    walked: str | None = None
    odd: frozenset[str] = frozenset()
    # `made` sorted, as the manifest lists it, when the survey kept its order (serve's
    # FolderMemo), else empty: the in-place commit's manifests are merged from it and the
    # search step's folder found in it by bisection, where each pass over the 250,000
    # names of 40,000 articles took 0.05 to 0.1 s (sorting them twice, 0.2 s)
    order: tuple[str, ...] = field(default=(), compare=False)

    def plain(self, rel: str) -> bool:
        """The walk saw `rel` as a plain file (not a link, not gone)."""
        walked = self.walked
        return walked is not None and rel.startswith(walked) and rel in self.files and rel not in self.odd

    @cached_property
    def foreign(self) -> frozenset[str]:
        """Files the build did not make (worked out once: 250,000 names at 40,000 articles)."""
        return self.files - self.made

    def made_within(self, folder: str) -> Collection[str]:
        """The files of `made` under `folder` (a path ending in '/')."""
        if not self.order:
            return {rel for rel in self.made if rel.startswith(folder)}
        low, high = _span(self.order, folder)
        return self.order[low:high]

    def made_outside(self, folder: str) -> Sequence[str]:
        """The files of `made` not under `folder` (a path ending in '/')."""
        if not self.order:
            return [rel for rel in self.made if not rel.startswith(folder)]
        low, high = _span(self.order, folder)
        return self.order[:low] + self.order[high:]

    def with_made(self, outputs: AbstractSet[str]) -> list[str]:
        """`made` and `outputs` together, sorted: from `order` where kept, whose names are
        then merged with the new ones rather than all sorted again."""
        if not self.order:
            return sorted(self.made | outputs)
        every = list(self.order)
        every += sorted(outputs - self.made)
        every.sort()  # two sorted runs: one merge
        return every


def _span(order: Sequence[str], folder: str) -> tuple[int, int]:
    """Where the names under `folder` (ending in '/') lie in the sorted `order`: every one
    is at least `folder` and below it with its last character the next one up."""
    return bisect_left(order, folder), bisect_left(order, folder[:-1] + chr(ord(folder[-1]) + 1))


def staging_of(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.staging")


def previous_of(out_dir: Path) -> Path:
    return out_dir.with_name(f".{out_dir.name}.previous")


def check_output(out_dir: Path, shown: str) -> None:
    """Refuse a file, or a folder of someone else's files, as or beside the output; change nothing.

    Safe to call without the build lock: every state another build passes through (an
    absent output, an empty or marked staging folder) passes this check."""
    if os.path.lexists(out_dir) and not out_dir.is_dir():
        raise BuildFailed([Diagnostic("", 0, 0, "error", f"output folder '{shown}' is a file, not a folder",
                                      "choose a folder, e.g. 'public'; the build never replaces a "
                                      "file it did not make")])
    claim_sibling(previous_of(out_dir), shown)
    claim_sibling(staging_of(out_dir), shown)
    if not is_ours(out_dir):
        raise BuildFailed([Diagnostic(
            "", 0, 0, "error",
            f"output folder '{shown}' already holds files the build did not make ({_sample(out_dir)})",
            "choose an empty or new folder, or empty this one yourself; the build only replaces "
            f"a folder it made (one holding its {MANIFEST})")])


def open_output(out_dir: Path, shown: str, keep_foreign: bool, within: str | None = None,
                memo: FolderMemo | None = None) -> OutputState:
    """Under the build lock: make sure the build may replace `out_dir` (shown to the user as
    `shown`), put back the previous site if a build died between the two renames of a swap,
    and survey it. Files in it the build did not make stop the build unless kept.

    `within`: the one folder the work writes in (serve's search index, `pagefind`): only
    it is walked, and the manifest's other files are taken as standing. At 40,000 articles
    the whole walk took two seconds of the four an edit's search index waited for.
    `memo`: serve's folders as its last build found them (FolderMemo)."""
    check_output(out_dir, shown)
    previous = previous_of(out_dir)
    if os.path.lexists(previous):
        if not os.path.lexists(out_dir):
            os.rename(previous, out_dir)  # a build died between the swap's two renames
        else:
            remove_tree(str(previous))
    state = survey(out_dir, memo) if within is None else survey_within(out_dir, within, memo)
    if state.foreign and not keep_foreign:
        raise BuildFailed(foreign_diagnostics(sorted(state.foreign), shown))
    return state


def survey(out_dir: Path, memo: FolderMemo | None = None) -> OutputState:
    if memo is not None:
        return memo.survey(out_dir)
    odd: set[str] = set()
    files = files_in(out_dir, odd)
    return OutputState(files, _manifest(out_dir, None), "", frozenset(odd))


def _manifest(out_dir: Path, memo: FolderMemo | None) -> frozenset[str]:
    """read_manifest's files; from `memo` while the file's inode, size and times are those
    it had when read then, and it had not changed within `racy_ns` of that read (the
    memo then keeps its order too: KeptManifest)."""
    if memo is None:
        return _made(out_dir)
    try:
        info = os.lstat(out_dir / MANIFEST)
    except OSError:
        return frozenset()
    stamp = (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    if not stat.S_ISREG(info.st_mode):  # a link: what it points to may change with no trace here
        memo.manifest = None
        return _made(out_dir)
    if memo.manifest is not None and memo.manifest.stamp == stamp:
        return memo.manifest.made
    made, order = _made_in_order(out_dir)
    racy = time.time_ns() - max(info.st_mtime_ns, info.st_ctime_ns) <= memo.racy_ns
    memo.manifest = None if racy else KeptManifest(stamp, made, order)
    return made


def _order(memo: FolderMemo | None, made: frozenset[str]) -> tuple[str, ...]:
    """The sorted names of `made`, if the memo kept them for this very set."""
    kept = memo.manifest if memo is not None else None
    return kept.order if kept is not None and kept.made is made else ()


def survey_within(out_dir: Path, folder: str, memo: FolderMemo | None = None) -> OutputState:
    """The survey as far as `folder` goes: every file in it, found by a walk, and the
    manifest's files elsewhere. A `folder` that is a link or a file is not walked into:
    the whole output is surveyed then, as a build does. `memo`: serve's, whose manifest
    (the last build's, 250,000 names at 40,000 articles) is not read again while it stands."""
    top = out_dir / folder
    if os.path.islink(top) or not top.is_dir():
        return survey(out_dir, memo)
    made = _manifest(out_dir, memo)
    state = OutputState(made, made, order=_order(memo, made))
    odd: set[str] = set()
    inside = {rel: f"{folder}/{rel}" for rel in files_in(top, odd)}  # each path made once, shared below
    prefix = folder + "/"
    found = frozenset(inside.values())
    as_listed = not found.symmetric_difference(state.made_within(prefix))  # the folder as the manifest says
    # then the same set, not a copy of its 250,000 names at serve's peak
    files = made if as_listed else found.union(state.made_outside(prefix))
    return OutputState(files, made, prefix, frozenset(inside[rel] for rel in odd), state.order)


def foreign_diagnostics(foreign: list[str], shown: str) -> list[Diagnostic]:
    """One error per file the build did not make (the first few), and what to do."""
    problems = [Diagnostic(f"{shown}/{rel}", 0, 0, "error",
                           "not made by the build, which never deletes files it did not make",
                           f"move it out of {shown}/ (into static/ to publish it with the site), or "
                           "build with --keep-foreign to keep it")
                for rel in foreign[:SHOWN_FOREIGN]]
    if len(foreign) > SHOWN_FOREIGN:
        problems.append(Diagnostic(f"{shown}/", 0, 0, "error",
                                   f"and {len(foreign) - SHOWN_FOREIGN} more files not made by the build"))
    return problems


def claim_sibling(folder: Path, shown: str) -> None:
    """A staging or backup folder beside the output must be the build's (or absent)."""
    if not os.path.lexists(folder):
        return
    if os.path.islink(folder) or not is_ours(folder):
        raise BuildFailed([Diagnostic(
            "", 0, 0, "error",
            f"'{folder.name}' beside the output folder '{shown}' was not made by the build",
            f"the build keeps its work in '{folder.name}': rename or remove that "
            f"{'link' if os.path.islink(folder) else 'folder'}, or choose another output folder")])


def is_ours(folder: Path) -> bool:
    """Absent, an empty folder, or a folder holding the manifest as a plain file."""
    try:
        with os.scandir(folder) as listing:
            names = [entry.name for entry in listing]
    except FileNotFoundError:
        return True
    except NotADirectoryError:
        return False
    if not names:
        return True
    try:
        return stat.S_ISREG(os.lstat(folder / MANIFEST).st_mode)
    except OSError:
        return False


def claim_cache(cache_dir: Path, shown: str) -> None:
    """Make `cache_dir` if needed and tag it; refuse a folder that is someone else's."""
    if cache_dir.exists() and not cache_dir.is_dir():
        raise BuildFailed([Diagnostic("", 0, 0, "error", f"cache folder '{shown}' is a file, not a folder",
                                      "set 'paths.cache' in config.yaml to a folder, e.g. '.cache'")])
    tag = cache_dir / CACHE_TAG
    if cache_dir.is_dir() and not _is_our_cache(cache_dir):
        raise BuildFailed([Diagnostic(
            "", 0, 0, "error",
            f"cache folder '{shown}' already holds files the build did not make ({_sample(cache_dir)})",
            "choose an empty or new folder for 'paths.cache' in config.yaml (the default is '.cache'), "
            f"or empty this one; the build only uses a cache folder it made (one holding its {CACHE_TAG})")])
    cache_dir.mkdir(parents=True, exist_ok=True)
    if not tag.is_file():
        temporary = cache_dir / f".{CACHE_TAG}.{os.getpid()}"
        clear_path(str(temporary))
        with temporary.open("x", encoding="utf-8") as handle:  # never through a link
            handle.write(CACHE_TAG_TEXT)
        os.replace(temporary, tag)


def _is_our_cache(cache_dir: Path) -> bool:
    try:
        names = set(os.listdir(cache_dir))
    except OSError:
        return False
    if not names or LEGACY_CACHE in names:
        return True
    try:
        return "sitegen" in (cache_dir / CACHE_TAG).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _sample(folder: Path) -> str:
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return "unreadable"
    shown = ", ".join(names[:3])
    return shown + (f" and {len(names) - 3} more" if len(names) > 3 else "")


Listing = tuple[tuple[str, ...], tuple[str, ...], tuple[tuple[str, str], ...]]  # files, odd ones, folders


class KeptManifest(NamedTuple):
    """The manifest as FolderMemo last read it: the file's inode, size and times, its
    names, and those in its order when that is sorted (as the build writes it), else ()."""

    stamp: tuple[int, int, int, int]
    made: frozenset[str]
    order: tuple[str, ...]


@dataclass
class FolderMemo:
    """What serve's last survey found in each folder of the output, with the folder's
    inode, mtime and ctime then. Adding, removing, renaming or replacing an entry changes
    its folder's mtime and ctime, so a folder whose three are the same holds the same
    entries, and is not listed again: at 40,000 articles listing 70,000 folders was a
    second of each edit's build. A folder changed within `racy_ns` of the walk is listed
    again next time (a change in the same clock tick would leave its times as they were)."""

    folders: dict[str, tuple[tuple[int, int, int], Listing]] = field(default_factory=dict)
    racy_ns: int = RACY_NS
    # the manifest as last read, by the same rule: its 250,000 lines took 0.1 s to read again
    manifest: KeptManifest | None = None
    # The last whole walk: each folder's listing (racy ones too), and the union of their
    # files and odd files (not plain: OutputState.odd), patched by the next walk where a
    # listing changed: putting 250,000 names into a new set each walk was a third of its cost.
    walked: dict[str, Listing] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)  # without the manifest
    odd: set[str] = field(default_factory=set)
    # The last survey, handed out again while no listing and not the manifest changed: an
    # edit's build writes its pages over the old ones, listing the same names, and copying
    # the unions and subtracting the manifest from them (its `foreign`) took 0.06 s.
    state: OutputState | None = None

    def patch(self, walked: dict[str, Listing], fresh: list[str]) -> bool:
        """Take `walked` (a whole walk) as the last one, `fresh` the folders it listed again
        (the others' listings are the last walk's): the names of the listings that changed
        or went are taken out of the unions, those of the new ones put in. Whether the
        unions changed."""
        before = self.walked
        come = sum(1 for folder in fresh if folder not in before)
        gone = before.keys() - walked.keys() if len(walked) - come != len(before) else set()
        old = [before[folder] for folder in (*fresh, *gone) if folder in before]
        new = [walked[folder] for folder in fresh]
        self.walked = walked
        if old == new:  # listed again, the same names
            return False
        for files, odd, _ in old:
            self.files.difference_update(files)
            self.odd.difference_update(odd)
        for files, odd, _ in new:
            self.files.update(files)
            self.odd.update(odd)
        self.files.discard(MANIFEST)
        return True

    def survey(self, out_dir: Path) -> OutputState:
        """The output's files, odd files and manifest; the last survey's while they stand.
        A manifest naming exactly the files found is that set, not a second one of the same
        250,000 names read from its lines (25 MB at 40,000 articles)."""
        changed = self.walk(out_dir)
        made = _manifest(out_dir, self)
        last = self.state
        if last is not None and not changed and last.made is made:
            return last
        files = frozenset(self.files) if changed or last is None else last.files
        order = _order(self, made)
        if made is not files and made == files:  # the site as the last build left it: one set of names
            made = files
            if self.manifest is not None:
                self.manifest = self.manifest._replace(made=files)
        last = OutputState(files, made, "", frozenset(self.odd), order)
        self.state = last
        return last

    def walk(self, out_dir: Path) -> bool:
        """Walk the output, listing only the folders whose times changed; whether the unions
        of files did. A cancel point every 64 folders (cancelling.EVERY)."""
        pending, seen, walked, fresh = [("", os.fspath(out_dir))], {}, {}, []
        remembered, now, count = self.folders, time.time_ns(), 0
        while pending:
            count += 1
            if not count % EVERY:
                cancel_point()
            prefix, folder = pending.pop()
            try:
                info = os.stat(folder)
                times = (info.st_ino, info.st_mtime_ns, info.st_ctime_ns)
                known = remembered.get(folder)
                if known is not None and known[0] == times:
                    seen[folder] = known
                    listing = walked[folder] = known[1]
                else:
                    listing = walked[folder] = _list(prefix, folder)
                    fresh.append(folder)
                    if now - max(times[1], times[2]) > self.racy_ns:
                        seen[folder] = (times, listing)
            except (FileNotFoundError, NotADirectoryError):
                continue
            pending.extend(listing[2])
        self.folders = seen
        return self.patch(walked, fresh)


def files_in(out_dir: Path, odd: set[str] | None = None) -> frozenset[str]:
    """Every file under the output folder, relative and with '/' (the manifest left out);
    those that are not plain files (links or the like) also go into `odd`. serve's
    builds walk with their memory instead (FolderMemo.walk).

    Links are listed as files, never followed: the build does not look into them. A cancel
    point per folder: at 40,000 articles the walk takes seconds, and serve's catch-up
    starts with it while the next edit's preview waits (sitegen/cancelling.py)."""
    files: set[str] = set()
    pending = [("", os.fspath(out_dir))]
    while pending:
        cancel_point()
        prefix, folder = pending.pop()
        try:
            listing = _list(prefix, folder)
        except (FileNotFoundError, NotADirectoryError):
            continue
        files.update(listing[0])
        if odd is not None:
            odd.update(listing[1])
        pending.extend(listing[2])
    files.discard(MANIFEST)
    return frozenset(files)


def _list(prefix: str, folder: str) -> Listing:
    files, odd, folders = [], [], []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                folders.append((prefix + entry.name + "/", entry.path))
                continue
            name = prefix + entry.name  # one string for both: 250,000 of them at 40,000 articles
            files.append(name)
            if not entry.is_file(follow_symlinks=False):
                odd.append(name)
    return tuple(files), tuple(odd), tuple(folders)  # tuple([]) is the one empty tuple: most have no odd one


def read_manifest(out_dir: Path) -> set[str]:
    """The files the build wrote into this folder, one path per line, UTF-8."""
    names = set(_manifest_lines(out_dir))
    names.discard("")
    return names


def _made(out_dir: Path) -> frozenset[str]:
    """read_manifest's files as a frozenset, made once: at 40,000 articles each copy of its
    250,000 names is a table of 8 MB more at `serve`'s peak."""
    names = frozenset(_manifest_lines(out_dir))
    return names - {""} if "" in names else names


def _made_in_order(out_dir: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    """_made, and its names in the file's order when that is sorted and names each once,
    as every manifest the build writes does; else (a manifest edited by hand) ()."""
    lines = _manifest_lines(out_dir)
    if lines and not lines[-1]:
        lines.pop()  # after the last newline
    made = frozenset(lines)
    if "" in made or len(made) != len(lines) or not all(map(operator.lt, lines, islice(lines, 1, None))):
        return made - {""}, ()
    return made, tuple(lines)


def _manifest_lines(out_dir: Path) -> list[str]:
    try:
        return (out_dir / MANIFEST).read_text(encoding="utf-8").split("\n")
    except OSError:
        return []


MANIFEST_CHUNK = 4096  # names joined per write


def write_manifest(folder: Path, outputs: Collection[str]) -> None:
    """Replace the manifest in one step: it is what makes the folder the build's."""
    write_sorted_manifest(folder, sorted(outputs))


def write_sorted_manifest(folder: Path, names: Sequence[str]) -> None:
    """write_manifest of `names`, already sorted: sorting the 250,000 names of a site of
    40,000 articles takes a tenth of a second, and `serve`'s in-place commit writes two
    manifests, the second a part of the first (InPlaceOutput.commit).

    Written a few thousand lines at a time: joined whole, the 250,000 lines were a string
    of 25 MB, at the very moment of `serve`'s peak memory (the search index of an edit,
    committed while the session holds the whole site)."""
    temporary = folder / f"{MANIFEST}.tmp"
    clear_path(str(temporary))
    with temporary.open("x", encoding="utf-8") as handle:  # never through a link
        for start in range(0, len(names), MANIFEST_CHUNK):
            handle.write("\n".join(names[start:start + MANIFEST_CHUNK]) + "\n")
        if not names:
            handle.write("\n")
    os.replace(temporary, folder / MANIFEST)


def unlock(folder: str) -> bool:
    """Give the owner full access to a folder of the build's that lacks it; True if changed.

    A site made read-only by hand (`chmod -R a-w public`) comes back as the next build's
    staging folder: its folders must be writable again before anything in them changes.
    Only folders are changed, never files, which may be hard links to the live site's."""
    try:
        mode = os.lstat(folder).st_mode
    except OSError:
        return False
    if not stat.S_ISDIR(mode) or mode & stat.S_IRWXU == stat.S_IRWXU:
        return False
    os.chmod(folder, stat.S_IMODE(mode) | stat.S_IRWXU)
    return True


def clear_path(path: str) -> None:
    """Remove a file, link or folder of the build's at `path`, if there is one."""
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except (IsADirectoryError, PermissionError):
        if os.path.isdir(path) and not os.path.islink(path):
            remove_tree(path)
        elif unlock(os.path.dirname(path)):
            clear_path(path)
        else:
            raise


def remove_tree(path: str) -> None:
    """Delete a folder of the build's: read-only folders opened first, its manifest last.

    The manifest goes last so that a removal cut short leaves a folder still known as
    the build's, which the next build removes or reuses instead of refusing it. A link
    is removed, never followed."""
    if os.path.islink(path):
        os.unlink(path)
        return
    unlock(path)
    try:
        with os.scandir(path) as listing:
            entries = list(listing)
    except FileNotFoundError:
        return
    for entry in entries:
        if entry.name == MANIFEST:
            continue
        if entry.is_dir(follow_symlinks=False):
            remove_tree(entry.path)
        else:
            clear_path(entry.path)
    clear_path(os.path.join(path, MANIFEST))
    os.rmdir(path)
