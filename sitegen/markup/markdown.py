"""Convert a Markdown body to HTML plus what templates and checks need from it.

Text and options in, a `RenderedBody` out: this module knows nothing of templates,
URLs or the site (like Hugo's markup converters), so it can run in worker
processes and its results can be cached by (text digest, options).

One `markdown.Markdown` instance is kept per options per process and `reset()`
between documents, because building one costs more than converting a short article.
"""

from __future__ import annotations

import html as html_lib
import re
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import markdown as python_markdown
from markdown.extensions import Extension
from pymdownx.emoji import gemoji

from sitegen.markup.alerts import AlertsExtension
from sitegen.markup.block_pruning import BlockPruningExtension
from sitegen.markup.diagrams import DiagramsJoinedExtension, diagram_fence
from sitegen.markup.fences import SafeFencesExtension
from sitegen.markup.footnote_links import FootnoteLinksExtension
from sitegen.markup.goldmark import GoldmarkBlocksExtension
from sitegen.markup.inline_pruning import InlinePruningExtension
from sitegen.markup.linear_markdown import LinearMarkdownExtension
from sitegen.markup.markdown_ext import BodyCollector, HugoCompatExtension, heading_slug
from sitegen.markup.markers import MORE_TOKEN, STASH_OPEN, STASH_RE, strip_reserved
from sitegen.markup.passthrough import PassthroughExtension
from sitegen.markup.pruning_support import warn_if_unsupported
from sitegen.markup.references import CodeLabelReferencesExtension
from sitegen.markup.shortcodes import code_regions, restore_shortcodes
from sitegen.markup.tables import GoldmarkTablesExtension
from sitegen.markup.text import (
    count_html_words,
    dominant_cjk_lang,
    has_cjk,
    plain_text,
    summary_cut,
)

# Extensions shared by the engine and the benchmark's floor measurement.
BASE_EXTENSIONS: tuple[str, ...] = (
    "abbr", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "sane_lists",
    "toc", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.magiclink", "pymdownx.tilde",
)

MORE_DIVIDER = "<!--more-->"  # exactly: Hugo takes `<!-- more -->` for a comment


@dataclass(frozen=True)
class MarkdownOptions:
    """Everything that changes the HTML a body converts to (part of the cache key)."""

    smart_quotes: bool = True
    unsafe: bool = False
    toc_min_headings: int = 3
    summary_words: int = 70
    has_cjk_language: bool = True
    cjk_lang: str = "ja"
    line_numbers: str = ""  # "", "table" or "inline": every code block numbered (Hugo's lineNos)
    emoji: bool = False  # :name: as the emoji (Hugo's enableEmoji)
    alerts: str = ""  # "", "type" or "given": > [!NOTE] quotes as alerts (alerts.py)
    diagrams: tuple[str, ...] = ()  # code block languages written for a drawing script (diagrams.py)
    raw_diagrams: bool = False  # their text written as is (only with unsafe)
    diagrams_joined: bool = False  # no newline after a diagram (diagrams.py)
    passthrough_blocks: tuple[tuple[str, str], ...] = ()  # delimiters of math left as written (passthrough.py)
    code_titles: str = ""  # the fence attribute shown above the code ({file="x"}), "" for none
    cjk_detect: bool = True  # count CJK characters only on pages that have some (Hugo's rule)


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """What one body converts to."""

    html: str
    summary_html: str  # HTML before <!--more-->, else an automatic summary
    summary_text: str  # plain text of the summary
    truncated: bool  # the summary is shorter than the whole body
    toc_html: str  # nested list of headings; "" below toc_min_headings
    headings: tuple[tuple[int, str, str], ...]  # (level, id, text)
    word_count: int
    reading_time: int  # minutes, Hugo's formula
    is_cjk: bool  # the body contains Chinese, Japanese or Korean text
    lang_hint: str  # "ja" etc. when the body is mostly CJK text, else ""
    links: tuple[str, ...]  # every href and src, in document order
    ids: tuple[str, ...]  # every id attribute, for #anchor checks
    has_more: bool = False  # the summary is the text before <!--more-->, which beats any other
    notes: tuple[str, ...] = ()  # code fence options ignored (see goldmark.fence_info)


class MarkdownTooDeep(Exception):
    """The text nests blocks (lists, quotes, definitions) deeper than conversion can follow.

    Python-Markdown parses nested blocks recursively; a list nested a few hundred levels
    deep ran out of stack and surfaced as an internal error.
    """


