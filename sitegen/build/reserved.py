"""Names in the output folder that belong to the build, which no page or file may take.

The build writes its manifest there (`.sitegen-manifest`: the files it made, which tells
its own stale files from someone else's), indexes the site in `.sitegen-search/`, and
keeps the search index in `pagefind/`. A page, alias, static file or bundle resource on
one of those names would overwrite the build's file, or be overwritten by it, without a
word (a page at `/.sitegen-manifest/` was deleted when the manifest was written). It is
refused instead, naming the file, and the line, that asks for the name.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from sitegen.config.settings import Config
from sitegen.content.frontmatter import Document
from sitegen.errors import Diagnostic
from sitegen.output.writer import MANIFEST, CopiedFile
from sitegen.render.templates import OutputPlan
from sitegen.search.indexing import BUNDLE_DIR

BUILD_PREFIX = ".sitegen"  # every top-level name starting so is the build's, now or later
_OWN = f"top-level names starting with '{BUILD_PREFIX}' are the build's own"
_SEARCH = f"{BUNDLE_DIR}/ is the search index's folder while search.enabled is true"


def reserved_use(output: str, config: Config) -> str | None:
    """What the build keeps at `output` (a path under the output folder), or None."""
    top = output.split("/", 1)[0]
    if top == MANIFEST:
        return "its manifest (the list of files it wrote)"
    if top.startswith(BUILD_PREFIX):
        return "its own files"
    if config.search.enabled and top == BUNDLE_DIR:
        return "the search index"
    return None


def reserved_problems(plans: list[OutputPlan], copies: list[CopiedFile], documents: dict[str, Document],
                      config: Config) -> list[Diagnostic]:
    """One error for each page, alias or copied file that would land on a name of the build's."""
    problems = []
    for plan in plans:
        use = reserved_use(plan.output, config)
        if use is not None:
            problems.append(_page_problem(plan, use, documents, config))
    for copy in copies:
        use = reserved_use(copy.output, config)
        if use is not None:
            path = _relative(copy.source, config.root)
            why = _SEARCH if use == "the search index" else _OWN
            problems.append(Diagnostic(path, 0, 0, "error",
                                       f"this file would be written to {copy.output}, where the build "
                                       f"keeps {use}", f"rename or move {path}: {why}"))
    return problems


def _page_problem(plan: OutputPlan, use: str, documents: dict[str, Document], config: Config) -> Diagnostic:
    """Name the front matter key that put the page there: url, slug or an alias."""
    page = plan.context.page
    source = plan.context.article_path
    doc = documents.get(source) if source is not None else None
    if doc is None:  # a list page: its name comes from config.yaml or a content folder
        return Diagnostic("config.yaml", 0, 0, "error",
                          f"the {page.kind} page would be written to {plan.output}, where the build "
                          f"keeps {use}", "rename the taxonomy or the content folder")
    if page.kind == "alias":
        key, what = "aliases", f"alias {unquote(page.url)[len(config.base_path.rstrip('/')):]}"
    else:
        key = "url" if doc.meta.url else "slug" if doc.meta.slug else ""
        what = "this page"
    why = _SEARCH if use == "the search index" else _OWN
    hint = f"choose another {'alias' if key == 'aliases' else key or 'file name'}"
    hint += f" ({why})" if use == "the search index" else f": {why}"
    line = doc.key_line(key) if key else 0
    return Diagnostic(doc.source.path, line, 1 if line else 0, "error",
                      f"{what} would be written to {plan.output}, where the build keeps {use}", hint)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
