"""`build.py new "Title"`: a new article from an archetype, as Hugo's `hugo new` does.

Archetypes are Markdown files in archetypes/ whose `{{ title }}`, `{{ date }}` and
`{{ slug }}` are filled in. The front matter is written with YAML-safe quoting so a
title with a colon or a quote still parses.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sitegen.config.settings import Config
from sitegen.errors import ConfigError, ContentError, Diagnostic
from sitegen.markup.text import slugify

DEFAULT_ARCHETYPE = """---
title: {{ title }}
date: {{ date }}
draft: true
categories: []
tags: []
source_name: ""
source_url: ""
original_title: ""
original_language: ""
translator: ""
---

"""


def scaffold_article(config: Config, title: str, *, section: str | None, kind: str, today: date) -> str:
    """Write content/<section or year>/<slug>.md and return its path relative to the root."""
    slug = slugify(title)
    if not title.strip() or not slug:
        raise ConfigError([Diagnostic("new", 0, 0, "error", "the title has no letters or digits",
                                      'give a title in quotes: python build.py new "My article"')])
    folder = section or f"{today.year:04d}"
    target = config.path("content") / folder / f"{slug}.md"
    shown = f"{config.paths.content}/{folder}/{slug}.md"
    if target.exists():
        raise ContentError([Diagnostic(shown, 0, 0, "error", "already exists; nothing was written",
                                       "choose another title, or edit the existing file")])
    template = _archetype(config, kind)
    text = (template.replace('"{{ title }}"', "{{ title }}")
            .replace("{{ title }}", json.dumps(title.strip(), ensure_ascii=False))
            .replace("{{ date }}", today.isoformat())
            .replace("{{ slug }}", slug))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return shown


def _archetype(config: Config, kind: str) -> str:
    path: Path = config.path("archetypes") / f"{kind}.md"
    if path.is_file():
        return path.read_text(encoding="utf-8")
    if kind != "default":
        raise ConfigError([Diagnostic(f"{config.paths.archetypes}/{kind}.md", 0, 0, "error",
                                      f"archetype '{kind}' does not exist",
                                      f"create {config.paths.archetypes}/{kind}.md or omit --kind")])
    return DEFAULT_ARCHETYPE
