"""Goldmark's (CommonMark's) block rules where Python-Markdown differs, as one preprocessor.

Hugo's Markdown is CommonMark; Python-Markdown predates it. This pass rewrites the source
lines, before any other Markdown processing, so that Python-Markdown builds what Goldmark
would:

- a list may start right after a paragraph line (a bullet, or an ordered list starting
  at 1; CommonMark 5.3), so a blank line is put before it;
- a nested list or continuation is indented relative to its item's text, whatever the
  width (CommonMark 5.2: two spaces after ``- ``, three after ``1. ``): lines inside lists
  are re-indented to Python-Markdown's four spaces per level;
- a fence never closed runs to the end of the document (CommonMark 4.5), so it is closed;
  text right after a closing fence starts a paragraph (a blank line is put before it);
- Hugo's fence attributes ````go {linenos=table,hl_lines=[2]}``` become superfences
  options (``linenums``, ``hl_lines``), and R Markdown chunk headers ````{r setup}```
  become the language ``r`` (Hugo fails on those; blogdown sites have them);
- a top-level heading or rule line is followed by a blank line before the next line, and
  so is an abbreviation or link reference definition followed by another of its kind:
  Python-Markdown takes such a line off its block and re-joins the rest, once per line,
  so a block of thousands of ``# a`` or ``- - -`` lines cost the square of its length.
  A heading or rule ends its block in CommonMark anyway; the only change
  is that a rule followed by ``---`` is two rules, as in CommonMark, where Python-Markdown
  made the first rule the text of a setext heading.

Maintained extensions cover parts of this (mdx_truly_sane_lists, mdx_breakless_lists),
but each fixes one indent width, so a site mixing two- and four-space lists (which
Goldmark reads alike) would break; hence this one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown import Extension, Markdown
from markdown.blockprocessors import HRProcessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

_ITEM_RE = re.compile(r"^(?P<indent> *)(?P<marker>[-+*]|(?P<number>\d{1,9})[.)])(?P<gap> +|$)(?P<rest>.*)$")
_FENCE_RE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_HR_RE = re.compile(r"^ {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$")
_INTERRUPTS_RE = re.compile(r"^ {0,3}(?:#{1,6}(?:\s|$)|>|<|```|~~~)")
_HUGO_ATTRS_RE = re.compile(r"^(?P<lang>[\w+#.-]*)\s*\{(?P<attrs>[^}]*)\}\s*$")
_CHUNK_RE = re.compile(r"^\{\s*(?P<lang>[A-Za-z]\w*)\b[^}]*\}\s*$")
# Lines Python-Markdown's block processors take off the front of a block: its hash heading
# (any '#' at the start of a line), its rule, and a setext underline (under a block's first line).
_PEELED_HEADING_RE = re.compile(r"^#")
_PEELED_RULE_RE = HRProcessor.SEARCH_RE
_UNDERLINE_RE = re.compile(r"^(?:=+|-+)[ ]*$")
# An abbreviation definition with its title on the line (else the title may follow).
_ABBREVIATION_RE = re.compile(r"^[*]\[[^\\]*?\][ ]?:[ ]*\S")
# The start of a link reference definition, with its destination on the line.
_REFERENCE_RE = re.compile(r"^[ ]{0,3}\[[^\[\]]*\]:[ ]*\S")
_DEFINITION_RES = (_ABBREVIATION_RE, _REFERENCE_RE)
_QUOTE_RE = re.compile(r"^ {0,3}>")


@dataclass
class _Item:
    marker_col: int
    content_col: int


# key=value options of a fence or highlight shortcode; a key starts at a word's start, so a
# long word without '=' is tried once, not once per letter.
_OPTION_RE = re.compile(r"(?<!\w)(\w+)\s*=\s*(\[[^\]]*\]|\"[^\"]*\"|[^,\s]+)")
MAX_LINE_NUMBER_DIGITS = 9  # linenostart up to 999,999,999
_UNKNOWN_LENGTH_LIMIT = 100_000  # hl_lines bound when the code's length is not given


@dataclass
class _Fence:
    char: str
    length: int
    old_indent: int
    new_indent: int
    out_index: int  # its opening line in the output, rewritten once its length is known
    opening: str  # that line up to the info string
    info: str
    lines: int = 0


def parse_options(text: str) -> dict[str, str]:
    """Hugo's highlighting options, ``linenos=table, hl_lines=[2, "4-5"]``, as strings."""
    return dict(_OPTION_RE.findall(text))


