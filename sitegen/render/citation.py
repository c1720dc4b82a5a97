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

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any, NamedTuple, overload
from urllib.parse import urlsplit

import jinja2

from sitegen.cite import exports, meta, styles
from sitegen.cite.locations import article_links
from sitegen.cite.record import csl_record
from sitegen.cite.texts import CitationTexts, Texts, record_digest
from sitegen.site.model import Article, SiteView

_CJK_BRACKETS = ("ja", "zh", "ko")


class Formatted(NamedTuple):
    key: str  # "apa", "chicago", "mla"
    label: str
    text: str


class FormattedStyles(Sequence[Formatted]):
    """The bibliography entries, APA first, each formatted by citeproc the first time it is
    read: a term page shows only APA for each article it lists, and formatting all three
    styles there made term pages cost as much citeproc time as the article pages."""

    def __init__(self, record: dict, known: Texts | None = None) -> None:
        self._record = record
        self._known = known  # the texts the build formatted before rendering (cite/texts.py)
        self._done: dict[int, Formatted] = {}

    def __len__(self) -> int:
        return len(styles.STYLES)

    @overload
    def __getitem__(self, index: int) -> Formatted: ...

    @overload
    def __getitem__(self, index: slice) -> tuple[Formatted, ...]: ...

    def __getitem__(self, index: int | slice) -> Formatted | tuple[Formatted, ...]:
        if isinstance(index, slice):
            return tuple(self[number] for number in range(len(self))[index])
        style = styles.STYLES[index]  # IndexError past the end, which ends a for loop
        number = index % len(self)
        if number not in self._done:
            text = self._known[number] if self._known is not None else \
                styles.bibliography_entry(self._record, style.csl)
            self._done[number] = Formatted(style.key, style.label, text)
        return self._done[number]


class ArticleCitation:
    """What an article page shows and embeds about citing it; what costs a citeproc run
    (the entries, the note) is made when a template first reads it."""

    def __init__(self, article: Article, site: SiteView, texts: CitationTexts | None = None) -> None:
        self.record: dict = csl_record(article, site)
        self._known = texts.get(record_digest(self.record)) if texts is not None else None
        self.styles = FormattedStyles(self.record, self._known)  # bibliography entries, APA first
        self.coins = exports.coins(self.record, urlsplit(site.base_url).hostname or "")  # not yet escaped
        self.links: dict[str, str] = article_links(article)  # "bib"/"ris"/"json" -> URL

    @cached_property
    def note(self) -> str:
        """Chicago's first full note."""
        if self._known is not None:
            return self._known[-1]
        return styles.note(self.record, next(s.csl for s in styles.STYLES if s.key == "chicago"))

    @cached_property
    def bibtex(self) -> str:
        return exports.bibtex(self.record)

    @cached_property
    def tags(self) -> tuple[tuple[str, str], ...]:
        """(meta name, content)."""
        return tuple(meta.citation_tags(self.record))


def citation(article: Article, site: SiteView, texts: CitationTexts | None = None) -> ArticleCitation:
    return ArticleCitation(article, site, texts)


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


def _citation_of(texts: CitationTexts | None) -> Callable[..., ArticleCitation]:
    """The templates' citation(), reading the texts the build formatted (`texts`)."""

    @jinja2.pass_context
    def citation_in(context: jinja2.runtime.Context, article: Article) -> ArticleCitation:
        """citation(), made once for an article page that shows it in its head and its body
        (every style is a citeproc run: the largest part of rendering an article)."""
        site = context["site"]
        memo = context.environment.globals.get("cached")
        if hasattr(memo, "recent"):
            return memo.recent((article, site), lambda: citation(article, site, texts))
        return citation(article, site, texts)
    return citation_in


@jinja2.pass_context
def _apa_citation_in(context: jinja2.runtime.Context, article: Article) -> str:
    return apa_citation(article, context["site"])


@jinja2.pass_context
def _bibtex_in(context: jinja2.runtime.Context, article: Article) -> str:
    return bibtex(article, context["site"])


def template_globals(texts: CitationTexts | None = None) -> dict[str, Any]:
    """The citation functions templates call, registered by templates.make_environment;
    `texts`: the build's formatted citations (cite/texts.py), filled before pages render."""
    return {"citation": _citation_of(texts), "apa_citation": _apa_citation_in,
            "bibtex": _bibtex_in, "quote_title": quote_title}
