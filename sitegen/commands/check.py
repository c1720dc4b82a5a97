"""`check`: every problem an editor can fix, without writing the site.

Beyond what a build refuses (bad front matter, unknown shortcodes, URL clashes) it
warns about what a build would publish silently: links to pages or headings that do
not exist, taxonomy terms that are probably the same term spelt twice, articles
without a date, importer TODOs, UI strings a language lacks, and glossary terms written
in a form close to one the glossary knows, and translations whose side-by-side view would
pair their paragraphs wrongly.
"""

from __future__ import annotations

import argparse
import posixpath
import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import TextIO
from urllib.parse import unquote, urlsplit

from sitegen.build.pipeline import CheckedSite, load_site, plan_site
from sitegen.build.url_history import load_history, plan_moves
from sitegen.commands.check_citations import check_citations
from sitegen.commands.check_translations import check_translations
from sitegen.commands.common import (
    Subcommands,
    add_build_options,
    add_common,
    load_project_config,
    report_diagnostics,
)
from sitegen.config.settings import Config
from sitegen.content.frontmatter import Document
from sitegen.content.urls import Route
from sitegen.errors import Diagnostic, SiteError
from sitegen.site.catalog import missing_translations
from sitegen.site.glossary_check import near_misses


def add_parser(commands: Subcommands) -> None:
    parser = commands.add_parser("check", help="check every file without writing the site")
    add_common(parser)
    add_build_options(parser)
    parser.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Exit 1 on any error (or warning, with --strict), else 0."""
    config = load_project_config(args)
    diagnostics = check_site(config, now=datetime.now(UTC))
    report_diagnostics(diagnostics, err)
    errors = [d for d in diagnostics if d.is_error]
    warnings = [d for d in diagnostics if not d.is_error]
    if not args.quiet:
        print(f"check: {len(errors)} error(s), {len(warnings)} warning(s)", file=out)
    return 1 if errors or (args.strict and warnings) else 0


def check_site(config: Config, now: datetime) -> list[Diagnostic]:
    """All diagnostics for the site: errors and warnings, sorted by file and line."""
    try:
        checked = load_site(config, now)
        planned = plan_site(config, checked)
    except SiteError as exc:
        return exc.diagnostics
    problems = list(checked.warnings)
    try:  # a URL published before that the build would drop (url_history)
        planned, _ = plan_moves(planned, checked, config, load_history(config, config.path("cache")), now)
    except SiteError as exc:
        problems += exc.diagnostics
    problems += check_links(config, checked, planned.outputs())
    problems += check_terms(checked.documents)
    problems += check_dates(checked)
    problems += check_citations(checked.documents, config.site.language)
    problems += missing_translations(checked.catalog, config.site.language)
    for doc in checked.documents:
        problems += near_misses(doc, checked.glossary)
    problems += check_translations(config, checked)
    return sorted(set(problems))


def check_dates(checked: CheckedSite) -> list[Diagnostic]:
    problems = []
    for doc in checked.documents:
        route = checked.routes[doc.source.path]
        todo = doc.meta.params.get("date_todo")
        if todo:
            problems.append(Diagnostic(doc.source.path, doc.key_line("date_todo"), 1, "warning",
                                       f"importer TODO: {todo}",
                                       "add 'date: YYYY-MM-DD', delete date_todo and draft: true"))
        elif route.kind == "article" and doc.meta.date is None:
            problems.append(Diagnostic(doc.source.path, 1, 1, "warning", "article has no date",
                                       "add 'date: YYYY-MM-DD' to the front matter"))
    return problems


def check_links(config: Config, checked: CheckedSite, outputs: set[str]) -> list[Diagnostic]:
    """Every internal link and #anchor must name a page (and heading) that exists."""
    anchors_by_output = {checked.routes[p.document.source.path].output: set(p.content.ids)
                         for p in checked.pages}
    base = config.base_path
    problems = []
    for page in checked.pages:
        route = checked.routes[page.document.source.path]
        for link in page.content.links:
            target = _resolve(link, route, base)
            if target is None:
                continue
            output, anchor = target
            found = _find_output(output, outputs)
            if found is None:
                line, col = _link_position(page.document, link)
                problems.append(Diagnostic(page.document.source.path, line, col, "error",
                                           f"link to {link} does not match any page or file",
                                           "check the path; pages end with '/', e.g. /2019/my-article/"))
            elif anchor and found in anchors_by_output and anchor not in anchors_by_output[found]:
                line, col = _link_position(page.document, link)
                problems.append(Diagnostic(page.document.source.path, line, col, "error",
                                           f"link to {link}: no heading or element with id '{anchor}'",
                                           "heading ids are the heading text in lower case with "
                                           "hyphens, e.g. #the-treaty-today"))
    return problems


