"""Schema.org JSON-LD for pages: `Article` or `NewsArticle` for articles, `WebSite` for the home.

The JSON is made with `json.dumps`, never by a template, and `<`, `>` and `&` are written
as `\\u003c`, `\\u003e` and `\\u0026`, so no title or summary can close the `<script>`
element it sits in (`</script>`) or open a comment; characters no page may hold (controls,
noncharacters: `characters.strip_unsafe`) are dropped. Templates call the functions below
(registered as Jinja globals) inside `<script type="application/ld+json">`.

In templates they take no `site` argument (`article_json_ld(article)`): the page's `site`
comes from the template context. Naming `site` bare in a template would make the page
depend on every article for incremental builds (see fingerprint.py), and these functions
read only the site's scalar settings (title, description, base_url, base_path, language,
author), which every page fingerprint already holds.
"""

from __future__ import annotations

import json
from typing import Any

import jinja2
from markupsafe import Markup

from sitegen.content.characters import strip_unsafe_in
from sitegen.content.frontmatter import Provenance
from sitegen.site.model import Article, SiteView

CONTEXT = "https://schema.org"
_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
            "\u2028": "\\u2028", "\u2029": "\\u2029"}


def script_json(data: dict[str, Any]) -> Markup:
    """JSON that is safe as the text of a `<script>` element; keys sorted for stable output."""
    text = json.dumps(strip_unsafe_in(data), ensure_ascii=False, sort_keys=True, indent=None, separators=(",", ":"))
    for char, escape in _ESCAPES.items():
        text = text.replace(char, escape)
    return Markup(text)


def article_json_ld(article: Article, site: SiteView) -> Markup:
    """JSON-LD for one article page, as the text of its `<script type="application/ld+json">`."""
    return script_json(article_data(article, site))


def website_json_ld(site: SiteView) -> Markup:
    """JSON-LD for the home page: the site as a `WebSite` with its publisher."""
    return script_json({"@context": CONTEXT, "@type": "WebSite", "name": site.title,
                        "url": home_url(site), "description": site.description,
                        "inLanguage": site.language, "publisher": publisher(site)})


def article_data(article: Article, site: SiteView) -> dict[str, Any]:
    """The schema.org object for an article.

    `NewsArticle` when it was first published elsewhere or translated (its provenance names
    a publication or a translator), else `Article`. Empty values are left out.
    """
    source = article.provenance
    news = bool(source.source_name or source.source_url or source.translator)
    data: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "NewsArticle" if news else "Article",
        "headline": article.title,
        "name": article.title,
        "description": article.description,
        "url": article.permalink,
        "mainEntityOfPage": {"@type": "WebPage", "@id": article.permalink},
        "inLanguage": article.lang or site.language,
        "author": authors(article, site),
        "publisher": publisher(site),
        "isPartOf": {"@type": "WebSite", "name": site.title, "url": home_url(site)},
        "wordCount": article.word_count,
    }
    if article.date:
        data["datePublished"] = article.date.isoformat()
    changed = article.lastmod or article.date
    if changed:
        data["dateModified"] = changed.isoformat()
    sections = [ref.name for ref in article.categories]
    if sections:
        data["articleSection"] = sections
    keywords = [*article.keywords, *(ref.name for ref in article.tags)]
    if keywords:
        data["keywords"] = list(dict.fromkeys(keywords))
    if source.translator:
        data["translator"] = person(source.translator)
    original = original_work(source)
    if original:
        data["isBasedOn"] = original
    data.update(translation_links(article))
    return {key: value for key, value in data.items() if value not in ("", None, [], {})}


def translation_links(article: Article) -> dict[str, Any]:
    """The article's versions in the site's other languages: the original it translates
    (translationOfWork), or its translations (workTranslation), as schema.org links them."""
    versions = {t.lang: {"@type": "Article", "@id": t.permalink, "url": t.permalink, "name": t.title,
                         "inLanguage": t.lang} for t in article.translations}
    if not versions:
        return {}
    if article.original_lang in versions:
        return {"translationOfWork": versions[article.original_lang]}
    return {"workTranslation": list(versions.values())}


def authors(article: Article, site: SiteView) -> list[dict[str, str]]:
    """Each author as a Person, except the site's own author (its editors, given to unsigned
    articles), which is an Organization."""
    names = article.authors or ((site.author,) if site.author else ())
    return [{"@type": "Organization", "name": name} if name == site.author else person(name)
            for name in names]


def person(name: str) -> dict[str, str]:
    return {"@type": "Person", "name": name}


def publisher(site: SiteView) -> dict[str, Any]:
    """The archive as the publisher of every page, with its icon as the logo."""
    return {"@type": "Organization", "name": site.title, "url": home_url(site),
            "logo": {"@type": "ImageObject", "url": home_url(site) + "favicon.svg"}}


def original_work(source: Provenance) -> dict[str, Any]:
    """The work an article reproduces or translates, from its provenance; {} when unknown."""
    work: dict[str, Any] = {"@type": "NewsArticle" if source.source_name else "CreativeWork"}
    if source.source_url:
        work["url"] = source.source_url
    if source.original_title:
        work["name"] = source.original_title
        work["headline"] = source.original_title
    if source.original_language:
        work["inLanguage"] = source.original_language
    if source.original_date:
        work["datePublished"] = source.original_date.isoformat()
    if source.source_name:
        work["publisher"] = {"@type": "Organization", "name": source.source_name}
    known = source.source_url or source.original_title or source.source_name
    return work if known else {}


def home_url(site: SiteView) -> str:
    """The site's home as an absolute URL when base_url has a host, with one trailing slash."""
    base = site.base_url if "://" in site.base_url else site.base_path
    return base.rstrip("/") + "/"


@jinja2.pass_context
def _article_json_ld_in(context: jinja2.runtime.Context, article: Article) -> Markup:
    return article_json_ld(article, context["site"])


@jinja2.pass_context
def _website_json_ld_in(context: jinja2.runtime.Context) -> Markup:
    return website_json_ld(context["site"])


# Registered by templates.make_environment: `article_json_ld(article)`, `website_json_ld()`.
TEMPLATE_GLOBALS = {"article_json_ld": _article_json_ld_in, "website_json_ld": _website_json_ld_in}
