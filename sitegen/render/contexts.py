"""One typed value per kind of page: what its template sees, and what its output depends on.

A page's variables are the fields of its context (`article`, `listing`, `term` …), each a
value from the site model; templates get them by name, as before. Each context also
states its dependencies (`Deps`): the articles it shows in full (fields and body), the
articles it lists (fields only), the terms or sections whose membership it shows, and the
other values it holds. The incremental layer digests those to decide whether the page
must be rendered again (incremental/fingerprint.py), and `serve` inverts them to find the
pages an edited article touches. What a template reads of `site`, which every page can
reach, is not declared here: it is inferred from the template's source, erring towards
"all of it" (render/site_reads.py, `site_attributes`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, replace
from typing import Any, TypeVar

from sitegen.site.glossary import GlossaryTerm
from sitegen.site.model import Article, Listing, PageMeta, Section, SiteView, Taxonomy, TaxonomyLink, Term


@dataclass(frozen=True, slots=True)
class Deps:
    """What a page is made from, besides its template and what it reads of `site`."""

    full: tuple[Article, ...] = ()  # shown with their bodies (the page's own article)
    listed: tuple[Article, ...] = ()  # shown by their fields only (neighbours, list items)
    members: tuple[Term | Section, ...] = ()  # whose list of articles (not their fields) it shows
    values: tuple[tuple[str, Any], ...] = ()  # everything else it holds, by name

    def articles(self) -> Iterator[str]:
        """Source paths of every article the page shows, in full or listed."""
        for article in (*self.full, *self.listed):
            yield article.source_path


@dataclass(frozen=True, slots=True)
class PageContext:
    """Every page's variables: the site and the facts about the page itself."""

    site: SiteView
    page: PageMeta

    def variables(self) -> dict[str, Any]:
        """The template's variables: the context's fields by name."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def article_path(self) -> str | None:
        """The source of the page's own article, if it has one (for messages)."""
        return None

    def deps(self) -> Deps:
        return Deps(values=(("page", self.page),))


@dataclass(frozen=True, slots=True)
class ArticlePage(PageContext):
    """A dated article, with its neighbours in time and its related articles."""

    article: Article
    prev_article: Article | None
    next_article: Article | None
    related: tuple[Article, ...]

    @property
    def article_path(self) -> str | None:
        return self.article.source_path

    def deps(self) -> Deps:
        around = tuple(a for a in (self.prev_article, self.next_article) if a is not None)
        shape = (self.prev_article is not None, self.next_article is not None)
        return Deps(full=(self.article,), listed=around + self.related,
                    values=(("page", self.page), ("neighbours", shape)))


@dataclass(frozen=True, slots=True)
class StandalonePage(PageContext):
    """A page outside the dated stream (About)."""

    article: Article

    @property
    def article_path(self) -> str | None:
        return self.article.source_path

    def deps(self) -> Deps:
        return Deps(full=(self.article,), values=(("page", self.page),))


@dataclass(frozen=True, slots=True)
class ListPage(PageContext):
    """One page of a paginated list of articles: the home page."""

    listing: Listing

    def deps(self) -> Deps:
        return Deps(listed=self.listing.items, values=(("page", self.page), *_listing_values(self.listing)))


@dataclass(frozen=True, slots=True)
class TermPage(ListPage):
    """One page of a taxonomy term's list."""

    taxonomy: TaxonomyLink
    term: Term

    def deps(self) -> Deps:
        return Deps(listed=self.listing.items, members=(self.term,),
                    values=(("page", self.page), ("taxonomy", self.taxonomy),
                            *_listing_values(self.listing)))


@dataclass(frozen=True, slots=True)
class SectionPage(ListPage):
    """One page of a section's list (a top-level content folder)."""

    section: Section

    def deps(self) -> Deps:
        return Deps(listed=self.listing.items, members=(self.section,),
                    values=(("page", self.page), *_listing_values(self.listing)))


@dataclass(frozen=True, slots=True)
class TaxonomyPage(PageContext):
    """A taxonomy's page: every term with its count."""

    taxonomy: Taxonomy

    def deps(self) -> Deps:
        taxonomy = self.taxonomy
        return Deps(members=taxonomy.terms, values=(
            ("page", self.page), ("taxonomy", (taxonomy.plural, taxonomy.singular, taxonomy.url))))


@dataclass(frozen=True, slots=True)
class AliasPage(PageContext):
    """A redirect from an old or extra URL to an article."""

    target: str
    article: Article

    @property
    def article_path(self) -> str | None:
        return self.article.source_path

    def deps(self) -> Deps:
        return Deps(listed=(self.article,), values=(("page", self.page), ("target", self.target)))


@dataclass(frozen=True, slots=True)
class RedirectPage(PageContext):
    """A redirect to a page that is no article: the site's root to the default language's
    home when that language has its own folder (default_in_subdir)."""

    target: str

    def deps(self) -> Deps:
        return Deps(values=(("page", self.page), ("target", self.target)))


@dataclass(frozen=True, slots=True)
class ParallelPage(PageContext):
    """An article and its translation side by side: both shown in full."""

    article: Article
    translation: Article

    @property
    def article_path(self) -> str | None:
        return self.article.source_path

    def deps(self) -> Deps:
        return Deps(full=(self.article, self.translation), values=(("page", self.page),))


@dataclass(frozen=True, slots=True)
class GlossaryPage(PageContext):
    """The glossary: each term, with the articles (of every language) that use it, listed."""

    entries: tuple[tuple[GlossaryTerm, tuple[Article, ...]], ...]

    def deps(self) -> Deps:
        unique = {a.source_path: a for _, articles in self.entries for a in articles}
        listed = tuple(unique.values())
        return Deps(listed=listed, values=(("page", self.page), ("terms", tuple(t for t, _ in self.entries)),
                                           ("uses", tuple(tuple(a.source_path for a in articles)
                                                          for _, articles in self.entries))))


def _listing_values(listing: Listing) -> tuple[tuple[str, Any], ...]:
    """A listing's place in its list: its number, the list's size and its pages' URLs."""
    return (("number", listing.number), ("total_pages", listing.total_pages),
            ("total_items", listing.total_items), ("urls", listing.urls))


ShowsArticle = TypeVar("ShowsArticle", bound=ArticlePage | StandalonePage | ParallelPage)


def showing(context: ShowsArticle, article: Article) -> ShowsArticle:
    """`context` with `article` (its own, with a new body) in its place, and the page's
    description and language made again from it as planning makes them (render/routes.py
    `meta`): the article's description, else the site's; the article's language, except
    on a side-by-side page, which is in the site's. The preview of an edit and the kept
    plan (build/rebody.py) both use it, so that neither page differs from a clean build's."""
    description = article.description or context.site.description
    lang = context.page.lang if isinstance(context, ParallelPage) else article.lang
    page = context.page
    if (page.description, page.lang) != (description, lang):
        page = replace(page, description=description, lang=lang)
    return replace(context, article=article, page=page)
