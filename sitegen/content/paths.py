"""PurePosixPath's `name`, `stem`, `suffix`, `parent` and `parents` of a content path, from string splits.

A build asks these of every source, several times, and making a path object for each of
40,000 sources was about a second of every `serve` build. Content paths come from the
walk of the content folder, already normalised (no `.`, `..` or doubled slashes), where
these give what pathlib gives (tests/unit/test_content_paths.py).
"""

from __future__ import annotations


def path_name(path: str) -> str:
    """The last part: "2019/x.md" -> "x.md"."""
    return path.rpartition("/")[2]


def path_stem(path: str) -> str:
    """The last part without its last suffix: "2019/x.en.md" -> "x.en"; ".hidden" stays."""
    name = path_name(path)
    dot = name.rfind(".")
    return name[:dot] if 0 < dot < len(name) - 1 else name


def path_suffix(path: str) -> str:
    """The last part's last suffix: "2019/x.en.md" -> ".md"; "", for ".hidden" or "a."."""
    name = path_name(path)
    dot = name.rfind(".")
    return name[dot:] if 0 < dot < len(name) - 1 else ""


def path_folders(path: str) -> list[str]:
    """Every folder above the path, outermost first, without the top:
    "a/b/x.md" -> ["a", "a/b"] (pathlib's parents but ".", reversed)."""
    parts = path.split("/")[:-1]
    return ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]


def path_parent(path: str) -> str:
    """The folder: "2019/x.md" -> "2019"; "x.md" -> "." (as pathlib writes the top)."""
    return path.rpartition("/")[0] or "."


def path_without_suffix(path: str) -> str:
    """The path without its last suffix: "2019/x.md" -> "2019/x" (pathlib's with_suffix(""))."""
    folder = path.rpartition("/")[0]
    return f"{folder}/{path_stem(path)}" if folder else path_stem(path)
