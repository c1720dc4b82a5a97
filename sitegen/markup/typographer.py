"""Goldmark's typographer (Hugo's default): quotes, dashes and ellipses, as Goldmark decides.

Goldmark decides a straight quote's side from the characters around it in the source
(CommonMark's left- and right-flanking rules), with its special cases (``'90s``,
``'tis``, ``Alice's``, ``rock 'n' roll``), and converts a closing quote only while one is
open in the same block. So ``说"这是"`` keeps its straight quotes: a quote between two
letters opens and closes at once. The output is Goldmark's entities (``&ldquo;``,
``&rsquo;``, ``&mdash;``...), not the characters, because Hugo counts a word holding a
non-ASCII character by its characters, entity letters included.

Python-Markdown has built the tree when this runs, so the source is rebuilt per block as
a flat text in which every inline element's edge stands for the punctuation that wrote it
(``*``, ``[``, a backtick): what Goldmark sees there.
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as etree

from markdown import Markdown
from markdown.inlinepatterns import InlineProcessor
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

# Private-use characters stand for the entities until the HTML is written.
ENTITIES = {"\ue0a0": "&lsquo;", "\ue0a1": "&rsquo;", "\ue0a2": "&ldquo;", "\ue0a3": "&rdquo;",
            "\ue0a4": "&ndash;", "\ue0a5": "&mdash;", "\ue0a6": "&hellip;", "\ue0a7": "&laquo;",
            "\ue0a8": "&raquo;"}
CHARACTERS = {"\ue0a0": "\u2018", "\ue0a1": "\u2019", "\ue0a2": "\u201c", "\ue0a3": "\u201d",
              "\ue0a4": "\u2013", "\ue0a5": "\u2014", "\ue0a6": "\u2026", "\ue0a7": "\u00ab",
              "\ue0a8": "\u00bb"}
LSQUO, RSQUO, LDQUO, RDQUO, NDASH, MDASH, HELLIP, LAQUO, RAQUO = ENTITIES
EDGE = "\x01"  # an inline element's edge in the flat text: punctuation, like its markup
GONE = "\ue0af"  # pads a mark that replaced several characters, so positions stay put
_PLACEHOLDER_RE = re.compile("\x02[^\x03]*\x03")  # Python-Markdown's stashed HTML
_MARKS_RE = re.compile("[\ue0a0-\ue0a8]")
_MAY_MARK_RE = re.compile("[-.<>'\"]")  # the only characters a mark starts with
_AHEAD = 5  # a rule looks at most four characters past the mark's first
SKIPPED = frozenset({"code", "pre", "kbd", "samp", "script", "style", "math", "svg"})
BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd",
                    "blockquote", "div", "figcaption", "caption", "summary", "details", "ul", "ol",
                    "dl", "table", "thead", "tbody", "tr", "section", "aside", "figure"})


def _space(char: str) -> bool:
    return char in "\n\t\v\f\r " or (char != EDGE and char.isspace())


def _punct_or_symbol(char: str) -> bool:
    """Goldmark's IsPunctRune: Unicode punctuation or symbol (an element's edge too)."""
    return char == EDGE or unicodedata.category(char)[0] in "PS"


def _punct(char: str) -> bool:
    """Go's unicode.IsPunct: punctuation categories only."""
    return char == EDGE or unicodedata.category(char)[0] == "P"


def _ascii_punct(char: str) -> bool:
    return char == EDGE or (char.isascii() and not char.isalnum() and not char.isspace() and char.isprintable())


def flanking(before: str, after: str) -> tuple[bool, bool]:
    """(left-flanking, right-flanking) of a delimiter between `before` and `after` (CommonMark)."""
    before_space, after_space = _space(before), _space(after)
    before_punct, after_punct = _punct_or_symbol(before), _punct_or_symbol(after)
    left = not after_space and (not after_punct or before_space or before_punct)
    right = not before_space and (not before_punct or after_space or after_punct)
    return left, right


