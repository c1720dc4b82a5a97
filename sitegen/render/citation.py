"""Ready-made citations for an article: APA-style text and a BibTeX entry.

Both are built from the front matter alone (authors, date, title, URL and the provenance
of a translated or reprinted piece), so the same article always gets the same citation
and the same BibTeX key (`bell2019security`: first author's family name, year, first
significant word of the title). Templates call `apa_citation(article)`, `bibtex(article)`
and `quote_title(title, language)`, registered as Jinja globals, and print the result as
text (autoescaped). As in structured.py, `site` comes from the template context and only
its scalar settings (title, author) are read, so pages keep their narrow fingerprints.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime

import jinja2

from sitegen.content.frontmatter import Provenance
from sitegen.site.model import Article, SiteView

PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "la", "le"})
STOPWORDS = frozenset({"a", "an", "the", "on", "of", "in", "and", "or", "for", "to", "at", "by",
                       "is", "as", "with", "from", "its", "it", "this", "that"})
LANGUAGES = {"ja": "Japanese", "zh": "Chinese", "ko": "Korean", "en": "English", "fr": "French",
             "de": "German", "es": "Spanish", "ru": "Russian", "vi": "Vietnamese"}
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_CJK_BRACKETS = ("ja", "zh", "ko")
_TRAILING_QUOTES = "’”\"'」』"
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$",
                   "%": r"\%", "&": r"\&", "_": r"\_", "~": r"\textasciitilde{}",
                   "^": r"\textasciicircum{}"}
_BIBTEX_SPECIAL_RE = re.compile(r"[\\{}#$%&_~^]")


# -- names -------------------------------------------------------------------

def split_name(name: str) -> tuple[str, tuple[str, ...]]:
    """(family name, given names) of a personal name: "Corey Bell" -> ("Bell", ("Corey",)).

    "Bell, Corey" is read as family, given. A name without spaces (石破茂, an
    organisation written as one word) is all family name. Particles stay with the
    family name: "Jan van Dijk" -> ("van Dijk", ("Jan",)).
    """
    name = " ".join(name.split())
    if "," in name:
        family_part, given_part = (part.strip() for part in name.split(",", 1))
        return family_part, tuple(given_part.split())
    parts = name.split(" ")
    if len(parts) == 1:
        return name, ()
    family, given = parts[-1], parts[:-1]
    while len(given) > 1 and given[-1].lower() in PARTICLES:
        family = given.pop() + " " + family
    return family, tuple(given)


def initials(given: tuple[str, ...]) -> str:
    """APA initials: ("Ren", "Yi") -> "R. Y.", ("Jean-Paul",) -> "J.-P."."""
    return " ".join("-".join(part[0] + "." for part in word.split("-") if part) for word in given)


def apa_name(name: str, groups: frozenset[str] = frozenset()) -> str:
    """ "Corey Bell" -> "Bell, C."; a one-word name or a group (an organisation) stays whole."""
    if name in groups:
        return name
    family, given = split_name(name)
    return f"{family}, {initials(given)}" if given else family


def apa_names(names: tuple[str, ...], groups: frozenset[str] = frozenset()) -> str:
    """APA author list: "A", "A, & B", "A, B, & C" (up to 20 names)."""
    formatted = [apa_name(name, groups) for name in names]
    if len(formatted) > 20:
        formatted = [*formatted[:19], "…", formatted[-1]]
        return ", ".join(formatted[:-1]) + " " + formatted[-1]
    if len(formatted) <= 1:
        return "".join(formatted)
    return ", ".join(formatted[:-1]) + ", & " + formatted[-1]


# -- APA ---------------------------------------------------------------------

def apa_citation(article: Article, site: SiteView) -> str:
    """An APA-style reference for the article, as plain text.

    Author. (Year, Month Day). Title (T. Translator, Trans.). Site. URL (Original work ...)
    Without an author the title takes the author's place, as APA asks.
    """
    date = _apa_date(article.date)
    title = _end_sentence(article.title + _translator_note(article.provenance))
    if article.authors:
        head = f"{_end_sentence(apa_names(article.authors, group_authors(site)))} ({date}). {title}"
    else:
        head = f"{title} ({date})."
    text = f"{head} {_end_sentence(site.title)} {article.permalink}"
    original = _original_note(article.provenance)
    return f"{text} ({original})" if original else text


def group_authors(site: SiteView) -> frozenset[str]:
    """Names that are not people: the site's own author (its editors), given to unsigned articles."""
    return frozenset({site.author} if site.author else ())


def _apa_date(value: datetime | None) -> str:
    return f"{value.year}, {value.strftime('%B')} {value.day}" if value else "n.d."


def _translator_note(source: Provenance) -> str:
    if not source.translator:
        return ""
    family, given = split_name(source.translator)
    name = f"{initials(given)} {family}" if given else family
    return f" ({name}, Trans.)"


def _original_note(source: Provenance) -> str:
    """ "Original work published 2019 in Asahi Shimbun GLOBE as 「…」", or "" when unknown."""
    parts = []
    if source.original_date:
        parts.append(str(source.original_date.year))
    if source.source_name:
        parts.append(f"in {source.source_name}")
    if source.original_title:
        parts.append(f"as {quote_title(source.original_title, source.original_language)}")
    return "Original work published " + " ".join(parts) if parts else ""


