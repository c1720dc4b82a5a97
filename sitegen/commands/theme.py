"""`theme list` and `theme copy`: see the default theme, and write it out to start a new one.

The theme lives in the package (sitegen/theme); a project overrides it file by file by
putting a file of the same name in its own templates/, static/ or archetypes/
(docs/templates.md). `list` shows which files the project overrides; `copy` writes the
whole theme into a folder, refusing to overwrite anything unless --force.
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path
from typing import TextIO

import shtab

from sitegen.commands.common import Subcommands, add_common, load_project_config
from sitegen.errors import ConfigError, Diagnostic
from sitegen.theme import FOLDERS, project_overrides, theme_files


def add_parser(commands: Subcommands) -> None:
    parser = commands.add_parser("theme", help="list the default theme's files, or copy them out")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every file of the theme, and which the project overrides")
    add_common(listing)
    listing.set_defaults(handler=run_list)
    copy = actions.add_parser("copy", help="copy the whole theme (templates, static, archetypes) "
                                           "into a folder, to start a theme of your own")
    into = copy.add_argument("--into", default=".", metavar="DIR",
                             help="where templates/, static/ and archetypes/ go (default: .)")
    into.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
    copy.add_argument("--force", action="store_true", help="overwrite files that already exist")
    copy.set_defaults(handler=run_copy)


def run_list(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    config = load_project_config(args)
    for kind in FOLDERS:
        mine = {rel for rel, _ in project_overrides(config, kind)}
        folder = getattr(config.paths, kind)
        for rel, _ in theme_files(kind):
            note = f"  (overridden by {folder}/{rel})" if rel in mine else ""
            print(f"{kind}/{rel}{note}", file=out)
    return 0


def run_copy(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    target = Path(args.into)
    files = [(f"{kind}/{rel}", path) for kind in FOLDERS for rel, path in theme_files(kind)]
    existing = [rel for rel, _ in files if os.path.lexists(target / rel)]
    if existing and not args.force:
        shown = ", ".join(existing[:3]) + (f" and {len(existing) - 3} more" if len(existing) > 3 else "")
        raise ConfigError([Diagnostic(str(target), 0, 0, "error",
                                      f"{len(existing)} theme file(s) already exist here ({shown}); "
                                      "nothing was copied",
                                      "copy into another folder with --into, or pass --force to "
                                      "overwrite them")])
    for rel, path in files:
        dest = target / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(dest):
            os.unlink(dest)  # --force: replace the file (or link) itself, never write through it
        shutil.copyfile(path, dest)
    counts = ", ".join(f"{kind}/ ({sum(rel.startswith(kind + '/') for rel, _ in files)})"
                       for kind in FOLDERS)
    print(f"copied {len(files)} files into {target}: {counts}", file=out)
    return 0
