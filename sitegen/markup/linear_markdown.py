"""Python-Markdown's scans that cost the square of a text's length, made linear.

For every backtick run, the library walks character by character to the end of the
paragraph looking for a closing run; for every ``[``, it walks to the end looking for the
matching ``]``. A paragraph of unmatched runs or brackets therefore cost the square of its
length (backtick runs of lengths 1 to 300 in 45 KB: 13 s; 10,000 ``[``: three minutes).
The same holds for a few other scans, each replaced here by one that gives the same result:

- Code spans: a run of N backticks is closed by the next run of exactly N (CommonMark
  6.1, as Goldmark does), found by one regular-expression search; a run with no partner is
  literal text. (The library also paired a run with a shorter one when no equal one
  followed, `` ``a` `` giving a code span, which CommonMark does not; the shortcode masker
  in sitegen/markup/shortcodes.py pairs runs the same way as this.)
- Link text: the next ``]`` when no ``[`` comes before it; else the matching ``]`` from
  an index of every bracket pair of the text, built once per text and reused while the
  text after the bracket is unchanged (within one pattern's pass the library only
  rewrites the text before the position it has reached).
- Link destination and title: the library's own scan, given the text only up to the 32nd
  parenthesis or quote after the opening one: ``[a](`` repeated walked to the end each
  time. A destination with a title holding more than 32 of them is not a link (a long
  ``data:`` URL has none, and stays one).
- Abbreviations: the library matches one alternation of every defined abbreviation at
  every word, so 4,000 definitions cost 4,000 tries per word; the same expression is built
  as a tree of shared prefixes, which tries one branch per character.
- Footnotes: the n-th reference to one footnote tried n ids before finding a free one,
  and each reference looked its footnote up in a list; a free id is now searched from the
  last one given, and the list keeps an index.
- Attribute lists at the end of a heading or table cell: ``[ ]+{...}$`` was tried from
  every space and read to the end of the line each time; now only where a run of spaces
  before a ``{`` begins, and only where the text after it can match (`_HeaderAttributes`).
"""

from __future__ import annotations

import re
import types
import xml.etree.ElementTree as etree
from functools import lru_cache
from typing import Any

from markdown import Extension, Markdown
from markdown.extensions.abbr import AbbrTreeprocessor
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.footnotes import RE_REF_ID, FootnoteExtension
from markdown.inlinepatterns import BACKTICK_RE, BacktickInlineProcessor, LinkInlineProcessor

_BRACKET_RE = re.compile(r"[\[\]]")
_LINK_SPECIAL_RE = re.compile(r"""[()'"]""")
_LINK_SPECIALS = 32  # parentheses and quotes a link's destination and title may hold
_LINK_PATTERNS = ("link", "image_link", "reference", "image_reference", "short_reference",
                  "short_image_ref")


@lru_cache(maxsize=64)
def _closing_run(length: int) -> re.Pattern[str]:
    """A run of exactly `length` backticks (not part of a longer run)."""
    return re.compile(rf"(?<!`)`{{{length}}}(?!`)")


class LinearBacktickProcessor(BacktickInlineProcessor):
    """The library's code span pattern (same expression, so inline pruning still knows it),
    pairing runs as CommonMark does in one search."""

    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:  # type: ignore[override]
        opened = start
        while opened < len(text) and text[opened] == "`":
            opened += 1
        closer = _closing_run(opened - start).search(text, opened)
        return opened, closer.start() if closer else None


class BracketIndex:
    """Where the ``]`` matching a ``[`` is, for the texts of one document."""

    def __init__(self) -> None:
        self.text: str | None = None  # the text indexed
        self.closing: dict[int, int] = {}  # opening -> closing (-1: none), as distances from the end
        self.agreeing: tuple[str | None, int] = (None, 0)  # a text known to end as the indexed one, from

    def find(self, data: str, index: int) -> int | None:
        """Offset of the ``]`` closing the ``[`` just before `index`, or None."""
        close = data.find("]", index)
        if close < 0:
            return None
        if data.find("[", index, close) < 0:  # nothing nested: the usual case
            return close
        return self._indexed(data, index)

    def _indexed(self, data: str, index: int) -> int | None:
        closer = self.closing.get(len(data) - index) if self._agrees(data, index) else None
        if closer is None:  # another text, or this bracket is not one the index has seen
            self._build(data)
            closer = self.closing.get(len(data) - index, -1)
        return len(data) - closer if closer >= 0 else None

    def _agrees(self, data: str, index: int) -> bool:
        """Whether the indexed text ends with `data[index:]` (a pairing depends only on the
        text after the opening bracket)."""
        if self.text is None:
            return False
        known, since = self.agreeing
        if data is self.text or (data is known and index >= since):
            return True
        if self.text.endswith(data[index:]):
            self.agreeing = (data, index)
            return True
        return False

    def _build(self, data: str) -> None:
        size = len(data)
        self.text, self.agreeing, self.closing = data, (None, 0), {}
        open_at: list[int] = []
        for match in _BRACKET_RE.finditer(data):
            if match.group(0) == "[":
                open_at.append(size - match.end())
            elif open_at:
                self.closing[open_at.pop()] = size - match.start()
        self.closing.update(dict.fromkeys(open_at, -1))


