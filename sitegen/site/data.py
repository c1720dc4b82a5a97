"""The data/ folder as `site.data`: YAML, TOML, JSON and CSV files, as Hugo's site.Data.

``data/people.yaml`` is ``site.data.people``; ``data/team/leads.toml`` is
``site.data.team.leads``; a CSV file is its rows, each a list of texts. A file that
cannot be read is an error naming it (and the line, where the parser says). Loaded once
per process and build; `data_digest` stands for the whole folder in cache keys.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import tomllib
from pathlib import Path
from typing import Any

import yaml

from sitegen.config.settings import Config
from sitegen.errors import Diagnostic

SUFFIXES = (".yaml", ".yml", ".toml", ".json", ".csv")


def data_files(config: Config) -> list[Path]:
    folder = config.path("data")
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def data_digest(config: Config) -> str:
    """Digest of every data file's name and bytes ("" without a data folder)."""
    files = data_files(config)
    if not files:
        return ""
    folder = config.path("data")
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_data(config: Config) -> tuple[dict[str, Any], list[Diagnostic]]:
    """The nested mapping of every data file, and a diagnostic for each unreadable one."""
    folder = config.path("data")
    data: dict[str, Any] = {}
    problems: list[Diagnostic] = []
    for path in data_files(config):
        rel = path.relative_to(folder)
        shown = f"{config.paths.data.rstrip('/')}/{rel.as_posix()}"
        try:
            value = parse_data(path.read_text(encoding="utf-8-sig"), path.suffix.lower())
        except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError, csv.Error) as exc:
            problems.append(Diagnostic(shown, _line(exc), 0, "error",
                                       f"data file cannot be read: {_first_line(exc)}",
                                       "fix the file, or move it out of the data folder"))
            continue
        node = data
        for part in rel.parent.parts:
            child = node.setdefault(part, {})
            node = child if isinstance(child, dict) else node
        node[rel.stem] = value
    return data, problems


def parse_data(text: str, suffix: str) -> Any:
    """One data file's value; raises ValueError (or the parser's error) when it is not valid."""
    if suffix == ".toml":
        return tomllib.loads(text)
    if suffix == ".json":
        return json.loads(text)
    if suffix == ".csv":
        return [row for row in csv.reader(io.StringIO(text))]
    return yaml.safe_load(text)


def _line(exc: Exception) -> int:
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        return int(mark.line) + 1
    return int(getattr(exc, "lineno", 0) or 0)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
