"""Where the build may write: the output and cache folders, checked against the project's own.

The build replaces its output folder whole and keeps a database and a spare copy of the
site in its cache folder, so either one set on the project, its sources, its .git or the
engine itself would delete or publish them. These are rules on paths alone (after
following symbolic links), checked when the configuration is loaded, so every command
refuses such a setting before it reads anything. Whether a folder that is allowed here
holds someone else's files is decided at build time (output/ownership.py).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sitegen.config.yamldoc import YamlDoc
from sitegen.errors import Diagnostic

if TYPE_CHECKING:
    from sitegen.config.settings import Config

ENGINE = Path(__file__).resolve().parents[1]  # the sitegen package itself
OPTIONS = {"paths.output": "--output"}  # keys the command line can set, and the option that does
SOURCES = ("content", "templates", "static", "archetypes", "i18n", "data")
HINTS = {
    "output": "the build replaces its output folder whole, which would delete or publish what it "
              "holds; choose a folder of its own, e.g. 'public'",
    "cache": "the cache holds draft bodies and a copy of the site, never to be published nor mixed "
             "with sources; choose a folder of its own, e.g. '.cache'",
}


def folder_problems(config: Config, doc: YamlDoc | None = None,
                    overridden: set[str] | frozenset[str] = frozenset()) -> list[Diagnostic]:
    """Every reason the output or cache folder may not be where it is set, with the key's line."""
    problems = []
    output, cache = config.path("output"), config.path("cache")
    # An output folder and a cache folder that overlap are reported once: on the output's
    # side when --output set it or config.yaml does not set the cache, else on the cache's.
    cache_set = doc is not None and ("paths", "cache") in doc.places
    blame_output = "paths.output" in overridden or not cache_set
    clash = _clash(config, output, {"cache folder": cache} if blame_output else {})
    if clash:
        problems.append(_diagnostic(config, "output", clash, doc, overridden))
    clash = _clash(config, cache, {} if problems else {"output folder": output})
    if clash:
        problems.append(_diagnostic(config, "cache", clash, doc, overridden))
    return problems + _allow_list_problems(config, doc)


def _clash(config: Config, folder: Path, others: dict[str, Path]) -> str:
    """How `folder` overlaps a folder it must stay clear of, or "" when it does not."""
    root = config.root.resolve()
    if folder == root or root.is_relative_to(folder):
        return "is the project folder or contains it"
    guarded = {f"{name}/ folder": config.path(name) for name in SOURCES}
    guarded.update({".git folder": root / ".git", "site generator's own package": ENGINE, **others})
    for label, guard in guarded.items():
        if folder == guard:
            return f"is the {label}"
        if guard.is_relative_to(folder):
            return f"contains the {label}"
        if folder.is_relative_to(guard):
            return f"is inside the {label}"
    return ""


def _diagnostic(config: Config, key: str, clash: str, doc: YamlDoc | None,
                overridden: set[str] | frozenset[str]) -> Diagnostic:
    dotted = f"paths.{key}"
    value = getattr(config.paths, key)
    hint = HINTS[key]
    if dotted in overridden and dotted in OPTIONS:
        return Diagnostic("", 0, 0, "error", f"{OPTIONS[dotted]} '{value}' {clash}", hint)
    line, col = doc.where_value(("paths", key)) if doc is not None else (0, 0)
    return Diagnostic("config.yaml", line, col, "error", f"'{dotted}' ('{value}') {clash}", hint)


def _allow_list_problems(config: Config, doc: YamlDoc | None) -> list[Diagnostic]:
    """Each entry of security.allow_symlinks_outside must be a path inside the project."""
    problems = []
    key = ("security", "allow_symlinks_outside")
    for entry in config.security.allow_symlinks_outside:
        path = PurePosixPath(entry)
        if not entry.strip() or path.is_absolute() or ".." in path.parts or "\\" in entry:
            line, col = doc.where_value(key) if doc is not None else (0, 0)
            problems.append(Diagnostic(
                "config.yaml", line, col, "error",
                f"'security.allow_symlinks_outside' entry '{entry}' is not a path inside the project",
                "name the links or folders that may point outside, relative to the project, "
                "e.g. 'static/fonts'"))
    return problems
