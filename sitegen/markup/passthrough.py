"""Passthrough blocks (markdown.passthrough_blocks): math that Markdown must not touch.

Hugo's passthrough extension (``markup.goldmark.extensions.passthrough``) leaves the text
between a pair of block delimiters (``$$`` and ``$$``, ``\\[`` and ``\\]``) as written, for
a script such as KaTeX or MathJax to typeset: no emphasis made of its ``*`` and ``_``, no
``\\`` escapes taken, no paragraph around it, and no newline after it (Goldmark writes
none, so Hugo's word count joins the block's last word to the next block's first; text
on the very next line starts a paragraph with a newline). Lines after the first keep
their indentation, as Goldmark keeps it.

A block starts on a line of its own, after a blank line (or at the start), indented at
most three spaces (more within a list item), with the opening delimiter, and ends at the
first line that ends with the closing delimiter; one without an end is left to Markdown.
Fenced code was stashed by then (the preprocessor runs after superfences'), so a delimiter
in code is code. The text is escaped unless the site keeps raw HTML (markdown.unsafe):
content is untrusted.

Inline delimiters (``\\(`` ``\\)``) are not read yet: Markdown converts them as text.
"""

from __future__ import annotations

import html
import re

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from sitegen.markup.markers import PASSTHROUGH_CLOSE, PASSTHROUGH_OPEN

_MARKER_RE = re.compile(f"(?:<p>)?{PASSTHROUGH_OPEN}([0-9]+){PASSTHROUGH_CLOSE}(?:</p>)?\n?")


def delimiter_pairs(settings: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """``("$$ $$", "\\[ \\]")`` as pairs; an entry that is not two delimiters is skipped."""
    pairs = [tuple(entry.split()) for entry in settings]
    return tuple((pair[0], pair[1]) for pair in pairs if len(pair) == 2)


class _Blocks(Preprocessor):
    def __init__(self, md: Markdown, pairs: tuple[tuple[str, str], ...]) -> None:
        super().__init__(md)
        self.pairs = pairs
        self.texts: list[str] = []

    def run(self, lines: list[str]) -> list[str]:
        self.texts = []
        out: list[str] = []
        index = 0
        while index < len(lines):
            found = self._block(lines, index) if not out or not out[-1].strip() else None
            if found is None:
                out.append(lines[index])
                index += 1
                continue
            indent, end = found
            text = "\n".join([lines[index][indent:], *lines[index + 1:end + 1]])
            # Text on the next line starts a paragraph at once, which Goldmark begins with a newline.
            followed = end + 1 < len(lines) and bool(lines[end + 1].strip())
            self.texts.append(text + ("\n" if followed else ""))
            out.append(f"{' ' * indent}{PASSTHROUGH_OPEN}{len(self.texts) - 1}{PASSTHROUGH_CLOSE}")
            out += [""] if followed else []
            index = end + 1
        return out

    def _block(self, lines: list[str], start: int) -> tuple[int, int] | None:
        """(indent, last line) of a passthrough block starting at `start`, or None."""
        line = lines[start]
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        for opening, closing in self.pairs:
            if not body.startswith(opening):
                continue
            rest = body[len(opening):].rstrip()
            if rest.endswith(closing) and len(rest) >= len(closing):
                return indent, start
            for end in range(start + 1, len(lines)):
                if lines[end].rstrip().endswith(closing):
                    return indent, end
        return None


class _Restore(Postprocessor):
    """Each marker (and the paragraph Markdown put around it) back to the block's text."""

    def __init__(self, md: Markdown, blocks: _Blocks, unsafe: bool) -> None:
        super().__init__(md)
        self.blocks = blocks
        self.unsafe = unsafe

    def run(self, text: str) -> str:
        if PASSTHROUGH_OPEN not in text:
            return text
        texts = self.blocks.texts

        def restore(match: re.Match[str]) -> str:
            raw = texts[int(match.group(1))] if int(match.group(1)) < len(texts) else ""
            return raw if self.unsafe else html.escape(raw, quote=False)

        return _MARKER_RE.sub(restore, text)


class PassthroughExtension(Extension):
    """Leave passthrough blocks as written (see the module docstring)."""

    def __init__(self, pairs: tuple[tuple[str, str], ...], unsafe: bool) -> None:
        super().__init__()
        self.pairs = pairs
        self.unsafe = unsafe

    def extendMarkdown(self, md: Markdown) -> None:
        blocks = _Blocks(md, self.pairs)
        md.preprocessors.register(blocks, "passthrough_blocks", 24)
        md.postprocessors.register(_Restore(md, blocks, self.unsafe), "passthrough_restore", 5)
