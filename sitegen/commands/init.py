"""`init DIR`: start a new archive that builds with nothing but this package.

It writes a commented config.yaml, a sample article, an about page (the theme's menu
links to /about/) and an empty static/, plus a .gitignore for the build's own folders.
Templates, styles and archetypes come from the theme inside the package until the
project overrides them (docs/templates.md). It refuses a folder that already holds
anything but hidden entries (such as .git), so it never overwrites a file.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

import shtab

from sitegen.commands.common import Subcommands
from sitegen.errors import ConfigError, Diagnostic

CONFIG = """\
# {title}: site configuration. Every key is optional; an unknown or misspelt key is an
# error with a did-you-mean hint. The full reference is the README's "Configuration
# reference"; the commented lines show the defaults.
site:
  title: {title_yaml}
  description: An archive of commentary.
  # Where the site will be published: links carry its path, feeds and canonical links
  # its host. "/" is enough to try the site locally.
  base_url: /
  language: en
  author: The editors
  # copyright: The authors of each article

# paths:            # folders, relative to this file
#   content: content
#   static: static        # files copied as they are (images, PDFs); they override the theme's
#   templates: templates  # your own templates override the theme's, file by file
#   archetypes: archetypes
#   output: public
#   cache: .cache

# URLs: without a pattern they follow file paths (content/2024/x.md -> /2024/x/).
# permalinks:
#   default: /:section/:slug/

taxonomies:
  category: categories
  tag: tags

# markdown:
#   smart_quotes: true
#   unsafe: false          # keep raw HTML in articles
#   toc_min_headings: 3

# pagination:
#   page_size: 10

# feeds:
#   limit: 20
#   full_content: true

search:
  enabled: true   # a Pagefind index and the search page

# server:           # for `serve`
#   host: 127.0.0.1
#   port: 1313
"""

ARTICLE = """\
---
title: Welcome to the archive
date: {today}
author: The editors
categories: [notes]
tags: [getting started]
summary: What this sample article is for, and how to write the next one.
---

This is a sample article: edit it or delete it. Articles are Markdown files with front
matter between the two `---` lines; the folder they sit in (here `{year}`) is their section.

## Writing the next one

Run the `new` command with a title in quotes to start an article from the archetype, then
`serve` to see it in the browser as you write; the page reloads when you save.

## Publishing

`build` writes the whole site into `public/`, ready to copy to any web server. `check`
looks for broken links, unknown keys and near-duplicate tags without writing anything.
"""

ABOUT = """\
---
title: About
url: /about/
type: page
---

What this archive collects, who edits it, and how to reach them.
"""

GITIGNORE = "public/\n.cache/\n"


def add_parser(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "init", help="start a new archive in DIR (config.yaml, a sample article, static/)")
    folder = parser.add_argument("dir", metavar="DIR", help="the new project folder (created if missing)")
    folder.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
    parser.add_argument("--title", help="the site's title (default: from the folder's name)")
    parser.set_defaults(handler=run_init)


def run_init(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    root = Path(args.dir)
    title = args.title or _title_from(root)
    written = init_project(root, title, datetime.now(UTC).date())
    print(f"created {args.dir}: " + ", ".join(written), file=out)
    print(f"next: {args.prog} serve --root {args.dir}   (or cd into it and run serve)", file=out)
    return 0


def init_project(root: Path, title: str, today: date) -> list[str]:
    """Write the new project's files; return their names, relative to `root`."""
    _check_empty(root)
    files = {
        "config.yaml": CONFIG.format(title=title, title_yaml=_yaml_text(title)),
        f"content/{today.year:04d}/welcome.md": ARTICLE.format(today=today.isoformat(),
                                                               year=f"{today.year:04d}"),
        "content/about.md": ABOUT,
        ".gitignore": GITIGNORE,
    }
    if (root / ".gitignore").exists():  # a folder made by `git init` may have one: keep it
        del files[".gitignore"]
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8") as handle:  # never over a file, never through a link
            handle.write(text)
    (root / "static").mkdir()
    return [*files, "static/"]


def _check_empty(root: Path) -> None:
    if root.exists() and not root.is_dir():
        raise ConfigError([Diagnostic(str(root), 0, 0, "error", "is a file, not a folder",
                                      "give the name of a new or empty folder")])
    visible = sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) if root.exists() else []
    if visible:
        shown = ", ".join(visible[:3]) + (", ..." if len(visible) > 3 else "")
        raise ConfigError([Diagnostic(str(root), 0, 0, "error",
                                      f"is not empty ({shown}); nothing was written",
                                      "give a new or empty folder: init never overwrites files")])
    root.mkdir(parents=True, exist_ok=True)


def _title_from(root: Path) -> str:
    name = root.resolve().name.replace("-", " ").replace("_", " ").strip()
    return name[:1].upper() + name[1:] if name else "My archive"


def _yaml_text(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of YAML's)."""
    return json.dumps(text, ensure_ascii=False)
