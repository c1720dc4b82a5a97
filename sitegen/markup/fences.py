"""Fenced code blocks from untrusted bodies: safe options, and a cost per block that is small.

pymdownx.superfences turns a fence's info string into HTML with its own hand-written
string formatting: an id, classes, ``data-*`` attributes and a ``title`` go into the page
unescaped (```` ```python title="<img src=x onerror=...>" ```` put a live handler on the
page, in safe mode). `SafeFencesExtension` puts a subclass of its block preprocessor in
its place whose formatter only lets through what cannot leave its attribute: a language
and classes and an id made of word characters, ``data-*`` values escaped, ``hl_lines``
bounded by the code's own lines and ``linenums`` of at most 9 digits; ``title`` is dropped.
A fence may also choose its own numbering style (``linenums_style``, from Hugo's
``linenos=inline`` or ``table``; superfences has one per site).

It also removes three costs that made a body of many small fences take seconds:
superfences rebuilt the whole list of lines once per fence (`reassemble`, quadratic),
and every fence built a Pygments lexer and formatter from scratch, whose stylesheet is
the same for every block; lexers and stylesheets are kept once made.
"""

from __future__ import annotations

import functools
import html
import re
from functools import lru_cache
from typing import Any

import pymdownx.highlight as pymdownx_highlight
from markdown import Extension, Markdown
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexer import Lexer
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound
from pymdownx.superfences import SuperFencesBlockPreprocessor

from sitegen.markup.goldmark import MAX_LINE_NUMBER_DIGITS, line_numbers, line_start, parse_options
from sitegen.markup.shortcodes import ShortcodeFailure

_NAME_RE = re.compile(r"[\w-]+")
_LANGUAGE_RE = re.compile(r"[\w#.+-]*")
_DATA_KEY_RE = re.compile(r"data-[\w-]+")
_LINENUMS_RE = re.compile(rf"\d{{1,{MAX_LINE_NUMBER_DIGITS}}}(?:[ \t]+\d{{1,{MAX_LINE_NUMBER_DIGITS}}}){{0,2}}")
_STYLESHEETS: dict[tuple[Any, ...], tuple[Any, Any]] = {}


