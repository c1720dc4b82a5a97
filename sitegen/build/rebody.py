"""Plan nothing again when an edit changed only the text of articles.

`serve` keeps the last build's planned site (build/session.py LastSite). Planning all of
it again for each edit cost 14 s at 40,000 articles and held a second copy of every
article, list and page beside the kept one (the server grew from 0.9 to 2 GB during each
edit's build). When the pages are the last build's, each with the same route and front
matter, and only some articles' text changed, keeping their glossary terms and
language, nothing about the site's shape can have moved: its URLs, lists, terms,
neighbours and feeds hold the same articles. The new plan is then the last one with
those articles' body fields made again, by the code that makes them for the whole site
(site/assemble.py `body_fields`). Page fingerprints pick out what to render: the
article's page, the list pages showing its summary, its feeds and its search entry.

The articles are changed in place, because every list, neighbour and feed that shows
one holds the very object. A build that fails or is cancelled puts them back
(`rebodied_site`), so the kept site stays the one its build made.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sitegen.build.loading import CheckedSite
from sitegen.build.planning import PlannedSite, page_outputs, static_copies
from sitegen.build.render_pool import Environments
from sitegen.build.session import BuildSession, LastSite
from sitegen.config.settings import Config
from sitegen.render.cite_downloads import CitationRecords, Edited
from sitegen.render.contexts import ArticlePage, ParallelPage, StandalonePage, showing
from sitegen.render.derived import citation_downloads
from sitegen.render.templates import OutputPlan
from sitegen.site.assemble import PageInput, body_fields
from sitegen.site.model import Article


@dataclass
class Rebodied:
    """The last plan with edited articles' bodies in place, and the environments it renders with."""

    planned: PlannedSite
    envs: Environments
    edited: tuple[str, ...]  # the edited articles' source paths
    _undo: list[tuple[Article, dict[str, Any]]] = field(default_factory=list)

    def change(self, article: Article, fields: dict[str, Any]) -> None:
        """Set `article`'s `fields` in place (every list and feed holds that object), noting
        the old values for `undo`."""
        self._undo.append((article, {name: getattr(article, name) for name in fields}))
        for name, value in fields.items():
            object.__setattr__(article, name, value)

    def undo(self) -> None:
        """Put the articles' old bodies back (the build did not go live), and forget the
        list items rendered with the new ones."""
        for article, fields in reversed(self._undo):
            for name, value in fields.items():
                object.__setattr__(article, name, value)
        self.envs.forget_rendered()


@contextmanager
def rebodied_site(config: Config, checked: CheckedSite, session: BuildSession | None,
                  templates: str) -> Iterator[Rebodied | None]:
    """The session's last plan with the bodies of `checked`'s edited articles in place, or
    None when anything but articles' text changed (the build plans the site then). Leaving
    the block by an exception puts the old bodies back."""
    last = session.last if session is not None else None
    edited = _edited_pages(config, last, checked, templates) if last is not None else None
    if last is None or edited is None:
        yield None
        return
    kept = Rebodied(last.planned, last.envs, tuple(sorted(edited)))
    try:
        _rebody(config, last, checked, edited, kept)  # a new edit may cancel it half-way
        yield kept
    except BaseException:
        kept.undo()
        raise


def _site_inputs(checked: CheckedSite) -> tuple[Any, ...]:
    """What planning reads of a checked site besides its pages' text."""
    return (checked.routes, checked.body_keys, checked.data, checked.conversion, checked.catalog.digest,
            checked.glossary, checked.hidden_folders, checked.resource_routes, checked.tree.resources,
            checked.file_reads, [document.source.path for document in checked.documents])


