"""`new "Title"`: a new article from an archetype, as Hugo's `hugo new` does.

Archetypes are Markdown files in archetypes/ (the project's, else the theme's) whose
`{{ title }}`, `{{ date }}` and `{{ slug }}` are filled in. The front matter is written with YAML-safe quoting so a
title with a colon or a quote still parses.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import stat
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

from sitegen.commands.common import Subcommands, add_common, load_project_config
from sitegen.config.settings import Config
from sitegen.content.links import checked_file
from sitegen.content.sources import MAX_SOURCE_BYTES, decode_text, read_regular
from sitegen.content.walk import not_a_file, unreadable
from sitegen.errors import ConfigError, ContentError, Diagnostic
from sitegen.markup.text import slugify
from sitegen.theme import theme_folder


def add_parser(commands: Subcommands) -> None:
    parser = commands.add_parser("new", help="scaffold a new article from archetypes/")
    add_common(parser)
    parser.add_argument("title", help="the article's title, in quotes")
    parser.add_argument("--section", help="folder under content/ (default: the current year)")
    parser.add_argument("--kind", default="default", help="archetype to use (default: default)")
    parser.set_defaults(handler=run_new)


def run_new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    config = load_project_config(args)
    path = scaffold_article(config, args.title, section=args.section, kind=args.kind,
                            today=datetime.now(UTC).date())
    print(f"created {path}", file=out)
    return 0


def scaffold_article(config: Config, title: str, *, section: str | None, kind: str, today: date) -> str:
    """Write content/<section or year>/<slug>.md and return its path relative to the root."""
    slug = slugify(title)
    if not title.strip() or not slug:
        raise ConfigError([Diagnostic("new", 0, 0, "error", "the title has no letters or digits",
                                      'give a title in quotes: new "My article"')])
    folder = _section(config, section or f"{today.year:04d}")
    target = config.path("content") / folder / f"{slug}.md"
    shown = f"{config.paths.content}/{folder}/{slug}.md"
    exists = ContentError([Diagnostic(shown, 0, 0, "error", "already exists; nothing was written",
                                      "choose another title, or edit the existing file")])
    if os.path.lexists(target):
        raise exists
    template = _archetype(config, kind)
    text = (template.replace('"{{ title }}"', "{{ title }}")
            .replace("{{ title }}", json.dumps(title.strip(), ensure_ascii=False))
            .replace("{{ date }}", today.isoformat())
            .replace("{{ slug }}", slug))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with target.open("x", encoding="utf-8") as handle:  # never through a link, never over a file
            handle.write(text)
    except FileExistsError:
        raise exists from None
    return shown


def _section(config: Config, section: str) -> str:
    """The --section folder, normalised; it must be a folder inside content/, links followed.

    Hidden folders are refused too: the build skips them, so the article would never
    be published."""
    parts = [part for part in section.replace("\\", "/").split("/") if part not in ("", ".")]
    content = config.path("content")
    where = os.path.realpath(content.joinpath(*parts)) if parts else str(content)
    if (section.startswith(("/", "\\")) or any(part == ".." or part.startswith(".") for part in parts)
            or not Path(where).is_relative_to(content)):
        raise ConfigError([Diagnostic("", 0, 0, "error",
                                      f"--section '{section}' is not a folder inside {config.paths.content}/",
                                      "give a folder name such as '2019' or 'essays/2019', without "
                                      "'..' or a leading '/'; new articles always go in "
                                      f"{config.paths.content}/")])
    return "/".join(parts) or "."


def _archetype(config: Config, kind: str) -> str:
    shown = f"{config.paths.archetypes}/{kind}.md"
    if not _NAME.fullmatch(kind):
        raise ConfigError([Diagnostic("", 0, 0, "error", f"--kind '{kind}' is not an archetype name",
                                      f"give the name of a file in {config.paths.archetypes}/ without "
                                      "'.md', e.g. 'default'")])
    path: Path = config.path("archetypes") / f"{kind}.md"
    problem = checked_file(config, path, shown)
    if problem is not None:
        raise ConfigError([problem])
    try:
        raw, _, mode = read_regular(path, MAX_SOURCE_BYTES)
    except FileNotFoundError:
        theirs = theme_folder("archetypes") / f"{kind}.md"  # the project's archetypes override the theme's
        if theirs.is_file():
            return theirs.read_text(encoding="utf-8")
        raise ConfigError([Diagnostic(shown, 0, 0, "error", f"archetype '{kind}' does not exist",
                                      f"create {shown} or omit --kind")]) from None
    except OSError as exc:  # unreadable: never a traceback, never the theme's in its place
        raise ConfigError([unreadable(shown, exc)]) from None
    text, problem = decode_text(raw, shown) if stat.S_ISREG(mode) else (None, not_a_file(shown, mode))
    if problem is not None:
        raise ConfigError([problem])
    assert text is not None
    return text


_NAME = re.compile(r"[\w][\w.-]*")  # an archetype's file name: no folders, no '..'
