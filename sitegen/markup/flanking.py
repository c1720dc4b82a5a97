"""Emphasis by CommonMark's flanking rules, as Goldmark reads ``*`` and ``_``.

Python-Markdown's delimiter processor decides whether a run of ``*`` can open or close
emphasis from white space alone. CommonMark (and so Goldmark, and Hugo) also looks at
punctuation: ``**作者：**张三`` is not bold, because the closing ``**`` follows a
punctuation mark and precedes a letter; ``**"quoted"**`` is. This swaps each delimiter's
`boundary` test for CommonMark's, with Unicode punctuation and symbols as Goldmark counts
them, and an inline element already made (a link, code) counting as the punctuation that
wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass

from markdown import Markdown

from sitegen.markup.typographer import flanking

_STASHED_EDGES = "\x02\x03"  # Python-Markdown's placeholders for elements already made


@dataclass(frozen=True)
class _Run:
    """What `Delimiter.boundary.match` returns: a run of one delimiter character."""

    begin: int
    finish: int
    lastgroup: str  # "ambiguous", "start" or "end"
    text: str

    def start(self, group: int = 0) -> int:
        return self.begin

    def end(self, group: int = 0) -> int:
        return self.finish

    def group(self, group: int = 0) -> str:
        return self.text


class FlankingBoundary:
    """A delimiter run's role by CommonMark's rules (6.2), for one delimiter character."""

    def __init__(self, token: str) -> None:
        self.token = token

    def match(self, data: str, pos: int) -> _Run | None:
        if pos >= len(data) or data[pos] != self.token or (pos and data[pos - 1] == self.token):
            return None
        end = pos
        while end < len(data) and data[end] == self.token:
            end += 1
        before = _edge(data[pos - 1]) if pos else "\n"
        after = _edge(data[end]) if end < len(data) else "\n"
        left, right = flanking(before, after)
        if self.token == "_":
            from sitegen.markup.typographer import _punct_or_symbol

            can_open = left and (not right or _punct_or_symbol(before))
            can_close = right and (not left or _punct_or_symbol(after))
        else:
            can_open, can_close = left, right
        kind = "ambiguous" if can_open and can_close else "start" if can_open else "end" if can_close else ""
        return _Run(pos, end, kind, data[pos:end]) if kind else None


def _edge(char: str) -> str:
    return "\x01" if char in _STASHED_EDGES else char


def install(md: Markdown) -> None:
    """Give the emphasis delimiters (``*`` and ``_``) CommonMark's boundary rules."""
    try:
        processor = md.inlinePatterns["em_strong"]
    except KeyError:
        return
    for token, delimiter in getattr(processor, "delimiters", {}).items():
        delimiter.boundary = FlankingBoundary(token)
