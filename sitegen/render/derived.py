"""Files derived from the assembled site rather than rendered from templates.

Feeds (each language's), the sitemap and robots.txt: each is built from the same
`SiteView`s and plans as the pages, so they can never disagree with them. They are planned
here (name and how to build it) and built by the renderers, beside the pages:
full-content feeds read many bodies, which are not held in memory.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from sitegen.cancelling import cancel_point
from sitegen.config.settings import Config
from sitegen.content.urls import absolute
from sitegen.render.cite_downloads import CitationRecords, Edited, citation_files
from sitegen.render.feeds import site_feeds
from sitegen.render.templates import DerivedFile, OutputPlan
from sitegen.render.xmltext import xml_document
from sitegen.site.catalog import Translator
from sitegen.site.model import SiteView

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
# Pages a search engine should list (a list's first page only), in the order of the plans.
SITEMAP_KINDS = ("home", "article", "page", "taxonomy", "term", "section", "archive", "glossary")


@dataclass(frozen=True)
class SitemapEntry:
    location: str
    lastmod: str  # YYYY-MM-DD, "" when unknown
    alternates: tuple[tuple[str, str], ...] = ()  # (hreflang, URL): every language's version, x-default


def derive_outputs(sites: Sequence[SiteView], plans: Sequence[OutputPlan], config: Config,
                   translators: Mapping[str, Translator] | None = None,
                   pages: Mapping[str, str] | None = None,
                   citations: Sequence[DerivedFile] | None = None) -> list[DerivedFile]:
    """Feeds and citation downloads of each language, sitemap.xml and robots.txt, to be
    built by the renderers. `pages`: each article's output file, by source path. The
    citation downloads come last: `citations`, made here when not given."""
    entries = sitemap_entries(plans)
    listed = [f"{e.location} {e.lastmod} {e.alternates}" for e in entries]  # the sitemap's fingerprint
    files = [item for site in sites for item in site_feeds(site, config, (translators or {}).get(site.language))]
    files += [DerivedFile("sitemap.xml", partial(sitemap, tuple(entries)), extra="\n".join(listed)),
              DerivedFile("robots.txt", partial(robots, config))]
    return files + list(citations if citations is not None else citation_downloads(sites, config, pages))


def citation_downloads(sites: Sequence[SiteView], config: Config, pages: Mapping[str, str] | None = None,
                       cited: Mapping[str, CitationRecords] | None = None,
                       only: Mapping[str, Edited] | None = None) -> list[DerivedFile]:
    """Every language's citation downloads, from its records in `cited` where given; with
    `only` (by language, one for every site), those showing one of its edited articles."""
    return [item for site in sites
            for item in citation_files(site, config, pages, (cited or {}).get(site.language),
                                       only[site.language] if only is not None else None)]


def sitemap_entries(plans: Sequence[OutputPlan]) -> list[SitemapEntry]:
    """Every indexable page, from the plans: articles with their last change, lists' first
    pages, each with its versions in the other languages."""
    found: list[SitemapEntry] = []
    for plan in plans:
        cancel_point()  # serve's build stops here when a newer edit arrives (sitegen/cancelling.py)
        page = plan.context.page
        listing = getattr(plan.context, "listing", None)
        if page.kind not in SITEMAP_KINDS or page.noindex or (listing is not None and listing.number > 1):
            continue
        article = getattr(plan.context, "article", None) if page.kind in ("article", "page") else None
        changed = (article.lastmod or article.date) if article is not None else None
        alternates: tuple[tuple[str, str], ...] = ()
        if page.translations:
            versions = sorted([(plan.language, page.permalink)] + [(t.lang, t.permalink) for t in page.translations])
            alternates = (*versions, ("x-default", page.x_default)) if page.x_default else tuple(versions)
        found.append(SitemapEntry(page.permalink, changed.strftime("%Y-%m-%d") if changed else "", alternates))
    return found


def sitemap(entries: tuple[SitemapEntry, ...]) -> bytes:
    """The sitemaps.org XML, with xhtml:link alternates where a page has translations."""
    ET.register_namespace("xhtml", XHTML_NS)
    root = ET.Element(f"{{{SITEMAP_NS}}}urlset")
    for entry in entries:
        url = ET.SubElement(root, f"{{{SITEMAP_NS}}}url")
        ET.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = entry.location
        if entry.lastmod:
            ET.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = entry.lastmod
        for hreflang, href in entry.alternates:
            ET.SubElement(url, f"{{{XHTML_NS}}}link", rel="alternate", hreflang=hreflang, href=href)
    ET.register_namespace("", SITEMAP_NS)
    return xml_document(root)


def robots(config: Config) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {absolute(config, '/sitemap.xml')}\n".encode()