def _end_sentence(text: str) -> str:
    """Add a full stop unless the text already ends a sentence (before closing quotes)."""
    text = text.strip()
    return text if text.rstrip(_TRAILING_QUOTES).endswith((".", "?", "!", "。", "？", "！")) else text + "."


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


# -- BibTeX ------------------------------------------------------------------

def bibtex(article: Article, site: SiteView) -> str:
    """A BibTeX `@misc` entry (BibTeX and biblatex both read it), fields in a fixed order."""
    source = article.provenance
    fields: list[tuple[str, str]] = []
    names = article.authors or ((site.author,) if site.author else ())
    groups = group_authors(site)
    if names:
        fields.append(("author", " and ".join(
            "{" + bibtex_escape(name) + "}" if name in groups else _bibtex_name(name) for name in names)))
    fields.append(("title", "{" + bibtex_escape(article.title) + "}"))
    if article.date:
        fields += [("year", str(article.date.year)), ("month", MONTHS[article.date.month - 1]),
                   ("date", article.date.strftime("%Y-%m-%d"))]
    fields += [("howpublished", bibtex_escape(site.title)), ("url", _bibtex_url(article.permalink))]
    if article.lang:
        fields.append(("language", bibtex_escape(LANGUAGES.get(article.lang[:2], article.lang).lower())))
    if source.translator:
        fields.append(("translator", _bibtex_name(source.translator)))
    if source.original_title:
        fields.append(("origtitle", "{" + bibtex_escape(source.original_title) + "}"))
    translated = source.translator or source.original_language[:2] != (article.lang or site.language)[:2]
    if source.original_language[:2] in LANGUAGES and translated:
        fields.append(("origlanguage", LANGUAGES[source.original_language[:2]].lower()))
    if source.original_date:
        fields.append(("origdate", source.original_date.strftime("%Y-%m-%d")))
    note = _bibtex_note(source)
    if note:
        fields.append(("note", bibtex_escape(note)))
    body = ",\n".join(f"  {key:<12} = {_bibtex_value(key, value)}" for key, value in fields)
    return f"@misc{{{citation_key(article, groups)},\n{body}\n}}\n"


def _bibtex_value(key: str, value: str) -> str:
    return value if key == "month" else "{" + value + "}"


def _bibtex_name(name: str) -> str:
    """ "Corey Bell" -> "Bell, Corey"; a one-word name is braced so BibTeX keeps it whole."""
    family, given = split_name(name)
    if not given or " and " in f" {name.lower()} ":
        return "{" + bibtex_escape(name if given else family) + "}"
    return f"{bibtex_escape(family)}, {bibtex_escape(' '.join(given))}"


def _bibtex_note(source: Provenance) -> str:
    """A sentence for styles that ignore biblatex's translator and orig* fields."""
    clauses: list[str] = []
    quoted = quote_title(source.original_title, source.original_language) if source.original_title else ""
    if source.translator:
        language = LANGUAGES.get(source.original_language[:2], "")
        origin = f" from the {language} {quoted}" if language and quoted else f" from {quoted}" if quoted else ""
        clauses.append(f"Translated by {source.translator}{origin}")
        first = "first published"
    else:
        first = "First published" + (f" as {quoted}" if quoted else "")
    where = f" in {source.source_name}" if source.source_name else ""
    if where or source.original_date or (quoted and not source.translator):
        clauses.append(first + where)
        if source.original_date:
            clauses.append(f"{source.original_date.day} {source.original_date.strftime('%B %Y')}")
    if source.source_url:
        clauses.append(source.source_url)
    return ", ".join(clauses)


def _bibtex_url(url: str) -> str:
    """URLs are copied verbatim by BibTeX and biblatex; only braces would unbalance the entry."""
    return url.replace("{", "%7B").replace("}", "%7D")


def bibtex_escape(text: str) -> str:
    """Escape TeX's special characters; other Unicode is kept (biber and XeTeX read UTF-8)."""
    return _BIBTEX_SPECIAL_RE.sub(lambda match: _BIBTEX_SPECIAL[match.group(0)], " ".join(text.split()))


def citation_key(article: Article, groups: frozenset[str] = frozenset()) -> str:
    """family name + year + first significant title word, ASCII lower case: `bell2019security`.

    A group author (see `group_authors`) leads with its first word. Without an author (or
    with one written only in non-Latin script) the first significant title word leads and
    the second follows the year; without a date the year is `nd`.
    """
    words = [w for w in (_ascii_word(w) for w in re.split(r"[\s\-–—/]+", article.title))
             if w and w not in STOPWORDS]
    family = ""
    if article.authors:
        first = article.authors[0]
        family = _ascii_word(first.split()[0] if first in groups else split_name(first)[0])
    if not family:
        family, words = (words[0], words[1:]) if words else ("anon", words)
    year = str(article.date.year) if article.date else "nd"
    return f"{family}{year}{words[0] if words else ''}"


def _ascii_word(word: str) -> str:
    """Lower-case ASCII letters and digits of a word, accents dropped: "Ōta" -> "ota"."""
    folded = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


@jinja2.pass_context
def _apa_citation_in(context: jinja2.runtime.Context, article: Article) -> str:
    return apa_citation(article, context["site"])


@jinja2.pass_context
def _bibtex_in(context: jinja2.runtime.Context, article: Article) -> str:
    return bibtex(article, context["site"])


# Registered by templates.make_environment.
TEMPLATE_GLOBALS = {"apa_citation": _apa_citation_in, "bibtex": _bibtex_in, "quote_title": quote_title}
