"""`check`: a glossary term written in a form the glossary does not know, close to one it does.

"Futemma" for "Futenma", "omoiyari-yosan" for "omoiyari yosan": the article would not get
the term marked, nor be found by a search for its other forms. Each candidate is a run of
as many words as a form has, in the body's text (not in code, shortcodes or URLs, nor
across a comma or a bracket), that does not overlap a form the glossary matches, and that
is either the form with other punctuation or case,
or one letter off it (two, for forms of twelve letters or more), starting with the same
letter and not merely the form with an ending (Futenma's, Trumps).

Only forms in Latin letters are compared: Japanese has no spaces between words, so a
string one character away from 日米安保 is usually another word (日米安全), not a typo.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from sitegen.content.frontmatter import Document
from sitegen.errors import Diagnostic
from sitegen.markup.shortcodes import code_regions
from sitegen.site.glossary import Form, Glossary, GlossaryTerm
from sitegen.site.glossary_marks import matcher

_WORD_RE = re.compile(r"\w[\w.’'&]*")  # "U.S." and "Hatoyama’s" are words; "\*" is not
_BREAKS_RE = re.compile(r"[,;:!?()\[\]“”\"«»「」]")  # no form runs across these
_SHORTCODE_RE = re.compile(r"\{\{[<%].*?[>%]\}\}.*?\{\{[<%]\s*/.*?[>%]\}\}|\{\{[<%].*?[>%]\}\}", re.DOTALL)
_URL_RE = re.compile(r"\]\([^)]*\)|<[^>\s]+>|https?://\S+")
_LOOSE_RE = re.compile(r"[\W_]+")


@dataclass(frozen=True)
class _Known:
    form: Form
    term: GlossaryTerm
    loose: str  # the form in lower case without spaces or punctuation
    words: int


def near_misses(doc: Document, glossary: Glossary) -> list[Diagnostic]:
    """A warning at each place the body writes a near miss of a glossary form."""
    if not glossary:
        return []
    known: dict[str, list[_Known]] = {}  # by first letter: a candidate is compared with few forms
    for term in glossary.terms:
        for form in term.forms:
            loose = _loose(form.text)
            if form.latin and len(loose) >= 5:
                known.setdefault(loose[0], []).append(_Known(form, term, loose, len(_WORD_RE.findall(form.text))))
    text = doc.source.read_text()
    body = _blank_out(text, doc.body_start)
    forms = matcher(glossary).pattern
    problems = []
    lengths = {k.words for items in known.values() for k in items}
    exact = [m.span() for m in forms.finditer(body)]
    for start, end, words, candidate in _candidates(body, lengths):
        overlapping = [(s, e) for s, e in exact if s < end and start < e]
        if any(s <= start and end <= e for s, e in overlapping):
            continue  # part of a form the glossary knows ("Japan security treaty" in "US-Japan ...")
        miss = _closest(candidate, words, known.get(_loose(candidate)[:1], []), typos=not overlapping)
        if miss is not None:
            problems.append(_warning(doc, text, start, candidate, miss, glossary.path))
    return problems


def _blank_out(text: str, body_start: int) -> str:
    """The text with front matter, code, shortcodes and URLs replaced by spaces (offsets kept)."""
    chars = list(" " * body_start + text[body_start:])
    spans = [(m.start(), m.end()) for pattern in (_SHORTCODE_RE, _URL_RE) for m in pattern.finditer(text)]
    for start, end in [*code_regions(text), *spans]:
        for index in range(max(start, body_start), min(end, len(chars))):
            if chars[index] != "\n":
                chars[index] = " "
    return "".join(chars)


def _candidates(body: str, lengths: set[int]) -> Iterator[tuple[int, int, int, str]]:
    """(start, end, words, text) of every run of as many words as some form has, on one line."""
    for line in re.finditer(r"[^\n]+", body):
        words = [(m.start() + line.start(), m.end() + line.start()) for m in _WORD_RE.finditer(line.group())]
        for count in sorted(lengths):
            for first in range(len(words) - count + 1):
                start, end = words[first][0], words[first + count - 1][1]
                text = body[start:end].rstrip(".’'")
                if re.search(r"[A-Za-z]", text) and not _BREAKS_RE.search(text):
                    yield start, start + len(text), count, text


def _closest(candidate: str, words: int, known: list[_Known], typos: bool) -> _Known | None:
    """The form `candidate` nearly is; around a known form ("An Asymmetrical"), only the same
    letters count ("omoiyari-yosan", around "omoiyari"), not a letter off."""
    loose = _loose(candidate)
    for item in known:
        if item.words != words:
            continue
        if loose == item.loose:
            return item  # the form with other spaces, hyphens or capitals
        if not typos or loose.startswith(item.loose) or item.loose.startswith(loose):
            continue
        limit = 2 if len(item.loose) >= 12 else 1
        if abs(len(loose) - len(item.loose)) <= limit and _distance(loose, item.loose, limit) <= limit:
            return item
    return None


def _loose(text: str) -> str:
    return _LOOSE_RE.sub("", text.casefold())


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, stopping early once it exceeds `limit`."""
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _warning(doc: Document, text: str, offset: int, candidate: str, miss: _Known, path: str) -> Diagnostic:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return Diagnostic(doc.source.path, line, column, "warning",
                      f"'{candidate}' is not a form the glossary knows: did you mean '{miss.form.text}'?",
                      f"write '{miss.form.text}', or, if '{candidate}' is a spelling of its own, add it "
                      f"to the forms of '{miss.term.id}' in {path} (line {miss.term.line})")