def _resolve(link: str, route: Route, base: str) -> tuple[str, str] | None:
    """Output file and anchor an internal link points at; None for external links."""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or link.startswith("mailto:"):
        return None
    path = unquote(parts.path)
    if not path:
        return route.output, parts.fragment
    if not path.startswith("/"):
        path = posixpath.normpath(posixpath.join(route.path, path)) + ("/" if path.endswith("/") else "")
    elif base != "/" and path.startswith(base):
        path = "/" + path[len(base):]
    return path.lstrip("/"), parts.fragment


def _find_output(path: str, outputs: set[str]) -> str | None:
    for candidate in (path, path.rstrip("/") + "/index.html" if path else "index.html"):
        if candidate in outputs:
            return candidate
    return None


def _link_position(doc: Document, link: str) -> tuple[int, int]:
    """Line and column of a link's target in the source, for the editor to jump to."""
    lines = doc.source.read_text().split("\n")
    for number in range(doc.body_line, len(lines) + 1):
        column = lines[number - 1].find(link)
        if column >= 0:
            return number, column + 1
    return doc.body_line, 0


def check_terms(documents: tuple[Document, ...]) -> list[Diagnostic]:
    """Warn about spellings of one term: Japan/japan, burden sharing/burden-sharing, japn."""
    problems = []
    by_path = {doc.source.path: doc for doc in documents}
    for taxonomy, spellings in _spellings(documents).items():
        names = sorted(spellings)
        groups = _near_groups(names)
        for group in groups:
            files = sorted({f for name in group for f in spellings[name]})
            problems.append(Diagnostic(
                files[0], by_path[files[0]].key_line(taxonomy), 1, "warning",
                f"{taxonomy} {_listed([repr(n) for n in group])} look like one term spelt differently",
                f"use one spelling; found in {_listed(files)}"))
    return problems


def _listed(items: list[str], shown: int = 10) -> str:
    """Items joined with commas; past `shown` of them, how many more (a group can be huge)."""
    more = len(items) - shown
    return ", ".join(items[:shown]) + (f" and {more:,} more" if more > 0 else "")


def _spellings(documents: tuple[Document, ...]) -> dict[str, dict[str, set[str]]]:
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for doc in documents:
        for taxonomy, names in doc.meta.taxonomies.items():
            for name in names:
                found[taxonomy][name].add(doc.source.path)
    return found


def _near_groups(names: list[str]) -> list[list[str]]:
    """Names that are equal ignoring case and punctuation, or (at four characters or more)
    one edit apart.

    In time linear in the number of names, not by comparing every pair (4,000 tags made
    eight million comparisons): two keys of one length differ only at position i when
    they are equal once their i-th characters are deleted, and a key one character longer
    than another gives the other when one of its characters is deleted.
    """
    keys = {name: re.sub(r"[\W_]+", "", name.lower()) for name in names}
    groups = _Groups(names)
    owners: dict[str, str] = {}  # key -> the first name with that key
    for name in names:
        groups.join(name, owners.setdefault(keys[name], name))
    substituted: dict[tuple[int, str], str] = {}  # (position, key without it) -> a name
    for name in names:
        key = keys[name]
        if len(key) < 4:
            continue
        for i in range(len(key)):
            shorter = key[:i] + key[i + 1:]
            groups.join(name, substituted.setdefault((i, shorter), name))
            if len(shorter) >= 4 and shorter in owners:
                groups.join(name, owners[shorter])
    return groups.nontrivial()


class _Groups:
    """Union-find over names, with path halving."""

    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.parent = {name: name for name in names}

    def root(self, name: str) -> str:
        parent = self.parent
        while parent[name] != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    def join(self, a: str, b: str) -> None:
        self.parent[self.root(b)] = self.root(a)

    def nontrivial(self) -> list[list[str]]:
        """Groups of two names or more, each sorted, in the order of their first name."""
        groups: dict[str, list[str]] = defaultdict(list)
        for name in self.names:
            groups[self.root(name)].append(name)
        return [sorted(g) for g in groups.values() if len(g) > 1]
