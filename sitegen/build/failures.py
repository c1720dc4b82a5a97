"""Failures from the system, said in the editor's terms: which file, what happened, what to do.

A full disk, a read-only file system, a file the build may not read, a named pipe where a
file should be, a file name that is not UTF-8: none of these is a bug of the engine, and
none may reach the editor as "internal error ... this is a bug". `io_failure` names the
file of an OSError as the editor knows it (relative to the project; a file being written
into the staging folder by the output path it will have) and says what to do by errno.
`explain_failure` is the command line's last look at any other exception before it calls
one a bug.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path

from sitegen.config.settings import Config
from sitegen.errors import Diagnostic, byte_position

SOURCE_FOLDERS = ("content", "templates", "static", "archetypes")
_KEPT = "the previous site was left as it was"
_LINK_LOOP = re.compile(r"Symlink loop from '(.*)'")
_LOOKED_AT = 20  # names reported at most when looking for names that are not UTF-8
# errno -> (what happened, what to do), for failures that are about the disk, not one file.
_DISK = {
    errno.ENOSPC: ("no space left on the disk", "free some space on the disk that holds {out} and build again"),
    errno.EDQUOT: ("disk quota exceeded", "free some space, or ask for a larger quota, and build again"),
    errno.EFBIG: ("file too large for the file system or for this process (ulimit -f)",
                  "raise the limit (ulimit -f unlimited) or build onto another disk"),
    errno.EROFS: ("the file system is read-only", "build onto a writable disk (--output) or remount it"),
    errno.EIO: ("input/output error", "the disk may be failing: check it, then build again"),
    errno.EMFILE: ("too many open files", "raise the limit (ulimit -n 4096) and build again"),
    errno.ENFILE: ("too many open files on the system", "close other programs and build again"),
}


def io_failure(exc: OSError, config: Config, *, building: bool = True) -> Diagnostic:
    """The diagnostic for an OSError that stopped a build (or, not `building`, another command)."""
    kept = f"; {_KEPT}" if building else ""
    path = _failed_path(exc)
    shown = shown_path(path, config) if path is not None else ""
    reason = exc.strerror or type(exc).__name__
    if exc.errno in _DISK:
        what, todo = _DISK[exc.errno]
        where = ("" if path is None else " while copying it into the site" if _is_source(path, config)
                 else " while writing it")
        return Diagnostic(shown, 0, 0, "error", f"{what}{where}",
                          f"{todo.format(out=config.paths.output + '/')}{kept}")
    if isinstance(exc, shutil.SpecialFileError):  # a FIFO would hang the copy: refused first
        return Diagnostic(shown, 0, 0, "error", "is not a regular file (a FIFO, socket or device)",
                          "remove it: only files and folders can be published")
    if exc.errno == errno.ENAMETOOLONG:
        return Diagnostic(shown, 0, 0, "error", "name too long for the file system",
                          f"shorten the name (or the title, slug, url, alias or tag it is made from){kept}")
    if path is not None and _is_source(path, config):
        return Diagnostic(shown, 0, 0, "error", f"cannot be read: {reason}",
                          "check that the file exists and that you may read it")
    if not building:
        return Diagnostic(shown, 0, 0, "error", f"cannot be read or written: {reason}",
                          "check that it exists and that you may read and write it")
    return Diagnostic(shown, 0, 0, "error", f"cannot write the site here: {reason}",
                      f"check that you may write to this folder and that the disk has room{kept}")


def explain_failure(exc: BaseException, root: Path, config: Config | None,
                    building: bool = True) -> list[Diagnostic]:
    """Diagnostics for a failure the engine did not report itself; [] when it is a bug."""
    if isinstance(exc, OSError):
        if config is None:
            return [_bare_io_failure(exc, root)]
        return [io_failure(exc, config, building=building)]
    if isinstance(exc, UnicodeError) and "surrogates not allowed" in str(exc):
        return names_not_utf8(root, config) or [Diagnostic(
            "", 0, 0, "error", "a file or folder name is not valid UTF-8",
            "rename the files whose names show as '?' or '\\x..' in a file manager")]
    if isinstance(exc, UnicodeDecodeError):  # a template or archetype: content reports its own
        return texts_not_utf8(config) if config is not None else []
    loop = _LINK_LOOP.fullmatch(str(exc)) if isinstance(exc, RuntimeError) else None
    if loop is not None:  # pathlib's resolve() in Python 3.11, on a loop of symbolic links
        path = Path(loop.group(1))
        shown = os.path.relpath(path, config.root if config else root)
        return [Diagnostic(shown, 0, 0, "error", "symbolic link makes a loop",
                           "remove the link, or point it at a real file")]
    if isinstance(exc, RecursionError):
        return [Diagnostic("", 0, 0, "error", "an input is nested too deeply to read (lists, quotes, "
                           "emphasis or shortcodes inside each other hundreds of times)",
                           "look for such a page or template; run with --debug to see where")]
    if isinstance(exc, MemoryError):
        return [Diagnostic("", 0, 0, "error", "out of memory",
                           "look for a very large input" + (f"; {_KEPT}" if building else ""))]
    return []


def names_not_utf8(root: Path, config: Config | None) -> list[Diagnostic]:
    """A diagnostic for each file or folder name under the source folders that is not UTF-8."""
    folders = [config.path(name) for name in SOURCE_FOLDERS] if config else [root]
    found: list[Diagnostic] = []
    for folder in folders:
        for top, dirs, files in os.walk(folder):
            for name in [*dirs, *files]:
                if len(found) < _LOOKED_AT and not _is_utf8(name):
                    shown = os.fsencode(os.path.relpath(os.path.join(top, name), root))
                    found.append(Diagnostic(shown.decode("utf-8", "backslashreplace"),
                                            0, 0, "error", "name is not valid UTF-8",
                                            "rename it (the build names files by their names in URLs)"))
    return found


def texts_not_utf8(config: Config) -> list[Diagnostic]:
    """A diagnostic for each template or archetype that is not UTF-8 text, at its first bad byte."""
    found: list[Diagnostic] = []
    for name in ("templates", "archetypes"):
        for path in sorted(config.path(name).rglob("*")) if config.path(name).is_dir() else []:
            try:
                raw = path.read_bytes() if path.is_file() else b""
                raw.decode("utf-8")
            except OSError:
                continue  # reported where it is read, if it is read
            except UnicodeDecodeError as exc:
                line, col = byte_position(raw, exc.start)
                found.append(Diagnostic(shown_path(path, config), line, col, "error",
                                        f"byte 0x{raw[exc.start]:02x} is not valid UTF-8",
                                        "save the file as UTF-8"))
    return found[:_LOOKED_AT]


def shown_path(path: Path, config: Config) -> str:
    """`path` as the editor knows it: relative to the project, the staging folder as the output."""
    out = config.path("output")
    for working in (out.with_name(f".{out.name}.staging"), out.with_name(f".{out.name}.previous")):
        if path.is_relative_to(working) and path != working:  # a file the build was writing
            path = out / path.relative_to(working)
    return path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) else str(path)


def _failed_path(exc: OSError) -> Path | None:
    if exc.filename:
        return Path(os.fsdecode(exc.filename))
    special = re.match(r"`(.*)` is a ", str(exc)) if isinstance(exc, shutil.SpecialFileError) else None
    return Path(special.group(1)) if special else None


def _is_source(path: Path, config: Config) -> bool:
    return path == config.root / "config.yaml" or any(
        path.is_relative_to(config.path(name)) for name in SOURCE_FOLDERS)


def _bare_io_failure(exc: OSError, root: Path) -> Diagnostic:
    """An OSError before there was a configuration (reading config.yaml itself)."""
    path = Path(os.fsdecode(exc.filename)) if exc.filename else None
    shown = os.path.relpath(path, root) if path is not None else ""
    return Diagnostic(shown, 0, 0, "error", f"cannot be read: {exc.strerror or exc}",
                      "check that the file exists and that you may read it")


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
