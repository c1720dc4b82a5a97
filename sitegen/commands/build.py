"""`build` (the default verb): build the site into the output folder."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from typing import TextIO

from sitegen.build.pipeline import BuildReport, build
from sitegen.commands.common import (
    Subcommands,
    add_build_options,
    add_common,
    add_output_option,
    load_project_config,
    report_diagnostics,
)
from sitegen.commands.progress import Progress
from sitegen.config.settings import Config


def add_parser(commands: Subcommands) -> None:
    parser = commands.add_parser("build", help="build the site (the default command)")
    add_common(parser)
    add_build_options(parser)
    add_output_option(parser, "output folder (default: paths.output, 'public')")
    parser.add_argument("--keep-foreign", action="store_true",
                        help="keep files in the output folder that the build did not make "
                             "(without it, such files stop the build: it never deletes them)")
    parser.add_argument("--no-wait", action="store_true",
                        help="if another build of this project is running, fail at once "
                             "(exit code 3) instead of waiting for it")
    parser.add_argument("--no-cache", action="store_true",
                        help="ignore and do not update the build cache (.cache/)")
    parser.add_argument("--allow-removed-urls", action="store_true",
                        help="let URLs published before disappear (a deleted article); their "
                             "lines in published-urls.txt are marked removed")
    parser.add_argument("-j", "--jobs", type=int,
                        help="worker processes, and Pagefind runs at a time (default: one per core)")
    parser.set_defaults(handler=run_build)


def run_build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    config = load_project_config(args)
    meters: list[Progress] = []

    def progress(done: int, total: int) -> None:
        if not meters:
            meters.append(Progress(err, total=total, label="converting", quiet=args.quiet))
        meters[0].step()
        if done == total:
            meters[0].done()

    report = build(config, now=datetime.now(UTC), keep_foreign=args.keep_foreign,
                   strict=args.strict, use_cache=not args.no_cache, jobs=args.jobs,
                   progress=progress, wait=not args.no_wait,
                   on_wait=lambda message: print(message, file=err, flush=True),
                   allow_removed_urls=args.allow_removed_urls)
    if not args.quiet:
        _summary(config, report, args.verbose, out, err)
    return 0


def _summary(config: Config, report: BuildReport, verbose: bool, out: TextIO, err: TextIO) -> None:
    """The one-line summary, and what the editor should know about the output folder."""
    report_diagnostics(report.warnings, err)
    write = report.write
    assert write is not None
    print(f"Built {report.pages} pages ({report.files} files: {write.written} written, "
          f"{write.unchanged} unchanged, {len(write.removed)} removed) into "
          f"{config.paths.output}/ in {report.seconds:.2f} s", file=out)
    for url in report.forgotten:
        print(f"published-urls.txt: {url} removed for good (--allow-removed-urls)", file=err)
    for foreign in write.foreign:
        print(f"{config.paths.output}/{foreign}: kept: not made by the build (--keep-foreign)",
              file=err)
    if verbose:
        _details(report, out)


def _details(report: BuildReport, out: TextIO) -> None:
    made, derived = report.derived
    if report.moved:
        print(f"{len(report.moved)} URL(s) of moved pages redirect to their new URLs: "
              + ", ".join(report.moved), file=out)
    print(f"{report.rendered} pages rendered, {report.pages - report.rendered} unchanged; "
          f"{made} of {derived} feeds and other derived files made", file=out)
    print("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items()), file=out)
