"""Raw HTML blocks as CommonMark (Goldmark) delimits them, replacing Python-Markdown's.

Python-Markdown keeps a ``<div>`` raw until its closing tag, blank lines and Markdown
inside included, so the links and headings written after ``<div>`` and a blank line stay
literal, and with raw HTML omitted the whole block goes, image and all. CommonMark
(4.6) has seven kinds of HTML block, each with its own end: ``<script>``, ``<pre>``,
``<style>`` and ``<textarea>`` run to their closing tag, comments to ``-->``, ``<?`` to
``?>``, declarations to ``>``, CDATA to ``]]>``; a block-level tag (6) or any complete
tag alone on its line (7, which cannot interrupt a paragraph) runs to a blank line. Each
block is stashed whole; what follows is Markdown again.
"""

from __future__ import annotations

import re
from typing import Literal

from markdown import Markdown
from markdown.preprocessors import Preprocessor

from sitegen.markup.markdown_ext import MORE_TOKEN

_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|"
    "dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|h1|h2|h3|h4|h5|h6|"
    "head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|noframes|ol|optgroup|option|"
    "p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul")
_ATTRIBUTE = r"""(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s"'=<>`]+|'[^']*'|"[^"]*"))?)"""
_STARTS = [  # (start, end) of kinds 1 to 5; `None` ends at a blank line
    (re.compile(r"<(?:script|pre|style|textarea)(?:\s|>|$)", re.IGNORECASE),
     re.compile(r"</(?:script|pre|style|textarea)>", re.IGNORECASE)),
    (re.compile(r"<!--"), re.compile(r"-->")),
    (re.compile(r"<\?"), re.compile(r"\?>")),
    (re.compile(r"<![A-Za-z]"), re.compile(r">")),
    (re.compile(r"<!\[CDATA\["), re.compile(r"\]\]>")),
]
_KIND6 = re.compile(rf"</?(?:{_BLOCK_TAGS})(?:\s|/?>|$)", re.IGNORECASE)
_KIND7 = re.compile(rf"(?:<[A-Za-z][A-Za-z0-9-]*{_ATTRIBUTE}*\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$")
_INDENT = re.compile(r"^ {0,3}(?=<)")
_PLACEHOLDER = re.compile("^\x02wzxhzdk:\\d+\x03$")
# After goldmark_blocks (27) has normalised fences, before fenced_code_block (25) cuts them out.
HTML_BLOCK_PRIORITY = 26.0


def html_block_end(line: str, in_paragraph: bool) -> re.Pattern[str] | None | Literal[False]:
    """How the HTML block that `line` starts ends: a pattern (kinds 1-5), None (at a blank
    line, kinds 6 and 7), or False when the line starts no HTML block."""
    if not _INDENT.match(line):
        return False
    text = line.lstrip(" ")
    for start, end in _STARTS:
        if start.match(text):
            return end
    if _KIND6.match(text) or (not in_paragraph and _KIND7.match(text)
                              and not re.match(r"</?(?:script|style|pre|textarea)\b", text, re.IGNORECASE)):
        return None
    return False


class CommonMarkHtmlBlocks(Preprocessor):
    """Stash each HTML block whole, as Python-Markdown's html_block preprocessor stashes its own.

    `blocks` remembers them, so that one made of an inline tag (``<img>`` alone on its line,
    kind 7) is not put in a paragraph when it is written back, as Goldmark does not."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self.blocks: set[str] = set()

    def run(self, lines: list[str]) -> list[str]:
        """Runs before fenced code is cut out, as CommonMark reads a page from the top: a fence
        opened inside an HTML block is part of the block (a ```` ``` ```` under ``<details>``
        before its blank line), and an HTML tag inside a fence is code."""
        self.blocks.clear()  # the last document's are written out by now
        out: list[str] = []
        index = 0
        in_paragraph = False
        while index < len(lines):
            line = lines[index]
            fence = _FENCE.match(line)
            if fence:
                index = _past_fence(lines, index, fence, out)
                in_paragraph = False
                continue
            end = html_block_end(line, in_paragraph) if not _PLACEHOLDER.match(line.strip()) else False
            if end is False:
                out.append(line)
                in_paragraph = bool(line.strip()) and not line.startswith("    ")
                index += 1
                continue
            block, index = self._take(lines, index, end)
            html = "\n".join(block)
            self.blocks.add(html)
            out += ["", self.md.htmlStash.store(html), ""]
            in_paragraph = False
        return out

    @staticmethod
    def _take(lines: list[str], index: int, end: re.Pattern[str] | None) -> tuple[list[str], int]:
        """The block's lines from `index`, and the index after it."""
        block: list[str] = []
        while index < len(lines):
            line = lines[index]
            if end is None and not line.strip():
                after = _more_inside(lines, index)
                if after is None:
                    break
                block.append(MORE_TOKEN)  # <!--more--> written inside the block: it stays there
                index = after
                continue
            block.append(line)
            index += 1
            if end is not None and end.search(line if len(block) > 1 else line.lstrip(" ")[1:]):
                break
        return block, index


_FENCE = re.compile(r"^\s*(`{3,}(?!.*`)|~{3,})")


def _past_fence(lines: list[str], index: int, fence: re.Match[str], out: list[str]) -> int:
    """Copy the fenced code block opened at `index` to `out`, as it is; the index after it
    (the end of the text when it never closes, as in CommonMark)."""
    marker = fence.group(1)
    closing = re.compile(rf"^\s*{re.escape(marker[0])}{{{len(marker)},}}\s*$")
    out.append(lines[index])
    index += 1
    while index < len(lines):
        out.append(lines[index])
        index += 1
        if closing.match(lines[index - 1]):
            break
    return index


def _more_inside(lines: list[str], index: int) -> int | None:
    """Where the block goes on when the blank lines at `index` are only those mark_more put
    around a <!--more--> written inside it (one or two before the token: more means the
    source had a blank line there, which ends the block); None otherwise."""
    blanks = index
    while blanks < len(lines) and not lines[blanks].strip():
        blanks += 1
    if blanks - index > 2 or blanks >= len(lines) or lines[blanks] != MORE_TOKEN:
        return None
    after = blanks + 1
    while after < len(lines) and not lines[after].strip():
        after += 1
    # Two blank lines after the token are mark_more's; a third was the source's, which ends
    # the block: go on at it, so that the block ends there.
    return after if after - blanks - 1 <= 2 else blanks + 1


def install(md: Markdown) -> None:
    """Put this in place of Python-Markdown's (and md_in_html's) html_block preprocessor."""
    if "html_block" in md.preprocessors:
        md.preprocessors.deregister("html_block")
    blocks = CommonMarkHtmlBlocks(md)
    md.preprocessors.register(blocks, "html_block", HTML_BLOCK_PRIORITY)
    writer = md.postprocessors["raw_html"] if "raw_html" in md.postprocessors else None  # noqa: SIM401
    if writer is not None and hasattr(writer, "isblocklevel"):
        is_block = writer.isblocklevel
        writer.isblocklevel = lambda html: html in blocks.blocks or is_block(html)
