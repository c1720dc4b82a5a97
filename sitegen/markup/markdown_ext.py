"""Our Python-Markdown extension: the Goldmark (Hugo) behaviours no maintained extension has.

- a backslash at the end of a line is a hard line break (CommonMark);
- straight quotes, ``--``, ``---`` and ``...`` become typographic as Goldmark's
  typographer makes them (typographer.py), and emphasis follows CommonMark's flanking
  rules (flanking.py);
- raw HTML blocks end where CommonMark ends them (htmlblocks.py), and are replaced by
  ``<!-- raw HTML omitted -->`` unless the site is unsafe (Hugo's default);
- attributes that could run script are removed (event handlers, script URLs in any URL
  attribute or ``srcset``, script-running CSS: sitegen/markup/urlsafety.py), and so are stash
  markers inside attributes, where a shortcode's HTML cannot go;
- bare URLs and addresses become links where Goldmark's linkify makes them, written as
  Goldmark writes them;
- headings, links and ids are collected for the table of contents and link checks.
"""

from __future__ import annotations

import html
import re
import unicodedata
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from typing import Any

from markdown import Extension, Markdown
from markdown.inlinepatterns import HtmlInlineProcessor, InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from sitegen.markup.flanking import install as install_flanking
from sitegen.markup.markers import MORE_TOKEN, STASH_OPEN, STASH_RE, drop_stash_tokens
from sitegen.markup.text import dominant_cjk_lang, han_lang_of, has_cjk
from sitegen.markup.typographer import install as install_typographer
from sitegen.markup.urlsafety import is_unsafe_attribute

__all__ = ["MORE_TOKEN", "BodyCollector", "HugoCompatExtension", "heading_slug"]
OMITTED_HTML = "<!-- raw HTML omitted -->"


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
        text = "".join(text for element in root.iter() for text in (element.text, element.tail) if text)
        if has_cjk(text):  # a document without any CJK character has no block to mark
            self._mark(root, han_lang_of(text, self.han_lang))

    def _mark(self, element: etree.Element, han_lang: str) -> None:
        for child in element:
            if child.tag in _LANG_BLOCKS and not child.get("lang"):
                lang = dominant_cjk_lang("".join(_texts(child)), han_lang)
                if lang:
                    child.set("lang", lang)
                    continue
            self._mark(child, han_lang)


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
            if element.tag == "a":
                plain_autolink(element)
            for attr in ("href", "src"):
                value = element.get(attr)
                if value is not None:
                    self.links.append(value)
            if element.get("id"):
                self.ids.append(element.get("id", ""))
            if element.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.headings.append((int(element.tag[1]), element.get("id", ""),
                                      "".join(_texts(element)).strip()))


EXPLICIT = "data-sitegen-autolink"  # set on <url> and <address> autolinks, removed here
_LINKIFY_AFTER = " \t\n*_~("  # Goldmark links a bare URL or address only after these


class _LinkifyBoundaries(Treeprocessor):
    """A bare URL or e-mail address becomes a link only at a line's start or after a space,
    ``*``, ``_``, ``~`` or ``(``, as Goldmark's linkify makes them (``联系我：a@b.org`` stays
    text); explicit ``<...>`` autolinks always do."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for index, child in reversed(list(enumerate(parent))):
                if child.tag != "a":
                    continue
                if child.get(EXPLICIT) is None and _is_bare(child):
                    before = parent[index - 1].tail if index else parent.text
                    if before and before[-1] not in _LINKIFY_AFTER:
                        _unwrap(parent, index, child)
                        continue
                child.attrib.pop(EXPLICIT, None)


def _is_bare(link: etree.Element) -> bool:
    href, text = link.get("href", ""), link.text or ""
    return len(link) == 0 and bool(text) and (
        href in (text, "http://" + text, "https://" + text, "mailto:" + text) or AMP_SUBSTITUTE in href)


def _unwrap(parent: etree.Element, index: int, link: etree.Element) -> None:
    text = html.unescape((link.text or "").replace(AMP_SUBSTITUTE, "&")) + (link.tail or "")
    if index:
        parent[index - 1].tail = (parent[index - 1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text
    parent.remove(link)


def _mark_explicit(processor: InlineProcessor) -> None:
    """Wrap an autolink processor so the links it makes carry EXPLICIT."""
    handle = processor.handleMatch

    def marked(m: re.Match[str], data: str) -> Any:
        node, start, end = handle(m, data)
        if isinstance(node, etree.Element):
            node.set(EXPLICIT, "")
        return node, start, end

    processor.handleMatch = marked  # type: ignore[method-assign]


def plain_autolink(link: etree.Element) -> None:
    """An e-mail autolink as Goldmark writes it, ``<a href="mailto:x@y.org">x@y.org</a>``
    (Python-Markdown hides the address in character references, which `check` and word
    counts then misread), and a ``www.`` autolink with https://, as Goldmark's."""
    href = link.get("href", "")
    if AMP_SUBSTITUTE in href:
        link.set("href", html.unescape(href.replace(AMP_SUBSTITUTE, "&")))
        if link.text and AMP_SUBSTITUTE in link.text:
            link.text = html.unescape(link.text.replace(AMP_SUBSTITUTE, "&"))
    elif href.startswith("http://www.") and link.text == href[len("http://"):]:
        link.set("href", "https://" + href[len("http://"):])


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

    def extendMarkdown(self, md: Markdown) -> None:
        md.inlinePatterns.register(_BackslashBreak(r"\\\n", md), "backslash_break", 185)
        if self.getConfig("smart_quotes"):
            install_typographer(md)
        install_flanking(md)
        for name in ("autolink", "automail"):
            if name in md.inlinePatterns:
                _mark_explicit(md.inlinePatterns[name])  # type: ignore[arg-type]
        md.treeprocessors.register(_LinkifyBoundaries(md), "linkify_boundaries", 4.5)
        if "indent-highlight" in md.treeprocessors:  # Hugo numbers fenced code only, not indented code
            indented = md.treeprocessors["indent-highlight"]
            indented.config = {**getattr(indented, "config", {}), "linenums": False}  # type: ignore[attr-defined]
        from sitegen.markup.htmlblocks import (  # it imports MORE_TOKEN
            HTML_BLOCK_PRIORITY,
        )
        from sitegen.markup.htmlblocks import (
            install as install_html_blocks,
        )

        install_html_blocks(md)
        if not self.getConfig("unsafe"):
            marks: list[int] = []
            # Just around html_block, so that no fenced code stashed after it is omitted.
            md.preprocessors.register(_RawHtmlMark(md, marks), "raw_html_mark", HTML_BLOCK_PRIORITY + 0.5)
            md.preprocessors.register(_RawHtmlOmitter(md, marks), "raw_html_omit", HTML_BLOCK_PRIORITY - 0.5)
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
