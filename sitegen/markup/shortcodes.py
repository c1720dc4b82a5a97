"""Hugo shortcodes: cut out before Markdown runs, put back after.

``{{< name args >}}inner{{< /name >}}``: the output is raw HTML, kept away from
Markdown behind a stash marker (sitegen/markup/markers.py: source text cannot make one) and put
back where the marker stands as text, never inside a tag. ``{{% name %}}inner{{% /name %}}``:
the output is Markdown, inserted into the body before conversion. ``{{</* x */>}}`` prints a
literal ``{{< x >}}``, in code too, where Hugo sites use it to show shortcodes. Other
text inside fenced code and code spans is left alone (Hugo would run a shortcode there
too; see docs/hugo-differences.md).

Every shortcode is a Jinja template in ``templates/shortcodes/NAME.html``.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from sitegen.errors import Diagnostic
from sitegen.markup.markers import (
    STASH_OPEN,
    STASH_RE,
    drop_stash_tokens,
    stash_token,
    strip_reserved,
)

# A tag's arguments never run into another tag's opening: an opening that is never closed
# then costs a scan to the next '{{<' rather than to the end of the body, for every one.
_TAG_RE = re.compile(
    r"\{\{(?P<open>[<%])(?P<comment>/\*)?\s*(?P<close>/)?\s*(?P<name>[\w./-]++)"
    r"(?P<args>(?:(?!\{\{[<%]).)*?)(?P<endcomment>\*/)?\s*(?P<end>[>%])\}\}", re.DOTALL)
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
_COMMENTED_TAG_RE = re.compile(
    r"\{\{(?:<\s*/\*(?:(?!\{\{[<%]).)*?\*/\s*>|%\s*/\*(?:(?!\{\{[<%]).)*?\*/\s*%)\}\}", re.DOTALL)
_TICKS_RE = re.compile(r"`+")
_BLANK_LINE_RE = re.compile(r"\n[ \t]*\n")
_UNTERMINATED_RE = re.compile(r"\{\{(?P<open>[<%])\s*/?\s*(?P<name>[\w./-]++)")
_PARAGRAPH_TOKEN_RE = re.compile(f"(<p>)?{STASH_RE.pattern}(</p>)?|<[^<>]*>")

MAX_NESTING = 20  # shortcodes inside shortcodes; each level converts its inner text again
MAX_OUTPUT = 16 * 1024 * 1024  # characters of shortcode output in one body
MAX_DIAGNOSTICS = 50  # shortcode errors listed for one file; the rest are counted


@dataclass(frozen=True)
class ShortcodeCall:
    name: str
    args: tuple[str, ...]
    kwargs: dict[str, str]
    inner: str | None  # None for a call without a closing tag
    markdown: bool  # {{% %}} form
    line: int
    parent: ShortcodeCall | None = None  # the shortcode this one is inside (Hugo's .Parent)


@dataclass
class Expansion:
    """A body with shortcodes replaced, plus the raw HTML to put back after Markdown."""

    text: str
    stash: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    output_size: int = 0  # characters rendered so far, against MAX_OUTPUT
    unlisted: int = 0  # diagnostics past MAX_DIAGNOSTICS

    def report(self, diagnostic: Diagnostic) -> None:
        """Keep the first MAX_DIAGNOSTICS problems; count the rest."""
        if len(self.diagnostics) < MAX_DIAGNOSTICS:
            self.diagnostics.append(diagnostic)
        else:
            self.unlisted += 1


Renderer = Callable[[ShortcodeCall], str]


def expand_shortcodes(body: str, path: str, body_line: int, render: Renderer,
                      known: Callable[[str], bool], needs_inner: Callable[[str], bool]) -> Expansion:
    """Replace every shortcode in `body`; `render` turns a call into its output text.

    The engine's marker characters are removed from the body first (sitegen/markup/markers.py),
    so that every stash marker in the result is one made here.
    """
    expansion = Expansion(text="")
    body = _uncomment_in_code(strip_reserved(body))
    expander = _Expander(body, _mask_code(body), path, body_line, render, known, needs_inner,
                         expansion)
    expansion.text = expander.expand(0, len(expander.tags), 0, len(body), depth=0)
    expander.report_unterminated()
    if expansion.unlisted:
        expansion.diagnostics.append(Diagnostic(
            path, 0, 0, "error", f"{expansion.unlisted} more shortcode errors in this file are not listed",
            "fix the errors above and build again"))
    return expansion


def restore_shortcodes(html: str, stash: list[str], as_text: Callable[[str], str] | None = None) -> str:
    """Put raw shortcode output back where its marker stands as text; one alone in a
    paragraph replaces the paragraph.

    A marker inside a tag (an attribute value, say from a shortcode written in a link
    title) is removed, never replaced: the output would leave the attribute's quotes.
    `as_text`, when given, turns an output into the text to put back instead of the HTML
    (for the table of contents, where a figure has no place).
    """
    if not stash or STASH_OPEN not in html:
        return html

    def put_back(match: re.Match[str]) -> str:
        if match.group(2) is None:  # a tag
            return drop_stash_tokens(match.group(0))
        index = int(match.group(2))
        output = stash[index] if index < len(stash) else ""
        if as_text is not None:
            output = as_text(output)
        if match.group(1) and match.group(3):
            return output
        return (match.group(1) or "") + output + (match.group(3) or "")

    return _PARAGRAPH_TOKEN_RE.sub(put_back, html)


def _mask_code(text: str) -> str:
    """Same length as text, with code regions blanked so tags inside are not seen."""
    pieces: list[str] = []
    pos = 0
    for start, end in code_regions(text):
        pieces.append(text[pos:start])
        pieces.append(re.sub(r"[^\n]", " ", text[start:end]))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def _uncomment_in_code(text: str) -> str:
    """``{{</* x */>}}`` inside code becomes ``{{< x >}}``, as Hugo prints it there."""
    if "/*" not in text:
        return text
    pieces: list[str] = []
    pos = 0
    for start, end in code_regions(text):
        pieces.append(text[pos:start])
        pieces.append(_COMMENTED_TAG_RE.sub(lambda m: _uncomment(m.group(0)), text[start:end]))
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def code_regions(text: str) -> list[tuple[int, int]]:
    """(start, end) of each fenced code block and code span in Markdown text, in order."""
    regions = _fenced_blocks(text)
    spans_from = 0
    spans: list[tuple[int, int]] = []
    for start, end in [*regions, (len(text), len(text))]:
        spans.extend(_code_spans(text, spans_from, start))
        spans_from = end
    return sorted(regions + spans)


def _fenced_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) of each fenced code block; CommonMark: an unclosed fence runs to the end."""
    regions: list[tuple[int, int]] = []
    pos = 0
    while fence := _FENCE_RE.search(text, pos):
        marker = fence.group(1)
        closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$", re.MULTILINE)
        line_end = text.find("\n", fence.end())
        if line_end < 0:
            regions.append((fence.start(), len(text)))
            break
        close = closing.search(text, line_end + 1)
        end = close.end() if close else len(text)
        regions.append((fence.start(), end))
        pos = end
    return regions


