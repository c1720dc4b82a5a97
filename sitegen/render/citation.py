"""The "Cite this" block and citation tags, as templates see them.

Everything is made from the article's CSL-JSON record (sitegen/cite/record.py): the APA,
Chicago and MLA text (citeproc-py with the official styles), BibTeX, the COinS span, the
Highwire and Dublin Core tags, and the URLs of the article's .bib/.ris/.json files.
Templates call `citation(article)` once and read its fields; `apa_citation(article)`,
`bibtex(article)` and `quote_title(title, language)` remain for themes that used them.
As in structured.py, `site` comes from the template context and only its scalar settings
(title, author, base_url, language) are read, so pages keep their narrow fingerprints.
"""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import urlsplit

import jinja2

from sitegen.cite import exports, meta, styles
from sitegen.cite.locations import article_links
from sitegen.cite.record import csl_record
from sitegen.site.model import Article, SiteView

_CJK_BRACKETS = ("ja", "zh", "ko")


class Formatted(NamedTuple):
    key: str  # "apa", "chicago", "mla"
    label: str
    text: str


class ArticleCitation(NamedTuple):
    """What an article page shows and embeds about citing it."""

    record: dict
    styles: tuple[Formatted, ...]  # bibliography entries, APA first
    note: str  # Chicago's first full note
    bibtex: str
    coins: str  # the COinS span's title, not yet HTML-escaped
    tags: tuple[tuple[str, str], ...]  # (meta name, content)
    links: dict[str, str]  # "bib"/"ris"/"json" -> URL


def citation(article: Article, site: SiteView) -> ArticleCitation:
    record = csl_record(article, site)
    formatted = tuple(Formatted(s.key, s.label, styles.bibliography_entry(record, s.csl))
                      for s in styles.STYLES)
    chicago = next(s.csl for s in styles.STYLES if s.key == "chicago")
    return ArticleCitation(record, formatted, styles.note(record, chicago), exports.bibtex(record),
                           exports.coins(record, urlsplit(site.base_url).hostname or ""),
                           tuple(meta.citation_tags(record)), article_links(article))


def apa_citation(article: Article, site: SiteView) -> str:
    """The APA 7 reference, plain text."""
    return styles.bibliography_entry(csl_record(article, site), "apa")


def bibtex(article: Article, site: SiteView) -> str:
    return exports.bibtex(csl_record(article, site))


def quote_title(title: str, language: str = "") -> str:
    """Quote a title the way its language does: 「…」 for Japanese, Chinese and Korean, else “…”.

    A CJK title already wrapped in 「」 is left as it is, and one that holds 「」 inside is
    wrapped in 『』, so brackets never double up as 「「…」」.
    """
    title = title.strip()
    if language[:2].lower() not in _CJK_BRACKETS:
        return f"“{title}”"
    if _wrapped(title, "「", "」") or _wrapped(title, "『", "』"):
        return title
    if "「" in title or "」" in title:
        return f"『{title}』"
    return f"「{title}」"


def _wrapped(title: str, opening: str, closing: str) -> bool:
    """Whether the whole title sits inside one pair of brackets (not 「a」は「b」)."""
    if not (title.startswith(opening) and title.endswith(closing)):
        return False
    depth = 0
    for index, char in enumerate(title):
        depth += (char == opening) - (char == closing)
        if depth == 0 and index < len(title) - 1:
            return False
    return True


@jinja2.pass_context
def _citation_in(context: jinja2.runtime.Context, article: Article) -> ArticleCitation:
    """citation(), made once for an article page that shows it in its head and its body
    (every style is a citeproc run: the largest part of rendering an article)."""
    site = context["site"]
    memo = context.environment.globals.get("cached")
    if hasattr(memo, "recent"):
        return memo.recent((article, site), lambda: citation(article, site))
    return citation(article, site)


@jinja2.pass_context
def _apa_citation_in(context: jinja2.runtime.Context, article: Article) -> str:
    return apa_citation(article, context["site"])


@jinja2.pass_context
def _bibtex_in(context: jinja2.runtime.Context, article: Article) -> str:
    return bibtex(article, context["site"])


# Registered by templates.make_environment.
TEMPLATE_GLOBALS = {"citation": _citation_in, "apa_citation": _apa_citation_in,
                    "bibtex": _bibtex_in, "quote_title": quote_title}
