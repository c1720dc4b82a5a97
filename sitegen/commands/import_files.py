"""`import FILE...`: write imported captures into content/ for review.

The heuristics live in `importer`; this module only reads files, refuses to
overwrite, prints the report and shows progress for long runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import shtab

from sitegen.commands.common import Subcommands, add_common, load_project_config
from sitegen.commands.progress import Progress
from sitegen.config.settings import Config
from sitegen.errors import ContentError, Diagnostic, SiteError
from sitegen.importer.capture import ImportedArticle, ImportOptions, import_html, import_text


def add_parser(commands: Subcommands) -> None:
    parser = commands.add_parser(
        "import", help="turn plain-text or HTML captures of web articles into Markdown articles")
    add_common(parser)
    files = parser.add_argument("files", nargs="+", metavar="FILE",
                                help="captures to import (.txt or .html)")
    files.complete = shtab.FILE  # type: ignore[attr-defined]
    parser.add_argument("--date", default="", help="date of the original article, YYYY-MM-DD")
    parser.add_argument("--author", default="", help="author, when the byline is missing or wrong")
    parser.add_argument("--source-url", default="", help="URL of the original article")
    parser.add_argument("--source-name", default="", help="publication the article comes from")
    parser.add_argument("--category", action="append", default=[], help="category (repeatable)")
    parser.add_argument("--tag", action="append", default=[], help="tag (repeatable)")
    parser.add_argument("--slug", default="", help="URL slug (default: from the title)")
    parser.add_argument("--lang", default="", help="language code (default: detected)")
    parser.add_argument("--dry-run", action="store_true",
                        help="print the article instead of writing it; the report goes to stderr")
    parser.add_argument("--force", action="store_true", help="overwrite an existing article")
    parser.set_defaults(handler=run_import)


def run_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    return import_files(load_project_config(args), args, out, err)


def options_from(args: argparse.Namespace) -> ImportOptions:
    return ImportOptions(date=args.date, author=args.author, source_url=args.source_url,
                         source_name=args.source_name, categories=tuple(args.category),
                         tags=tuple(args.tag), slug=args.slug, lang=args.lang)


def read_capture(path: Path, name: str) -> tuple[str, Diagnostic | None]:
    """A capture's text, or why it cannot be read (a named pipe would make us wait forever)."""
    try:
        if not path.is_file():
            what = "is a folder" if path.is_dir() else "file not found" if not path.exists() \
                else "is not a regular file (a FIFO, socket or device)"
            return "", Diagnostic(name, 0, 0, "error", what, "check the path: import reads saved "
                                  "captures (.txt or .html files)")
        return path.read_text(encoding="utf-8"), None
    except UnicodeDecodeError:
        return "", Diagnostic(name, 0, 0, "error", "file is not UTF-8 text",
                              "save the capture as UTF-8 and import it again")
    except OSError as exc:
        return "", Diagnostic(name, 0, 0, "error", f"cannot be read: {exc.strerror or exc}",
                              "check that you may read it")


def import_files(config: Config, args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Import every file; report all problems, write nothing for a file that fails."""
    options = options_from(args)
    problems: list[Diagnostic] = []
    progress = Progress(err, total=len(args.files), label="importing", quiet=args.quiet)
    for name in args.files:
        progress.step(name)
        path = Path(name)
        text, problem = read_capture(path, name)
        if problem is not None:
            problems.append(problem)
            continue
        convert = import_html if path.suffix.lower() in (".html", ".htm") else import_text
        try:
            article = convert(text, options, filename=path.name)
        except SiteError as exc:
            problems.extend(exc.diagnostics)
            continue
        problem = _place(config, article, args, out)
        if problem is not None:
            problems.append(problem)
            continue
        if not args.quiet:
            _report(name, f"{config.paths.content}/{article.relative_path}", article.report, args.dry_run, err)
    progress.done()
    if problems:
        raise ContentError(problems)
    return 0


def _place(config: Config, article: ImportedArticle, args: argparse.Namespace, out: TextIO) -> Diagnostic | None:
    """Print the article (--dry-run) or write it, never over an existing file unless --force."""
    target = config.path("content") / article.relative_path
    if args.dry_run:
        out.write(article.text)
        return None
    if target.exists() and not args.force:
        return Diagnostic(f"{config.paths.content}/{article.relative_path}", 0, 0, "error",
                          "already exists; nothing was written",
                          "pass --force to overwrite it, or --slug to choose another name")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(article.text, encoding="utf-8")
    return None


def _report(name: str, shown: str, report: Sequence[str], dry_run: bool, err: TextIO) -> None:
    verb = "would write" if dry_run else "wrote"
    print(f"{name}: {verb} {shown}", file=err)
    for line in report:
        print(f"  {line}", file=err)