def fence_info(info: str, line_count: int | None = None, notes: list[str] | None = None,
               title_key: str = "") -> str:
    """Translate a fence's info string: Hugo attributes and R chunk headers to superfences.

    `line_count` (the code's lines) bounds ``hl_lines``: a line past the end of the code
    cannot be highlighted, and ``1-300000000`` must not become 300 million numbers.
    A ``linenostart`` over 9 digits is ignored, with a note added to `notes`. The attribute
    `title_key` names (``{file="layouts/page.html"}``) is shown above the code.
    """
    info = info.strip()
    chunk = _CHUNK_RE.match(info)
    if chunk:
        return chunk.group("lang")
    hugo = _HUGO_ATTRS_RE.match(info)
    if not hugo or hugo.group("attrs").lstrip().startswith((".", "#")):
        return info
    options = parse_options(hugo.group("attrs"))
    parts = [hugo.group("lang")] if hugo.group("lang") else []
    parts += _line_number_options(options.get("linenos", "").strip('"').lower(),
                                  options.get("linenostart", ""), notes)
    lines = line_numbers(options.get("hl_lines", ""), line_count)
    if lines:
        parts.append(f'hl_lines="{" ".join(map(str, lines))}"')
    title = options.get(title_key, "").strip('"').replace('"', "") if title_key else ""
    if title:
        parts.append(f'title="{title}"')
    return " ".join(parts)


def _line_number_options(linenos: str, start: str, notes: list[str] | None) -> list[str]:
    """Hugo's ``linenos`` of one fence as superfences options: ``true`` numbers the lines in
    the site's style, ``table`` and ``inline`` in that style (``linenums_style``, read by
    fences.py), ``false`` not at all, even where every block is numbered (``linenums="0"``)."""
    if linenos == "false":
        return ['linenums="0"']
    if linenos not in ("table", "true", "inline"):
        return []
    numbered = f'linenums="{line_start(start, notes)}"'
    return [numbered] if linenos == "true" else [numbered, f'linenums_style="{linenos}"']


def line_start(value: str, notes: list[str] | None = None) -> int:
    """Hugo's linenostart: a whole number, 1 when absent or unreadable."""
    value = value.strip().strip('"')
    if not value:
        return 1
    if not value.isdigit() or len(value) > MAX_LINE_NUMBER_DIGITS:
        if notes is not None:
            notes.append(f"linenostart={value[:20]}{'...' if len(value) > 20 else ''}")
        return 1
    return max(1, int(value))


def line_numbers(spec: str, line_count: int | None = None) -> list[int]:
    """Hugo's hl_lines ([2], "2 4-5", [2, "4-5"]) as line numbers: [2, 4, 5].

    Only lines 1..`line_count` are kept (every line when it is None); overlapping ranges
    are merged first, so the result is never longer than the code.
    """
    limit = line_count if line_count is not None else _UNKNOWN_LENGTH_LIMIT
    ranges: list[tuple[int, int]] = []
    for start, end in re.findall(r"(\d+)(?:-(\d+))?", spec):
        first = _bounded(start, limit)
        last = _bounded(end or start, limit)
        if first <= last and first <= limit:
            ranges.append((max(first, 1), min(last, limit)))
    numbers: list[int] = []
    for first, last in sorted(ranges):
        first = max(first, numbers[-1] + 1 if numbers else first)
        numbers.extend(range(first, last + 1))
    return numbers


