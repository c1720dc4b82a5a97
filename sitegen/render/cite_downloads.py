"""The citation files of the site, planned with its other outputs.

Beside each article page: `cite.bib`, `cite.ris` and `cite.json` (CSL-JSON) in the page's
folder (`/2019/slug/cite.bib` for `/2019/slug/`; a page whose URL is a file, `/x.html`,
gets `/x.cite.bib`). Beside each taxonomy term page: `citations.bib` and `citations.ris`
with every article of the term. They are DerivedFiles, so the build's plan, its
incremental fingerprints and its manifest of outputs know them like any feed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from sitegen.cancelling import cancel_point, with_cancel_points
from sitegen.cite.exports import bibtex, csl_json, ris
from sitegen.cite.locations import article_file_base, site_path
from sitegen.cite.record import csl_record
from sitegen.cite.texts import record_digest, text_digest
from sitegen.config.settings import Config
from sitegen.content.urls import output_file
from sitegen.render.templates import DerivedFile
from sitegen.site.model import Article, SiteView, Term


@dataclass(frozen=True)
class Edited:
    """The articles of one language's site edited since its plan was made, found once by
    the caller (build/rebody.py): the record and the downloads made again are only theirs,
    and at 40,000 articles each look through the site's articles for them cost 0.04 s of
    an edit's build."""

    paths: frozenset[str]  # their source paths
    articles: tuple[Article, ...] = ()  # those of site.articles, in its order
    pages: tuple[Article, ...] = ()  # those of site.pages

    @classmethod
    def find(cls, site: SiteView, paths: Collection[str]) -> Edited:
        wanted = frozenset(paths)
        return cls(wanted, tuple(a for a in site.articles if a.source_path in wanted),
                   tuple(a for a in site.pages if a.source_path in wanted))


@dataclass(frozen=True)
class CitationRecords:
    """One language's citation records, by the article's source path, and the digest of
    each record's JSON: what its downloads show. Kept with the plan, so that an edit to
    an article's text makes only that article's record again (build/rebody.py)."""

    records: dict[str, dict[str, Any]]
    shown: dict[str, str]

    @classmethod
    def of(cls, site: SiteView, edited: Edited | None = None,
           before: CitationRecords | None = None) -> CitationRecords:
        """The records of `site`'s articles; with `before`, only those `edited` made again."""
        wanted = edited.paths if edited is not None else None
        records = dict(before.records) if before is not None else {}
        for article in with_cancel_points(edited.articles if edited is not None else site.articles):
            records[article.source_path] = csl_record(article, site)
        shown = dict(before.shown) if before is not None else {}
        # Each record's JSON digested once: a term's fingerprint joins its articles' digests (an
        # article is in several terms, and encoding each term's records again was most of this
        # at 40,000). Digests, not the JSON itself: the plan keeps `extra` for the whole build,
        # and serve for the whole session; the terms' joined JSON was 7 KB per article.
        for path in with_cancel_points(records if wanted is None else wanted & records.keys()):
            shown[path] = record_digest(records[path])
        return cls(records, shown)


def citation_files(site: SiteView, config: Config, outputs: Mapping[str, str] | None = None,
                   cited: CitationRecords | None = None, only: Edited | None = None) -> list[DerivedFile]:
    """Every article's and every term's citation downloads, from `cited` (made here if not
    given); with `only`, those showing one of its articles.

    `outputs` maps an article's source path to its page's output file (the route's, which
    is safe by construction); without it the page is found from the article's URL. Each
    file's fingerprint is the records it shows (`extra`), not the articles' bodies: a body
    edit remakes the downloads only when it changes what they say (the abstract).
    """
    cited = cited or CitationRecords.of(site)
    files = []
    for article in only.articles if only is not None else site.articles:
        cancel_point()  # serve's build stops here when a newer edit arrives (sitegen/cancelling.py)
        files += _article_files(article, site, outputs, cited)
    urls = _terms_of(only) if only is not None else set()
    for taxonomy in site.taxonomies:
        for term in taxonomy.terms:
            if only is None or (term.url in urls and any(a.source_path in only.paths for a in term.articles)):
                files += _term_files(taxonomy.plural, term, site, cited)
    return files


def _terms_of(edited: Edited) -> set[str]:
    """The URLs of the terms these articles carry: the only terms whose files can show
    them (looking through every term's articles took 0.2 s of an edit's build at 40,000)."""
    return {ref.url for article in (*edited.articles, *edited.pages) for refs in article.terms.values() for ref in refs}


def _article_files(article: Article, site: SiteView, outputs: Mapping[str, str] | None,
                   cited: CitationRecords) -> list[DerivedFile]:
    """An article's cite.bib, cite.ris and cite.json, beside its page."""
    if article.language and article.language != site.language:
        return []  # listed in this language, its downloads are its own language's
    page = outputs.get(article.source_path) if outputs else None
    base = article_file_base(page or output_file(site_path(article.url, site.base_path)))
    if base is None:
        return []
    record, shown = cited.records[article.source_path], cited.shown[article.source_path]
    return [DerivedFile(f"{base}.{ext}", _Encoded(make, record), extra=shown)
            for ext, make in (("bib", bibtex), ("ris", ris), ("json", _one_json))]


def _term_files(plural: str, term: Term, site: SiteView, cited: CitationRecords) -> list[DerivedFile]:
    """A term's citations.bib and citations.ris, with every article of the term."""
    chosen = [cited.records[a.source_path] for a in term.articles]
    shown = text_digest(" ".join(cited.shown[a.source_path] for a in term.articles))
    base = f"{site.lang_prefix}/{plural}/{term.slug}/citations".lstrip("/")
    return [DerivedFile(f"{base}.{ext}", partial(_joined, chosen, many), extra=shown)
            for ext, many in (("bib", bibtex), ("ris", ris))]


def _one_json(record: dict[str, Any]) -> str:
    return csl_json([record])


class _Encoded:
    """One record written in one format, as a derived file's bytes. A class with slots, not a
    `partial`: a site plans three per article, and a partial with its tuple of arguments
    is 90 bytes larger (10 MB at 40,000 articles)."""

    __slots__ = ("record", "write")

    def __init__(self, write: Callable[[dict[str, Any]], str], record: dict[str, Any]) -> None:
        self.write, self.record = write, record

    def __call__(self) -> bytes:
        return self.write(self.record).encode("utf-8")


def _joined(records: list[dict[str, Any]], write: Callable[[dict[str, Any]], str]) -> bytes:
    separator = "\r\n" if write is ris else "\n"
    return separator.join(write(record) for record in records).encode("utf-8")
