"""Mark the first use of each glossary term in an article, and list the terms it uses.

The first time an article's text uses a form of a term (outside links, code and headings),
the form becomes a `<dfn>` that keyboard users can focus, described (aria-describedby) by a
tooltip holding the term's other forms and its definition:

    <span class="gloss"><dfn class="gloss-term" tabindex="0" aria-describedby="gloss-futenma">
    Futenma</dfn><span class="gloss-tip" id="gloss-futenma" role="tooltip" data-pagefind-ignore>
    <span class="visually-hidden"> (</span>…forms…: …definition…<span class="visually-hidden">)
    </span></span></span>

The tooltip is plain HTML: CSS shows it on hover and focus, screen readers read it as the
term's description, and without CSS it reads as a parenthesis after the term. No script
is needed to read it (static/js/glossary.js only lets Escape close it). Runs on the body's
final HTML, after the summary and word count were taken, so neither counts the tooltip.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from sitegen.site.glossary import HYPHENS, SPACES, Form, Glossary, GlossaryTerm, form_key

# Text inside these is never marked: links and code would change meaning, headings would
# carry a tooltip into the table of contents, and an abbreviation is already explained.
NOT_MARKED = frozenset({"a", "code", "pre", "kbd", "samp", "script", "style", "h1", "h2", "h3", "h4",
                        "h5", "h6", "dfn", "abbr", "button", "textarea", "select", "svg", "math",
                        "sup", "title", "template"})
NOT_TEXT = frozenset({"code", "pre", "kbd", "samp", "script", "style", "svg", "math", "template"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})
_WORD_END_RE = re.compile(r"\w")


@dataclass(frozen=True)
class Matcher:
    """One regular expression for every form of a glossary, longest forms first."""

    pattern: re.Pattern[str]
    terms: dict[str, GlossaryTerm]  # form_key -> term

    def find(self, text: str) -> Iterable[tuple[int, int, GlossaryTerm]]:
        for match in self.pattern.finditer(text):
            term = self.terms.get(form_key(match.group(0)))
            if term is not None:
                yield match.start(), match.end(), term


_MATCHERS: dict[str, Matcher] = {}


def matcher(glossary: Glossary) -> Matcher:
    """The glossary's matcher, compiled once per process for each glossary's digest."""
    known = _MATCHERS.get(glossary.digest)
    if known is None:
        forms = sorted(((f, t) for t in glossary.terms for f in t.forms), key=lambda ft: -len(ft[0].text))
        alternatives = "|".join(form_pattern(form) for form, _ in forms) or r"(?!x)x"
        known = _MATCHERS[glossary.digest] = Matcher(re.compile(alternatives),
                                                     {form_key(f.text): t for f, t in forms})
    return known


def form_pattern(form: Form) -> str:
    """The regular expression for one form (see glossary.py for what it matches)."""
    body = "".join(SPACES if c == " " else f"[{HYPHENS}]" if c in HYPHENS else re.escape(c)
                   for c in form.text)
    if form.latin and not form.exact_case:
        body = f"(?i:{body})"
    before = r"(?<!\w)" if _WORD_END_RE.match(form.text[0]) and form.text[0].isascii() else ""
    after = r"(?!\w)" if _WORD_END_RE.match(form.text[-1]) and form.text[-1].isascii() else ""
    return before + body + after


class _Texts(HTMLParser):
    """Every run of text of an HTML fragment with its offsets, and whether it may be marked."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.runs: list[tuple[int, str, bool, bool]] = []  # (offset, text, markable, is text)
        self.unmarked = 0  # depth inside NOT_MARKED elements
        self.hidden = 0  # depth inside NOT_TEXT elements
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        self.unmarked += tag in NOT_MARKED
        self.hidden += tag in NOT_TEXT

    def handle_endtag(self, tag: str) -> None:
        if tag in NOT_MARKED and self.unmarked:
            self.unmarked -= 1
        if tag in NOT_TEXT and self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        line, column = self.getpos()
        self.runs.append((self.starts[line - 1] + column, data, not self.unmarked, not self.hidden))


def terms_in_text(texts: Iterable[str], glossary: Glossary) -> list[str]:
    """Ids of the terms plain `texts` (a title, a summary) use, in order of first use."""
    found = matcher(glossary)
    used: dict[str, None] = {}
    for text in texts:
        for _, _, term in found.find(text):
            used.setdefault(term.id)
    return list(used)


def mark_glossary(html: str, glossary: Glossary, lang: str) -> tuple[str, list[str]]:
    """The body with each term's first markable use marked up, and the ids of every term
    the body uses anywhere outside code (headings and links too), in order of first use."""
    if not glossary:
        return html, []
    found = matcher(glossary)
    used: dict[str, None] = {}
    marks: list[tuple[int, int, GlossaryTerm]] = []
    for offset, text, markable, is_text in _Texts(html).runs:
        if not is_text:
            continue
        for start, end, term in found.find(text):
            if markable and term.id not in {t.id for _, _, t in marks}:
                marks.append((offset + start, offset + end, term))
            used.setdefault(term.id)
    pieces, last = [], 0
    for start, end, term in marks:
        pieces += [html[last:start], marked(html[start:end], term, lang)]
        last = end
    pieces.append(html[last:])
    return "".join(pieces), list(used)


def marked(text: str, term: GlossaryTerm, lang: str) -> str:
    """The markup for one use of a term, `text` being its form as the article writes it."""
    others = [f for f in term.first_forms() if form_key(f.text) != form_key(text)]
    forms = " · ".join(f'<span lang="{f.lang}">{escape(f.text, quote=False)}</span>' for f in others)
    def_lang, definition = term.definition(lang)
    tip_id = f"gloss-{term.id}"
    forms = f'<span class="gloss-forms">{forms}</span><span class="gloss-sep">: </span>' if forms else ""
    return (f'<span class="gloss"><dfn class="gloss-term" tabindex="0" aria-describedby="{tip_id}">{text}'
            f'</dfn><span class="gloss-tip" id="{tip_id}" role="tooltip" data-pagefind-ignore>'
            f'<span class="visually-hidden"> (</span>{forms}<span class="gloss-def" lang="{def_lang}">'
            f'{escape(definition, quote=False)}</span><span class="visually-hidden">)</span></span></span>')