def _edited_pages(config: Config, last: LastSite, checked: CheckedSite, templates: str
                  ) -> dict[str, PageInput] | None:
    """The pages of `checked` whose text alone changed since `last`, by source path; None
    when anything else differs (settings, templates, URLs moved by the last build, files,
    routes, front matter, data, static files)."""
    before = last.checked
    if (last.config_text != repr(config) or last.templates != templates or last.moved
            or len(before.pages) != len(checked.pages) or _site_inputs(before) != _site_inputs(checked)):
        return None
    edited = {}
    for old, new in zip(before.pages, checked.pages, strict=True):
        if old.content.key == new.content.key and old.summary_html == new.summary_html:
            continue
        if not _text_only(old, new):
            return None
        edited[new.document.source.path] = new
    # the files beside articles follow from what `_site_inputs` compared; the static ones:
    return edited if last.planned.copies[:last.planned.static_files] == tuple(static_copies(config)) else None


def _text_only(old: PageInput, new: PageInput) -> bool:
    """Whether `new` is `old` with other text: same file, route, front matter, glossary
    terms and language (a body's language decides its article's `lang`), and the page of
    an article (a section's `_index.md` text is its Section's, which is planned again)."""
    before, after = old.document, new.document
    return (before.source.path == after.source.path and old.route == new.route and old.route.kind != "section"
            and before.meta == after.meta and before.has_front_matter == after.has_front_matter
            and old.glossary == new.glossary and old.body.lang_hint == new.body.lang_hint)


def _rebody(config: Config, last: LastSite, checked: CheckedSite, edited: dict[str, PageInput],
            kept: Rebodied) -> None:
    """Change the edited articles of `last`'s plan in place (noting each change in `kept`,
    to be undone), then make again what was made from their bodies when the site was
    planned: their pages' descriptions and their citation records (the downloads' abstracts)."""
    fields = {path: body_fields(page, config, checked.glossary) for path, page in edited.items()}
    before = last.planned
    last.envs.forget_rendered()
    sites = before.sites or (before.site,)
    found = {site.language: Edited.find(site, fields.keys()) for site in sites}
    for article in _articles_of(found.values()):
        kept.change(article, fields[article.source_path])
    cited = {site.language: CitationRecords.of(site, found[site.language], before.cited.get(site.language))
             for site in sites}
    remade = {item.output: item for item in citation_downloads(sites, config, page_outputs(checked), cited, found)}
    kept_files = before.derived[len(before.derived) - before.cited_files:]
    citations = tuple(remade.get(item.output, item) for item in kept_files)
    plans = list(before.plans)
    for path in fields:
        for number in _article_plans(before).get(path, ()):
            plans[number] = _described(plans[number], fields.keys())
    kept.planned = dataclasses.replace(before, plans=tuple(plans), derived=(*before.without_citations(), *citations),
                                       cited=cited)


def _articles_of(found: Iterable[Edited]) -> list[Article]:
    """Every Article object of the plan made from an edited source. Each language's site
    assembled one per page it holds (site/assemble.py), which its lists, neighbours and
    feeds share; planning copies none (tests/integration/test_rebody.py checks each kind
    of page against a clean build)."""
    return list({id(article): article for edited in found for article in (*edited.articles, *edited.pages)}.values())


def _article_plans(planned: PlannedSite) -> dict[str, list[int]]:
    """planned.article_plans, worked out the first time: the places of each article's own
    pages (those whose description is made from its body) in the plan."""
    found = planned.article_plans
    if not found:
        for number, plan in enumerate(planned.plans):
            context = plan.context
            if isinstance(context, ArticlePage | StandalonePage | ParallelPage):
                found.setdefault(context.article.source_path, []).append(number)
    return found


def _described(plan: OutputPlan, paths: Any) -> OutputPlan:
    """The plan with its page's description made again from its article's, when the page
    is an edited article's own."""
    context = plan.context
    if not isinstance(context, ArticlePage | StandalonePage | ParallelPage) or context.article.source_path not in paths:
        return plan
    remade = showing(context, context.article)
    return plan if remade.page is context.page else dataclasses.replace(plan, context=remade)