def _bounded(digits: str, limit: int) -> int:
    """The number, or limit + 1 for one too long to be a line (int() of 5,000 digits fails)."""
    return int(digits) if len(digits) <= MAX_LINE_NUMBER_DIGITS else limit + 1


def normalize_blocks(lines: list[str], notes: list[str] | None = None, title_key: str = "") -> list[str]:
    """Rewrite CommonMark block structure into the form Python-Markdown reads the same way.

    `notes` collects the fence options that were ignored (see `fence_info`); `title_key`
    names the fence attribute shown above the code (markdown.code_titles).
    """
    return _Normalizer(notes, title_key).run(lines)


class _Normalizer:
    """One pass over the lines, tracking open list items, an open fence and the last block."""

    def __init__(self, notes: list[str] | None = None, title_key: str = "") -> None:
        self.notes = notes
        self.title_key = title_key
        self.out: list[str] = []
        self.items: list[_Item] = []
        self.fence: _Fence | None = None
        self.previous = "blank"  # blank, paragraph, list, code, html or block
        self.after_blank = True
        self.blank_in_item = False  # a blank line since the current item began
        self.after_fence = False  # the previous line closed a fence
        self.top_kind = ""  # marker of the open top-level list ("-", "*", "+", "." or ")")
        self.quote_end: int | None = None  # where the last blockquote's lines ended in out
        self.depth = 0  # quotes this document is inside
        self.ends_block = False  # the previous line was a heading or rule (see the docstring)
        self.in_quote = False  # a top-level '>' line since the last blank line
        self.after_definition: re.Pattern[str] | None = None  # the kind of definition (abbreviation
        # or link reference) the previous line began, if it did

    def run(self, lines: list[str]) -> list[str]:
        quote: list[str] = []
        for line in lines:
            if self.fence is None and not self.items and (quote or self.previous not in ("paragraph", "html")) \
                    and _QUOTE_PREFIX_RE.match(line):
                quote.append(line)
                continue
            if quote:
                self._flush_quote(quote)
                quote = []
            self._line(line)
        if quote:
            self._flush_quote(quote)
        if self.fence:
            self.out.append(" " * self.fence.new_indent + self.fence.char * self.fence.length)
            self._close_fence()
        return self.out

    def _flush_quote(self, quote: list[str]) -> None:
        """A blockquote's lines, their content normalised as a document of its own (Python-
        Markdown parses a quote's content without running preprocessors again, so a list
        right after a paragraph there would stay text)."""
        if self.depth >= MAX_QUOTE_DEPTH:  # deeper quotes are refused later (MarkdownTooDeep)
            self.out += quote
            self.previous, self.after_blank, self.after_fence = "paragraph", False, False
            return
        nested = _Normalizer(self.notes, self.title_key)
        nested.depth = self.depth + 1
        inner = nested.run([_QUOTE_PREFIX_RE.sub("", line, count=1) for line in quote])
        if self.quote_end is not None and not any(self.out[self.quote_end:]) and self.out:
            # CommonMark: a blank line ends a quote, the next `>` starts another (Python-
            # Markdown would add it to the first); a paragraph Markdown drops keeps them apart.
            self.out += [LIST_BREAK, ""]
        self.out += ["> " + line if line else ">" for line in inner]
        self.quote_end = len(self.out)
        self.previous, self.after_blank, self.after_fence = "paragraph", False, False

    def _line(self, line: str) -> None:
        """One line outside a blockquote."""
        in_fence = self.fence is not None
        if self.fence:
            self._in_fence(line)
        elif not line.strip():
            self.out.append("")
            self.ends_block, self.after_definition, self.in_quote = False, None, False
            self.blank_in_item = bool(self.items)
            if self.previous != "code":
                self.previous = "blank"
        elif self.items:
            self._in_list(line)
        else:
            self._top_level(line)
        self.after_blank = not line.strip()
        if not (in_fence and self.fence is None):  # the closing line itself sets it
            self.after_fence = self.after_fence and not line.strip()

    def _in_fence(self, line: str) -> None:
        fence = self.fence
        assert fence is not None
        indent = _indent(line)
        body = line[min(indent, fence.old_indent):]
        closing = line.strip()
        if (set(closing) == {fence.char} and len(closing) >= fence.length
                and indent - fence.old_indent < 4):
            # The closing fence at the opening's indent: it may be indented up to three spaces.
            self.out.append(" " * fence.new_indent + closing)
            self._close_fence()
            self.after_fence = True  # CommonMark: the next line starts a new block
            return
        self.out.append(" " * fence.new_indent + body if line.strip() else "")
        fence.lines += 1

    def _close_fence(self) -> None:
        """Write the fence's opening line, now that its options can be checked against its
        length."""
        fence = self.fence
        assert fence is not None
        self.out[fence.out_index] = fence.opening + fence_info(fence.info, fence.lines, self.notes, self.title_key)
        self.fence = None

    def _open_fence(self, line: str, old_indent: int, new_indent: int, separate: bool = False) -> bool:
        """Open a fence if `line` starts one (its indent already checked by the caller).

        `separate`: put a blank line before it. A fence interrupts a paragraph in CommonMark;
        Python-Markdown then put the code block inside the paragraph's <p>.
        """
        match = _FENCE_RE.match(line.lstrip(" "))
        if not match or (match.group("fence")[0] == "`" and "`" in match.group("info")):
            return False
        if separate:
            self.out.append("")
        fence = match.group("fence")
        opening = " " * new_indent + fence
        self.fence = _Fence(fence[0], len(fence), old_indent, new_indent, len(self.out), opening,
                            match.group("info"))
        self.out.append(opening)
        self.previous = "block"
        return True

    def _top_level(self, line: str) -> None:
        self._after_fence()
        indent = _indent(line)
        if self.ends_block or (self.after_definition and self.after_definition.match(line)):
            self.out.append("")
            self.previous = "blank"
        self.ends_block, self.after_definition = False, None
        if self.previous == "code" and indent >= 4:
            self.out.append(line)
            return
        if self.previous == "html" and not self.after_blank:
            self.out.append(line)
            return
        item = _ITEM_RE.match(line) if indent < 4 and not _HR_RE.match(line) else None
        if item and (self.previous not in ("paragraph", "html") or _can_interrupt(item)):
            if self.previous not in ("blank", "code", "list"):
                self.out.append("")
            self._start_item(item, depth=0)
            return
        if indent < 4 and self._open_fence(line, indent, indent, separate=self.previous != "blank"):
            return
        self.in_quote = self.in_quote or _QUOTE_RE.match(line) is not None
        if not self.in_quote:  # inside a quote every line may continue it: leave them together
            self.ends_block = self._peeled(line)
            if self.previous != "html":
                self.after_definition = next((kind for kind in _DEFINITION_RES if kind.match(line)), None)
        self.out.append(line)
        if indent >= 4 and self.previous == "blank":
            self.previous = "code"
        elif line.lstrip().startswith("<") and self.previous != "paragraph":
            self.previous = "html"
        elif _INTERRUPTS_RE.match(line) or _HR_RE.match(line) or line.lstrip().startswith("|"):
            self.previous = "block"
        else:
            self.previous = "paragraph"

    def _peeled(self, line: str) -> bool:
        """Whether Python-Markdown takes this line (about to be written) off its block."""
        if _PEELED_HEADING_RE.match(line) or _PEELED_RULE_RE.match(line):
            return True
        first_line = self.previous == "paragraph" and (len(self.out) < 2 or self.out[-2] == "")
        return first_line and _UNDERLINE_RE.match(line) is not None

    def _after_fence(self) -> None:
        """Text right after a closing fence is a paragraph of its own (CommonMark)."""
        if self.after_fence:
            self.out.append("")
            self.after_fence = False
            self.previous = "blank"

    def _in_list(self, line: str) -> None:
        """A line while a list is open: a new item, a continuation, or the list's end.

        Python-Markdown needs a blank line after a fence, and before an item that follows
        a paragraph written after a blank line, where CommonMark needs none.
        """
        indent = _indent(line)
        if self.after_fence or (self.blank_in_item and not self.after_blank
                                and _ITEM_RE.match(line) and not _HR_RE.match(line)):
            self.out.append("")
            self.after_fence = False
        item = _ITEM_RE.match(line) if not _HR_RE.match(line) else None
        if item and indent < self.items[-1].content_col + 4:
            while self.items and self.items[-1].content_col > indent:
                self.items.pop()
            self._start_item(item, depth=len(self.items))
            return
        if self.after_blank or (indent < self.items[-1].content_col
                                and (_INTERRUPTS_RE.match(line) or _HR_RE.match(line))):
            while self.items and self.items[-1].content_col > indent:
                self.items.pop()
            if not self.items:
                if not self.after_blank:
                    self.out.append("")
                self.previous = "blank"
                self._top_level(line)
                return
        top = self.items[-1]
        new_indent = 4 * len(self.items) + max(0, indent - top.content_col)
        if 0 <= indent - top.content_col < 4 and self._open_fence(line, indent, new_indent):
            return
        if not self.after_blank and self.previous == "list":
            self.out.append(line.lstrip(" "))  # a paragraph's continuation: lazy, as CommonMark allows
            return
        self.out.append(" " * new_indent + line.lstrip(" "))
        self.previous = "list"

    def _start_item(self, item: re.Match[str], depth: int) -> None:
        kind = item.group("marker")[-1]  # "-", "*", "+", "." or ")"
        if depth == 0:
            if self.top_kind and kind != self.top_kind and self.previous in ("list", "blank"):
                # CommonMark: another bullet or delimiter starts another list (Python-Markdown
                # would go on with the first); a paragraph Markdown drops ends the first.
                self.out += ["", LIST_BREAK, ""]
            self.top_kind = kind
        indent = len(item.group("indent"))
        gap = len(item.group("gap"))
        marker_end = indent + len(item.group("marker"))
        content_col = marker_end + (gap if 0 < gap <= 4 else 1)
        self.items.append(_Item(indent, content_col))
        self.blank_in_item = False
        self.out.append(" " * (4 * depth) + item.group("marker") + " " + item.group("rest"))
        self.previous = "list"