def markdown_extensions(options: MarkdownOptions) -> list[str | Extension]:
    """The extension list for these options (also used by bench/floor.py)."""
    return [
        *BASE_EXTENSIONS,
        HugoCompatExtension(smart_quotes=options.smart_quotes, unsafe=options.unsafe,
                            cjk_lang=options.cjk_lang),
        GoldmarkBlocksExtension(options.code_titles),
        CodeLabelReferencesExtension(),
        SafeFencesExtension(),  # after superfences (in BASE_EXTENSIONS), whose parts it replaces
        LinearMarkdownExtension(),
        FootnoteLinksExtension(),  # after footnotes (in BASE_EXTENSIONS)
        GoldmarkTablesExtension(),  # after tables (in BASE_EXTENSIONS)
        *(["pymdownx.emoji"] if options.emoji else []),
        *([AlertsExtension(options.alerts)] if options.alerts else []),
        *([DiagramsJoinedExtension()] if options.diagrams and options.diagrams_joined else []),
        *([PassthroughExtension(options.passthrough_blocks, options.unsafe)] if options.passthrough_blocks else []),
    ]


def emoji_entities(index: object, shortname: str, alias: object, uc: str | None, alt: str,
                   title: object, category: object, options: object,
                   md: python_markdown.Markdown) -> str:
    """An emoji as goldmark-emoji (Hugo's enableEmoji) writes it: one hex entity per code
    point, which Hugo counts as written in CJK word counts."""
    text = "".join(f"&#x{point};" for point in uc.split("-")) if uc else alt
    return md.htmlStash.store(text)


def _extension_configs(line_numbers: str = "", diagrams: tuple[str, ...] = (),
                       raw_diagrams: bool = False, joined: bool = False) -> dict[str, dict[str, object]]:
    numbered: dict[str, object] = {"linenums": True, "linenums_style": line_numbers} if line_numbers else {}
    fences: dict[str, dict[str, object]] = {
        "pymdownx.superfences": {"custom_fences": [diagram_fence(name, raw_diagrams, joined) for name in diagrams]}}
    return {
        **(fences if diagrams else {}),
        "toc": {"slugify": heading_slug, "toc_depth": "2-4", "marker": ""},
        "pymdownx.highlight": {"css_class": "codehilite", "guess_lang": False,
                               "pygments_lang_class": True, **numbered},
        "pymdownx.magiclink": {"hide_protocol": False},
        "pymdownx.tilde": {"subscript": False},
        "pymdownx.emoji": {"emoji_index": gemoji, "emoji_generator": emoji_entities},
        "footnotes": {"BACKLINK_TITLE": "Back to reference %d",
                      "BACKLINK_TEXT": "&#x21a9;&#xfe0e;"},  # as Goldmark writes it (counted in CJK text)
    }


@lru_cache(maxsize=8)
def _converter(options: MarkdownOptions, prune_inline: bool = True) -> python_markdown.Markdown:
    """The converter for these options; `prune_inline` skips inline patterns and block tests
    that cannot match.

    Pruning (sitegen/markup/inline_pruning.py, sitegen/markup/block_pruning.py) changes no output, only
    the time taken; it is not in `markdown_extensions()`, so the benchmark's floor runs
    Python-Markdown without it. A Python-Markdown without the private hooks it needs
    converts unpruned, after one warning (pruning_support.py).
    """
    extensions = markdown_extensions(options)
    if prune_inline and warn_if_unsupported():
        extensions += [InlinePruningExtension(), BlockPruningExtension()]
    return python_markdown.Markdown(extensions=extensions,
                                    extension_configs=_extension_configs(options.line_numbers, options.diagrams,
                                                                         options.raw_diagrams and options.unsafe,
                                                                         options.diagrams_joined),
                                    output_format="html")


def page_options(options: MarkdownOptions, is_cjk_language: bool | None) -> MarkdownOptions:
    """Options for one page: Hugo's per-page isCJKLanguage turns CJK word counting on or off.

    With the site-wide has_cjk_language on, Hugo detects CJK text on every page itself and
    the page's flag is not read; so it is here.
    """
    if is_cjk_language is None or options.has_cjk_language:
        return options
    return replace(options, has_cjk_language=is_cjk_language, cjk_detect=False)


def _convert(md: python_markdown.Markdown, text: str) -> str:
    """md.convert, with running out of stack reported as MarkdownTooDeep."""
    try:
        return md.convert(text)
    except RecursionError:
        # The instance is left mid-parse (its block parser's state stack, for one, would
        # make every later paragraph a list item's text): build fresh ones from now on.
        _converter.cache_clear()
        raise MarkdownTooDeep("blocks nested too deeply") from None


