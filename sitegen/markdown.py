"""Convert a Markdown body to HTML plus what templates and checks need from it.

Text and options in, a `RenderedBody` out: this module knows nothing of templates,
URLs or the site (like Hugo's markup converters), so it can run in worker
processes and its results can be cached by (text digest, options).

One `markdown.Markdown` instance is kept per options per process and `reset()`
between documents, because building one costs more than converting a short article.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import markdown as python_markdown

from .markdown_ext import (
    MORE_TOKEN, BodyCollector, HugoCompatExtension, heading_slug)
from .text import count_words, dominant_cjk_lang, has_cjk, plain_text, summarize_text

# Extensions shared by the engine and the benchmark's floor measurement.
BASE_EXTENSIONS: tuple[str, ...] = (
    "abbr", "attr_list", "def_list", "footnotes", "md_in_html", "tables", "sane_lists",
    "toc", "pymdownx.superfences", "pymdownx.highlight", "pymdownx.magiclink", "pymdownx.tilde",
)

MORE_RE = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*$", re.MULTILINE | re.IGNORECASE)


@dataclass(frozen=True)
class MarkdownOptions:
    """Everything that changes the HTML a body converts to (part of the cache key)."""

    smart_quotes: bool = True
    unsafe: bool = False
    toc_min_headings: int = 3
    summary_words: int = 70
    has_cjk_language: bool = True
    cjk_lang: str = "ja"


@dataclass(frozen=True)
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


def markdown_extensions(options: MarkdownOptions) -> list[object]:
    """The extension list for these options (also used by bench/floor.py)."""
    return [
        *BASE_EXTENSIONS,
        HugoCompatExtension(smart_quotes=options.smart_quotes, unsafe=options.unsafe,
                            cjk_lang=options.cjk_lang),
    ]


def _extension_configs() -> dict[str, dict[str, object]]:
    return {
        "toc": {"slugify": heading_slug, "toc_depth": "2-4", "marker": ""},
        "pymdownx.highlight": {"css_class": "codehilite", "guess_lang": False,
                               "pygments_lang_class": True},
        "pymdownx.magiclink": {"hide_protocol": False},
        "pymdownx.tilde": {"subscript": False},
        "footnotes": {"BACKLINK_TITLE": "Back to reference %d"},
    }


@lru_cache(maxsize=8)
def _converter(options: MarkdownOptions) -> python_markdown.Markdown:
    return python_markdown.Markdown(extensions=markdown_extensions(options),
                                    extension_configs=_extension_configs(),
                                    output_format="html")


def render_markdown(text: str, options: MarkdownOptions) -> RenderedBody:
    """Convert one body; `<!--more-->` on a line of its own ends the summary."""
    md = _converter(options)
    md.reset()
    marked = MORE_RE.sub(f"\n{MORE_TOKEN}\n", text, count=1)
    body = md.convert(marked)
    collector: BodyCollector = md.body_collector  # type: ignore[attr-defined]
    token_para = f"<p>{MORE_TOKEN}</p>"
    has_more = token_para in body
    if has_more:
        before, _, after = body.partition(token_para)
        body = before.rstrip("\n") + "\n" + after.lstrip("\n")
    plain = plain_text(body)
    is_cjk = options.has_cjk_language and has_cjk(plain)
    words = count_words(plain, cjk=is_cjk)
    if has_more:
        summary_html = before.strip()
        summary_text = plain_text(summary_html)
        truncated = bool(after.strip())
    else:
        summary_text, truncated = summarize_text(_paragraph_texts(body), options.summary_words,
                                                 cjk=is_cjk)
        summary_html = f"<p>{html.escape(summary_text, quote=False)}</p>" if summary_text else ""
    toc_html = md.toc if len(collector.headings) >= options.toc_min_headings else ""  # type: ignore[attr-defined]
    return RenderedBody(
        html=body,
        summary_html=summary_html,
        summary_text=summary_text,
        truncated=truncated,
        toc_html=toc_html.strip(),
        headings=tuple(collector.headings),
        word_count=words,
        reading_time=reading_minutes(words, is_cjk),
        is_cjk=is_cjk,
        lang_hint=dominant_cjk_lang(plain, options.cjk_lang),
        links=tuple(collector.links),
        ids=tuple(collector.ids),
    )


def render_inline_markdown(text: str, options: MarkdownOptions) -> str:
    """Convert a short front matter text (a summary) to HTML."""
    md = _converter(options)
    md.reset()
    return md.convert(text)


def reading_minutes(words: int, cjk: bool) -> int:
    """Hugo's reading time: 213 words a minute, or 501 characters for CJK text."""
    rate = 501 if cjk else 213
    return max(1, (words + rate - 1) // rate)


_PARAGRAPH_RE = re.compile(r"<p>(.*?)</p>", re.DOTALL)


def _paragraph_texts(body: str) -> list[str]:
    return [plain_text(p) for p in _PARAGRAPH_RE.findall(body)]
