"""Find the sources again from what the file watcher reported, not from the whole tree.

A build lists every folder under content/ and asks `stat` of every file in it: at 40,000
articles that was 0.37 s of each edit's build in `serve`, to find the one file the editor
saved, which the watcher had already named. Hugo's server trusts its watcher the same way.

`serve`'s watcher notes every path it sees change under the folders it watches
(`ChangeNotes`, held by the session); the build takes them. When the last scan was made
while the watcher was already watching, and every noted path is a Markdown source that
scan found, a file the content folder's walk would leave out (a hidden editor file, one
ending in ``~``), a file that came and went again, or a file that scan published as is
(not HTML, whose first line decides whether it is a page), only the noted sources are
stat'ed and hashed again (`rescan`). Anything else (a new, removed or renamed file, a
folder, a link anywhere in the tree, a problem in the last scan, other content settings)
means a whole scan, as before, so the tree is always what a whole scan would find.
"""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from sitegen.content.classify import HTML_SUFFIXES, PAGE_SUFFIXES
from sitegen.content.paths import path_suffix
from sitegen.content.sources import FileStamp, Source, SourceTree, hash_source
from sitegen.content.walk import skipped_name


class ChangeNotes:
    """The paths the file watcher saw change since a build last took them.

    Written by the watcher's thread, taken by the build's: hence the lock. Until the
    watcher says it is watching (`watching`), nothing it could have missed is ruled out,
    and `take` answers None: scan the whole tree."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._watching = False

    def watching(self) -> None:
        """The watches are in place: every change from now on is noted."""
        with self._lock:
            self._watching = True

    def note(self, paths: Iterable[str]) -> None:
        with self._lock:
            self._paths.update(paths)

    def take(self) -> frozenset[str] | None:
        """The paths noted since the last `take`, or None if changes may have gone unseen."""
        with self._lock:
            taken, self._paths = frozenset(self._paths), set()
            return taken if self._watching else None


@dataclass(frozen=True)
class Scan:
    """A scan of the content folder, and whether the watcher saw every change since."""

    settings: tuple[str, ...]  # content_settings
    tree: SourceTree
    watched: bool  # the watcher was watching when the scan began

    @cached_property
    def places(self) -> dict[str, int]:
        """Each source's place in the tree, by its file's absolute path."""
        return {source.file: number for number, source in enumerate(self.tree.sources)}

    def again(self, tree: SourceTree) -> Scan:
        """This scan with `tree`, which `rescan` made from it: the same files in the same
        places, so what was worked out of their paths holds (40,000 of them at each edit)."""
        scan = Scan(self.settings, tree, self.watched)
        for name in ("places", "published_as_is", "folders"):
            if name in self.__dict__:
                scan.__dict__[name] = self.__dict__[name]
        return scan

    @cached_property
    def published_as_is(self) -> frozenset[str]:
        """The absolute paths of files published as they are, whatever they hold."""
        return frozenset(str(r.absolute) for r in self.tree.resources
                         if path_suffix(r.content_path).lower() not in HTML_SUFFIXES)

    @cached_property
    def folders(self) -> frozenset[str]:
        """The absolute paths of the folders holding the scan's files: one moved away is
        noted as its own path alone."""
        files = [source.file for source in self.tree.sources] + [str(r.absolute) for r in self.tree.resources]
        folders: set[str] = set()
        for file in files:
            folder = os.path.dirname(file)
            while folder not in folders and len(folder) > 1:
                folders.add(folder)
                folder = os.path.dirname(folder)
        return frozenset(folders)

    @property
    def trusted(self) -> bool:
        """Whether changes since can be read from the watcher's notes alone: a link's
        target changes without the link's path being noted, and a scan with problems is
        made again to report them again."""
        return self.watched and not self.tree.linked and not self.tree.diagnostics


def content_settings(root: str, content_dir: str, ignore_files: Iterable[str]) -> tuple[str, ...]:
    """What a scan depends on besides the files: the project and content folders (the
    latter's inode too: a folder put in its place is another tree), and the ignore_files
    expressions."""
    try:
        inode = str(os.stat(content_dir).st_ino)
    except OSError:
        inode = ""
    return (root, content_dir, inode, *ignore_files)


def rescan(last: Scan, settings: tuple[str, ...], noted: frozenset[str],
           known: tuple[Mapping[str, FileStamp], Mapping[str, Source]]) -> SourceTree | None:
    """`last`'s tree with the noted sources stat'ed and hashed again; None when only a
    whole scan can tell (see the module's docstring)."""
    if not last.trusted or settings != last.settings:
        return None
    edited = _edited_sources(last, settings[0], settings[1], noted)
    if edited is None:
        return None
    stamps, before = known
    sources, fresh = list(last.tree.sources), dict(last.tree.stamps)
    now_ns = time.time_ns()
    for number, old in edited:
        source, stamp, problem = hash_source(old.file, old.path, old.content_path,
                                             (stamps.get(old.path), before.get(old.path)), now_ns)
        if source is None or problem is not None:
            return None  # unreadable since: the whole scan says so, in its words
        sources[number] = source
        fresh.pop(old.path, None)
        if stamp is not None:
            fresh[old.path] = stamp
    return SourceTree(tuple(sources), last.tree.resources, (), fresh)


def _edited_sources(last: Scan, root: str, content_dir: str,
                    noted: frozenset[str]) -> list[tuple[int, Source]] | None:
    """The last scan's sources among the noted paths; None if a noted path under the
    content folder may change what a scan finds, or if a path is under neither the
    content folder nor the project's (a watcher naming files by another path, as macOS's
    does through /private, must not be taken to have seen nothing)."""
    edited = []
    inside, project = content_dir.rstrip(os.sep) + os.sep, root.rstrip(os.sep) + os.sep
    for path in noted:
        if not path.startswith(inside):
            if inside.startswith(path.rstrip(os.sep) + os.sep):
                return None  # the content folder itself, or a folder holding it
            if path.startswith(project):
                continue  # templates, static files, config.yaml: not sources
            return None
        place = last.places.get(path)
        if place is not None and path_suffix(path).lower() in PAGE_SUFFIXES:
            if not _plain_file(path):
                return None  # gone, or a link or a pipe now: the whole scan refuses it in its words
            edited.append((place, last.tree.sources[place]))
        elif not (_walk_skips(path[len(inside):]) or _unchanged_for_the_tree(last, path)):
            return None
    return edited


def _unchanged_for_the_tree(last: Scan, path: str) -> bool:
    """A file published as is that is still a file, or a path that came and went again
    (an editor's temporary file) and was not a folder of the last scan's files."""
    if path in last.published_as_is:
        return _plain_file(path)
    return not os.path.lexists(path) and path not in last.folders


def _plain_file(path: str) -> bool:
    """A regular file, not a link to one: a link is for the whole scan to judge (content/walk.py
    `link_problem`: one pointing out of the content folder is refused, never read)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def _walk_skips(rel: str) -> bool:
    """Whether the content folder's walk leaves this path out (content/walk.py)."""
    return any(skipped_name(name) for name in rel.split(os.sep))