class _Scanner:
    """One block's flat text, scanned as Goldmark's typographer parser scans it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.single = 0  # quotes opened and not yet closed in this block
        self.double = 0

    def run(self) -> str:
        """The text with marks in place; as long as the text (GONE pads a mark for "---").

        Only the characters that can start a mark are looked at, each with the few that
        follow it on its line: scanning every character, with the rest of its line cut
        out for each, made the typographer a quarter of a cold build's CPU and quadratic
        in a paragraph's length."""
        out: list[str] = []
        text, done = self.text, 0
        for found in _MAY_MARK_RE.finditer(text):
            index = found.start()
            if index < done:
                continue  # inside a mark already written ("---", "...")
            replaced, size = self.at(index)
            if replaced:
                out.append(text[done:index] + replaced + GONE * (size - 1))
                done = index + size
        out.append(text[done:])
        return "".join(out)

    def line(self, index: int) -> str:
        """The next characters from `index` up to its line's end (the newline kept): no
        rule looks more than four characters ahead."""
        window = self.text[index:index + _AHEAD]
        end = window.find("\n")
        return window if end < 0 else window[:end + 1]

    def at(self, index: int) -> tuple[str, int]:
        line = self.line(index)
        char = line[0]
        if len(line) > 2 and line.startswith("---"):
            return MDASH, 3
        if char == ".":
            return (HELLIP, 3) if len(line) > 2 and line.startswith("...") else ("", 1)
        if len(line) > 1:
            for pair, mark in (("<<", LAQUO), (">>", RAQUO), ("--", NDASH)):
                if line.startswith(pair):
                    return mark, 2
        if char in "'\"":
            before = self.text[index - 1] if index else "\n"
            return self.quote(char, before, line), 1
        return "", 1

    def quote(self, char: str, before: str, line: str) -> str:
        after = line[1] if len(line) > 1 else " "
        can_open, can_close = flanking(before, after)
        if not can_open and not can_close:
            return ""
        return self.single_quote(before, line, can_open, can_close) if char == "'" else \
            self.double_quote(before, line, can_open, can_close)

    def single_quote(self, before: str, line: str, can_open: bool, can_close: bool) -> str:
        apostrophe = self.apostrophe(before, line, can_open, can_close)
        if apostrophe:
            return apostrophe
        if can_open and not can_close:
            mark = LSQUO
            if len(line) > 1 and line[1] in "smtd" and (len(line) < 3 or _ascii_punct(line[2]) or
                                                        line[2] in " \t\n\r\v\f"):
                mark = RSQUO  # Alice's, I'm, don't, you'd
            if len(line) > 2 and line[1:3] in ("ve", "ll", "re") and (
                    len(line) < 4 or _ascii_punct(line[3]) or line[3] in " \t\n\r\v\f"):
                mark = RSQUO  # I've, I'll, you're
            self.single += mark == LSQUO
            return mark
        if len(line) > 2 and not unicodedata.category(line[1]).startswith("Nd"):
            return RSQUO  # Smiths', doin' (Goldmark: any quote with two more characters)
        if self.single > 0 and self.closes(line, can_open, can_close):
            self.single -= 1
            return RSQUO
        return ""

    @staticmethod
    def apostrophe(before: str, line: str, can_open: bool, can_close: bool) -> str:
        if (can_open and not can_close and len(line) > 3 and line[1].isascii() and line[1].isdigit()
                and line[2].isascii() and line[2].isdigit() and line[3] == "s"):
            after = line[4] if len(line) > 4 else " "
            if _space(after) or _punct_or_symbol(after):
                return RSQUO  # '90s
        if len(line) > 1 and (_punct(before) or _space(before)) and line[1] in "tenl":
            return RSQUO  # 'twas, 'em, 'net
        before_kind = unicodedata.category(before)
        if len(line) > 1 and (before_kind == "Nd" or before_kind[0] == "L") and \
                unicodedata.category(line[1])[0] == "L":
            return RSQUO  # between a letter (or digit) and a letter
        return ""

    def double_quote(self, before: str, line: str, can_open: bool, can_close: bool) -> str:
        if can_open and not can_close:
            self.double += 1
            return LDQUO
        if self.double > 0 and self.closes(line, can_open, can_close):
            if len(line) > 1 and line[1] == '"' and unicodedata.category(before) == "Nd":
                return ""  # "Monitor 21""
            self.double -= 1
            return RDQUO
        return ""

    @staticmethod
    def closes(line: str, can_open: bool, can_close: bool) -> bool:
        maybe = (can_close and can_open and len(line) > 1 and _punct(line[1]) and
                 (len(line) == 2 or (len(line) > 2 and (_ascii_punct(line[2]) or line[2] in " \t\n\r\v\f"))))
        return (can_close and not can_open) or maybe


