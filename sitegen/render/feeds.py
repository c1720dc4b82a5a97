"""Atom feeds for the site and for every term, and an RSS 2.0 feed for the site.

Built with ElementTree, so every title, name and summary is escaped by the XML
serialiser rather than by hand. Entries are the newest articles, with absolute
links when base_url has a host; content is the whole article or its summary
(feeds.full_content).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import partial
from urllib.parse import urljoin

from sitegen.config.settings import Config
from sitegen.content.urls import absolute
from sitegen.render.templates import DerivedFile
from sitegen.render.xmltext import xml_document
from sitegen.site.catalog import Translator
from sitegen.site.model import Article, SiteView

ATOM = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
DUBLIN_CORE = "http://purl.org/dc/elements/1.1/"
# href/src values in article HTML; a feed reader has no page URL to resolve them against.
_LINK_ATTR_RE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _updated(article: Article) -> datetime:
    return article.lastmod or article.date or _EPOCH


def _limit(articles: tuple[Article, ...], config: Config) -> tuple[Article, ...]:
    return articles[: config.feeds.limit] if config.feeds.limit else articles


def atom_feed(site: SiteView, config: Config, title: str, path: str, html_path: str,
              articles: tuple[Article, ...]) -> bytes:
    """One Atom document listing `articles`, to be written at `path`."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {XML_LANG: site.language})
    articles = _limit(articles, config)
    _text(feed, "title", title)
    if site.description:
        _text(feed, "subtitle", site.description)
    _text(feed, "id", absolute(config, html_path))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", type="application/atom+xml",
                  href=absolute(config, path))
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="alternate", type="text/html",
                  href=absolute(config, html_path))
    newest = max((_updated(a) for a in articles), default=_EPOCH)
    _text(feed, "updated", newest.isoformat())
    if site.author:
        _text(ET.SubElement(feed, f"{{{ATOM}}}author"), "name", site.author)
    _text(feed, "generator", "Treaty Commentary Archive sitegen")
    for article in articles:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        if article.lang and article.lang != site.language:
            entry.set(XML_LANG, article.lang)  # an English article in the Japanese feed
        _text(entry, "title", article.title)
        ET.SubElement(entry, f"{{{ATOM}}}link", rel="alternate", type="text/html", href=article.permalink)
        _text(entry, "id", article.permalink)
        if article.date:
            _text(entry, "published", article.date.isoformat())
        _text(entry, "updated", _updated(article).isoformat())
        for name in article.authors or ((site.author,) if site.author else ("Unknown",)):
            _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", name)
        for refs in article.terms.values():
            for ref in refs:
                ET.SubElement(entry, f"{{{ATOM}}}category", term=ref.name)
        _text(entry, "summary", absolute_links(str(article.summary), article.permalink), type="html")
        if config.feeds.full_content:
            _text(entry, "content", absolute_links(str(article.content), article.permalink), type="html")
    return xml_document(feed)


def rss_feed(site: SiteView, config: Config, path: str) -> bytes:
    """RSS 2.0 for readers that still want it."""
    rss = ET.Element("rss", version="2.0")
    rss.set("xmlns:atom", ATOM)
    rss.set("xmlns:dc", DUBLIN_CORE)
    channel = ET.SubElement(rss, "channel")
    articles = _limit(site.articles, config)
    ET.SubElement(channel, "title").text = site.title
    ET.SubElement(channel, "link").text = absolute(config, site.lang_prefix + "/")
    ET.SubElement(channel, "description").text = site.description or site.title
    ET.SubElement(channel, "language").text = site.language
    ET.SubElement(channel, "atom:link", href=absolute(config, path), rel="self",
                  type="application/rss+xml")
    if articles:
        ET.SubElement(channel, "lastBuildDate").text = format_datetime(max(_updated(a) for a in articles))
    for article in articles:
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = article.title
        ET.SubElement(item, "link").text = article.permalink
        ET.SubElement(item, "guid", isPermaLink="true").text = article.permalink
        if article.date:
            ET.SubElement(item, "pubDate").text = format_datetime(article.date)
        for name in article.authors or ((site.author,) if site.author else ()):
            ET.SubElement(item, "dc:creator").text = name
        body = article.content if config.feeds.full_content else article.summary
        ET.SubElement(item, "description").text = absolute_links(str(body), article.permalink)
        for ref in article.categories:
            ET.SubElement(item, "category").text = ref.name
    return xml_document(rss)


def absolute_links(html: str, page_url: str) -> str:
    """Resolve every relative href and src in `html` against the article's own URL.

    Fragment-only links (`#fn:1`) are kept: they point inside the entry itself. Nothing
    changes when the site has no host in base_url (page_url is then relative too).
    """
    if "://" not in page_url:
        return html

    def resolve(match: re.Match[str]) -> str:
        value = match.group(2)
        if not value or value.startswith("#") or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
            return match.group(0)
        return match.group(1) + urljoin(page_url, value) + match.group(3)

    return _LINK_ATTR_RE.sub(resolve, html)


def site_feeds(site: SiteView, config: Config, translator: Translator | None = None) -> list[DerivedFile]:
    """One language's Atom and RSS feeds and one Atom feed per taxonomy term, under the
    language's prefix (/ja/feed.xml), titled in its language."""
    prefix = site.lang_prefix
    newest = _limit(site.articles, config)
    files = [DerivedFile(f"{prefix}/feed.xml".lstrip("/"), partial(
                atom_feed, site, config, site.title, f"{prefix}/feed.xml", f"{prefix}/", site.articles), newest),
             DerivedFile(f"{prefix}/index.xml".lstrip("/"), partial(rss_feed, site, config, f"{prefix}/index.xml"),
                         newest)]
    for taxonomy in site.taxonomies:
        for term in taxonomy.terms:
            base = f"{prefix}/{taxonomy.plural}/{term.slug}/"
            title = (translator.text("feed_term", default="{{ .Title }}: {{ .Name }}", Title=site.title,
                                     Name=term.name) if translator else f"{site.title}: {term.name}")
            files.append(DerivedFile((base + "feed.xml").lstrip("/"), partial(
                atom_feed, site, config, title, base + "feed.xml", base, term.articles),
                _limit(term.articles, config), title))
    return files


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", dict(attrs))
    element.text = text
    return element
