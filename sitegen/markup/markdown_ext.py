"""Our Python-Markdown extension: the Goldmark (Hugo) behaviours no maintained extension has.

- a backslash at the end of a line is a hard line break (CommonMark);
- straight quotes, ``--``, ``---`` and ``...`` become typographic, leaving existing
  curly quotes alone (as Goldmark's typographer) — in one pass over text nodes,
  which costs a fraction of the `smarty` extension's dozen inline patterns;
- raw HTML is replaced by ``<!-- raw HTML omitted -->`` unless the site is unsafe
  (Hugo's default);
- attributes that could run script are removed (event handlers, script URLs in any URL
  attribute or ``srcset``, script-running CSS: sitegen/markup/urlsafety.py), and so are stash
  markers inside attributes, where a shortcode's HTML cannot go;
- headings, links and ids are collected for the table of contents and link checks.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from typing import Any

from markdown import Extension, Markdown
from markdown.inlinepatterns import HtmlInlineProcessor, InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from sitegen.markup.markers import MORE_TOKEN, STASH_OPEN, STASH_RE, drop_stash_tokens
from sitegen.markup.text import dominant_cjk_lang, has_cjk
from sitegen.markup.urlsafety import is_unsafe_attribute

__all__ = ["MORE_TOKEN", "BodyCollector", "HugoCompatExtension", "heading_slug"]
OMITTED_HTML = "<!-- raw HTML omitted -->"
_SKIP_TYPOGRAPHY = {"code", "pre", "kbd", "samp", "script", "style", "math"}


def heading_slug(value: str, separator: str) -> str:
    """Heading ids that keep Unicode letters, like Goldmark's auto heading ids.

    A shortcode's marker in the heading is left out (its output is HTML, not a name).
    """
    value = STASH_RE.sub("", value) if STASH_OPEN in value else value
    value = unicodedata.normalize("NFC", value).strip().lower()
    value = re.sub(r"[^\w\s-]", "", value)
    return re.sub(r"[\s]+", separator, value)


class _BackslashBreak(InlineProcessor):
    # The override is right: types-Markdown gives InlineProcessor the old Pattern's signature.
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # type: ignore[override]  # noqa: N802
        return etree.Element("br"), m.start(0), m.end(0)


_QUOTE_RE = re.compile(r"---|--|\.\.\.|[\"']")
_OPENING_CONTEXT = set(" \t\n([{<\u2014\u2013-/\u00a0\u3000") | {""}


def educate(text: str, previous: str) -> tuple[str, str]:
    """Typographic quotes and dashes in `text`; `previous` is the character before it."""
    if not text:
        return text, previous
    if "'" not in text and '"' not in text and "--" not in text and "..." not in text:
        return text, text[-1]  # most text nodes: four substring checks are cheaper than the search

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "---":
            return "\u2014"
        if token == "--":
            return "\u2013"
        if token == "...":
            return "\u2026"
        start = match.start()
        before = text[start - 1] if start else previous
        after = text[match.end()] if match.end() < len(text) else ""
        opening = before in _OPENING_CONTEXT and after not in ("", " ", "\t", "\n")
        if token == "'":
            if opening and not re.match(r"\d\ds", text[match.end():match.end() + 3]):
                return "\u2018"
            return "\u2019"
        return "\u201c" if opening else "\u201d"

    return _QUOTE_RE.sub(replace, text), text[-1]


class _Typographer(Treeprocessor):
    """Walk text in document order so a quote after an inline element knows its context."""

    def run(self, root: etree.Element) -> None:
        self._previous = ""
        self._walk(root)

    def _walk(self, element: etree.Element) -> None:
        if element.tag in _SKIP_TYPOGRAPHY:
            self._previous = "x"
        else:
            if element.text:
                element.text, self._previous = educate(element.text, self._previous)
            for child in element:
                self._walk(child)
        if element.tail:
            element.tail, self._previous = educate(element.tail, self._previous)


class _RawHtmlMark(Preprocessor):
    """Record the stash size around the HTML block preprocessor to know what it stored."""

    def __init__(self, md: Markdown, marks: list[int]) -> None:
        super().__init__(md)
        self.marks = marks

    def run(self, lines: list[str]) -> list[str]:
        self.marks.append(self.md.htmlStash.html_counter)
        return lines


class _RawHtmlOmitter(Preprocessor):
    """Replace the HTML blocks stashed since the mark with Hugo's omission comment."""

    def __init__(self, md: Markdown, marks: list[int]) -> None:
        super().__init__(md)
        self.marks = marks

    def run(self, lines: list[str]) -> list[str]:
        start = self.marks.pop() if self.marks else 0
        stash = self.md.htmlStash.rawHtmlBlocks
        for index in range(start, len(stash)):
            stash[index] = OMITTED_HTML
        return lines


