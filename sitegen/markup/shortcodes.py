"""Hugo shortcodes: cut out before Markdown runs, put back after.

``{{< name args >}}inner{{< /name >}}``: the output is raw HTML, kept away from
Markdown behind a placeholder. ``{{% name %}}inner{{% /name %}}``: the output is
Markdown, inserted into the body before conversion. ``{{</* x */>}}`` prints a
literal ``{{< x >}}``, in code too, where Hugo sites use it to show shortcodes. Other
text inside fenced code and code spans is left alone (Hugo would run a shortcode there
too; see docs/hugo-differences.md).

Every shortcode is a Jinja template in ``templates/shortcodes/NAME.html``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sitegen.errors import Diagnostic

PLACEHOLDER = "SITEGENSHORTCODE{}X"
_PLACEHOLDER_RE = re.compile(r"(<p>)?SITEGENSHORTCODE(\d+)X(</p>)?")
_TAG_RE = re.compile(
    r"\{\{(?P<open>[<%])(?P<comment>/\*)?\s*(?P<close>/)?\s*(?P<name>[\w./-]+)(?P<args>.*?)"
    r"(?P<endcomment>\*/)?\s*(?P<end>[>%])\}\}", re.DOTALL)
_ARG_RE = re.compile(
    r"""(?:(?P<key>[\w-]+)=)?(?:"(?P<dq>(?:[^"\\]|\\.)*)"|`(?P<bq>[^`]*)`|(?P<bare>[^\s"`]+))""")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})", re.MULTILINE)
_COMMENTED_TAG_RE = re.compile(r"\{\{(?:<\s*/\*.*?\*/\s*>|%\s*/\*.*?\*/\s*%)\}\}", re.DOTALL)
_CODE_SPAN_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)


@dataclass(frozen=True)
class ShortcodeCall:
    name: str
    args: tuple[str, ...]
    kwargs: dict[str, str]
    inner: str | None  # None for a call without a closing tag
    markdown: bool  # {{% %}} form
    line: int


@dataclass
class Expansion:
    """A body with shortcodes replaced, plus the raw HTML to put back after Markdown."""

    text: str
    stash: list[str] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    names: set[str] = field(default_factory=set)


Renderer = Callable[[ShortcodeCall], str]


def expand_shortcodes(body: str, path: str, body_line: int, render: Renderer,
                      known: Callable[[str], bool], needs_inner: Callable[[str], bool]) -> Expansion:
    """Replace every shortcode in `body`; `render` turns a call into its output text."""
    expansion = Expansion(text="")
    body = _uncomment_in_code(body)
    masked = _mask_code(body)
    expansion.text = _expand(body, masked, path, body_line, render, known, needs_inner,
                             expansion, top=True)
    return expansion


def restore_shortcodes(html: str, stash: list[str]) -> str:
    """Put raw shortcode output back; one alone in a paragraph replaces the paragraph."""
    if not stash:
        return html

    def put_back(match: re.Match[str]) -> str:
        index = int(match.group(2))
        if index >= len(stash):  # text that merely looks like a placeholder
            return match.group(0)
        output = stash[index]
        if match.group(1) and match.group(3):
            return output
        return (match.group(1) or "") + output + (match.group(3) or "")

    return _PLACEHOLDER_RE.sub(put_back, html)


def _mask_code(text: str) -> str:
    """Same length as text, with code regions blanked so tags inside are not seen."""
    chars = list(text)
    for start, end in code_regions(text):
        for i in range(start, end):
            if chars[i] != "\n":
                chars[i] = " "
    return "".join(chars)


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
    regions: list[tuple[int, int]] = []
    pos = 0
    while True:
        fence = _FENCE_RE.search(text, pos)
        if not fence:
            break
        marker = fence.group(1)
        closing = re.compile(rf"^ {{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$", re.MULTILINE)
        line_end = text.find("\n", fence.end())
        if line_end < 0:
            regions.append((fence.start(), len(text)))
            break
        close = closing.search(text, line_end + 1)
        end = close.end() if close else len(text)  # CommonMark: an unclosed fence runs to the end
        regions.append((fence.start(), end))
        pos = end
    spans_from = 0
    outside = []
    for start, end in regions:
        outside.append((spans_from, start))
        spans_from = end
    outside.append((spans_from, len(text)))
    for start, end in outside:
        for span in _CODE_SPAN_RE.finditer(text, start, end):
            regions.append(span.span())
    return sorted(regions)


def _expand(text: str, masked: str, path: str, body_line: int, render: Renderer,
            known: Callable[[str], bool], needs_inner: Callable[[str], bool],
            expansion: Expansion, top: bool) -> str:
    out: list[str] = []
    pos = 0
    while True:
        match = _TAG_RE.search(masked, pos)
        if not match:
            _report_unterminated(text, masked, pos, path, body_line, expansion)
            out.append(text[pos:])
            return "".join(out)
        out.append(text[pos:match.start()])
        line = body_line + text.count("\n", 0, match.start())
        if match.group("comment"):
            out.append(_uncomment(text[match.start():match.end()]))
            pos = match.end()
            continue
        name = match.group("name")
        if match.group("close"):
            expansion.diagnostics.append(Diagnostic(
                path, line, 0, "error", f"closing shortcode '{name}' has no opening tag",
                f"add {{{{< {name} >}}}} before it, or delete it"))
            pos = match.end()
            continue
        if not known(name):
            expansion.diagnostics.append(Diagnostic(
                path, line, 0, "error", f"unknown shortcode '{name}'",
                f"create templates/shortcodes/{name}.html, or check the spelling"))
            pos = match.end()
            continue
        expansion.names.add(name)
        arg_text, self_closed = _self_closing(match.group("args"))
        args, kwargs = _parse_args(arg_text)
        inner: str | None = "" if self_closed else None  # {{< x />}}: closed, nothing inside
        end = match.end()
        closing = None if self_closed else _find_closing(masked, name, match.end())
        if self_closed:
            pass
        elif closing:
            inner = text[match.end():closing[0]]
            inner_masked = masked[match.end():closing[0]]
            inner = _expand(inner, inner_masked, path, line, render, known, needs_inner,
                            expansion, top=False)
            inner = _inline_stash(inner, expansion) if match.group("open") == "<" else inner
            end = closing[1]
        elif needs_inner(name):
            expansion.diagnostics.append(Diagnostic(
                path, line, 0, "error", f"shortcode '{name}' is never closed",
                f"add {{{{< /{name} >}}}} after its content"))
            pos = match.end()
            continue
        call = ShortcodeCall(name, tuple(args), kwargs, inner.strip("\n") if inner is not None else None,
                             match.group("open") == "%", line)
        try:
            output = render(call)
        except ShortcodeFailure as failure:
            expansion.diagnostics.append(Diagnostic(path, line, 0, "error", str(failure), failure.hint))
            output = ""
        whole_lines = _fills_lines(text, match.start(), end)
        if call.markdown or not top or ("<" not in output and "\n" not in output.strip() and not whole_lines):
            out.append(output.strip() if not call.markdown else output)
        else:
            out.append(_stash_output(output, text, match.start(), end, expansion))
        pos = end


_UNTERMINATED_RE = re.compile(r"\{\{(?P<open>[<%])\s*/?\s*(?P<name>[\w./-]+)")


def _report_unterminated(text: str, masked: str, pos: int, path: str, body_line: int,
                         expansion: Expansion) -> None:
    """An opening '{{<' or '{{%' with a name but no '>}}' after it: an error, as in Hugo,
    rather than a tag published as text."""
    for found in _UNTERMINATED_RE.finditer(masked, pos):
        opener = found.group("open")
        closer = ">}}" if opener == "<" else "%}}"
        name = found.group("name")
        expansion.diagnostics.append(Diagnostic(
            path, body_line + text.count("\n", 0, found.start()), 0, "error",
            f"shortcode '{name}' has no closing '{closer}'",
            f"end the tag with '{closer}', e.g. {{{{{opener} {name} {closer}"))


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
    token = PLACEHOLDER.format(len(expansion.stash))
    expansion.stash.append(output)
    if _fills_lines(text, start, end):
        return f"\n{token}\n"
    return token


def _inline_stash(inner: str, expansion: Expansion) -> str:
    """Nested {{< >}} output inside another shortcode goes in directly, not as a token."""
    return restore_shortcodes(inner, expansion.stash) if "SITEGENSHORTCODE" in inner else inner


def _self_closing(arg_text: str) -> tuple[str, bool]:
    """A tag's arguments without the '/' of a self-closing tag (``{{< x a />}}``), and whether
    it had one."""
    stripped = arg_text.rstrip()
    if stripped.endswith("/") and not stripped.endswith(("\\/", "=/")):
        return stripped[:-1], True
    return arg_text, False


def _find_closing(masked: str, name: str, start: int) -> tuple[int, int] | None:
    """Span of the closing tag matching an opening one, allowing nested same-name pairs."""
    depth = 0
    for match in _TAG_RE.finditer(masked, start):
        if match.group("name") != name or match.group("comment") or _self_closing(match.group("args"))[1]:
            continue
        if match.group("close"):
            if depth == 0:
                return match.start(), match.end()
            depth -= 1
        elif _find_closing_exists(masked, name, match.end()):
            depth += 1
    return None


def _find_closing_exists(masked: str, name: str, start: int) -> bool:
    return re.search(r"\{\{[<%]\s*/\s*" + re.escape(name) + r"\s*[>%]\}\}", masked[start:]) is not None


def _parse_args(text: str) -> tuple[list[str], dict[str, str]]:
    args: list[str] = []
    kwargs: dict[str, str] = {}
    for match in _ARG_RE.finditer(text.strip()):
        if match.group("dq") is not None:
            value = re.sub(r"\\(.)", r"\1", match.group("dq"))
        elif match.group("bq") is not None:
            value = match.group("bq")
        else:
            value = match.group("bare")
        if match.group("key"):
            kwargs[match.group("key")] = value
        else:
            args.append(value)
    return args, kwargs


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
