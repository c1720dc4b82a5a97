"""`serve`: build, serve the site on 127.0.0.1:1313, rebuild on change (sitegen/serve/)."""

from __future__ import annotations

import argparse
from typing import TextIO

from sitegen.commands.common import Subcommands, add_common, add_output_option, load_project_config


def add_parser(commands: Subcommands) -> None:
    parser = commands.add_parser("serve", help="build, serve on 127.0.0.1:1313 and rebuild on change")
    add_common(parser)
    parser.add_argument("--host", help="address to listen on (default: server.host, 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: server.port, 1313)")
    parser.add_argument("--no-drafts", action="store_true", help="hide drafts (shown by default)")
    parser.add_argument("--future", action="store_true", help="include future-dated articles")
    parser.add_argument("--base-url", help="override site.base_url")
    add_output_option(parser, "folder to build into (default: paths.output)")
    parser.set_defaults(handler=run_serve)


def run_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sitegen.serve.server import serve  # the server's modules load only for this verb

    args.drafts = not args.no_drafts
    config = load_project_config(args)
    host = args.host or config.server.host
    port = config.server.port if args.port is None else args.port
    return serve(config, host=host, port=port, out=out, err=err)
