"""The default theme, shipped inside the package: `templates/`, `static/`, `archetypes/` and
`i18n/` (its UI strings in English and Japanese).

Why here: an archive started with `treaty-archive init` has none of these folders, and must
still build. A project's own folders override the theme file by file, as in Hugo's lookup
order (the project first, then the theme): `templates/partials/head.html` in the project
replaces only that partial, `static/css/site.css` only that stylesheet, and a file the
theme lacks is simply added. UI strings merge id by id, as Hugo merges a project's
`i18n/` with its theme's: `i18n/ja.yaml` in the project may hold only the ids it changes.
`treaty-archive theme copy` writes the whole theme out, to start a new one.

The theme's files are package data, trusted like the engine's code: the checks on symbolic
links out of the project (content/links.py) apply to the project's files, not to these.
A `README.md` at the top of a project's `templates/`, `static/` or `archetypes/` is for
the people reading the repository: it is never loaded as a template nor published.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from sitegen.config.settings import Config
from sitegen.content.links import project_files

THEME = Path(__file__).resolve().parent
FOLDERS = ("templates", "static", "archetypes", "i18n")
NOTES = frozenset({"README.md"})  # at the top of a project folder: documentation only
SHOWN_PREFIX = "sitegen/theme"  # how messages name the theme's files


def theme_folder(kind: str) -> Path:
    """`templates`, `static` or `archetypes` of the theme."""
    return THEME / kind


@lru_cache(maxsize=len(FOLDERS))
def theme_files(kind: str) -> tuple[tuple[str, Path], ...]:
    """(path relative to the folder, file) of every file of one theme folder, sorted."""
    folder = theme_folder(kind)
    if not folder.is_dir():
        return ()
    return tuple(sorted((path.relative_to(folder).as_posix(), path)
                        for path in folder.rglob("*") if path.is_file()))


def project_overrides(config: Config, kind: str) -> list[tuple[str, Path]]:
    """The project's own files of one kind, without its README.md notes."""
    return [(rel, path) for rel, path in project_files(config, kind) if rel not in NOTES]


def layered_files(config: Config, kind: str) -> list[tuple[str, Path]]:
    """The files a build uses: the theme's, each replaced by the project's of the same name,
    plus the project's own; sorted by relative path."""
    merged = dict(theme_files(kind))
    merged.update(project_overrides(config, kind))
    return sorted(merged.items())
