"""Plan every page of the site: output file, template and variables, before rendering.

Planning first means a URL claimed twice (an alias on top of an article, a term
page on top of a section) is found before anything renders or is written.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import unquote

from sitegen.cancelling import cancel_point
from sitegen.config.settings import Config
from sitegen.content.urls import Route, absolute, href, output_file
from sitegen.errors import Diagnostic, OutputConflictError
from sitegen.render.contexts import (
    AliasPage,
    ArticlePage,
    GlossaryPage,
    ListPage,
    PageContext,
    ParallelPage,
    RedirectPage,
    SectionPage,
    StandalonePage,
    TaxonomyPage,
    TermPage,
)
from sitegen.render.templates import OutputPlan
from sitegen.site.assemble import article_sort_key
from sitegen.site.catalog import Catalog, Translator
from sitegen.site.glossary import Glossary
from sitegen.site.model import Article, Feed, Listing, PageMeta, SiteView
from sitegen.site.relations import neighbours, related_articles


def plan_outputs(site: SiteView, routes: dict[str, Route], config: Config,
                 translator: Translator | None = None, extras: PlanExtras | None = None) -> list[OutputPlan]:
    """Every page of one site language to render, in a stable order; raises
    OutputConflictError on a clash. Titles made here (lists, feeds) are in the language of
    `translator`; pages go under the language's prefix (site.lang_prefix)."""
    planner = _Planner(site, routes, config, translator, extras)
    plans = list(planner.all())
    return check_conflicts(plans)


@dataclass(frozen=True)
class PlanExtras:
    """What a language's pages show of the whole site: the articles of every language (for
    side-by-side views), the glossary and which articles use each of its terms."""

    everything: dict[str, Article] = field(default_factory=dict)  # by URL, every language's
    glossary: Glossary = field(default_factory=Glossary)