class TypographerTreeprocessor(Treeprocessor):
    """Rewrite each block's text runs with the scanner; skip code, scripts and raw HTML."""

    def run(self, root: etree.Element) -> None:
        self._block(root)

    def _block(self, block: etree.Element) -> None:
        segments: list[tuple[etree.Element, str] | None] = []  # None: an element's edge
        self._collect(block, segments, top=True)
        self._rewrite(segments)

    def _collect(self, element: etree.Element, segments: list[tuple[etree.Element, str] | None],
                 top: bool = True) -> None:
        if element.text:
            segments.append((element, "text"))
        for child in element:
            if child.tag in BLOCKS:
                self._block(child)
                segments.append(None)
            elif child.tag in SKIPPED or not isinstance(child.tag, str):
                segments.append(None)
            else:
                segments.append(None)
                self._collect(child, segments, top=False)
                segments.append(None)
            if child.tail:
                segments.append((child, "tail"))

    def _rewrite(self, segments: list[tuple[etree.Element, str] | None]) -> None:
        pieces: list[tuple[etree.Element, str, list[str]] | None] = []
        flat: list[str] = []
        for segment in segments:
            if segment is None:
                flat.append(EDGE)
                pieces.append(None)
                continue
            owner, attr = segment
            parts = _PLACEHOLDER_RE.split(getattr(owner, attr))
            pieces.append((owner, attr, parts))
            flat.append(EDGE.join(parts))
        result = _Scanner("".join(flat) + "\n").run()  # a block's last line ends, as in the source
        position = 0
        for piece in pieces:
            if piece is None:
                position += 1
                continue
            owner, attr, parts = piece
            original = getattr(owner, attr)
            holders = _PLACEHOLDER_RE.findall(original)
            new_parts = []
            for part in parts:
                new_parts.append(result[position:position + len(part)].replace(GONE, ""))
                position += len(part) + 1
            position -= 1
            setattr(owner, attr, "".join(p + (holders[i] if i < len(holders) else "")
                                         for i, p in enumerate(new_parts)))


class EntityPostprocessor(Postprocessor):
    """Write the marks as Goldmark's entities; headings' texts and the table of contents get
    the characters (they are text, or escaped again)."""

    def run(self, text: str) -> str:
        toc = getattr(self.md, "toc", "")
        if toc and _MARKS_RE.search(toc):
            self.md.toc = _MARKS_RE.sub(lambda m: ENTITIES[m.group(0)], toc)  # type: ignore[attr-defined]
        collector = getattr(self.md, "body_collector", None)
        if collector is not None:
            collector.headings = [(level, ident, unmark(title)) for level, ident, title in collector.headings]
        return _MARKS_RE.sub(lambda m: ENTITIES[m.group(0)], text)


def unmark(text: str) -> str:
    """The characters for the marks (a heading's plain text)."""
    return _MARKS_RE.sub(lambda m: CHARACTERS[m.group(0)], text)


class _AngleQuotes(InlineProcessor):
    """``<<`` and ``>>`` before raw HTML is looked for, as Goldmark's typographer takes them
    first (``<<angles>>`` is «angles», not a tag)."""

    def handleMatch(self, m: re.Match[str], data: str) -> tuple[str, int, int]:  # type: ignore[override]
        return (LAQUO if m.group(0) == "<<" else RAQUO), m.start(0), m.end(0)


def install(md: Markdown) -> None:
    md.inlinePatterns.register(_AngleQuotes(r"<<|>>", md), "angle_quotes", 95)
    md.treeprocessors.register(TypographerTreeprocessor(md), "typographer", 6)
    md.postprocessors.register(EntityPostprocessor(md), "typographer_entities", 5)
