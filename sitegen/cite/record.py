"""The CSL-JSON record of an article: the one source of every citation format.

CSL-JSON is what reference managers (Zotero, Mendeley, citeproc) exchange, so the
formatted styles, BibTeX, RIS, COinS and the `.json` download are all made from this
record and cannot disagree. The record describes the page as published here:

- `author`: who wrote the text: `original_author` for a translation (never the translator);
  else the byline; else the site's own author (its editors) as a group (`literal`);
- `translator`; `original-title`, `original-date`, `original-publisher` (the publication it
  came from) and `language`; the original's URL goes in `note` (CSL has no variable for it);
- the archive as `container-title`, with this page's `URL` and the archive's date (`issued`);
- no `accessed` date: that is the reader's to add when a style wants it.

The item `type` follows the source: `source_type` in front matter (newspaper, magazine,
blog, website, journal) when given; else a piece first published by a named publication is a
newspaper article and the archive's own writing a blog post.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Any

from sitegen.cite.names import csl_name, split_name
from sitegen.site.model import Article, SiteView

SOURCE_TYPES = {"newspaper": "article-newspaper", "magazine": "article-magazine",
                "blog": "post-weblog", "website": "webpage", "webpage": "webpage",
                "journal": "article-journal"}
STOPWORDS = frozenset({"a", "an", "the", "on", "of", "in", "and", "or", "for", "to", "at", "by",
                       "is", "as", "with", "from", "its", "it", "this", "that"})


def csl_record(article: Article, site: SiteView) -> dict[str, Any]:
    """The article's CSL-JSON item; keys in a fixed order, empty values left out."""
    source = article.provenance
    groups = group_authors(site)
    record: dict[str, Any] = {
        "id": citation_key(article, site),
        "type": item_type(article),
        "title": article.title,
        "author": [csl_name(name, groups) for name in author_names(article, site)],
        "translator": [csl_name(source.translator)] if source.translator else [],
        "container-title": site.title,
        "publisher": site.title,
        "URL": article.permalink,
        "issued": csl_date(article.date),
        "language": article.lang or site.language,
        "abstract": article.description,
        "keyword": ", ".join(dict.fromkeys([*article.keywords, *(t.name for t in article.tags)])),
        "original-title": source.original_title,
        "original-date": csl_date(source.original_date),
        "original-publisher": source.source_name,
        "note": f"Original: {source.source_url}" if source.source_url else "",
    }
    if source.original_language and translated(article, site):
        record["original-language"] = source.original_language  # not CSL 1.0.2; Zotero keeps it
    return {key: value for key, value in record.items()
            if key in ("id", "type", "title", "URL") or value not in ("", None, [], {})}


def item_type(article: Article) -> str:
    """CSL type by source: the front matter's `source_type`, else inferred (see the module)."""
    given = article.params.get("source_type")
    if isinstance(given, str) and given.strip().lower() in SOURCE_TYPES:
        return SOURCE_TYPES[given.strip().lower()]
    return "article-newspaper" if article.provenance.source_name else "post-weblog"


def author_names(article: Article, site: SiteView) -> tuple[str, ...]:
    """Who wrote the text. A translation's author is `original_author`; its byline is the
    translator's, so a byline naming only the translator gives no author (title first)."""
    source = article.provenance
    if source.original_author:
        return source.original_author
    if source.translator:
        return tuple(name for name in article.authors if name != source.translator)
    return article.authors or ((site.author,) if site.author else ())


def translated(article: Article, site: SiteView) -> bool:
    """A translator is named, or the original's language differs from the page's."""
    source = article.provenance
    here = (article.lang or site.language)[:2].lower()
    return bool(source.translator) or bool(source.original_language
                                           and source.original_language[:2].lower() != here)


def group_authors(site: SiteView) -> frozenset[str]:
    """Names that are not people: the site's own author (its editors), given to unsigned articles."""
    return frozenset({site.author} if site.author else ())


def csl_date(value: datetime | None) -> dict[str, Any]:
    return {"date-parts": [[value.year, value.month, value.day]]} if value else {}


def citation_key(article: Article, site: SiteView) -> str:
    """family name + year + first significant title word, ASCII lower case: `bell2019security`.

    A group author leads with its first word. Without an author (or with one written only
    in non-Latin script) the first significant title word leads and the second follows the
    year; without a date the year is `nd`.
    """
    words = [w for w in (_ascii_word(w) for w in re.split(r"[\s\-–—/]+", article.title))
             if w and w not in STOPWORDS]
    names = author_names(article, site)
    family = ""
    if names:
        first = names[0]
        family = _ascii_word(first.split()[0] if first in group_authors(site) else split_name(first)[0])
    if not family:
        family, words = (words[0], words[1:]) if words else ("anon", words)
    year = str(article.date.year) if article.date else "nd"
    return f"{family}{year}{words[0] if words else ''}"


def _ascii_word(word: str) -> str:
    """Lower-case ASCII letters and digits of a word, accents dropped: "Ōta" -> "ota"."""
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())
