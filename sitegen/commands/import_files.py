"""`build.py import FILE...`: write imported captures into content/ for review.

The heuristics live in `importer`; this module only reads files, refuses to
overwrite, prints the report and shows progress for long runs.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from sitegen.commands.progress import Progress
from sitegen.config.settings import Config
from sitegen.errors import ContentError, Diagnostic, SiteError
from sitegen.importer.capture import ImportOptions, import_html, import_text


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
    content = config.path("content")
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
        target = content / article.relative_path
        shown = f"{config.paths.content}/{article.relative_path}"
        if args.dry_run:
            out.write(article.text)
        elif target.exists() and not args.force:
            problems.append(Diagnostic(shown, 0, 0, "error", "already exists; nothing was written",
                                       "pass --force to overwrite it, or --slug to choose another name"))
            continue
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(article.text, encoding="utf-8")
        if not args.quiet:
            verb = "would write" if args.dry_run else "wrote"
            print(f"{name}: {verb} {shown}", file=err)
            for line in article.report:
                print(f"  {line}", file=err)
    progress.done()
    if problems:
        raise ContentError(problems)
    return 0
