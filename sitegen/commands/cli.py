"""The command line: `build` (the default), `check`, `new`, `import`, `serve`, `init`,
`theme` and `completion`, one module per verb in this package.

`main(argv)` returns an exit code and never lets a traceback reach an editor
(unless --debug): 0 ok, 1 content or build error, 2 usage or configuration error,
3 another build of the project is running (with --no-wait).

Usage lines name the program as it was invoked (`build.py`, `treaty-archive`,
`python -m sitegen`), so what the help says can be typed back as it is.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from sitegen.build.failures import explain_failure
from sitegen.commands import build, check, completion, import_files, init, new, serve, theme
from sitegen.commands.common import load_project_config, report_diagnostics
from sitegen.config.settings import Config
from sitegen.errors import Diagnostic, SiteError
from sitegen.version import __version__

# In the order `--help` lists them; each module has add_parser(commands).
VERBS = (build, check, new, import_files, serve, init, theme, completion)
COMMANDS = ("build", "check", "new", "import", "serve", "init", "theme", "completion")
_TOP_LEVEL = ("-h", "--help", "--version")


def program_name(argv0: str | None = None) -> str:
    """How the user invoked us: `build.py`, `treaty-archive`, or `python -m sitegen`."""
    path = sys.argv[0] if argv0 is None else argv0
    name = os.path.basename(path) or "treaty-archive"
    if name == "__main__.py":
        return f"python -m {os.path.basename(os.path.dirname(path)) or 'sitegen'}"
    return name


def make_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog or program_name(),
        description="Build the Treaty Commentary Archive (or any archive made with init) from "
                    "content/ into public/. Without a command, builds.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for verb in VERBS:
        verb.add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None, prog: str | None = None) -> int:
    """Run one command; return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if not argv or argv[0] not in COMMANDS and argv[0] not in _TOP_LEVEL:
        argv.insert(0, "build")
    parser = make_parser(prog)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    args.prog = parser.prog
    try:
        return int(args.handler(args, out, err))
    except SiteError as exc:
        if getattr(args, "debug", False):
            raise
        report_diagnostics(exc.diagnostics, err)
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted; the previous site was left as it was", file=err)
        return 130
    except Exception as exc:  # a failure of the system, or a bug: one line each, no traceback
        if getattr(args, "debug", False):
            raise
        report_diagnostics(_failure(exc, args), err)
        return 1


def _failure(exc: Exception, args: argparse.Namespace) -> list[Diagnostic]:
    """What stopped the command, in the editor's terms; 'internal error' only for a bug."""
    try:
        config: Config | None = load_project_config(args)
    except Exception:  # noqa: BLE001 - the configuration may be what failed
        config = None
    explained = explain_failure(exc, Path(getattr(args, "root", ".")), config,
                                building=args.command in ("build", "serve"))
    return explained or [Diagnostic("", 0, 0, "error", f"internal error: {type(exc).__name__}: {exc}",
                                    "this is a bug in the site generator: run again with --debug "
                                    "to see the traceback, and report it")]


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
