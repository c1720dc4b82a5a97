"""Which symbolic links the build follows in static/, templates/ and archetypes/.

A link is a pointer the build would follow blindly: `static/x -> /etc/passwd` would
publish that file, and a linked template would render it into pages. A link whose
target is inside the project (or inside one of the configured source folders) is
followed as a file or folder of the project; a link out of it is an error naming the
link and its target, unless the link sits under a path the configuration lists in
`security.allow_symlinks_outside`. No link, allowed or not, may reach into the cache
(which holds draft bodies), the output folder or .git. Links under content/ are
checked where sources are read (content/sources.py), more strictly: never out of content/.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sitegen.config.settings import Config
from sitegen.errors import BuildFailed, Diagnostic

OPT_IN = "security.allow_symlinks_outside"


@dataclass(frozen=True)
class LinkPolicy:
    """The project's folders and the configuration's allow-list, resolved once."""

    inside: tuple[str, ...]  # resolved folders that are the project (the root, each source folder)
    forbidden: tuple[tuple[str, str], ...]  # (label, resolved folder) never read through a link
    allowed: tuple[str, ...]  # project-relative paths under which a link may point outside

    @classmethod
    def of(cls, config: Config) -> LinkPolicy:
        root = config.root.resolve()
        inside = [root] + [config.path(name) for name in ("content", "templates", "static", "archetypes",
                                                         "i18n", "data")]
        forbidden = (("cache folder", config.path("cache")), ("output folder", config.path("output")),
                     (".git folder", root / ".git"))
        allowed = tuple(entry.strip().strip("/").removeprefix("./") for entry in
                        config.security.allow_symlinks_outside)
        return cls(tuple(map(str, inside)), tuple((label, str(path)) for label, path in forbidden),
                   allowed)

    def target_problem(self, shown: str, target: str) -> Diagnostic | None:
        """Why the file or folder at project path `shown`, really at `target`, may not be read."""
        for label, folder in self.forbidden:
            if _within(target, folder):
                return Diagnostic(shown, 0, 0, "error",
                                  f"symbolic link points into the {label}: {target}",
                                  "link to a file of the project's sources instead, or copy it")
        if any(_within(target, folder) for folder in self.inside) or self.allows(shown):
            return None
        return Diagnostic(shown, 0, 0, "error", f"symbolic link points outside the project, to {target}",
                          f"copy the file into the project; or, to publish files from there on "
                          f"purpose, add '{shown}' to {OPT_IN} in config.yaml")

    def allows(self, shown: str) -> bool:
        return any(shown == entry or shown.startswith(entry + "/") for entry in self.allowed)


def _within(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def link_problem(policy: LinkPolicy, path: str, shown: str) -> tuple[str, Diagnostic | None]:
    """Follow the link at `path` (shown as `shown`): its resolved target, or why it may not be read."""
    try:
        target = os.path.realpath(path, strict=True)
    except FileNotFoundError:
        return "", Diagnostic(shown, 0, 0, "error", "symbolic link points to nothing",
                              f"its target {_readlink(path)} does not exist: remove the link or fix it")
    except OSError as exc:
        return "", Diagnostic(shown, 0, 0, "error", f"symbolic link cannot be followed: {exc.strerror}",
                              "it is part of a loop of links, or unreadable: remove or fix it")
    return target, policy.target_problem(shown, target)


def _readlink(path: str) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return "?"


def project_files(config: Config, name: str) -> list[tuple[str, Path]]:
    """(path relative to the folder, path to read) of every file under one of `paths`, sorted.

    Linked files and folders are followed where the policy allows; any link it refuses,
    loop, or file that is not a regular file (a FIFO would hang the copy) is an error,
    all of them reported at once.
    """
    folder = config.path(name)
    if not folder.is_dir():
        return []
    found: list[tuple[str, Path]] = []
    problems: list[Diagnostic] = []
    walk = _Walk(LinkPolicy.of(config), getattr(config.paths, name).rstrip("/") + "/", found, problems)
    walk.folder(str(folder), str(folder), "", frozenset({str(folder)}))
    if problems:
        raise BuildFailed(problems)
    return sorted(found)


@dataclass
class _Walk:
    policy: LinkPolicy
    prefix: str  # the folder as the configuration names it, with a slash: "static/"
    found: list[tuple[str, Path]]
    problems: list[Diagnostic]

    def folder(self, path: str, real: str, rel: str, above: frozenset[str]) -> None:
        """One folder, reached at `path`, really at `real`, inside the folders `above` (real paths)."""
        try:
            with os.scandir(path) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as exc:
            self.problems.append(Diagnostic(self.prefix + rel, 0, 0, "error",
                                            f"folder cannot be read: {exc.strerror}",
                                            "check that the folder exists and that you may read it"))
            return
        for entry in entries:
            shown = self.prefix + rel + entry.name
            target = os.path.join(real, entry.name)
            if entry.is_symlink():
                target, problem = link_problem(self.policy, entry.path, shown)
                if problem is not None:
                    self.problems.append(problem)
                    continue
            self.entry(entry, shown, target, rel, above)

    def entry(self, entry: os.DirEntry[str], shown: str, real: str, rel: str, above: frozenset[str]) -> None:
        if entry.is_dir():
            if real in above:
                self.problems.append(Diagnostic(shown, 0, 0, "error", "symbolic link makes a loop of folders",
                                                "remove the link, or point it at a folder that does not "
                                                "hold it"))
                return
            self.folder(entry.path, real, rel + entry.name + "/", above | {real})
        elif entry.is_file():
            self.found.append((rel + entry.name, Path(entry.path)))
        else:
            self.problems.append(Diagnostic(shown, 0, 0, "error",
                                            "is not a regular file (a FIFO, socket or device)",
                                            "remove it: only files and folders can be published"))


def checked_file(config: Config, path: Path, shown: str) -> Diagnostic | None:
    """Whether one file the build reads by name (a template, an archetype) may be read.

    Only a path with a link on the way is looked at: the rest is inside its folder."""
    if not os.path.lexists(path) or os.path.realpath(path) == os.path.abspath(path):
        return None
    return link_problem(LinkPolicy.of(config), str(path), shown)[1]