def mark_more(text: str) -> str:
    """Put the first `<!--more-->` outside code on a paragraph of its own, as a token."""
    start = 0
    regions: list[tuple[int, int]] | None = None
    starts: list[int] = []
    while (at := text.find(MORE_DIVIDER, start)) >= 0:
        if regions is None:
            regions = code_regions(text)
            starts = [begin for begin, _ in regions]
        index = bisect_right(starts, at) - 1  # the last region starting at or before it
        if index < 0 or regions[index][1] <= at:
            before, after = text[:at].rstrip(" \t"), text[at + len(MORE_DIVIDER):].lstrip(" \t")
            return f"{before}\n\n{MORE_TOKEN}\n\n{after}"
        start = at + len(MORE_DIVIDER)
    return text


def render_markdown(text: str, options: MarkdownOptions, stash: Sequence[str] = ()) -> RenderedBody:
    """Convert one body; `<!--more-->` ends the summary.

    `stash` is the raw HTML of shortcodes cut out of `text`: it is put back before
    words are counted and the summary is taken, so that a shortcode's text counts.
    """
    md = _converter(options)
    md.reset()
    blocks = md.preprocessors["goldmark_blocks"]
    blocks.notes = []  # type: ignore[attr-defined]  # a blank text never runs it
    body = _convert(md, mark_more(text))
    collector: BodyCollector = md.body_collector  # type: ignore[attr-defined]
    toc_html = md.toc if len(collector.headings) >= options.toc_min_headings else ""  # type: ignore[attr-defined]
    headings = tuple(collector.headings)
    if stash:
        body = restore_shortcodes(body, list(stash))
        toc_html = restore_shortcodes(toc_html, list(stash), as_text=_output_text)
        headings = tuple((level, id_, _plain_outputs(text, stash)) for level, id_, text in headings)
    body, more = _cut_at_more(body)
    plain = plain_text(body)
    cjk_present = has_cjk(plain)
    is_cjk = options.has_cjk_language and (cjk_present or not options.cjk_detect)
    words = count_html_words(body, cjk=is_cjk)
    summary_html, truncated = more or summary_cut(body, options.summary_words, cjk=is_cjk)
    return RenderedBody(
        html=body,
        summary_html=summary_html,
        summary_text=" ".join(plain_text(summary_html).split()),
        truncated=truncated,
        toc_html=toc_html.strip(),
        headings=headings,
        word_count=words,
        reading_time=reading_minutes(words, is_cjk),
        is_cjk=is_cjk,
        lang_hint=dominant_cjk_lang(plain, options.cjk_lang) if cjk_present else "",
        links=tuple(collector.links),
        ids=tuple(collector.ids),
        has_more=more is not None,
        notes=tuple(blocks.notes),  # type: ignore[attr-defined]
    )


def _cut_at_more(body: str) -> tuple[str, tuple[str, bool] | None]:
    """The body without its `<!--more-->` token, and (summary HTML, whether the body goes on)
    when the token stood as a paragraph of its own: the text before it is the summary."""
    token_para = f"<p>{MORE_TOKEN}</p>"
    if token_para in body:
        before, _, after = body.partition(token_para)
        return before.rstrip("\n") + "\n" + after.lstrip("\n"), (before.strip(), bool(after.strip()))
    if MORE_TOKEN in body:  # the divider was inside a raw HTML block: it stays a comment there
        body = body.replace(MORE_TOKEN, MORE_DIVIDER)
    return body, None


def _output_text(output: str) -> str:
    """A shortcode's HTML output as escaped text, for places that hold text only."""
    return html_lib.escape(" ".join(plain_text(output).split()))


def _plain_outputs(text: str, stash: Sequence[str]) -> str:
    """Plain `text` (a heading's) with each stash marker replaced by its output's text."""
    if STASH_OPEN not in text:
        return text
    return STASH_RE.sub(lambda m: " ".join(plain_text(stash[int(m[1])]).split())
                        if int(m[1]) < len(stash) else "", text)


_WRAPPING_P_RE = re.compile(r"^<p>(.*)</p>$", re.DOTALL)


def render_inline_markdown(text: str, options: MarkdownOptions) -> str:
    """Convert a short front matter text (a summary) to HTML, without a wrapping <p> (as Hugo).

    The engine's marker characters are removed first: front matter is source text too.
    """
    md = _converter(options)
    md.reset()
    html_text = _convert(md, strip_reserved(text)).strip()
    match = _WRAPPING_P_RE.match(html_text)
    return match.group(1) if match and "<p" not in match.group(1) else html_text


def reading_minutes(words: int, cjk: bool) -> int:
    """Hugo's reading time: 213 words a minute, or 501 characters for CJK text; 0 for no words."""
    rate = 501 if cjk else 213
    return (words + rate - 1) // rate
