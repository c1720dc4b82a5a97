"""Align an article with its translation block by block, for the side-by-side view.

Both bodies are converted HTML. Their top-level blocks that carry the text (headings,
paragraphs, lists and quotes: ALIGNED) are paired in order; any other block (code, a table,
a figure, footnotes) rides with the aligned block before it. Where the texts diverge (a
paragraph split in two, a note only the translation has), an editor pins the alignment with
an id given to the corresponding block in both files, which Markdown writes as an attribute
list: `{#p-bases}` on the line after a paragraph, list or quote, or after a heading's text.
Any id that is on a block (or inside it) in both texts is such a marker, unless the engine
made it (footnotes, glossary tooltips): markers split both texts into stretches, and each
stretch is paired in order; when a stretch has more blocks on one side, the surplus joins
the stretch's last row, so the next marker still lines up.

Rows are rendered (partials/parallel.html) as a grid, one row element per aligned pair, its
two cells tagged with their language, in reading order: a screen reader reads paragraph 1
in one language, then in the other, then paragraph 2, with every heading at its own level.
Ids inside each cell are prefixed with the cell's language so the two texts' ids never clash.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markupsafe import Markup

ALIGNED = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "p", "ul", "ol", "dl", "blockquote"})
VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"})
ENGINE_IDS = re.compile(r"^(?:fn:|fnref|gloss-|toc-)")  # ids the engine makes, never markers
_ID_RE = re.compile(r"(?<![\w-])id=\"([^\"]*)\"")
_REFERENCE_RE = re.compile(r"(\s(?:id|for|aria-describedby|aria-labelledby|aria-controls|headers)=\")"
                           r"([^\"]*)(\")|(\shref=\"#)([^\"]*)(\")")


@dataclass(frozen=True)
class Unit:
    """One aligned block and the blocks riding with it, as HTML."""

    tag: str  # the aligned block's element: "p", "h2", ...
    html: str
    ids: tuple[str, ...]  # every id inside, in order


@dataclass(frozen=True)
class Row:
    first: tuple[Unit, ...]
    second: tuple[Unit, ...]
    marker: str = ""  # the id that pins this row, if any

    def cell(self, side: int, prefix: str) -> Markup:
        """One cell's HTML (converted Markdown, as safe as the article's own page), its ids
        prefixed so that the two texts' ids never clash."""
        return Markup(prefixed("\n".join(u.html for u in (self.first if side == 0 else self.second)), prefix))


@dataclass(frozen=True)
class Alignment:
    rows: tuple[Row, ...]
    counts: tuple[int, int]  # aligned blocks in each text
    markers: tuple[str, ...]  # the ids that pin rows, in order
    problems: tuple[str, ...] = field(default=())  # what `check` says about it, one sentence each


def units(html: str) -> list[Unit]:
    """The aligned blocks of a body, each with the blocks that ride with it."""
    found: list[tuple[str, str]] = _TopLevel(html).blocks
    result: list[Unit] = []
    pending = ""  # blocks before the first aligned one ride with it
    for tag, block in found:
        if tag in ALIGNED:
            result.append(Unit(tag, (pending + "\n" + block).strip(), ()))
            pending = ""
        elif result:
            last = result[-1]
            result[-1] = Unit(last.tag, last.html + "\n" + block, ())
        else:
            pending += "\n" + block
    if pending.strip():
        result.append(Unit("div", pending.strip(), ()))
    return [Unit(u.tag, u.html, tuple(i for i in _ID_RE.findall(u.html) if not ENGINE_IDS.match(i)))
            for u in result]


def align(first_html: str, second_html: str) -> Alignment:
    """Pair the blocks of two texts, pinned by the markers they share."""
    first, second = units(first_html), units(second_html)
    anchors, problems = _anchors(first, second)
    rows: list[Row] = []
    start_a = start_b = 0
    for index_a, index_b, marker in [*anchors, (len(first), len(second), "")]:
        stretch_a, stretch_b = first[start_a:index_a], second[start_b:index_b]
        rows += _pair(stretch_a, stretch_b)
        if len(stretch_a) != len(stretch_b) and anchors:
            where = f"before marker '{marker}'" if marker else "after the last marker"
            problems.append(f"{where}, the texts have {len(stretch_a)} and {len(stretch_b)} blocks")
        if marker:
            rows.append(Row((first[index_a],), (second[index_b],), marker))
        start_a, start_b = index_a + 1, index_b + 1
    counts = (len(first), len(second))
    if not anchors and counts[0] != counts[1]:
        problems.append(f"the texts have {counts[0]} and {counts[1]} aligned blocks (headings, "
                        "paragraphs, lists and quotes) and no alignment markers")
    return Alignment(tuple(rows), counts, tuple(m for _, _, m in anchors), tuple(problems))


