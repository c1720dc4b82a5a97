"""Assemble the loaded site and plan every file it will contain, before any template runs.

URL clashes (two pages, an alias on a page, a static file on a page) are found here,
so a build that would overwrite one output with another fails before writing anything.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sitegen.build.loading import CheckedSite
from sitegen.config.settings import Config
from sitegen.content.links import project_files
from sitegen.errors import Diagnostic, OutputConflictError
from sitegen.i18n.catalog import Translator
from sitegen.i18n.languages import site_languages
from sitegen.site.translations import link_pages, split_languages
from sitegen.output.writer import CopiedFile
from sitegen.render.derived import derive_outputs
from sitegen.render.routes import PlanExtras, check_conflicts, plan_outputs
from sitegen.render.templates import DerivedFile, OutputPlan
from sitegen.output.reserved import reserved_problems
from sitegen.site.assemble import assemble_site
from sitegen.site.model import SiteView


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

    def outputs(self) -> set[str]:
        return ({p.output for p in self.plans} | {d.output for d in self.derived}
                | {c.output for c in self.copies})


def plan_site(config: Config, checked: CheckedSite) -> PlannedSite:
    """Assemble each language's site and plan every output file; raises on URL conflicts."""
    languages = site_languages(config)
    default = next(language.code for language in languages if language.is_default)
    split = split_languages(checked.pages, config, languages)
    translators = {part.language.code: checked.catalog.translator(part.language.code, (default,),
                                                                  part.language.locale) for part in split}
    sites = [assemble_site(part.pages, config, translators[part.language.code], checked.glossary,
                           part.context) for part in split]
    everything = {a.url: a for site in sites for a in (*site.articles, *site.pages) if a.language == site.language}
    extras = PlanExtras(everything, checked.glossary)
    plans: list[OutputPlan] = []
    try:
        for site in sites:
            plans += plan_outputs(site, checked.routes, config, translators[site.language], extras)
        check_conflicts(plans)
    except OutputConflictError as exc:
        raise OutputConflictError(_with_key_lines(exc.diagnostics, checked, "aliases", "alias ")) from None
    plans = link_pages(plans, languages, config)
    site = sites[[s.language for s in sites].index(default)]
    derived = derive_outputs(sites, plans, config, translators,
                             {path: route.output for path, route in checked.routes.items()})
    copies = _copies(config, checked)
    _check_copy_conflicts(plans, derived, copies, config)
    reserved = reserved_problems(plans, copies, {d.source.path: d for d in checked.documents}, config)
    if reserved:
        raise OutputConflictError(reserved)
    return PlannedSite(site, tuple(plans), tuple(derived), tuple(copies), translators[default], tuple(sites),
                       translators)


def _copies(config: Config, checked: CheckedSite) -> list[CopiedFile]:
    """Static files, and files beside articles (page bundles) next to their pages.

    Static files are listed with links followed only where content/links.py allows."""
    copies = [CopiedFile(rel, path) for rel, path in project_files(config, "static")]
    bundles = {r.bundle_dir: r for r in checked.routes.values() if r.bundle_dir}
    for resource in checked.tree.resources:
        folder = PurePosixPath(resource.content_path).parent.as_posix()
        route = bundles.get(folder)
        if route is not None:
            target = str(PurePosixPath(route.output).parent / PurePosixPath(resource.content_path).name)
        else:
            target = resource.content_path
        copies.append(CopiedFile(target, resource.absolute))
    return copies


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
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.name
