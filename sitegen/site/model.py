"""The site as templates see it: articles, taxonomy terms, sections and archives.

This module is the template API. Every field of `Article`, `Term`, `Taxonomy`,
`Section`, `ArchiveYear` and `SiteView` below may be used in templates; nothing
else is passed to them (no raw dicts). `assemble_site` builds the whole, sorted,
immutable value once every article is rendered.

Sort orders, fixed so that output never depends on the file system:
articles newest first (date desc, then weight, then title, then source path);
terms by name (case-insensitive); years and months newest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, Protocol

from markupsafe import Markup

from sitegen.content.frontmatter import Provenance
from sitegen.site.glossary import GlossaryTerm
from sitegen.site.menus import MenuEntry


@dataclass(frozen=True, slots=True)
class TermRef:
    """A link from an article to one taxonomy term."""

    name: str  # as first written in the content, e.g. "Burden sharing"
    slug: str  # URL segment, e.g. "burden-sharing"
    url: str  # site-relative URL with the base path, e.g. "/tags/burden-sharing/"
    taxonomy: str  # plural name, e.g. "tags"
    singular: str = ""  # e.g. "tag", for labels such as "Tag:"


@dataclass(frozen=True, slots=True)
class Translation:
    """Another language's version of a page (or a language's home page, in `site.languages`),
    for language switchers, alternate links and the sitemap."""

    lang: str  # the site language, a BCP 47 code: hreflang and lang of the link
    name: str  # the language's name in that language: "日本語"
    url: str  # with the base path
    permalink: str  # absolute when base_url has a host
    title: str = ""  # the page's title in that language


class Heading(NamedTuple):
    """One heading of an article (a named tuple: a site has tens of thousands of them)."""

    level: int
    id: str
    text: str


class Body(NamedTuple):
    """What a converted source holds that only its own page (and a template reading other
    articles' bodies) reads, as the body store keeps it: not held in memory for every
    article of a site kept by `serve` (the headings, links and ids were 100 MB at 40,000)."""

    html: str
    toc: str  # the nested list of headings, "" below toc_min_headings
    headings: tuple[Heading, ...] = ()
    links: tuple[str, ...] = ()  # every href and src, for `check`'s link check
    ids: tuple[str, ...] = ()  # every element id, the anchors those links may name


class BodyLookup(Protocol):
    """Where an article's body is: the build's body store (incremental/bodies.py)."""

    def body(self, key: str) -> Body | None: ...


class HeldBodies:
    """Bodies held in memory by key: a body store for pages built without a build (tests,
    serve's preview of an edited article)."""

    __slots__ = ("_bodies",)

    def __init__(self, bodies: dict[str, Body]) -> None:
        self._bodies = bodies

    def body(self, key: str) -> Body | None:
        return self._bodies.get(key)


class ArticleBody:
    """Which converted body an article has: its key in the body store the build passed on.

    Bodies are most of a site's bytes, and only the article's own page and full-content
    feeds read them: the store holds the ones a build renders, not every one for as long
    as the site is kept (see incremental/bodies.py).
    """

    __slots__ = ("_store", "key", "source_path")

    def __init__(self, store: BodyLookup, key: str, source_path: str = "") -> None:
        self._store = store
        self.key = key  # the body's cache key (stands for its source and what it was converted with)
        self.source_path = source_path

    @classmethod
    def of(cls, html: str, toc: str = "", source_path: str = "") -> ArticleBody:
        """A body held in memory, on its own."""
        return cls.holding(Body(html, toc), source_path)

    @classmethod
    def holding(cls, body: Body, source_path: str = "") -> ArticleBody:
        """This converted body, held in memory on its own (serve's preview of an edit)."""
        return cls(HeldBodies({"": body}), "", source_path)

    def whole(self) -> Body:
        """The body as the store holds it; LookupError when the cache lost it."""
        loaded = self._store.body(self.key)
        if loaded is None:
            raise LookupError(f"the converted body of {self.source_path} is missing from the build "
                              "cache; build again (the cache was removed or changed during the build)")
        return loaded

    def parts(self) -> tuple[Markup, Markup]:
        loaded = self.whole()
        return Markup(loaded.html), Markup(loaded.toc)

    @property
    def html(self) -> Markup:
        return self.parts()[0]

    @property
    def toc(self) -> Markup:
        return self.parts()[1]

    @property
    def headings(self) -> tuple[Heading, ...]:
        return self.whole().headings

    @property
    def links(self) -> tuple[str, ...]:
        return self.whole().links

    @property
    def ids(self) -> tuple[str, ...]:
        return self.whole().ids

    def __repr__(self) -> str:
        return f"ArticleBody({self.source_path!r})"


@dataclass(frozen=True, slots=True, weakref_slot=True)
class Article:
    """One rendered article (or standalone page such as About).

    With slots: with 31 fields it had more than an instance dictionary shares keys for
    (30), so each article carried a dictionary of its own, 1.5 KB (60 MB at 40,000).
    A weak reference still reaches it (tests check that a replaced build frees its site)."""

    source_path: str  # "content/2019/x.md"
    kind: str  # "article" (dated, in listings and feeds) or "page" (about, no date needed)
    section: str  # first folder under content/ ("2019"), "" for top-level pages
    title: str
    slug: str
    url: str  # with the base path: "/2019/x/"
    permalink: str  # absolute when site.base_url has a host, else equal to url
    date: datetime | None
    lastmod: datetime | None
    authors: tuple[str, ...]
    terms: dict[str, tuple[TermRef, ...]]  # taxonomy plural -> the article's terms, by plural
    keywords: tuple[str, ...]
    description: str  # front matter description, else the plain-text summary
    summary: Markup  # HTML: <!--more--> part, front matter summary, or automatic
    summary_text: str  # the same as plain text, for meta tags and feeds
    truncated: bool  # True when the summary is shorter than the content
    body: ArticleBody  # read through `content`, `toc` and `headings`
    word_count: int
    reading_time: int  # minutes (Hugo's formula); 0 for an empty body
    lang: str  # "en", "ja", ...: the article's main language
    draft: bool
    aliases: tuple[str, ...]  # extra URLs that redirect here (with base path)
    weight: int
    provenance: Provenance
    date_inferred: str  # why the date is a guess, "" when stated by the source
    params: dict[str, Any] = field(default_factory=dict)  # every other front matter key
    glossary: tuple[GlossaryTerm, ...] = ()  # the glossary terms it uses, in order of first use
    language: str = ""  # the site language it belongs to (Hugo's .Lang); `lang` is its text's
    translations: tuple[Translation, ...] = ()  # its versions in the other languages, by weight
    original_lang: str = ""  # the language of the version it translates; "" when it is the original

    @property
    def content(self) -> Markup:
        """The body HTML."""
        return self.body.html

    @property
    def toc(self) -> Markup:
        """Nested <ul> of headings, "" when the article has too few."""
        return self.body.toc

    @property
    def headings(self) -> tuple[Heading, ...]:
        """Read from the body store with the body: a page showing its headings is rendered
        with its body loaded, and a template reading another's reads its body (BODY_FIELDS)."""
        return self.body.headings

    @property
    def categories(self) -> tuple[TermRef, ...]:
        return self.terms.get("categories", ())

    @property
    def tags(self) -> tuple[TermRef, ...]:
        return self.terms.get("tags", ())

    @property
    def author(self) -> str:
        return ", ".join(self.authors)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None


@dataclass(frozen=True)
class Term:
    """One taxonomy term with every article that carries it, newest first."""

    name: str
    slug: str
    url: str
    taxonomy: str  # plural
    articles: tuple[Article, ...]

    @property
    def count(self) -> int:
        return len(self.articles)


@dataclass(frozen=True)
class Taxonomy:
    plural: str  # "tags"
    singular: str  # "tag"
    url: str  # "/tags/"
    terms: tuple[Term, ...]  # sorted by name
    title: str = ""  # "Tags", in the site's language (i18n id: the singular name, plural form)
    title_one: str = ""  # "Tag", for a label over one term


@dataclass(frozen=True)
class Section:
    """A top-level content folder (e.g. a year), listed at its own URL."""

    name: str
    url: str
    title: str  # from the folder's _index.md, else the folder name
    content: Markup  # body of _index.md, if any
    articles: tuple[Article, ...]
    source_path: str = ""  # "content/2019/_index.md", "" for a folder without one
    description: str = ""  # the _index.md's front matter description
    link_title: str = ""  # and its linkTitle, "" for none
    weight: int = 0  # and its weight (Hugo sorts sections by it)


@dataclass(frozen=True)
class ArchiveMonth:
    year: int
    month: int
    name: str  # the month and its year in the site language: "July 2019", "2019年7月"
    anchor: str  # "2019-07", an id on the archive page
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class ArchiveYear:
    year: int
    anchor: str  # "2019"
    months: tuple[ArchiveMonth, ...]

    @property
    def count(self) -> int:
        return sum(len(m.articles) for m in self.months)


@dataclass(frozen=True)
class Listing:
    """One page of a paginated list (home, a term, a section)."""

    items: tuple[Article, ...]
    number: int  # 1-based
    total_pages: int
    total_items: int
    urls: tuple[str, ...]  # URL of every page of this list, index 0 is page 1

    @property
    def url(self) -> str:
        return self.urls[self.number - 1]

    @property
    def prev_url(self) -> str:
        return self.urls[self.number - 2] if self.number > 1 else ""

    @property
    def next_url(self) -> str:
        return self.urls[self.number] if self.number < self.total_pages else ""


@dataclass(frozen=True)
class TaxonomyLink:
    """A taxonomy's names and URL without its terms: enough for menus and labels.

    Templates that only need these should use `site.taxonomy_links`, so their pages
    do not depend on (and re-render with) every article's terms.
    """

    plural: str
    singular: str
    title: str
    url: str
    title_one: str = ""


@dataclass(frozen=True)
class SiteView:
    """Site-wide values every template gets as `site`."""

    title: str
    description: str
    base_url: str  # as configured
    base_path: str  # "/" or "/archive/"
    language: str
    author: str
    copyright: str
    articles: tuple[Article, ...]  # dated articles, newest first
    pages: tuple[Article, ...]  # standalone pages (about), by weight then title
    taxonomies: tuple[Taxonomy, ...]
    taxonomy_links: tuple[TaxonomyLink, ...]
    sections: tuple[Section, ...]
    archive: tuple[ArchiveYear, ...]
    extra: dict[str, Any]
    search_enabled: bool
    feeds_full_content: bool
    data: dict[str, Any] = field(default_factory=dict)  # the data/ folder (site/data.py)
    menus: dict[str, tuple[MenuEntry, ...]] = field(default_factory=dict)  # site/menus.py
    languages: tuple[Translation, ...] = ()  # every language's home page, by weight (one: none)
    lang_prefix: str = ""  # "" or "/ja": where this language's pages are
    default_language: str = ""  # the code of the default language
    glossary_url: str = ""  # the glossary page of this language, "" without a glossary

    def taxonomy(self, plural: str) -> Taxonomy | None:
        return next((t for t in self.taxonomies if t.plural == plural), None)


@dataclass(frozen=True)
class Feed:
    """An alternate link for <head>: a feed of this page's articles."""

    title: str
    url: str
    media_type: str


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Facts about the page being rendered, for <head> and navigation (`page`)."""

    title: str
    url: str
    permalink: str
    kind: str  # home, article, page, taxonomy, term, section, archive, search, 404, alias
    description: str
    lang: str
    feeds: tuple[Feed, ...] = ()
    noindex: bool = False
    translations: tuple[Translation, ...] = ()  # the same page in the other languages
    x_default: str = ""  # the permalink for readers of any other language (hreflang x-default)
