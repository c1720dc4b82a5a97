"""Files derived from the assembled site rather than rendered from templates.

Feeds, the sitemap and robots.txt: each is built from the same `SiteView` and
written with the pages, so they can never disagree with them. They are planned
here (name and how to build it) and built by the renderers, beside the pages:
full-content feeds read many bodies, which are not held in memory.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from functools import partial

from sitegen.config.settings import Config
from sitegen.content.urls import absolute
from sitegen.render.cite_downloads import citation_files
from sitegen.render.feeds import site_feeds
from sitegen.render.templates import DerivedFile
from sitegen.render.xmltext import xml_document
from sitegen.site.model import SiteView

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def derive_outputs(site: SiteView, config: Config,
                   pages: Mapping[str, str] | None = None) -> list[DerivedFile]:
    """Feeds, sitemap.xml, robots.txt and citation downloads, to be built by the renderers."""
    # What the sitemap shows, for its fingerprint: every page's URL and date.
    listed = [f"{a.permalink} {a.lastmod or a.date}" for a in (*site.articles, *site.pages)]
    listed += [f"{t.plural}/{term.slug}" for t in site.taxonomies for term in t.terms]
    listed += [section.url for section in site.sections]
    return [*site_feeds(site, config),
            DerivedFile("sitemap.xml", partial(sitemap, site, config), extra="\n".join(listed)),
            DerivedFile("robots.txt", partial(robots, config)),
            *citation_files(site, config, pages)]


def sitemap(site: SiteView, config: Config) -> bytes:
    """Every indexable page: articles with their last change, then lists."""
    root = ET.Element("urlset", xmlns=SITEMAP_NS)
    entries: list[tuple[str, str]] = [(absolute(config, "/"), "")]
    for article in (*site.articles, *site.pages):
        changed = article.lastmod or article.date
        entries.append((article.permalink, changed.strftime("%Y-%m-%d") if changed else ""))
    for taxonomy in site.taxonomies:
        entries.append((absolute(config, f"/{taxonomy.plural}/"), ""))
        entries.extend((absolute(config, f"/{taxonomy.plural}/{t.slug}/"), "") for t in taxonomy.terms)
    for section in site.sections:
        entries.append((absolute(config, "/" + section.url[len(config.base_path):]), ""))
    entries.append((absolute(config, "/archive/"), ""))
    for location, lastmod in entries:
        url = ET.SubElement(root, "url")
        ET.SubElement(url, "loc").text = location
        if lastmod:
            ET.SubElement(url, "lastmod").text = lastmod
    return xml_document(root)


def robots(config: Config) -> bytes:
    return f"User-agent: *\nAllow: /\n\nSitemap: {absolute(config, '/sitemap.xml')}\n".encode()
