"""The citation files of the site, planned with its other outputs.

Beside each article page: `cite.bib`, `cite.ris` and `cite.json` (CSL-JSON) in the page's
folder (`/2019/slug/cite.bib` for `/2019/slug/`; a page whose URL is a file, `/x.html`,
gets `/x.cite.bib`). Beside each taxonomy term page: `citations.bib` and `citations.ris`
with every article of the term. They are DerivedFiles, so the build's plan, its
incremental fingerprints and its manifest of outputs know them like any feed.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from sitegen.cite.exports import bibtex, csl_json, ris
from sitegen.cite.locations import article_file_base, site_path
from sitegen.cite.record import csl_record
from sitegen.config.settings import Config
from sitegen.render.templates import DerivedFile
from sitegen.site.model import Article, SiteView


def citation_files(site: SiteView, config: Config) -> list[DerivedFile]:
    """Every article's and every term's citation downloads."""
    files = []
    for article in site.articles:
        base = article_file_base(site_path(article.url, site.base_path))
        for ext, make in (("bib", _article_bib), ("ris", _article_ris), ("json", _article_json)):
            files.append(DerivedFile(f"{base}.{ext}", partial(make, article, site), (article,)))
    for taxonomy in site.taxonomies:
        for term in taxonomy.terms:
            base = f"{taxonomy.plural}/{term.slug}/citations"
            for ext, many in (("bib", bibtex), ("ris", ris)):
                files.append(DerivedFile(f"{base}.{ext}", partial(_joined, term.articles, site, many),
                                         term.articles))
    return files


def _article_bib(article: Article, site: SiteView) -> bytes:
    return bibtex(csl_record(article, site)).encode("utf-8")


def _article_ris(article: Article, site: SiteView) -> bytes:
    return ris(csl_record(article, site)).encode("utf-8")


def _article_json(article: Article, site: SiteView) -> bytes:
    return csl_json([csl_record(article, site)]).encode("utf-8")


def _joined(articles: tuple[Article, ...], site: SiteView,
            write: Callable[[dict], str]) -> bytes:
    separator = "\r\n" if write is ris else "\n"
    return separator.join(write(csl_record(a, site)) for a in articles).encode("utf-8")