def _anchors(first: list[Unit], second: list[Unit]) -> tuple[list[tuple[int, int, str]], list[str]]:
    """(block in the first text, block in the second, id) of each marker, in an order both
    texts agree on (the longest such run); markers out of that order are problems."""
    where_b = {i: n for n, unit in enumerate(second) for i in unit.ids}
    shared = [(n, where_b[i], i) for n, unit in enumerate(first) for i in unit.ids if i in where_b]
    kept = _longest_increasing(shared)
    dropped = [m for _, _, m in shared if m not in {k[2] for k in kept}]
    problems = [f"marker '{m}' is in a different order in the two texts, so it pins nothing" for m in dropped]
    unique: list[tuple[int, int, str]] = []
    for anchor in kept:  # one marker per block: a block may hold several shared ids
        if not unique or (anchor[0] != unique[-1][0] and anchor[1] != unique[-1][1]):
            unique.append(anchor)
    return unique, problems


def _longest_increasing(items: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The longest run of `items` (sorted by the first text) also in order in the second."""
    best: list[list[tuple[int, int, str]]] = []
    for item in items:
        chains = [c for c in best if c[-1][0] <= item[0] and c[-1][1] <= item[1]]
        best.append(max(chains, key=len, default=[]) + [item])
    return max(best, key=len, default=[])


def _pair(a: list[Unit], b: list[Unit]) -> list[Row]:
    """Pair one stretch in order; the longer side's surplus joins the last row."""
    if not a or not b:
        return [Row((u,), ()) for u in a] + [Row((), (u,)) for u in b]
    shared = min(len(a), len(b))
    rows = [Row((a[n],), (b[n],)) for n in range(shared - 1)]
    rows.append(Row(tuple(a[shared - 1:]), tuple(b[shared - 1:])))
    return rows


def prefixed(html: str, prefix: str) -> str:
    """`html` with every id, and every in-page reference to one, prefixed."""
    def rename(match: re.Match[str]) -> str:
        if match.group(1):
            names = " ".join(prefix + name for name in match.group(2).split())
            return match.group(1) + names + match.group(3)
        return match.group(4) + prefix + match.group(5) + match.group(6)

    return _REFERENCE_RE.sub(rename, html)


class _TopLevel(HTMLParser):
    """Split an HTML fragment into its top-level elements, keeping each one's exact text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self.html = html
        self.starts = [0] + [m.end() for m in re.finditer("\n", html)]
        self.blocks: list[tuple[str, str]] = []
        self.depth, self.tag, self.begin = 0, "", 0
        self.feed(html)
        self.close()
        if self.depth and self.tag:  # an element never closed runs to the end
            self.blocks.append((self.tag, html[self.begin:].strip()))

    def _at(self) -> int:
        line, column = self.getpos()
        return self.starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0:
            self.tag, self.begin = tag, self._at()
            if tag in VOID:
                self.blocks.append((tag, self.get_starttag_text() or ""))
                return
        if tag not in VOID:
            self.depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0:
            self.blocks.append((tag, self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        if self.depth == 0:
            return
        self.depth -= 1
        if self.depth == 0:
            end = self.html.find(">", self._at()) + 1
            self.blocks.append((self.tag, self.html[self.begin:end]))

    def handle_data(self, data: str) -> None:
        if self.depth == 0 and data.strip():
            self.blocks.append(("p", f"<p>{data.strip()}</p>"))  # stray text: a paragraph of its own

    def handle_comment(self, data: str) -> None:
        if self.depth == 0:
            start = self._at()
            self.blocks.append(("#comment", self.html[start:self.html.find("-->", start) + 3]))
