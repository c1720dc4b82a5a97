"""Assemble the loaded site and plan every file it will contain, before any template runs.

URL clashes (two pages, an alias on a page, a static file on a page) are found here,
so a build that would overwrite one output with another fails before writing anything.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sitegen.build.loading import CheckedSite
from sitegen.build.reserved import reserved_problems
from sitegen.cancelling import cancel_point
from sitegen.config.settings import Config
from sitegen.content.languages import Language, site_languages
from sitegen.content.paths import path_without_suffix
from sitegen.content.urls import Route
from sitegen.errors import Diagnostic, OutputConflictError
from sitegen.output.writer import CopiedFile
from sitegen.render.cite_downloads import CitationRecords
from sitegen.render.derived import citation_downloads, derive_outputs
from sitegen.render.routes import PlanExtras, check_conflicts, plan_outputs
from sitegen.render.templates import DerivedFile, OutputPlan
from sitegen.render.translations import link_pages, split_languages
from sitegen.site.assemble import assemble_site
from sitegen.site.catalog import Translator
from sitegen.site.model import SiteView
from sitegen.theme import SHOWN_PREFIX, THEME, layered_files


@dataclass(frozen=True)
class PlannedSite:
    """The assembled site and every file it will contain, before any template runs."""

    site: SiteView  # the default language's
    plans: tuple[OutputPlan, ...]
    derived: tuple[DerivedFile, ...]
    copies: tuple[CopiedFile, ...]
    translator: Translator  # T, dates and numbers of the default language
    sites: tuple[SiteView, ...] = ()  # every language's, by weight
    translators: dict[str, Translator] = field(default_factory=dict)  # by language code
    # each language's citation records, and how many of `derived` (the last) are made from them
    cited: dict[str, CitationRecords] = field(default_factory=dict)
    cited_files: int = 0
    static_files: int = 0  # how many of `copies` (the first) are static files (static_copies)
    # Where each article's own pages are in `plans`, by source path: worked out by the first
    # edit that keeps this plan (build/rebody.py) and handed on with it, as a plan kept with
    # new bodies has its pages in the same places (a look through every plan was 0.07 s).
    article_plans: dict[str, list[int]] = field(default_factory=dict, compare=False, repr=False)

    def without_citations(self) -> tuple[DerivedFile, ...]:
        """`derived` without the citation downloads, which derive_outputs puts last."""
        return self.derived[:len(self.derived) - self.cited_files]

    def outputs(self) -> set[str]:
        return ({p.output for p in self.plans} | {d.output for d in self.derived}
                | {c.output for c in self.copies})


def plan_site(config: Config, checked: CheckedSite) -> PlannedSite:
    """Assemble each language's site and plan every output file; raises on URL conflicts."""
    languages = site_languages(config)
    default = next(language.code for language in languages if language.is_default)
    translators, sites = _language_sites(config, checked, languages, default)
    cancel_point()
    everything = {a.url: a for site in sites for a in (*site.articles, *site.pages) if a.language == site.language}
    extras = PlanExtras(everything, checked.glossary)
    plans: list[OutputPlan] = []
    try:
        for site in sites:
            plans += plan_outputs(site, checked.routes, config, translators[site.language], extras)
        plans = check_conflicts(plans)
    except OutputConflictError as exc:
        raise OutputConflictError(_with_key_lines(exc.diagnostics, checked, "aliases", "alias ")) from None
    plans = link_pages(plans, languages, config)
    cancel_point()
    site = sites[[s.language for s in sites].index(default)]
    cited = {one.language: CitationRecords.of(one) for one in sites}
    citations = citation_downloads(sites, config, page_outputs(checked), cited)
    derived = derive_outputs(sites, plans, config, translators, citations=citations)
    cancel_point()
    static = static_copies(config)
    copies = static + resource_copies(checked)
    _check_copy_conflicts(plans, derived, copies, config)
    reserved = reserved_problems(plans, copies, {d.source.path: d for d in checked.documents}, config)
    if reserved:
        raise OutputConflictError(reserved)
    return PlannedSite(site, tuple(plans), tuple(derived), tuple(copies), translators[default], tuple(sites),
                       translators, cited, len(citations), len(static))


