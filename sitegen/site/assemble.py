"""Put rendered articles together into the immutable `SiteView` templates see.

Everything here is sorted explicitly, so output never depends on the order files
came off the disk. Taxonomy terms that differ only in case or spacing share one
page (Hugo merges them too: terms are keyed by their URL segment, as Hugo's urlize makes
it); the most used spelling names the term, where Hugo would title-case it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import PurePosixPath
from typing import Any

from markupsafe import Markup

from sitegen.cancelling import cancel_point, with_cancel_points
from sitegen.config.settings import Config
from sitegen.content.frontmatter import Document
from sitegen.content.urls import Route, absolute, href, term_path, term_slug
from sitegen.markup.markdown import RenderedBody
from sitegen.markup.text import plain_text, slugify
from sitegen.site.catalog import Catalog, Translator
from sitegen.site.description import page_description
from sitegen.site.glossary import Glossary
from sitegen.site.menus import MenuEntry, MenuPage, build_menus
from sitegen.site.model import (
    ArchiveMonth,
    ArchiveYear,
    Article,
    ArticleBody,
    Section,
    SiteView,
    Taxonomy,
    TaxonomyLink,
    Term,
    TermRef,
    Translation,
)

_EPOCH = datetime(1, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class PageInput:
    """One page ready to assemble: its parsed document, its route and converted body."""

    document: Document
    route: Route
    body: RenderedBody  # without its HTML, table of contents, headings, links, ids: in `content`
    summary_html: str  # front matter summary converted, or the body's own summary
    content: ArticleBody
    glossary: tuple[str, ...] = ()  # ids of the glossary terms it uses


@dataclass(frozen=True)
class LanguageContext:
    """The language a SiteView is assembled for, and how its pages link to their translations."""

    code: str
    prefix: str = ""  # "" or "/ja": before every list's path
    title: str = ""
    description: str = ""
    copyright: str = ""
    default: str = ""  # the default language's code
    homes: tuple[Translation, ...] = ()  # every language's home page
    translations: dict[str, tuple[Translation, ...]] = field(default_factory=dict)  # by source path
    originals: dict[str, str] = field(default_factory=dict)  # source path -> its original's language


def article_sort_key(article: Article) -> tuple:
    """Newest first; ties by weight, then title, then source path."""
    stamp = article.date or _EPOCH
    return (-stamp.timestamp(), article.weight, article.title.lower(), article.source_path)


def _go_on(_page: PageInput) -> bool:
    """A cancel point per article (sitegen/cancelling.py): True, unless the build stops."""
    cancel_point()
    return True


def assemble_site(pages: list[PageInput], config: Config, translator: Translator | None = None,
                  glossary: Glossary | None = None, language: LanguageContext | None = None,
                  data: dict[str, Any] | None = None) -> SiteView:
    """Build articles, taxonomies, sections and the archive from converted pages; taxonomy
    titles and month names in the language of `translator` (the site's, by default).

    `language`: the site language being assembled, when the site has several: its lists
    are under its prefix, and its articles know their translations."""
    translator = translator or Catalog().translator(config.site.language)
    language = language or _one_language(config)
    term_names = _term_names(pages, config)
    term_refs: dict[tuple[str, str], TermRef] = {}
    glossary = glossary or Glossary()
    articles = [_article(p, config, term_names, term_refs, glossary, language)
                for p in pages if p.route.kind != "section" and _go_on(p)]
    dated = tuple(sorted((a for a in articles if a.kind == "article"), key=article_sort_key))
    standalone = tuple(sorted((a for a in articles if a.kind == "page"),
                              key=lambda a: (a.weight, a.title.lower(), a.source_path)))
    section_pages = {p.route.bundle_dir: p for p in pages if p.route.kind == "section"}
    taxonomies = _taxonomies(dated, config, translator, language.prefix)
    folders = {p.document.source.path: p.route.content_path or p.document.source.content_path for p in pages}
    glossary_url = href(config, language.prefix + "/glossary/") if glossary else ""
    return SiteView(
        title=language.title, description=language.description, base_url=config.site.base_url,
        base_path=config.base_path, language=language.code, author=config.site.author,
        copyright=language.copyright, articles=dated, pages=standalone,
        taxonomies=taxonomies,
        taxonomy_links=tuple(TaxonomyLink(t.plural, t.singular, t.title, t.url, t.title_one) for t in taxonomies),
        sections=_sections(dated, section_pages, folders, config, language.prefix),
        archive=_archive(dated, translator),
        extra=dict(config.extra),
        search_enabled=config.search.enabled,
        feeds_full_content=config.feeds.full_content,
        data=data or {},
        menus=_menus(config, articles, taxonomies, translator, language.prefix, glossary_url),
        languages=language.homes, lang_prefix=language.prefix, default_language=language.default,
        glossary_url=glossary_url,
    )


def _one_language(config: Config) -> LanguageContext:
    """The site's one language, when it has no `languages:`."""
    return LanguageContext(config.site.language, title=config.site.title, description=config.site.description,
                           copyright=config.site.copyright, default=config.site.language)


def _menus(config: Config, articles: list[Article], taxonomies: tuple[Taxonomy, ...], translator: Translator,
           prefix: str, glossary_url: str) -> dict[str, tuple[MenuEntry, ...]]:
    """Configured and front matter menus, and the theme's defaults (see site/menus.py), in
    the language being assembled: its words (`translator`) and its pages (under `prefix`)."""
    pages = [MenuPage(a.url, a.source_path.split("/", 1)[1], a.title, str(a.params.get("linktitle") or ""),
                      a.weight, a.params.get("menu", a.params.get("menus"))) for a in articles]
    def url(path: str) -> str:
        return href(config, prefix + path)
    about = url("/about/")
    has_about = any(a.url == about for a in articles)
    main = [MenuEntry(translator.text("home", default="Home"), url("/"), "home"),
            MenuEntry(translator.text("archive", default="Archive"), url("/archive/"), "archive")]
    main += [MenuEntry(t.title, t.url, t.plural) for t in taxonomies]
    main += [MenuEntry(translator.text("about", default="About"), about, "about")] if has_about else []
    main += ([MenuEntry(translator.text("search", default="Search"), url("/search/"), "search")]
             if config.search.enabled else [])
    footer = ([MenuEntry(translator.text("footer_about", default="About this archive"), about, "about")]
              if has_about else [])
    footer += [MenuEntry(translator.text("footer_archive", default="All articles by date"), url("/archive/"),
                         "archive")]
    if glossary_url:
        footer += [MenuEntry(translator.text("glossary", default="Glossary"), glossary_url, "glossary")]
    return build_menus(config.menus, pages, lambda path: href(config, path), {"main": main, "footer": footer})


def _term_names(pages: list[PageInput], config: Config) -> dict[tuple[str, str], str]:
    """Display name of each (taxonomy, slug): the most common spelling, then the first."""
    spellings: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for page in with_cancel_points(sorted(pages, key=lambda p: p.document.source.path)):
        for taxonomy, names in page.document.meta.taxonomies.items():
            for name in names:
                spellings[(taxonomy, term_slug(name))][name] += 1
    return {key: counts.most_common(1)[0][0] for key, counts in spellings.items()}


def _article(page: PageInput, config: Config, term_names: dict[tuple[str, str], str],
             term_refs: dict[tuple[str, str], TermRef], glossary: Glossary,
             language: LanguageContext) -> Article:
    """One article's view; `term_refs` shares each term's TermRef among all its articles."""
    meta, route = page.document.meta, page.route
    return Article(
        source_path=page.document.source.path,
        kind=route.kind,
        section=route.section,
        title=meta.title,
        slug=route.slug,
        url=href(config, route.path),
        permalink=absolute(config, route.path),
        date=meta.date,
        lastmod=meta.lastmod,
        authors=meta.authors or ((config.site.author,) if config.site.author else ()),
        terms=_article_terms(page, config, term_names, term_refs, language.prefix),
        keywords=meta.keywords,
        draft=meta.draft,
        aliases=tuple(href(config, alias) for alias in route.aliases),
        weight=meta.weight,
        provenance=meta.provenance,
        date_inferred=meta.date_inferred,
        params=dict(meta.params),
        language=route.lang or language.code,
        translations=language.translations.get(page.document.source.path, ()),
        original_lang=language.originals.get(page.document.source.path, ""),
        **body_fields(page, config, glossary),
    )


def rebodied(article: Article, page: PageInput, config: Config, glossary: Glossary) -> Article:
    """`article` with the body of `page`, the same source with the same front matter and
    route: what `serve` shows at once after an edit to the text alone (serve/preview.py),
    before the whole site is assembled again. Every field an edited body can change is
    here, made by the code that makes it for the whole site."""
    return replace(article, **body_fields(page, config, glossary))


def body_fields(page: PageInput, config: Config, glossary: Glossary) -> dict[str, Any]:
    """The fields of an article that its converted body decides (with its front matter)."""
    meta, body = page.document.meta, page.body
    summary_text = " ".join(plain_text(page.summary_html).split())
    return {
        "description": page_description(meta.description, meta.summary is not None, page.summary_html),
        "summary": _markup(page.summary_html),
        # the body's own when equal (most are): the copy was 35 MB at 40,000 articles
        "summary_text": body.summary_text if summary_text == body.summary_text else summary_text,
        "truncated": body.truncated or meta.summary is not None,
        "body": page.content,
        "word_count": body.word_count,
        "reading_time": body.reading_time,
        "lang": meta.lang or body.lang_hint or config.site.language,
        "glossary": tuple(term for i in page.glossary if (term := glossary.term(i)) is not None),
    }


def _article_terms(page: PageInput, config: Config, term_names: dict[tuple[str, str], str],
                   term_refs: dict[tuple[str, str], TermRef], prefix: str = "") -> dict[str, tuple[TermRef, ...]]:
    """The article's terms per taxonomy, in the order written; one TermRef per term for the
    whole site (made here for the term's first article), under the language's `prefix`.

    Names differing only in case are one name already (front matter keeps the last); two
    names that differ otherwise but share a URL (``doFuture`` and ``%dofuture%``) are both
    listed, each as written, linking to the one term page, as Hugo lists them."""
    terms: dict[str, tuple[TermRef, ...]] = {}
    for singular, taxonomy in sorted(config.taxonomies.items(), key=lambda kv: kv[1]):
        refs: list[TermRef] = []
        for name in page.document.meta.taxonomies.get(taxonomy, ()):
            key = term_slug(name)
            ref = term_refs.get((taxonomy, key))
            if ref is None:
                ref = term_refs[(taxonomy, key)] = TermRef(
                    term_names[(taxonomy, key)], key, href(config, prefix + term_path(taxonomy, name)),
                    taxonomy, singular)
            elif any(other.slug == key for other in refs):
                ref = replace(ref, name=name)  # the same term again, under this other name
            refs.append(ref)
        terms[taxonomy] = tuple(refs)
    return terms


def _markup(html: str) -> Markup:
    """HTML for templates; load_site has usually made it Markup already (see as_markup)."""
    return html if isinstance(html, Markup) else Markup(html)




def taxonomy_titles(singular: str, plural: str, translator: Translator) -> tuple[str, str]:
    """("Tags", "Tag"): the i18n id is the singular name, its "other" form the plural; a
    taxonomy the i18n files do not name is titled after its own names."""
    def title(count: int, fallback: str) -> str:
        text = translator.text(singular, count, default=fallback.replace("-", " ").replace("_", " "))
        return text[:1].upper() + text[1:]
    return title(2, plural), title(1, singular)


def _taxonomies(articles: tuple[Article, ...], config: Config, translator: Translator,
                prefix: str) -> tuple[Taxonomy, ...]:
    result = []
    for singular, plural in sorted(config.taxonomies.items(), key=lambda kv: kv[1]):
        members: dict[str, list[Article]] = defaultdict(list)
        refs: dict[str, TermRef] = {}
        for article in articles:
            for slug in dict.fromkeys(ref.slug for ref in article.terms.get(plural, ())):
                members[slug].append(article)  # once, though two of its names share the term
            for ref in article.terms.get(plural, ()):
                refs.setdefault(ref.slug, ref)
        terms = tuple(sorted(
            (Term(refs[s].name, s, refs[s].url, plural, tuple(members[s])) for s in members),
            key=lambda t: (t.name.lower(), t.slug)))
        result.append(Taxonomy(plural, singular, href(config, f"{prefix}/{plural}/"), terms,
                               *taxonomy_titles(singular, plural, translator)))
    return tuple(result)


def _sections(articles: tuple[Article, ...], section_pages: dict[str, PageInput],
              folders: dict[str, str], config: Config, prefix: str = "") -> tuple[Section, ...]:
    """Top-level folders, and nested folders with an _index.md (as Hugo), each listing the
    articles anywhere below it, newest first."""
    grouped: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        parents = PurePosixPath(folders[article.source_path]).parents
        for folder in (f.as_posix() for f in parents):
            if folder != "." and (folder == article.section or folder in section_pages):
                grouped[folder].append(article)
    taxonomy_folders = set(config.taxonomies.values())  # their _index.md files are term pages' text
    for folder in section_pages:  # a folder with an _index.md and no pages is a section too (Hugo)
        if folder not in ("", ".") and folder.split("/", 1)[0] not in taxonomy_folders:
            grouped.setdefault(folder, [])
    sections = []
    for name in sorted(grouped, reverse=True):
        page = section_pages.get(name)
        title = page.document.meta.title if page else name
        content = page.content.html if page else Markup("")
        path = page.route.path if page else prefix + "/" + slugify(name) + "/"
        meta = page.document.meta if page else None
        sections.append(Section(name, href(config, path), title, content, tuple(grouped[name]),
                                page.document.source.path if page else "",
                                meta.description if meta else "", str(meta.param("linktitle") or "") if meta else "",
                                meta.weight if meta else 0))
    return tuple(sections)


def _archive(articles: tuple[Article, ...], translator: Translator) -> tuple[ArchiveYear, ...]:
    by_month: dict[tuple[int, int], list[Article]] = defaultdict(list)
    for article in articles:
        if article.date:
            by_month[(article.date.year, article.date.month)].append(article)
    years: dict[int, list[ArchiveMonth]] = defaultdict(list)
    for (year, month) in sorted(by_month, reverse=True):
        years[year].append(ArchiveMonth(year, month, translator.month(year, month),
                                        f"{year:04d}-{month:02d}", tuple(by_month[(year, month)])))
    return tuple(ArchiveYear(year, f"{year:04d}", tuple(months))
                 for year, months in sorted(years.items(), reverse=True))