class _OmitInlineHtml(HtmlInlineProcessor):
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # type: ignore[override]  # noqa: N802
        return self.md.htmlStash.store(OMITTED_HTML), m.start(0), m.end(0)


_LANG_BLOCKS = {"p", "blockquote", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dd", "dt",
                "figcaption", "caption"}


class _LangMarker(Treeprocessor):
    """Mark blocks written mostly in Japanese (or Chinese, Korean) with a lang attribute.

    Browsers pick CJK glyphs, line breaking and screen-reader voices from it.
    """

    def __init__(self, md: Markdown, han_lang: str) -> None:
        super().__init__(md)
        self.han_lang = han_lang

    def run(self, root: etree.Element) -> None:
        if has_cjk("".join(text for element in root.iter() for text in (element.text, element.tail) if text)):
            self._mark(root)  # a document without any CJK character has no block to mark

    def _mark(self, element: etree.Element) -> None:
        for child in element:
            if child.tag in _LANG_BLOCKS and not child.get("lang"):
                lang = dominant_cjk_lang("".join(_texts(child)), self.han_lang)
                if lang:
                    child.set("lang", lang)
                    continue
            self._mark(child)


class BodyCollector(Treeprocessor):
    """Collect headings, links and ids; remove attributes that could run script.

    Attribute lists (``{: onclick=... }``, ``{: srcset=... }``) let a body set any
    attribute on the elements Markdown makes, so every attribute is checked here, after
    the attribute-list and table-of-contents processors have run.
    """

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.reset()

    def reset(self) -> None:
        self.headings: list[tuple[int, str, str]] = []
        self.links: list[str] = []
        self.ids: list[str] = []

    def run(self, root: etree.Element) -> None:
        self.reset()
        for element in root.iter():
            _clean_attributes(element)
            for attr in ("href", "src"):
                value = element.get(attr)
                if value is not None:
                    self.links.append(value)
            if element.get("id"):
                self.ids.append(element.get("id", ""))
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.headings.append((int(element.tag[1]), element.get("id", ""),
                                      "".join(_texts(element)).strip()))


def _clean_attributes(element: etree.Element) -> None:
    """Drop stash markers from attribute values, then every attribute that could run script.

    Markers go first: the value a browser will see is the one checked.
    """
    for name, value in list(element.attrib.items()):
        if not isinstance(value, str):  # attr_list can leave a bare key without a value
            continue
        if STASH_OPEN in value:
            value = drop_stash_tokens(value)
            element.set(name, value)
        if is_unsafe_attribute(name, value):
            del element.attrib[name]


def _texts(element: etree.Element) -> Iterator[str]:
    if element.text:
        yield element.text
    for child in element:
        yield from _texts(child)
        if child.tail:
            yield child.tail


class HugoCompatExtension(Extension):
    """Register the behaviours listed in the module docstring."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "smart_quotes": [True, "typographic quotes and dashes"],
            "unsafe": [False, "keep raw HTML"],
            "cjk_lang": ["ja", "language of text written only in Han characters"],
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.inlinePatterns.register(_BackslashBreak(r"\\\n", md), "backslash_break", 185)
        if self.getConfig("smart_quotes"):
            md.treeprocessors.register(_Typographer(md), "typographer", 6)
        if not self.getConfig("unsafe"):
            marks: list[int] = []
            md.preprocessors.register(_RawHtmlMark(md, marks), "raw_html_mark", 21)
            md.preprocessors.register(_RawHtmlOmitter(md, marks), "raw_html_omit", 19)
            md.inlinePatterns.register(
                _OmitInlineHtml(md.inlinePatterns["html"].pattern, md), "html", 90)
        md.treeprocessors.register(_LangMarker(md, self.getConfig("cjk_lang")), "lang_marker", 3)
        collector = BodyCollector(md)
        md.body_collector = collector  # type: ignore[attr-defined]
        md.treeprocessors.register(collector, "body_collector", 4)
        self._collector = collector
        md.registerExtension(self)  # so that md.reset() calls reset() below

    def reset(self) -> None:
        """Forget the last document's headings, links and ids.

        A blank body never reaches the tree processors, so without this it would report
        those of the document converted before it.
        """
        self._collector.reset()