def _get_link(self: Any, data: str, index: int) -> tuple[str, str | None, int, bool]:
    """The library's getLink (destination and title in parentheses), on the text up to the
    `_LINK_SPECIALS`-th parenthesis or quote: it walks character by character to the end
    when the parenthesis is never closed."""
    cut = None
    if not data.startswith("(", index):  # not a link: the library says so at once
        return LinkInlineProcessor.getLink(self, data, index)
    for seen, match in enumerate(_LINK_SPECIAL_RE.finditer(data, index)):
        if seen >= _LINK_SPECIALS:
            cut = match.start()
            break
    result: tuple[str, str | None, int, bool] = LinkInlineProcessor.getLink(
        self, data if cut is None else data[:cut], index)
    return result


def _get_text(self: Any, data: str, index: int) -> tuple[str, int, bool]:
    """The library's getText (link text between brackets), from the bracket index."""
    closer = self.md.bracket_index.find(data, index)
    if closer is None:
        return data[index:], len(data), False
    return data[index:closer], closer + 1, True


_RUN_START_RE = re.compile(r"(?<! ) +(?=\{)")
_TRIE_DEPTH = 150  # characters of shared prefix nested as groups; deeper, a plain alternation


def abbreviation_pattern(keys: list[str]) -> str:
    """The library's ``\\b(?:longest|...|short)\\b`` as a prefix tree: at each position the
    longest abbreviation followed by a word boundary matches, as before."""
    trie: dict[str, Any] = {}
    for key in keys:
        node = trie
        for char in key:
            node = node.setdefault(char, {})
        node[""] = {}
    return r"\b" + _node_pattern(trie, 0)


def _node_pattern(node: dict[str, Any], depth: int) -> str:
    if depth >= _TRIE_DEPTH:
        endings = sorted(_endings(node), key=len, reverse=True)
        return "(?:" + "|".join(re.escape(e) + r"\b" for e in endings) + ")"
    branches = []
    for char, child in sorted(node.items()):
        if not char:
            continue
        run = char
        while len(child) == 1 and "" not in child:  # one way on: no group needed
            (next_char, child), = child.items()
            run += next_char
        branches.append(re.escape(run) + _node_pattern(child, depth + len(run)))
    if "" in node:
        branches.append(r"\b")  # last: a longer abbreviation is tried first
    return branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"


def _endings(node: dict[str, Any]) -> list[str]:
    """Every key suffix below `node` ("" when `node` ends a key), without recursion."""
    found: list[str] = []
    stack = [("", node)]
    while stack:
        prefix, current = stack.pop()
        for char, child in current.items():
            if char:
                stack.append((prefix + char, child))
            else:
                found.append(prefix)
    return found


class _TreeAbbreviations(AbbrTreeprocessor):
    """The library's abbreviation processor with the prefix-tree expression."""

    def run(self, root: etree.Element) -> None:
        if not self.abbrs:
            return
        self.RE = re.compile(abbreviation_pattern(list(self.abbrs)))
        self.iter_element(root)


