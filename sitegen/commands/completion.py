"""`completion SHELL`: print the shell's completion script for this command line.

The script comes from shtab, which reads the argparse parser itself, so it knows every
verb and option without a list of ours to keep in step. Folder and file arguments
(--root, --output, init's DIR, import's FILEs) complete as paths.
"""

from __future__ import annotations

import argparse
from typing import TextIO

import shtab

from sitegen.commands.common import Subcommands


def add_parser(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "completion", help="print a shell completion script (see README: Shell completion)",
        description="Print the completion script for SHELL, e.g. "
                    "`%(prog)s bash > ~/.local/share/bash-completion/completions/treaty-archive`.")
    parser.add_argument("shell", choices=shtab.SUPPORTED_SHELLS, metavar="SHELL",
                        help="one of: " + ", ".join(shtab.SUPPORTED_SHELLS))
    parser.set_defaults(handler=run_completion)


def run_completion(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sitegen.commands.cli import make_parser  # the whole parser, under the name invoked

    out.write(shtab.complete(make_parser(args.prog), shell=args.shell))
    return 0
