"""List every file under the content folder, and refuse whatever cannot be listed or read.

A folder the build could not open used to be skipped: its articles vanished from the
site while `check` said 0 errors and the build exited 0. A FIFO named `x.md` made every
build, `check` and `serve` hang on its first read, and a loop of links raised a
traceback. Each is now an error naming the path and what to do; nothing under content/
is left out without a word but hidden names and editor clutter.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sitegen.cancelling import cancel_point
from sitegen.errors import Diagnostic

IGNORED_NAMES = {".DS_Store", "Thumbs.db"}
File = tuple[str, str, bool]  # (absolute path, path relative to the content folder, is a link)


def walk_content(root: str, prefix: str) -> tuple[list[File], list[Diagnostic]]:
    """Every file under `root` (the content folder, shown as `prefix`), sorted: a folder's
    files, then its subfolders'; and an error for every folder that cannot be listed and
    every entry that is neither a file nor a folder. Links are listed as files (links to
    folders too), for `link_problem` to judge.

    Strings and directory entries, not Path objects: a site has thousands of files and
    every build lists them all."""
    found: list[File] = []
    problems: list[Diagnostic] = []
    pending = [(root, "")]
    while pending:
        cancel_point()  # a newer edit in serve need not wait for 40,000 files to be listed
        folder, rel = pending.pop()
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except FileNotFoundError:
            continue  # removed while the build ran: it holds nothing to publish
        except OSError as exc:
            problems.append(_unlistable(f"{prefix}/{rel}".rstrip("/"), exc))
            continue
        subfolders = []
        for entry in entries:
            name = entry.name
            if skipped_name(name):
                continue
            if entry.is_dir(follow_symlinks=False):
                subfolders.append((entry.path, rel + name + "/"))
            elif entry.is_file(follow_symlinks=False) or entry.is_symlink():
                found.append((entry.path, rel + name, entry.is_symlink()))
            else:
                problems.append(not_a_file(f"{prefix}/{rel}{name}", _mode(entry.path)))
        pending.extend(reversed(subfolders))
    return found, problems


def skipped_name(name: str) -> bool:
    """A name the walk leaves out, file or folder: hidden, editor clutter, a backup."""
    return name.startswith(".") or name in IGNORED_NAMES or name.endswith("~")


def _unlistable(shown: str, exc: OSError) -> Diagnostic:
    return Diagnostic(shown, 0, 0, "error", f"folder cannot be read: {exc.strerror}",
                      "its articles would be missing from the site: let yourself read it "
                      "(chmod u+rx), or move it out of the content folder")


def _mode(path: str) -> int:
    try:
        return os.lstat(path).st_mode
    except OSError:
        return 0


def not_a_file(shown: str, mode: int) -> Diagnostic:
    """A FIFO, socket or device where a file should be (reading it could block for ever), or
    a folder where a file was expected (a folder named `x.md`)."""
    if stat.S_ISDIR(mode):
        return Diagnostic(shown, 0, 0, "error", "is a folder, not a file",
                          "rename the folder, or move it out of the way")
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode)
            else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "not a regular file")
    return Diagnostic(shown, 0, 0, "error", f"is {kind}, not a file",
                      "remove it: the content folder may hold only files and folders")


def link_problem(absolute: str, content_dir: Path, shown: str) -> Diagnostic | None:
    """Refuse links that cannot be followed, point outside content/, at folders, or at
    anything but a file: they could leak files, loop, or block a read."""
    try:
        target = os.path.realpath(absolute, strict=True)
    except FileNotFoundError:
        return Diagnostic(shown, 1, 1, "error", "symbolic link points to nothing",
                          f"its target {_readlink(absolute)} does not exist: remove the link")
    except OSError as exc:
        return Diagnostic(shown, 1, 1, "error", f"symbolic link cannot be followed: {exc.strerror}",
                          "it is part of a loop of links, or unreadable: remove or fix it")
    if not Path(target).is_relative_to(content_dir):
        return Diagnostic(shown, 1, 1, "error", "symbolic link points outside the content folder",
                          "copy the file into content/ instead of linking to it")
    mode = _mode(target)
    if stat.S_ISDIR(mode):
        return Diagnostic(shown, 1, 1, "error", "symbolic links to folders are not followed",
                          "move the folder into place instead of linking to it")
    return None if stat.S_ISREG(mode) else not_a_file(shown, mode)


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def unreadable(shown: str, exc: OSError) -> Diagnostic:
    """A file the build may not open (or that vanished while it ran)."""
    return Diagnostic(shown, 1, 1, "error", f"file cannot be read: {exc.strerror}",
                      "check that the file exists and that you may read it (chmod u+r)")


def check_readable(absolute: str, shown: str) -> Diagnostic | None:
    """Open a file beside the articles (an image, say) as the copy will, without reading it:
    a file that cannot be read is an error now, in `check` too, not when the site is written."""
    try:
        handle = os.open(absolute, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        return unreadable(shown, exc)
    try:
        mode = os.fstat(handle).st_mode
    finally:
        os.close(handle)
    return None if stat.S_ISREG(mode) else not_a_file(shown, mode)