class _HeaderAttributes:
    """Stands in for attr_list's ``HEADER_RE`` (``[ ]+{:?[ ]*([^} ][^\\n]*)}[ ]*$``, searched
    at the end of a heading, term or table cell) with the same first match, found in one pass.

    The library's search tried the expression from every space, and from each it read to
    the end of the line: a heading of many `` {`` cost the square of its length. A match
    must end the text with ``}``, start where a run of spaces before a ``{`` on its last
    line begins, and have a character other than a space or ``}`` after the ``{`` (and an
    optional ``:``); the leftmost such run is the match the library finds.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern

    def search(self, text: str) -> re.Match[str] | None:
        end = len(text) - 1 if text.endswith("\n") else len(text)
        body = text[:end].rstrip(" ")
        if not body.endswith("}"):
            return None
        closing = len(body) - 1
        line_start = text.rfind("\n", 0, end) + 1
        for run in _RUN_START_RE.finditer(text, line_start, closing):
            if _opens(text, run.end(), closing):
                found = self.pattern.match(text, run.start())
                if found:
                    return found
        return None


def _opens(text: str, brace: int, closing: int) -> bool:
    """Whether ``{`` at `brace` begins attributes ending at the ``}`` at `closing`."""
    after = brace + 1
    if after < closing and text[after] == ":":
        return True  # the ':' itself can begin them
    while after < closing and text[after] == " ":
        after += 1
    return after < closing and text[after] != "}"


class _IndexedList(list):
    """A list of distinct strings that finds an item without walking the list."""

    def __init__(self) -> None:
        super().__init__()
        self.positions: dict[str, int] = {}

    def append(self, item: str) -> None:
        self.positions.setdefault(item, len(self))
        super().append(item)

    def __contains__(self, item: object) -> bool:
        return item in self.positions

    def index(self, item: str, *args: Any) -> int:
        if args or item not in self.positions:
            return super().index(item, *args)
        return self.positions[item]


def _unique_ref(self: Any, reference: str, found: bool = False) -> str:
    """FootnoteExtension.unique_ref, continuing from the last id given for `reference`."""
    if not found:
        return reference
    if getattr(self, "_last_refs_of", None) is not self.used_refs:  # a new document
        self._last_refs, self._last_refs_of = {}, self.used_refs
    original = reference
    reference = self._last_refs.get(original, reference)
    separator = self.get_separator()
    while reference in self.used_refs:
        ref, rest = reference.split(separator, 1)
        number = RE_REF_ID.match(ref)
        reference = (f"{number.group(1)}{int(number.group(2)) + 1}{separator}{rest}" if number
                     else f"{ref}2{separator}{rest}")
    self.used_refs.add(reference)
    self._last_refs[original] = reference
    self.found_refs[original] = self.found_refs.get(original, 0) + 1
    return reference


def _linear_footnotes(extension: FootnoteExtension) -> None:
    """Give a footnote extension the unique_ref above and an indexed reference order."""
    library_reset = extension.reset

    def reset() -> None:
        library_reset()
        extension.footnote_order = _IndexedList()

    extension.reset = reset  # type: ignore[method-assign]
    extension.unique_ref = types.MethodType(_unique_ref, extension)  # type: ignore[method-assign]
    extension.footnote_order = _IndexedList()


class LinearMarkdownExtension(Extension):
    """Put the linear scans above in the library's places (load after its extensions)."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.inlinePatterns.register(LinearBacktickProcessor(BACKTICK_RE), "backtick", 190)
        md.bracket_index = BracketIndex()  # type: ignore[attr-defined]
        for name in _LINK_PATTERNS:
            if name in md.inlinePatterns:
                pattern: Any = md.inlinePatterns[name]
                pattern.getText = types.MethodType(_get_text, pattern)
                if isinstance(pattern, LinkInlineProcessor):
                    pattern.getLink = types.MethodType(_get_link, pattern)  # type: ignore[method-assign]
        if "abbr" in md.treeprocessors and type(md.treeprocessors["abbr"]) is AbbrTreeprocessor:
            abbrs = md.treeprocessors["abbr"].abbrs
            md.treeprocessors.register(_TreeAbbreviations(md, abbrs), "abbr", 7)
        if "attr_list" in md.treeprocessors:
            attributes: Any = md.treeprocessors["attr_list"]
            if isinstance(attributes, AttrListTreeprocessor):
                # an instance attribute in place of the class's expression (same `search`)
                attributes.HEADER_RE = _HeaderAttributes(  # type: ignore[misc,assignment]
                    AttrListTreeprocessor.HEADER_RE)
        for extension in md.registeredExtensions:
            if isinstance(extension, FootnoteExtension):
                _linear_footnotes(extension)
        md.registerExtension(self)
        self.md = md

    def reset(self) -> None:
        """Forget the last document's texts."""
        self.md.bracket_index = BracketIndex()  # type: ignore[attr-defined]
