"""Hugo's `readFile` for shortcode templates: a file of the project, read as text.

Templates are trusted, but the name a shortcode reads usually comes from its arguments,
which the content (untrusted) writes: `{{< include-code file="..." >}}`. So a name must
stay inside the project folder: no absolute path, no `..`, no hidden file or folder (a
`.git/config`, an `.env`), and no symbolic link leading out of the project. Anything else
stops the page with an error at the shortcode, naming the file and what to write instead.

Every file read is a dependency of the page that read it: the converted body records
(READ_KIND, relative path, digest of the bytes), and a stored body whose file now has
another digest is converted again (bodies.refs_still_resolve). A file that does not
exist reads as "", as in Hugo, and is recorded too, so creating it rebuilds the page.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from sitegen.markup.shortcodes import ShortcodeFailure

READ_KIND = "F"  # the kind of a read file among a body's recorded refs
MAX_READ_BYTES = 8 * 1024 * 1024
MISSING = ""  # the digest recorded for a file that does not exist
_DRIVE_RE = re.compile(r"^[A-Za-z]:")
_HINT = "give a path relative to the project folder, e.g. data/example.toml"
RESOURCE_HINT = ("give the name of a file inside assets/ (resources.Get) or inside the page's own "
                 "folder (.Resources.Get), e.g. images/map.png")


def read_project_file(root: Path, name: Any) -> tuple[str, str, str]:
    """(relative path, text, digest) of the file `name` names under `root`; ShortcodeFailure
    when the name leaves the project, names a hidden file or a folder, or is too large."""
    relative = checked_name(name)
    path = _inside(root, relative)
    if not path.exists():
        return relative, "", MISSING
    if not path.is_file():
        raise ShortcodeFailure(f"readFile: '{relative}' is a folder, not a file", _HINT)
    if path.stat().st_size > MAX_READ_BYTES:
        raise ShortcodeFailure(f"readFile: '{relative}' is larger than {MAX_READ_BYTES // 2**20} MB",
                               "include a smaller file")
    data = path.read_bytes()
    return relative, data.decode("utf-8", errors="replace"), _digest(data)


def checked_name(name: Any, what: str = "readFile", hint: str = _HINT) -> str:
    """The name as a clean relative POSIX path; ShortcodeFailure for one that may not be
    read, with `hint` (what a good name looks like for `what`)."""
    text = "" if name is None else str(name)
    if not text.strip():
        raise ShortcodeFailure(f"{what}: no file name given", hint)
    if "\x00" in text or "\\" in text:
        raise ShortcodeFailure(f"{what}: '{text}' is not a file name (it holds a backslash or "
                               "a NUL character)", "write the path with forward slashes")
    if text.startswith("/") or _DRIVE_RE.match(text):
        raise ShortcodeFailure(f"{what}: '{text}' is an absolute path; only files inside the "
                               "project folder can be read", hint)
    parts = [part for part in PurePosixPath(text).parts if part != "."]
    if ".." in parts:
        raise ShortcodeFailure(f"{what}: '{text}' leads out of its folder with '..'; only files "
                               "inside the project folder can be read", hint)
    if any(part.startswith(".") for part in parts):
        raise ShortcodeFailure(f"{what}: '{text}' is a hidden file or in a hidden folder, which "
                               "shortcodes may not read", "move the file to a folder whose name "
                               "does not start with '.'")
    return "/".join(parts)


def _inside(root: Path, relative: str) -> Path:
    """root/relative, refused when a symbolic link on the way leads out of the project."""
    top = Path(os.path.realpath(root))
    real = Path(os.path.realpath(top / relative))
    if real != top and top not in real.parents:
        raise ShortcodeFailure(f"readFile: '{relative}' is a symbolic link (or in a linked folder) "
                               "that leads out of the project folder", "copy the file into the project")
    return real


def file_digest(root: Path, relative: str) -> str:
    """The digest read_project_file would record for `relative` now (MISSING if none is
    readable): a stored body that read the file is current while this is unchanged."""
    try:
        path = _inside(root, checked_name(relative))
        return _digest(path.read_bytes()) if path.is_file() else MISSING
    except (ShortcodeFailure, OSError):
        return MISSING


def reads_digest(root: Path, reads: Iterable[str]) -> str:
    """One digest of the current state of every file in `reads` (relative paths)."""
    return _digest("\n".join(f"{name}:{file_digest(root, name)}" for name in sorted(set(reads))).encode())


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
