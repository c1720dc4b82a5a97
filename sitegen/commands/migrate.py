"""`treaty-archive migrate HUGO_SITE --into DIR`: the command line of sitegen/migrate."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from sitegen.commands.common import Subcommands
from sitegen.migrate.report import format_report
from sitegen.migrate.run import migrate


def add_parser(commands: Subcommands) -> None:
    """The `migrate` subcommand's options."""
    parser = commands.add_parser(
        "migrate", help="make a project from a Hugo site: config, content, shortcodes, a report")
    parser.add_argument("site", metavar="HUGO_SITE", help="the Hugo site's folder")
    parser.add_argument("--into", required=True, metavar="DIR", help="the project folder to write")
    parser.add_argument("--force", action="store_true", help="overwrite files that differ in DIR")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks")
    parser.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    parser.set_defaults(handler=run_migrate)


def run_migrate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Migrate and print the report; SiteError (conflicts, bad config) is reported by main."""
    report = migrate(Path(args.site), Path(args.into), force=args.force)
    if not args.quiet:
        print(format_report(report), file=out)
    return 0