_QUOTE_PREFIX_RE = re.compile(r"^ {0,3}> ?")
MAX_QUOTE_DEPTH = 100  # as the nesting rule of config/datalimits: no page needs more


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _can_interrupt(item: re.Match[str]) -> bool:
    """CommonMark: only a non-empty bullet or ordered item starting at 1 interrupts a paragraph."""
    if not item.group("rest").strip():
        return False
    number = item.group("number")
    return number is None or int(number) == 1


LIST_BREAK = "SITEGENLISTBREAK"  # a paragraph between two lists, removed from the HTML


class _ListBreaks(Postprocessor):
    def run(self, text: str) -> str:
        return text.replace(f"<p>{LIST_BREAK}</p>\n", "").replace(f"<p>{LIST_BREAK}</p>", "") \
            if LIST_BREAK in text else text


class _GoldmarkBlocks(Preprocessor):
    def __init__(self, md: Markdown, title_key: str = "") -> None:
        super().__init__(md)
        self.notes: list[str] = []  # the last document's ignored fence options
        self.title_key = title_key

    def run(self, lines: list[str]) -> list[str]:
        self.notes = []
        return normalize_blocks(lines, self.notes, self.title_key)


class GoldmarkBlocksExtension(Extension):
    """Register the pass before fenced code and HTML blocks are cut out (priority 27);
    `title_key`: the fence attribute shown above the code (markdown.code_titles)."""

    def __init__(self, title_key: str = "") -> None:
        super().__init__()
        self.title_key = title_key

    def extendMarkdown(self, md: Markdown) -> None:
        md.preprocessors.register(_GoldmarkBlocks(md, self.title_key), "goldmark_blocks", 27)
        md.postprocessors.register(_ListBreaks(md), "goldmark_list_breaks", 6)