def safe_fence_options(src: str, language: str, options: dict[str, str],
                       kwargs: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The language and options of a fence, and its classes, id and attributes (updated in
    `kwargs`), reduced to what cannot leave its place in the HTML."""
    language = language if _LANGUAGE_RE.fullmatch(language or "") else ""
    kept: dict[str, str] = {}
    lines = line_numbers(options.get("hl_lines", ""), src.count("\n") + 1)
    if lines:
        kept["hl_lines"] = " ".join(map(str, lines))
    if _LINENUMS_RE.fullmatch(options.get("linenums", "")):
        kept["linenums"] = options["linenums"]
    if options.get("linenums_style") in ("table", "inline"):  # from Hugo's linenos (fence_info)
        kept["linenums_style"] = options["linenums_style"]
    if options.get("title"):  # markdown.code_titles; the library escapes it
        kept["title"] = options["title"]
    kwargs["classes"] = [c for c in kwargs.get("classes") or [] if _NAME_RE.fullmatch(c)]
    id_value = kwargs.get("id_value") or ""
    kwargs["id_value"] = id_value if _NAME_RE.fullmatch(id_value) else ""
    kwargs["attrs"] = {key: html.escape(str(value)) for key, value in (kwargs.get("attrs") or {}).items()
                       if _DATA_KEY_RE.fullmatch(key)}
    return language, kept


class _SafeFences(SuperFencesBlockPreprocessor):
    """superfences' preprocessor with safe options (see the module docstring)."""

    @property
    def fence_end(self) -> re.Pattern[str] | None:
        """The closing line of the open fence: its character, at least as many times.

        superfences closes a fence only on exactly its opening run, so a fence opened with
        three backticks ran past a closing line of four, eating the page below it. CommonMark
        4.5 (and Goldmark) close it on a run at least as long."""
        return self._fence_end

    @fence_end.setter
    def fence_end(self, pattern: re.Pattern[str] | None) -> None:
        fence = self.fence
        self._fence_end = (pattern if pattern is None or not fence
                           else re.compile(rf"{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$"))

    def highlight(self, src: str = "", language: str = "", options: dict[str, str] | None = None,
                  md: Markdown | None = None, **kwargs: Any) -> str:
        language, kept = safe_fence_options(src, language, dict(options or {}), kwargs)
        site_style: str = self.linenums_style  # the library's, set in get_hl_settings
        self.linenums_style: str = kept.pop("linenums_style", site_style)
        titled = "title" in kept  # the library takes it out of `kept`
        try:
            result: str = super().highlight(src, language, kept, md, **kwargs)
        finally:
            self.linenums_style = site_style
        if titled:  # the title is a line of its own, not joined to the code's first word
            result = result.replace("</span><pre", "</span>\n<pre", 1)
        return result

    def get_hl_settings(self) -> None:
        """The library's settings, with a highlighter that keeps the lexers it makes."""
        checked = self.checked_hl_settings
        super().get_hl_settings()
        if not checked and getattr(self, "highlighter", None) is pymdownx_highlight.Highlight:
            self.highlighter: type = _CachingHighlight

    def reassemble(self, lines: list[str]) -> list[str]:
        """Put each fence's placeholder in place of its lines, in one pass (the library
        copies the whole list once per fence)."""
        stack: list[tuple[str, int, int]] = sorted(self.stack, key=lambda entry: entry[1])
        self.stack: list[tuple[str, int, int]] = []
        out: list[str] = []
        pos = 0
        for fenced, start, end in stack:
            if start < pos:  # overlapping entries: never made by the library; be safe
                return super().reassemble(lines)
            out.extend(lines[pos:start])
            out.append(fenced)
            pos = end
        out.extend(lines[pos:])
        return out


class _CachingHighlight(pymdownx_highlight.Highlight):
    """Highlight that looks a lexer up once per language (the lookup scans every lexer).

    Pygments lexers keep no state between texts, so one serves every block.
    """

    def get_lexer(self, src: str, language: str, inline: bool, stripnl: bool) -> tuple[Lexer, str]:
        if self.guess_lang is not False:  # the guess reads the code: nothing to keep
            return super().get_lexer(src, language, inline, stripnl)
        key = (language, inline, stripnl, self.default_lang, repr(self.extend_pygments_lang))
        found = _LEXERS.get(key)
        if found is None:
            if len(_LEXERS) >= _MAX_LEXERS:  # one per language named; bodies can name any
                _LEXERS.clear()
            found = _LEXERS[key] = super().get_lexer(src, language, inline, stripnl)
        return found


_LEXERS: dict[tuple[Any, ...], tuple[Lexer, str]] = {}
_MAX_LEXERS = 256


def _cached_stylesheet(self: Any) -> None:
    """HtmlFormatter._create_stylesheet, computed once per style, class prefix and mode."""
    key = (type(self), self.style, self.classprefix, self.noclasses)
    cached = _STYLESHEETS.get(key)
    if cached is None:
        _CREATE_STYLESHEET(self)
        _STYLESHEETS[key] = (self.ttype2class, self.class2style)
    else:
        self.ttype2class, self.class2style = cached


_CREATE_STYLESHEET = HtmlFormatter._create_stylesheet  # type: ignore[attr-defined]


class CachedHtmlFormatter(HtmlFormatter):
    """A Pygments HTML formatter whose stylesheet is computed once per style."""

    _create_stylesheet = _cached_stylesheet


@lru_cache(maxsize=256)
def cached_lexer(name: str) -> Lexer:
    """Pygments' lexer for a language name (ClassNotFound when there is none)."""
    return get_lexer_by_name(name)


class SafeFencesExtension(Extension):
    """Replace superfences' block preprocessor by `_SafeFences`; load after superfences."""

    def extendMarkdown(self, md: Markdown) -> None:
        if "fenced_code_block" not in md.preprocessors:
            return
        old = md.preprocessors["fenced_code_block"]
        if not isinstance(old, SuperFencesBlockPreprocessor) or isinstance(old, _SafeFences):
            return
        fenced = _SafeFences(md)
        fenced.config = old.config
        fenced.extension = old.extension
        for entry in old.extension.superfences:
            if entry.get("formatter") == old.highlight:
                entry["formatter"] = fenced.highlight
                entry["validator"] = functools.partial(_style_validator, validator=entry["validator"])
        md.preprocessors.register(fenced, "fenced_code_block", 25)
        # The library's block formatter class is module state; give it the cached stylesheet
        # (a pure function of the style options), once.
        block_formatter = pymdownx_highlight.BlockHtmlFormatter
        if block_formatter._create_stylesheet is not _cached_stylesheet:
            block_formatter._create_stylesheet = _cached_stylesheet


def _style_validator(language: str, inputs: dict[str, str], options: dict[str, str],
                     attrs: dict[str, str], md: Markdown, validator: Any) -> bool:
    """superfences' validator, which also takes ``linenums_style``: the numbering style of
    one block (Hugo's ``linenos=inline`` or ``table``), where the library has one per site."""
    style = inputs.pop("linenums_style", None)
    if style in ("table", "inline"):
        options["linenums_style"] = style
    return bool(validator(language, inputs, options, attrs, md))


def highlight_code(code: str, lang: str = "", options: str = "") -> str:
    """Pygments HTML for the highlight shortcode (Hugo's `linenos`, `linenostart` and
    `hl_lines` options; hl_lines are bounded by the code's own lines)."""
    try:
        lexer = cached_lexer(lang) if lang else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    code = code.strip("\n") + "\n"
    settings = parse_options(options)
    notes: list[str] = []
    start = line_start(settings.get("linenostart", ""), notes)
    if notes:
        raise ShortcodeFailure(f"highlight option {notes[0]} is not a line number",
                               f"give linenostart a whole number of at most {MAX_LINE_NUMBER_DIGITS} digits")
    hl_lines = line_numbers(settings.get("hl_lines", ""), code.count("\n"))
    linenos = settings.get("linenos", "").strip('"')
    formatter = CachedHtmlFormatter(cssclass="codehilite", hl_lines=hl_lines, linenostart=start,
                              linenos="table" if linenos in ("table", "true") else
                              "inline" if linenos == "inline" else False)
    return pygments_highlight(code, lexer, formatter)
