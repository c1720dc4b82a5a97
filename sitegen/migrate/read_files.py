"""The files a Hugo site's shortcodes read with `readFile`, to copy into the new project.

A shortcode such as `{{< include-code file="hugo.toml" >}}` reads a file named by its
arguments, relative to the site's folder; after `migrate` the translated template reads
it relative to the new project (sitegen/render/file_reads.py), so the file must be there.
Which file a call reads is known only when it runs, so this takes every argument value of
every call of such a shortcode that names a file of the site, with the same rules the
build applies (inside the site, no `..`, nothing hidden), and copies it to the same path.
Files under content/, static/, data/ and assets/ are copied anyway.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from sitegen.markup.shortcodes import ShortcodeFailure
from sitegen.migrate.files import PlannedFile
from sitegen.render.file_reads import checked_name

READS_MARK = "read_file("  # how a translated template calls readFile
_CALL_RE = re.compile(r"\{\{[<%]\s*([\w./-]+)(.*?)[>%]\}\}", re.DOTALL)
_VALUE_RE = re.compile(r'(?:\w+\s*=\s*)?("(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`=]+)')
COPIED_ANYWAY = ("content/", "static/", "data/", "assets/")


def read_file_names(templates: dict[str, str], pages: list[Path]) -> set[str]:
    """Argument values of calls to the shortcodes (name -> Jinja source) that read files."""
    readers = {name for name, source in templates.items() if READS_MARK in source}
    values: set[str] = set()
    if not readers:
        return values
    for page in pages:
        try:
            text = page.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        for match in _CALL_RE.finditer(text):
            if match.group(1) in readers:
                values.update(_unquoted(v) for v in _VALUE_RE.findall(match.group(2).rstrip("/ ")))
    return values


def _unquoted(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"`":
        return value[1:-1]
    return value


def files_to_copy(site: Path, names: set[str]) -> list[PlannedFile]:
    """The site's files among `names` that a build may read, as files to copy."""
    top = Path(os.path.realpath(site))
    planned = []
    for name in sorted(names):
        try:
            relative = checked_name(name)
        except ShortcodeFailure:
            continue
        path = Path(os.path.realpath(top / relative))
        if top in path.parents and path.is_file() and not relative.startswith(COPIED_ANYWAY):
            planned.append(PlannedFile(relative, source=path))
    return planned
