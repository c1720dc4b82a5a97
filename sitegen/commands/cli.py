"""The command line: `build` (the default), `check`, `new`, `import` and `serve`.

`main(argv)` returns an exit code and never lets a traceback reach an editor
(unless --debug): 0 ok, 1 content or build error, 2 usage or configuration error,
3 another build of the project is running (with --no-wait).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from sitegen.build.failures import explain_failure
from sitegen.build.pipeline import build
from sitegen.commands.progress import Progress
from sitegen.config.settings import Config, load_config
from sitegen.errors import ConfigError, Diagnostic, SiteError

COMMANDS = ("build", "check", "new", "import", "serve")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", default=".", help="project folder holding config.yaml (default: .)")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks")
    verbosity = parser.add_mutually_exclusive_group()
    verbosity.add_argument("-q", "--quiet", action="store_true", help="print errors only")
    verbosity.add_argument("-v", "--verbose", action="store_true", help="print warnings and timings")


def _build_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--drafts", action="store_true", help="include drafts")
    parser.add_argument("--future", action="store_true", help="include articles dated in the future")
    parser.add_argument("--base-url", help="override site.base_url, e.g. https://example.org/archive/")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="build.py", description="Build the Treaty Commentary Archive from content/ into public/.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    build_cmd = commands.add_parser("build", help="build the site (the default command)")
    _common(build_cmd)
    _build_options(build_cmd)
    build_cmd.add_argument("-o", "--output", help="output folder (default: paths.output, 'public')")
    build_cmd.add_argument("--keep-foreign", action="store_true",
                           help="keep files in the output folder that the build did not make "
                                "(without it, such files stop the build: it never deletes them)")
    build_cmd.add_argument("--no-wait", action="store_true",
                           help="if another build of this project is running, fail at once "
                                "(exit code 3) instead of waiting for it")
    build_cmd.add_argument("--no-cache", action="store_true",
                           help="ignore and do not update the build cache (.cache/)")
    build_cmd.add_argument("--allow-removed-urls", action="store_true",
                           help="let URLs published before disappear (a deleted article); their "
                                "lines in published-urls.txt are marked removed")
    build_cmd.add_argument("-j", "--jobs", type=int, help="worker processes (default: one per core)")
    check_cmd = commands.add_parser("check", help="check every file without writing the site")
    _common(check_cmd)
    _build_options(check_cmd)
    new_cmd = commands.add_parser("new", help="scaffold a new article from archetypes/")
    _common(new_cmd)
    new_cmd.add_argument("title", help="the article's title, in quotes")
    new_cmd.add_argument("--section", help="folder under content/ (default: the current year)")
    new_cmd.add_argument("--kind", default="default", help="archetype to use (default: default)")
    import_cmd = commands.add_parser(
        "import", help="turn plain-text or HTML captures of web articles into Markdown articles")
    _common(import_cmd)
    import_cmd.add_argument("files", nargs="+", metavar="FILE", help="captures to import (.txt or .html)")
    import_cmd.add_argument("--date", default="", help="date of the original article, YYYY-MM-DD")
    import_cmd.add_argument("--author", default="", help="author, when the byline is missing or wrong")
    import_cmd.add_argument("--source-url", default="", help="URL of the original article")
    import_cmd.add_argument("--source-name", default="", help="publication the article comes from")
    import_cmd.add_argument("--category", action="append", default=[], help="category (repeatable)")
    import_cmd.add_argument("--tag", action="append", default=[], help="tag (repeatable)")
    import_cmd.add_argument("--slug", default="", help="URL slug (default: from the title)")
    import_cmd.add_argument("--lang", default="", help="language code (default: detected)")
    import_cmd.add_argument("--dry-run", action="store_true",
                            help="print the article instead of writing it; the report goes to stderr")
    import_cmd.add_argument("--force", action="store_true", help="overwrite an existing article")
    serve_cmd = commands.add_parser("serve", help="build, serve on 127.0.0.1:1313 and rebuild on change")
    _common(serve_cmd)
    serve_cmd.add_argument("--host", help="address to listen on (default: server.host, 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, help="port (default: server.port, 1313)")
    serve_cmd.add_argument("--no-drafts", action="store_true", help="hide drafts (shown by default)")
    serve_cmd.add_argument("--future", action="store_true", help="include future-dated articles")
    serve_cmd.add_argument("--base-url", help="override site.base_url")
    serve_cmd.add_argument("-o", "--output", help="folder to build into (default: paths.output)")
    return parser


def run_new(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sitegen.commands.new import scaffold_article

    config = load_project_config(args)
    path = scaffold_article(config, args.title, section=args.section, kind=args.kind,
                            today=datetime.now(UTC).date())
    print(f"created {path}", file=out)
    return 0


def run_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sitegen.commands.import_files import import_files

    config = load_project_config(args)
    return import_files(config, args, out, err)


def run_serve(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sitegen.serve.server import serve

    args.drafts = not args.no_drafts
    config = load_project_config(args)
    host = args.host or config.server.host
    port = config.server.port if args.port is None else args.port
    return serve(config, host=host, port=port, out=out, err=err)


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:
    """Run one command; return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if not argv or argv[0] not in COMMANDS and argv[0] not in ("-h", "--help"):
        argv.insert(0, "build")
    parser = make_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    handler: Callable[[argparse.Namespace, TextIO, TextIO], int] = {
        "build": run_build, "check": run_check, "new": run_new, "import": run_import,
        "serve": run_serve,
    }[args.command]
    try:
        return handler(args, out, err)
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


def load_project_config(args: argparse.Namespace) -> Config:
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
                                      "run the command from the project folder, or pass --root"
                                      if missing else "make it a plain YAML file")])
    return load_config(root, overrides)


def run_build(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    config = load_project_config(args)
    now = datetime.now(UTC)
    meters: list[Progress] = []

    def progress(done: int, total: int) -> None:
        if not meters:
            meters.append(Progress(err, total=total, label="converting", quiet=args.quiet))
        meters[0].step()
        if done == total:
            meters[0].done()

    report = build(config, now=now, keep_foreign=args.keep_foreign, strict=args.strict,
                   use_cache=not args.no_cache, jobs=args.jobs, progress=progress,
                   wait=not args.no_wait, on_wait=lambda message: print(message, file=err, flush=True),
                   allow_removed_urls=args.allow_removed_urls)
    if not args.quiet:
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
        if args.verbose:
            made, derived = report.derived
            if report.moved:
                print(f"{len(report.moved)} URL(s) of moved pages redirect to their new URLs: "
                      + ", ".join(report.moved), file=out)
            print(f"{report.rendered} pages rendered, {report.pages - report.rendered} unchanged; "
                  f"{made} of {derived} feeds and other derived files made", file=out)
            print("timings: " + ", ".join(f"{k} {v:.2f} s" for k, v in report.timings.items()), file=out)
    return 0


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from sitegen.commands.check import check_site

    config = load_project_config(args)
    diagnostics = check_site(config, now=datetime.now(UTC))
    report_diagnostics(diagnostics, err)
    errors = [d for d in diagnostics if d.is_error]
    warnings = [d for d in diagnostics if not d.is_error]
    if not args.quiet:
        print(f"check: {len(errors)} error(s), {len(warnings)} warning(s)", file=out)
    return 1 if errors or (args.strict and warnings) else 0


def report_diagnostics(diagnostics: Sequence[Diagnostic], err: TextIO) -> None:
    for diagnostic in diagnostics:
        print(diagnostic.format(), file=err)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