class _Planner:
    def __init__(self, site: SiteView, routes: dict[str, Route], config: Config,
                 translator: Translator | None = None, extras: PlanExtras | None = None) -> None:
        self.site, self.routes, self.config = site, routes, config
        self.t = translator or Catalog().translator(config.site.language)
        self.extras = extras or PlanExtras()
        self.prefix = site.lang_prefix
        self._site_feeds: tuple[Feed, ...] | None = None

    def all(self) -> Iterator[OutputPlan]:
        for plan in self._all():
            cancel_point()  # serve's build stops here when a newer edit arrives (sitegen/cancelling.py)
            yield replace(plan, language=self.site.language)

    def _all(self) -> Iterator[OutputPlan]:
        yield from self.home()
        yield from self.articles()
        yield from self.side_by_side()
        yield from self.aliases()
        yield from self.taxonomies()
        yield from self.sections()
        yield self.simple("/archive/", "archive.html", "archive", self.text("archive", "Archive"))
        own_search = any(r.path == self.prefix + "/search/" for r in self.routes.values())
        if self.site.search_enabled and not own_search:  # a page of the site's own at /search/ wins
            yield self.simple("/search/", "search.html", "search", self.text("search", "Search"), noindex=True)
        if self.extras.glossary:
            yield self.glossary()
        yield self.simple("/404.html", "404.html", "404", self.text("page_not_found", "Page not found"),
                          noindex=True)
        if self.prefix and self.site.language == self.site.default_language:
            yield from self.root()

    def root(self) -> Iterator[OutputPlan]:
        """With the default language in its folder too (default_in_subdir), the site's root
        sends readers to it, as Hugo's does, and a not-found page stays where hosts look."""
        home = absolute(self.config, self.prefix + "/")
        page = self.meta("/", "alias", self.site.title, noindex=True)
        yield OutputPlan("index.html", "alias.html", RedirectPage(self.site, page, home))
        page = self.meta("/404.html", "404", self.text("page_not_found", "Page not found"), noindex=True)
        yield OutputPlan("404.html", "404.html", PageContext(self.site, page))

    def own(self, articles: tuple[Article, ...]) -> Iterator[Article]:
        """The articles of this language (its lists may show others', rendered in theirs)."""
        return (a for a in articles if a.language == self.site.language)

    def text(self, message_id: str, default: str, **fields: Any) -> str:
        """A title in the site's language; the theme's English when its i18n file lacks the id."""
        return self.t.text(message_id, default=default, **fields)

    def numbered(self, title: str, number: int) -> str:
        """"Tags, page 2": the title of a list's later pages."""
        if number == 1:
            return title
        return self.text("page_title_suffix", "{{ .Title }}, page {{ .Number }}", Title=title, Number=number)

    def meta(self, path: str, kind: str, title: str, description: str = "", lang: str = "",
             feeds: tuple[Feed, ...] = (), noindex: bool = False) -> PageMeta:
        return PageMeta(title=title, url=href(self.config, path), permalink=absolute(self.config, path),
                        kind=kind, description=description or self.site.description,
                        lang=lang or self.site.language, feeds=feeds, noindex=noindex)

    def site_feeds(self) -> tuple[Feed, ...]:
        """The site's feeds, one tuple shared by every page (fingerprints hash it once)."""
        if self._site_feeds is None:
            self._site_feeds = self._make_site_feeds()
        return self._site_feeds

    def _make_site_feeds(self) -> tuple[Feed, ...]:
        title = self.site.title
        return (Feed(self.text("feed_atom", "{{ .Title }} (Atom)", Title=title),
                     href(self.config, self.prefix + "/feed.xml"), "application/atom+xml"),
                Feed(self.text("feed_rss", "{{ .Title }} (RSS)", Title=title),
                     href(self.config, self.prefix + "/index.xml"), "application/rss+xml"))

    def paginate(self, base: str, items: tuple[Article, ...]) -> list[tuple[str, Listing]]:
        size = max(1, self.config.pagination.page_size)
        total = max(1, -(-len(items) // size))
        paths = [base] + [f"{base}page/{n}/" for n in range(2, total + 1)]
        urls = tuple(href(self.config, p) for p in paths)
        return [(paths[n], Listing(items[n * size:(n + 1) * size], n + 1, total, len(items), urls))
                for n in range(total)]

    def home(self) -> Iterator[OutputPlan]:
        for path, listing in self.paginate(self.prefix + "/", self.site.articles):
            page = self.meta(path, "home", self.numbered(self.site.title, listing.number), feeds=self.site_feeds())
            yield OutputPlan(output_file(path), "home.html", ListPage(self.site, page, listing))

    def articles(self) -> Iterator[OutputPlan]:
        around = neighbours(self.site)
        related = related_articles(self.site)
        for article in self.own(self.site.articles):
            route = self.routes[article.source_path]
            older, newer = around[article.source_path]
            page = self.meta(route.path, "article", article.title, article.description, article.lang,
                             self.site_feeds())
            yield OutputPlan(route.output, "article.html", ArticlePage(
                self.site, page, article, older, newer, tuple(related[article.source_path])))
        for article in self.own(self.site.pages):
            route = self.routes[article.source_path]
            page = self.meta(route.path, "page", article.title, article.description, article.lang)
            yield OutputPlan(route.output, "page.html", StandalonePage(self.site, page, article))

    def side_by_side(self) -> Iterator[OutputPlan]:
        """For each article with a translation, a page showing the two side by side, at
        <article>/side-by-side/<language>/; not indexed (each text has its own page)."""
        for article in self.own((*self.site.articles, *self.site.pages)):
            route = self.routes[article.source_path]
            if not route.path.endswith("/"):
                continue  # a page at a file's URL (url: /x.html) has no folder to hold them
            for other in article.translations:
                translation = self.extras.everything.get(other.url)
                if translation is None:
                    continue
                path = f"{route.path}side-by-side/{other.lang}/"
                title = self.text("parallel_title", "{{ .Title }} (side by side)", Title=article.title)
                page = self.meta(path, "parallel", title, article.description, self.site.language, noindex=True)
                yield OutputPlan(output_file(path), "parallel.html",
                                 ParallelPage(self.site, page, article, translation))

    def glossary(self) -> OutputPlan:
        """The glossary page: every term in this language, with the articles (of every
        language) that use it."""
        using: dict[str, list[Article]] = {term.id: [] for term in self.extras.glossary.terms}
        for article in sorted(self.extras.everything.values(), key=article_sort_key):
            for term in article.glossary:
                using[term.id].append(article)
        entries = tuple((term, tuple(using[term.id])) for term in self.extras.glossary.terms)
        page = self.meta(self.prefix + "/glossary/", "glossary", self.text("glossary", "Glossary"))
        return OutputPlan(output_file(self.prefix + "/glossary/"), "glossary.html",
                          GlossaryPage(self.site, page, entries))

    def aliases(self) -> Iterator[OutputPlan]:
        if self.config.disable_aliases:
            return
        for article in self.own((*self.site.articles, *self.site.pages)):
            for alias in self.routes[article.source_path].aliases:
                yield self.redirect(alias, article)

    def redirect(self, path: str, article: Article) -> OutputPlan:
        """A page at `path` that sends the reader to `article`: for an alias, or a URL the
        article had before it moved (see url_history). Written under the unencoded path, as
        pages are, so that a static server finds it; its links are percent-encoded."""
        page = self.meta(path, "alias", article.title, noindex=True)
        return OutputPlan(output_file(path), "alias.html",
                          AliasPage(self.site, page, article.permalink, article))

    def taxonomies(self) -> Iterator[OutputPlan]:
        links = {link.plural: link for link in self.site.taxonomy_links}
        for taxonomy in self.site.taxonomies:
            link = links[taxonomy.plural]
            path = f"{self.prefix}/{taxonomy.plural}/"
            page = self.meta(path, "taxonomy", taxonomy.title)
            yield OutputPlan(output_file(path), "taxonomy.html", TaxonomyPage(self.site, page, taxonomy))
            for term in taxonomy.terms:
                # Term pages get the taxonomy's names only (not every term's articles), so an
                # edit re-renders the pages of the article's own terms and no others.
                term_path = f"{self.prefix}/{taxonomy.plural}/{term.slug}/"
                feed_title = self.text("feed_term", "{{ .Title }}: {{ .Name }}", Title=self.site.title,
                                       Name=term.name)
                feeds = (Feed(self.text("feed_atom", "{{ .Title }} (Atom)", Title=feed_title),
                              href(self.config, term_path + "feed.xml"), "application/atom+xml"),
                         *self.site_feeds())
                title = self.text("term_title", "{{ .Taxonomy }}: {{ .Name }}", Taxonomy=taxonomy.title_one,
                                  Name=term.name)
                for path, listing in self.paginate(term_path, term.articles):
                    page = self.meta(path, "term", self.numbered(title, listing.number), feeds=feeds)
                    yield OutputPlan(output_file(path), "term.html",
                                     TermPage(self.site, page, listing, link, term))

    def sections(self) -> Iterator[OutputPlan]:
        base = self.config.base_path.rstrip("/")
        for section in self.site.sections:
            section_path = unquote(section.url)[len(base):]
            for path, listing in self.paginate(section_path, section.articles):
                page = self.meta(path, "section", section.title)
                yield OutputPlan(output_file(path), "section.html",
                                 SectionPage(self.site, page, listing, section))

    def simple(self, path: str, template: str, kind: str, title: str, noindex: bool = False) -> OutputPlan:
        path = self.prefix + path
        page = self.meta(path, kind, title, noindex=noindex)
        return OutputPlan(output_file(path), template, PageContext(self.site, page))


def redirect_plans(sites: Sequence[SiteView], routes: dict[str, Route], config: Config,
                   moved: dict[str, str]) -> list[OutputPlan]:
    """Redirect pages for URLs whose pages moved: old site path -> the page's source path.

    The same template and variables as an alias at that URL, so a moved page's old URL
    and an alias look alike to readers, crawlers and caches; listed nowhere. Each is made
    in the language of the page it sends readers to."""
    plans = []
    for site in sites:
        planner = _Planner(site, routes, config)
        articles = {a.source_path: a for a in planner.own((*site.articles, *site.pages))}
        plans += [replace(planner.redirect(path, articles[source]), language=site.language)
                  for path, source in sorted(moved.items()) if source in articles]
    return sorted(plans, key=lambda plan: plan.output)


def check_conflicts(plans: list[OutputPlan]) -> list[OutputPlan]:
    """The plans, each output once; raises OutputConflictError when two claim one output."""
    seen: dict[str, OutputPlan] = {}
    problems: list[Diagnostic] = []
    for plan in plans:
        other = seen.get(plan.output)
        if other is None:
            seen[plan.output] = plan
            continue
        if plan.context.page.kind == "alias" == other.context.page.kind:
            continue  # two pages give one alias: the first keeps it (load_site warned)
        if "alias" in (plan.context.page.kind, other.context.page.kind):
            alias, page = (plan, other) if plan.context.page.kind == "alias" else (other, plan)
            problems.append(Diagnostic(
                _origin(alias), 0, 0, "error",
                f"alias {unquote(alias.context.page.url)} is the URL of {_origin(page)}",
                "remove the alias, or point it at a URL no page uses"))
            continue
        problems.append(Diagnostic(
            _origin(plan), 0, 0, "error",
            f"{plan.output} would be written twice: by {_origin(other)} and by {_origin(plan)}",
            "give one of them another slug, url or alias"))
    if problems:
        raise OutputConflictError(problems)
    return list(seen.values())


def _origin(plan: OutputPlan) -> str:
    return plan.context.article_path or f"the {plan.context.page.kind} page"
