"""What the verbs share: their common options, loading the project, printing diagnostics.

Each verb is a module of sitegen/commands/ with `add_parser(commands)`, which declares its
options and sets `handler`, the function that runs it (`handler(args, out, err) -> int`).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, TextIO

import shtab

from sitegen.config.settings import Config, load_config
from sitegen.errors import ConfigError, Diagnostic


class Subcommands(Protocol):
    """argparse's `add_subparsers()` result, whose class is private."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser: ...


def add_common(parser: argparse.ArgumentParser) -> None:
    """--root, --debug and the verbosity flags, on every verb that reads a project."""
    root = parser.add_argument("--root", default=".",
                               help="project folder holding config.yaml (default: .)")
    root.complete = shtab.DIRECTORY  # type: ignore[attr-defined]
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="print warnings and timings")


def add_build_options(parser: argparse.ArgumentParser) -> None:
    """What decides which pages exist and where they link: shared by build and check."""
    parser.add_argument("--drafts", action="store_true", help="include drafts")
    parser.add_argument("--future", action="store_true", help="include articles dated in the future")
    parser.add_argument("--base-url", help="override site.base_url, e.g. https://example.org/archive/")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def add_output_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    output = parser.add_argument("-o", "--output", help=help_text)
    output.complete = shtab.DIRECTORY  # type: ignore[attr-defined]


def load_project_config(args: argparse.Namespace) -> Config:
    """The project's config.yaml with the command line's overrides; an error without one."""
    overrides: dict[str, object] = {}
    if getattr(args, "base_url", None):
        overrides["site.base_url"] = args.base_url
    if getattr(args, "output", None):
        overrides["paths.output"] = args.output
    overrides["build_drafts"] = bool(getattr(args, "drafts", False))
    overrides["build_future"] = bool(getattr(args, "future", False))
    root = Path(args.root)
    if not (root / "config.yaml").is_file():
        missing = not (root / "config.yaml").exists()
        raise ConfigError([Diagnostic("config.yaml", 0, 0, "error",
                                      f"no config.yaml in {root.resolve().name or root}" if missing
                                      else "is not a regular file",
                                      "run the command from the project folder, or pass --root "
                                      "(to start a new archive, run the init command)"
                                      if missing else "make it a plain YAML file")])
    return load_config(root, overrides)


def report_diagnostics(diagnostics: Sequence[Diagnostic], err: TextIO) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=err)