def _language_sites(config: Config, checked: CheckedSite, languages: tuple[Language, ...],
                    default: str) -> tuple[dict[str, Translator], list[SiteView]]:
    """Each language's `T` (falling back to the default language's words) and its site."""
    split = split_languages(checked.pages, config, languages)
    translators = {part.language.code: checked.catalog.translator(part.language.code, (default,),
                                                                  part.language.locale) for part in split}
    sites = [assemble_site(part.pages, config, translators[part.language.code], checked.glossary,
                           part.context, checked.data) for part in split]
    return translators, sites


def page_outputs(checked: CheckedSite) -> dict[str, str]:
    """Each routed source's output file, by source path (where its citation files go)."""
    return {path: route.output for path, route in checked.routes.items()}


def resource_copies(checked: CheckedSite) -> list[CopiedFile]:
    """Files beside articles (page bundles), next to their pages: after the static files
    in a plan's copies."""
    copies = []
    owners = resource_owners({**checked.resource_routes, **checked.routes})
    for resource in checked.tree.resources:
        if any(resource.content_path.startswith(folder + "/") for folder in checked.hidden_folders):
            continue  # a bundle or section with `publishResources: false`
        copies.append(CopiedFile(resource_output(resource.content_path, owners), resource.absolute))
    return copies


def static_copies(config: Config) -> list[CopiedFile]:
    """The static files, first in a plan's copies: the theme's with the project's over them
    (sitegen/theme), the project's listed with links followed only where content/links.py
    allows."""
    return [CopiedFile(rel, path) for rel, path in layered_files(config, "static")]


def resource_owners(routes: dict[str, Route]) -> dict[str, Route]:
    """Folder under content/ -> the page whose files it holds, as Hugo places them: a leaf
    bundle's folder (``x/index.md``), and the folder named like a page beside it (``x.md``
    and ``x/``, as blogdown keeps a page's figures)."""
    owners: dict[str, Route] = {}
    for source, route in routes.items():
        if route.kind == "section":
            continue
        if route.bundle_dir:
            owners[route.bundle_dir] = route
        else:
            owners.setdefault(path_without_suffix(source.partition("/")[2]), route)  # under content/
    return owners


def resource_output(content_path: str, owners: dict[str, Route]) -> str:
    """Where a file under content/ is published: under the page whose folder holds it (at
    any depth: ``x/figs/a.png`` beside ``x/index.md`` is ``<x's URL>/figs/a.png``)."""
    pure = PurePosixPath(content_path)
    for folder in reversed(pure.parents):
        route = owners.get(folder.as_posix())
        if route is not None:
            return (PurePosixPath(route.output).parent / pure.relative_to(folder)).as_posix()
    return content_path


def _check_copy_conflicts(plans: list[OutputPlan], derived: list[DerivedFile],
                          copies: list[CopiedFile], config: Config) -> None:
    """A file from static/ or content/ must not land where a page is generated."""
    makers = {d.output: "the build itself" for d in derived}
    for plan in plans:
        source = plan.context.article_path
        makers[plan.output] = (f"the page made from {source}" if source is not None
                               else f"the {plan.context.page.kind} page")
    root = config.root.resolve()
    clashes = []
    for copy in copies:
        if copy.output in makers:
            path = _relative(copy.source, root)
            clashes.append(Diagnostic(path, 0, 0, "error",
                                      f"this file would overwrite {makers[copy.output]}",
                                      f"rename or move {path}"))
    if clashes:
        raise OutputConflictError(clashes)


def _with_key_lines(diagnostics: list[Diagnostic], checked: CheckedSite, key: str,
                    prefix: str) -> list[Diagnostic]:
    """Point diagnostics about a front matter key at the line where the key is written."""
    documents = {doc.source.path: doc for doc in checked.documents}
    result = []
    for diagnostic in diagnostics:
        doc = documents.get(diagnostic.path)
        if doc is not None and diagnostic.line == 0 and diagnostic.message.startswith(prefix):
            diagnostic = dataclasses.replace(diagnostic, line=doc.key_line(key), col=1)
        result.append(diagnostic)
    return result


def _relative(path: Path, root: Path) -> str:
    resolved = path.resolve()
    for folder, shown in ((root, ""), (THEME, SHOWN_PREFIX + "/")):
        if resolved.is_relative_to(folder):
            return shown + resolved.relative_to(folder).as_posix()
    return path.name
