"""Which files under content/ are pages, which are files to publish, and which are neither.

Hugo's rules, which real sites (blogdown ones above all) rely on:

- ``.md`` and ``.markdown`` files are pages; so is an ``.html`` file that starts with front
  matter (blogdown's rendered output), whose HTML is the body;
- in a leaf bundle (a folder with an ``index`` page) every other file is the page's, at any
  depth: Markdown files there (``index_files/README.md``, ``examples/slide.md``) are neither
  pages nor published, other files are published beside the page;
- R Markdown and Quarto sources (``.Rmd``, ``.rmd``, ``.Rmarkdown``, ``.qmd``) are never
  published: blogdown keeps them beside the ``.html`` or ``.md`` it renders from them;
- files or folders matching a regular expression of ``ignore_files`` (Hugo's
  ``ignoreFiles``) are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sitegen.content.paths import path_folders, path_parent, path_stem, path_suffix
from sitegen.errors import Diagnostic

PAGE_SUFFIXES = (".md", ".markdown")
HTML_SUFFIXES = (".html", ".htm")
NEVER_PUBLISHED = (".rmd", ".rmarkdown", ".qmd")
BUNDLE_INDEX = "index"
PAGE, RESOURCE, SKIP = "page", "resource", "skip"


def starts_with_front_matter(path: str) -> bool:
    """Whether an HTML file is a page: its first line is a front matter fence."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
    except OSError:
        return False
    head = head.removeprefix(b"\xef\xbb\xbf")
    return head.startswith((b"---\n", b"---\r\n", b"+++\n", b"+++\r\n"))


def compile_ignores(patterns: Iterable[str]) -> tuple[list[re.Pattern[str]], list[Diagnostic]]:
    """The ignore_files expressions; a broken one is a config error naming it."""
    compiled, problems = [], []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            problems.append(Diagnostic("config.yaml", 0, 0, "error",
                                       f"ignore_files: {pattern!r} is not a regular expression ({exc})",
                                       "write a Python regular expression, e.g. '\\\\.Rmd$'"))
    return compiled, problems


class ContentRules:
    """Decide what each file of the content tree is, knowing every file's path."""

    def __init__(self, files: list[tuple[str, str]], ignores: list[re.Pattern[str]]) -> None:
        """`files`: (absolute path, path relative to content/) of every file."""
        self.ignores = ignores
        self.bundles: set[str] = set()
        for absolute, rel in files:
            if "/" in rel and path_stem(rel) == BUNDLE_INDEX and self._is_page(absolute, path_suffix(rel)):
                self.bundles.add(path_parent(rel))

    def kind(self, absolute: str, rel: str) -> str:
        """PAGE, RESOURCE (published as is) or SKIP. (Asked of every file at every build:
        string splits, not path objects, content/paths.py.)"""
        suffix = path_suffix(rel).lower()
        if suffix in NEVER_PUBLISHED or self.ignored(rel):
            return SKIP
        bundle = self.bundle_of(rel)
        if bundle is not None and not (path_parent(rel) == bundle and path_stem(rel) == BUNDLE_INDEX):
            return SKIP if suffix in PAGE_SUFFIXES else RESOURCE
        return PAGE if self._is_page(absolute, suffix) else RESOURCE

    def bundle_of(self, rel: str) -> str | None:
        """The outermost leaf bundle folder holding this file, if any."""
        if not self.bundles:
            return None
        return next((folder for folder in path_folders(rel) if folder in self.bundles), None)

    def ignored(self, rel: str) -> bool:
        if not self.ignores:
            return False
        candidates = [rel, *reversed(path_folders(rel))]
        return any(pattern.search(candidate) for pattern in self.ignores for candidate in candidates)

    @staticmethod
    def _is_page(absolute: str, suffix: str) -> bool:
        suffix = suffix.lower()
        return suffix in PAGE_SUFFIXES or (suffix in HTML_SUFFIXES and starts_with_front_matter(absolute))