def _code_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Code spans between `start` and `end`, paragraph by paragraph (a span never crosses a
    blank line), each opened by a run of backticks and closed by the next run of the same
    length (CommonMark); a run with no such partner is literal text.

    One pass over the runs: the pairing is found from the end, so a body of unmatched runs
    costs no rescan per run.
    """
    spans: list[tuple[int, int]] = []
    paragraph_start = start
    for gap in [*_BLANK_LINE_RE.finditer(text, start, end), None]:
        paragraph_end = gap.start() if gap else end
        runs = [m.span() for m in _TICKS_RE.finditer(text, paragraph_start, paragraph_end)]
        spans.extend(_pair_runs(runs))
        paragraph_start = gap.end() if gap else end
    return spans


def _pair_runs(runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    following: list[int | None] = [None] * len(runs)
    last_seen: dict[int, int] = {}
    for index in range(len(runs) - 1, -1, -1):
        length = runs[index][1] - runs[index][0]
        following[index] = last_seen.get(length)
        last_seen[length] = index
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(runs):
        partner = following[index]
        if partner is None:
            index += 1
            continue
        spans.append((runs[index][0], runs[partner][1]))
        index = partner + 1
    return spans


class _Expander:
    """The tags of one body, found once and paired once, expanded from the outside in.

    Every tag is found in one pass over the masked body, and each opening tag is paired
    with its closing tag by one pass with a stack per name (a closing tag closes the
    nearest open tag of its name), so the cost grows with the body, not its square.
    """

    def __init__(self, text: str, masked: str, path: str, body_line: int, render: Renderer,
                 known: Callable[[str], bool], needs_inner: Callable[[str], bool],
                 expansion: Expansion) -> None:
        self.text, self.masked, self.path, self.body_line = text, masked, path, body_line
        self.render, self.known, self.needs_inner = render, known, needs_inner
        self.expansion = expansion
        self.tags = list(_TAG_RE.finditer(masked))
        self.partner = _pair_tags(self.tags)
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.parents: list[ShortcodeCall] = []  # the calls being expanded around the current one

    def where(self, pos: int) -> tuple[int, int]:
        """(line, column) of a body offset, as the file numbers them."""
        before = bisect_right(self.newlines, pos - 1)
        line_start = self.newlines[before - 1] + 1 if before else 0
        return self.body_line + before, pos - line_start + 1

    def problem(self, pos: int, message: str, hint: str) -> None:
        line, col = self.where(pos)
        self.expansion.report(Diagnostic(self.path, line, col, "error", message, hint))

    def expand(self, first: int, last: int, start: int, end: int, depth: int) -> str:
        """The text from `start` to `end` (holding tags first..last-1), shortcodes replaced."""
        out: list[str] = []
        pos = start
        index = first
        while index < last:
            match = self.tags[index]
            out.append(self.text[pos:match.start()])
            piece, index, pos = self._one(index, last, depth)
            out.append(piece)
        out.append(self.text[pos:end])
        return "".join(out)

    def _one(self, index: int, last: int, depth: int) -> tuple[str, int, int]:
        """Expand the tag at `index`: (what replaces it, next tag index, next offset)."""
        match = self.tags[index]
        name = match.group("name")
        if match.group("comment"):
            return _uncomment(match.group(0)), index + 1, match.end()
        if match.group("close"):
            self.problem(match.start(), f"closing shortcode '{name}' has no opening tag",
                         f"add {{{{< {name} >}}}} before it, or delete it")
            return "", index + 1, match.end()
        if not self.known(name):
            self.problem(match.start(), f"unknown shortcode '{name}'",
                         f"create templates/shortcodes/{name}.html, or check the spelling")
            return "", index + 1, match.end()
        self.expansion.names.add(name)
        partner = self.partner.get(index)
        if partner is not None and partner >= last:
            partner = None  # closed outside the shortcode this one is in: not its pair
        self_closed = _self_closing(match.group("args"))[1]  # {{< x />}}: closed, nothing inside
        if partner is None and not self_closed and self.needs_inner(name):
            self.problem(match.start(), f"shortcode '{name}' is never closed",
                         f"add {{{{< /{name} >}}}} after its content")
            return "", index + 1, match.end()
        if depth >= MAX_NESTING:
            self.problem(match.start(), f"shortcode '{name}' is nested more than {MAX_NESTING} deep",
                         "close the shortcodes around it sooner; each level converts its text again")
            end = self.tags[partner].end() if partner is not None else match.end()
            return "", (partner if partner is not None else index) + 1, end
        return self._call(index, partner, depth)

    def _call(self, index: int, partner: int | None, depth: int) -> tuple[str, int, int]:
        """Render one known shortcode (its inner text expanded first)."""
        match = self.tags[index]
        arg_text, self_closed = _self_closing(match.group("args"))
        inner: str | None = "" if self_closed else None
        end = match.end()
        args, kwargs = _parse_args(arg_text)
        line, _ = self.where(match.start())
        call = ShortcodeCall(match.group("name"), tuple(args), kwargs, None, match.group("open") == "%",
                             line, self.parents[-1] if self.parents else None)
        if partner is not None:
            closing = self.tags[partner]
            self.parents.append(call)  # the calls inside see it as their .Parent (its inner unknown yet)
            inner = self.expand(index + 1, partner, match.end(), closing.start(), depth + 1)
            self.parents.pop()
            end = closing.end()
        call = replace(call, inner=inner.strip("\n") if inner is not None else None)
        output = self._render(call, match.start())
        following = partner + 1 if partner is not None else index + 1
        if call.markdown or depth or ("<" not in output and "\n" not in output.strip()
                                      and not _fills_lines(self.text, match.start(), end)):
            return (output.strip() if not call.markdown else output), following, end
        return _stash_output(output, self.text, match.start(), end, self.expansion), following, end

    def _render(self, call: ShortcodeCall, pos: int) -> str:
        expansion = self.expansion
        if expansion.output_size > MAX_OUTPUT:
            return ""  # reported once, below
        try:
            output = self.render(call)
        except ShortcodeFailure as failure:
            self.problem(pos, str(failure), failure.hint)
            return ""
        expansion.output_size += len(output)
        if expansion.output_size > MAX_OUTPUT:
            self.problem(pos, f"shortcodes in this file produce more than {MAX_OUTPUT // 2**20} MB",
                         "check for a shortcode that prints its inner text more than once, "
                         "nested in itself")
            return ""
        return output

    def report_unterminated(self) -> None:
        """An opening '{{<' or '{{%' with a name but no '>}}' after it (outside any tag):
        an error, as in Hugo, rather than a tag published as text."""
        pos = 0
        for match in [*self.tags, None]:
            gap_end = match.start() if match else len(self.masked)
            for found in _UNTERMINATED_RE.finditer(self.masked, pos, gap_end):
                opener, name = found.group("open"), found.group("name")
                closer = ">}}" if opener == "<" else "%}}"
                self.problem(found.start(), f"shortcode '{name}' has no closing '{closer}'",
                             f"end the tag with '{closer}', e.g. {{{{{opener} {name} {closer}")
            pos = match.end() if match else pos


def _pair_tags(tags: list[re.Match[str]]) -> dict[int, int]:
    """Index of each opening tag -> index of its closing tag (the nearest open one of the
    same name is closed first); openings without one are absent."""
    open_tags: dict[str, list[int]] = {}
    partner: dict[int, int] = {}
    for index, match in enumerate(tags):
        if match.group("comment"):
            continue
        stack = open_tags.setdefault(match.group("name"), [])
        if not match.group("close"):
            if not _self_closing(match.group("args"))[1]:  # {{< x />}} closes itself
                stack.append(index)
        elif stack:
            partner[stack.pop()] = index
    return partner


def _uncomment(tag: str) -> str:
    """``{{</* x */>}}`` to the literal ``{{< x >}}``."""
    inside = tag[3:-3].replace("/*", "", 1)
    cut = inside.rfind("*/")
    if cut >= 0:
        inside = inside[:cut] + inside[cut + 2:]
    return tag[:3] + inside + tag[-3:]


def _fills_lines(text: str, start: int, end: int) -> bool:
    return (start == 0 or text[start - 1] == "\n") and (end == len(text) or text[end] == "\n")


def _stash_output(output: str, text: str, start: int, end: int, expansion: Expansion) -> str:
    """Stash HTML; a shortcode that fills whole lines becomes a block of its own (its
    output, HTML or text, is not wrapped in a paragraph, as in Hugo)."""
    token = stash_token(len(expansion.stash))
    expansion.stash.append(output)
    if _fills_lines(text, start, end):
        return f"\n{token}\n"
    return token


def _self_closing(arg_text: str) -> tuple[str, bool]:
    """A tag's arguments without the '/' of a self-closing tag (``{{< x a />}}``), and whether
    it had one."""
    stripped = arg_text.rstrip()
    if stripped.endswith("/") and not stripped.endswith(("\\/", "=/")):
        return stripped[:-1], True
    return arg_text, False


def _parse_args(text: str) -> tuple[list[str], dict[str, str]]:
    """Positional and ``key=value`` arguments: "double-quoted" (backslash escapes),
    `backquoted` or bare words; anything else (a stray quote) is skipped."""
    args: list[str] = []
    kwargs: dict[str, str] = {}
    for key, value in _ArgScanner(text.strip()).tokens():
        if key:
            kwargs[key] = value
        else:
            args.append(value)
    return args, kwargs


_KEY_RE = re.compile(r"[\w-]++=")
_DQ_RE = re.compile(r'"((?:[^"\\]|\\.)*+)')
_BQ_RE = re.compile(r"`([^`]*)`")
_BARE_RE = re.compile(r'[^\s"`]+')


class _ArgScanner:
    """The tokens of an argument string, in one pass.

    A double-quoted value that never closes makes every later opening quote fail at the
    same place (each later quote was read as escaped), so that place is remembered rather
    than scanned again: a tag of many escaped quotes cost the square of its length.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.dq_fails_before = -1  # a quoted value starting before this offset cannot close

    def tokens(self) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        pos = 0
        while pos < len(self.text):
            key = _KEY_RE.match(self.text, pos)
            token = self._value(key.end()) if key else None
            if token is None:
                key = None
                token = self._value(pos)
            if token is None:
                pos += 1
                continue
            value, pos = token
            found.append((key.group(0)[:-1] if key else "", value))
        return found

    def _value(self, pos: int) -> tuple[str, int] | None:
        """(value, end) of a value starting at `pos`, or None."""
        text = self.text
        if text.startswith('"', pos) and pos >= self.dq_fails_before:
            quoted = _DQ_RE.match(text, pos)
            assert quoted is not None
            if text.startswith('"', quoted.end()):
                return re.sub(r"\\(.)", r"\1", quoted.group(1)), quoted.end() + 1
            self.dq_fails_before = quoted.end()
        for pattern in (_BQ_RE, _BARE_RE):
            found = pattern.match(text, pos)
            if found:
                return (found.group(1) if pattern is _BQ_RE else found.group(0)), found.end()
        return None


class ShortcodeFailure(Exception):
    """A shortcode template failed; carries a hint for the editor."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint


def call_context(call: ShortcodeCall) -> dict[str, Any]:
    """Template variables describing the call itself."""

    def arg(key: int | str, default: str = "") -> str:
        if isinstance(key, int):
            return call.args[key] if key < len(call.args) else default
        return call.kwargs.get(key, default)

    return {"args": list(call.args), "kwargs": dict(call.kwargs), "arg": arg,
            "inner": call.inner or "", "name": call.name}
